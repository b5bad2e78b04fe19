"""What an unhandled error becomes: one log line with the traceback and the request id, and a
500 that shows the id — a page for people, JSON under ``/api/`` — and nothing else (no
exception text reaches the client)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Template

from salonkeep.web import logs, request_ids
from salonkeep.web.edge import is_api
from salonkeep.web.i18n import current_language

_log = logs.logger("errors")


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Log ``exc`` with its traceback; answer 500 with the request id."""
    request_id = request_ids.of(request)
    _log.error(
        "unhandled error",
        method=request.method,
        path=request.url.path,
        error=type(exc).__name__,
        request_id=request_id,
        exc_info=exc,
    )
    if is_api(request.scope):
        return Response(
            {"detail": "Internal server error", "request_id": request_id},
            status_code=500,
            headers={"Cache-Control": "no-store"},
        )
    return Template(
        "error.html",
        context={"request_id": request_id, "lang": current_language()},
        status_code=500,
        headers={"Cache-Control": "no-store"},
    )


def not_found_page(request: Request[Any, Any, Any]) -> Response[Any]:
    """The page for an address that does not exist outside the staff workspace (and the API)."""
    return Template(
        "not_found.html",
        context={"request_id": request_ids.of(request), "lang": current_language()},
        status_code=404,
        headers={"Cache-Control": "no-store"},
    )
