"""The web app: HTTP API, web UI and feeds in one FastAPI application over one database.

    >>> app = create_app({"db": "news.db"})     # doctest: +SKIP
    >>> uvicorn.run(app)                         # or: storyline serve --db news.db

Everything reaches the data through ``Engine`` (see ``access``). Nothing a request carries
(a path, a parameter, a posted field) is ever used as a file name: static files come from
the package's own folder through Starlette's ``StaticFiles``, which refuses any path that
leaves it.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Mapping

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..engine import Engine
from ..errors import UserError
from ..settings import load_settings
from . import api, errors, feeds, pages
from .access import EngineAccess
from .cache import ResponseCache
from .security import Guard

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
#: Worker threads that run requests (each with its own read connection).
READ_THREADS = 8

DESCRIPTION = """Storyline's stories, articles, search and live changes over HTTP.

Reading needs nothing. Writing (`POST /api/v1/articles`, `/api/v1/articles/batch`) needs
`Authorization: Bearer <token>`, the token the server was started with (`storyline serve
--token`). Errors are JSON: `{"status": 404, "error": "Not Found", "reason": "..."}`.
"""


def create_app(settings: Mapping[str, Any] | None = None) -> FastAPI:
    """The app over the database in ``settings`` (missing settings take their defaults,
    the settings file and ``STORYLINE_*`` variables, as everywhere)."""
    resolved = load_settings(dict(settings or {}))
    with Engine(**resolved) as probe:  # open (and migrate) once: a bad database fails here
        in_memory = probe.store.location == ":memory:"
        probe.card_builder  # imports the card modules now, not in the first story page
    if in_memory:
        raise UserError("storyline serve needs a database file: an in-memory database "
                        "would be empty and different for every request; pass --db PATH")
    access = EngineAccess(resolved)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Each worker thread reads through its own connection, whose page cache starts
        # cold: a few threads kept busy serve faster than forty that each warm up.
        anyio.to_thread.current_default_thread_limiter().total_tokens = READ_THREADS
        yield
        access.close()

    app = FastAPI(title="Storyline", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = resolved
    app.state.access = access
    app.state.templates = pages.template_environment()
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    origins = [o.strip() for o in resolved["cors_origins"].split(",") if o.strip()]
    if origins:  # off unless asked for: browsers then refuse other sites' scripts
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(ResponseCache, settings=resolved)
    app.add_middleware(Guard, max_body_bytes=int(resolved["max_request_mb"] * 2**20))
    return app

