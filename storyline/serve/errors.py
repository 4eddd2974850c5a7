"""Errors as the web speaks them: JSON with a reason under /api, an HTML page elsewhere.

Storyline's own errors map to statuses once, here: a ``UserError`` (a bad filter value) is
400, a ``StoreError`` (the database cannot be used) is 503. Anything unexpected is logged
with its traceback and answered 500 without one.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import StoreError, StorylineError, UserError

logger = logging.getLogger(__name__)


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StorylineError, _storyline_error)
    app.add_exception_handler(Exception, _unexpected)


def error_response(request: Request, status: int, reason: str,
                   headers: dict[str, str] | None = None) -> Response:
    name = HTTPStatus(status).phrase
    if request.url.path.startswith("/api/") or request.url.path.startswith("/feeds/"):
        return JSONResponse({"status": status, "error": name, "reason": reason},
                            status_code=status, headers=headers)
    templates = request.app.state.templates
    return HTMLResponse(templates.get_template("error.html").render(
        request=request, site=None, status=status, name=name, reason=reason),
        status_code=status, headers=headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    reason = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and reason == "Not Found":
        reason = f"nothing at {request.url.path}; the API lists its paths at /api"
    return error_response(request, exc.status_code, reason, getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return error_response(request, 422, describe_validation(exc))


def describe_validation(exc: RequestValidationError) -> str:
    """The first problems of a request, one line: where, and what was expected."""
    problems = []
    for error in exc.errors()[:3]:
        where = " ".join(str(part) for part in error.get("loc", ()))
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    more = len(exc.errors()) - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


async def _storyline_error(request: Request, exc: StorylineError) -> Response:
    if isinstance(exc, UserError):
        return error_response(request, 400, str(exc))
    if isinstance(exc, StoreError):
        logger.error("database problem on %s: %s", request.url.path, exc)
        return error_response(request, 503, str(exc))
    logger.error("error on %s: %s", request.url.path, exc)
    return error_response(request, 500, str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s", request.url.path)
    return error_response(request, 500, "unexpected server error; the server log has details")
