"""The public front door and the import direction of DESIGN.md stay as designed."""

from __future__ import annotations

import ast
from pathlib import Path

import storyline
from storyline.settings import SETTINGS, defaults_file, load_settings

PACKAGE = Path(storyline.__file__).parent


def test_public_api_is_pinned():
    assert storyline.__all__ == ["Article", "Engine", "IngestReport", "RawDocument", "Rejected",
                                 "Removal", "StorylineError", "UserError"]
    for name in storyline.__all__:
        assert getattr(storyline, name).__module__.startswith("storyline.")


def _package_imports(path: Path) -> set[str]:
    """Top-level storyline modules a file imports (relative imports resolved)."""
    module_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_parts[: len(module_parts) - node.level]
                target = ".".join(base + ((node.module,) if node.module else ()))
            else:
                target = node.module or ""
            if target.startswith("storyline"):
                parts = target.split(".")
                found.add(parts[1] if len(parts) > 1 else "")
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("storyline.")}
    return found


def test_import_direction():
    basics = {"types", "errors", "settings"}
    for path in PACKAGE.rglob("*.py"):
        if "demo_corpus" in path.parts:
            continue
        top = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        imported = _package_imports(path) - {top}
        if top in basics:
            assert imported <= {"errors"}, (path, imported)  # settings raises SettingsError
        elif top in {"sources", "extract", "store"}:
            assert imported <= basics, (path, imported)  # stages know only the shared records
        elif top in {"cli", "render"}:
            assert "store" not in imported and "extract" not in imported, (path, imported)
        elif top == "serve":  # the HTTP layer goes through Engine only ("": the package itself)
            assert imported <= {"", "engine", "errors", "settings", "types"}, (path, imported)
        elif top in {"cards", "enrich", "embed", "cluster", "dedup"}:  # stages: no store, no engine
            assert not imported & {"store", "engine", "storybuilder", "cardbuilder"}, (path, imported)


def test_every_setting_is_documented_and_in_the_defaults_file():
    text = defaults_file()
    for setting in SETTINGS:
        assert setting.help and f"{setting.name} =" in text
    assert load_settings()["db"] == "storyline.db"


def test_settings_precedence_and_unknown_keys(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "storyline.toml").write_text('db = "from-file.db"\nbatch_size = 7\n')
    assert load_settings()["db"] == "from-file.db"
    monkeypatch.setenv("STORYLINE_DB", "from-env.db")
    assert load_settings()["db"] == "from-env.db"
    assert load_settings({"db": "flag.db"})["db"] == "flag.db"
    assert load_settings()["batch_size"] == 7
    (tmp_path / "storyline.toml").write_text('dbb = "typo.db"\n')
    try:
        load_settings()
    except storyline.UserError as err:
        assert "dbb" in str(err) and "known settings" in str(err)
    else:
        raise AssertionError("an unknown setting was accepted")
