"""One error hierarchy for Storyline.

    StorylineError                 base; ``str(err)`` is a one-line message for a user
    ├── UserError                  the user can fix it (bad flag, missing file, bad setting)
    │   ├── SettingsError          unknown or malformed setting
    │   └── SourceError            a path or URL that cannot be read at all
    ├── StoreError                 the database cannot be opened or written
    │   └── MigrationError         the database was made by a newer Storyline
    └── MissingDependency          an optional extra is not installed

Bad *documents* are not errors: a stage returns ``Rejected(reason=...)`` and the batch goes
on. Errors are for what stops a whole command. The CLI turns them into one line and an
exit code; the HTTP layer into a status and JSON.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class. The message says what went wrong and what to do next."""

    exit_code = 1


class UserError(StorylineError):
    exit_code = 2


class SettingsError(UserError):
    pass


class SourceError(UserError):
    pass


class StoreError(StorylineError):
    exit_code = 5


class MigrationError(StoreError):
    pass


class MissingDependency(StorylineError):
    def __init__(self, package: str, extra: str):
        super().__init__(
            f"{package} is not installed; install it with: pip install 'storyline[{extra}]'"
        )
