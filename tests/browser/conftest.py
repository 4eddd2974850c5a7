"""Fixtures for browser tests: a real ``storyline serve`` in a subprocess, driven by
Debian's Chromium through Playwright.

Reusable by any browser test:

- ``server``: a session-wide server on a copy of the demo database (read from it only);
  ``.url``, ``.db``, ``.token``.
- ``start_server(db_path, **settings)``: a context manager that serves another database
  (e.g. one that ``storyline watch`` writes to) and yields the same kind of object.
- ``writable_server``: a server of its own on a fresh copy of the demo database.
- ``browser``, ``page`` (1280x900, failing the test on a page error or a console error
  such as a Content-Security-Policy refusal), ``screenshot(page, name)`` into
  ``docs/screenshots/``, and ``post_articles(server, [...])`` (ingest over the HTTP API).

Chromium comes from Debian (``apt-get install chromium``, done by ``scripts/test.sh``);
Playwright never downloads a browser here. Without ``/usr/bin/chromium`` the tests skip
and say how to install it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TOKEN = "browser-test-token"
START_TIMEOUT_S = 90


@dataclass
class Server:
    url: str  # http://127.0.0.1:PORT (no trailing slash)
    db: Path
    token: str
    process: subprocess.Popen


def _wait_for_address(process: subprocess.Popen) -> str:
    """The address ``storyline serve`` announces on its first line."""
    line = process.stdout.readline()
    if " at http://" not in line:
        process.kill()
        rest = process.stdout.read()
        raise RuntimeError(f"storyline serve did not start: {line}{rest}")
    return line.split(" at ", 1)[1].strip().rstrip("/")


def _wait_until_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"storyline serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"storyline serve at {url} did not answer in {START_TIMEOUT_S} s")


@contextmanager
def run_server(db: Path, token: str = TOKEN, **settings: Any) -> Iterator[Server]:
    """``storyline serve`` on ``db`` and any free loopback port, stopped afterwards.
    ``settings`` become ``STORYLINE_<NAME>`` variables (e.g. ``poll_seconds=1``)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           **{f"STORYLINE_{name.upper()}": str(value) for name, value in settings.items()}}
    process = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--host", "127.0.0.1",
         "--port", "0", "--token", token],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        url = _wait_for_address(process)
        _wait_until_healthy(url, process)
        yield Server(url=url, db=db, token=token, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def start_server():
    return run_server


@pytest.fixture(scope="session")
def server(db_copy) -> Iterator[Server]:
    with run_server(db_copy("browser.db")) as running:
        yield running


@pytest.fixture
def writable_server(db_copy) -> Iterator[Server]:
    with run_server(db_copy("writable.db"), poll_seconds=1) as running:
        yield running


def post_articles(server: Server, articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Ingest ``articles`` through the HTTP API of ``server``; the API's answer."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/articles/batch", method="POST",
        data=json.dumps({"articles": articles}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


@pytest.fixture(scope="session", name="post_articles")
def post_articles_fixture():
    return post_articles


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("STORYLINE_REQUIRE_BROWSER") == "1":
            pytest.fail("no /usr/bin/chromium, and STORYLINE_REQUIRE_BROWSER=1 (CI) needs it")
        pytest.skip("no /usr/bin/chromium: install it with "
                    "'apt-get install -y --no-install-recommends chromium' (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh page; any uncaught script error or console error fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("console", lambda message: problems.append(f"console: {message.text}")
              if message.type == "error" else None)
    yield opened
    context.close()
    assert not problems, problems


@pytest.fixture
def screenshot():
    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take
