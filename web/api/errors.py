"""Turn service errors and litestar's own validation errors into JSON the API promises:
422 ``{"detail": ..., "errors": {field: message}}``, 404, 403, 409, 415 and 401, each with the
request id; :data:`ERROR_RESPONSES` documents them in the OpenAPI schema."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import ClientException, NotAuthorizedException
from litestar.exceptions import ValidationException as LitestarValidation
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap

from salonkeep.core.access import Forbidden
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.web import request_ids
from salonkeep.web.api.schemas import ErrorBody

_UNKNOWN_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]+)`")
_PATH = re.compile(r"at `\$\.([A-Za-z_][A-Za-z0-9_]*)")

AnyRequest = Request[Any, Any, Any]


def _json(
    status: int,
    detail: str,
    errors: dict[str, str] | None = None,
    *,
    request: AnyRequest | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    if request is not None:
        body["request_id"] = request_ids.of(request)
    return Response(body, status_code=status, headers=headers)


def _validation_failed(request: AnyRequest, exc: ValidationFailed) -> Response[dict[str, Any]]:
    return _json(422, "Invalid input", exc.errors, request=request)


def _field_of(item: dict[str, Any], fallback: str) -> str:
    message = str(item.get("message", ""))
    for pattern in (_UNKNOWN_FIELD, _PATH):
        match = pattern.search(message)
        if match:
            return match.group(1)
    key = item.get("key")
    return str(key) if key and key != "data" else fallback


def _litestar_invalid(request: AnyRequest, exc: LitestarValidation) -> Response[dict[str, Any]]:
    """Bodies that are not JSON, wrong types, missing fields, bad query parameters → 422."""
    errors: dict[str, str] = {}
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            message = str(item.get("message", "is invalid"))
            errors[_field_of(item, "body")] = re.sub(r"\s*- at `\$[^`]*`$", "", message)
    if not errors:
        errors["body"] = "is not a valid JSON object" if "JSON" in exc.detail else exc.detail
    return _json(422, "Invalid input", errors, request=request)


def _not_found(request: AnyRequest, exc: NotFound) -> Response[dict[str, Any]]:
    return _json(404, "Not found", request=request)


def _forbidden(request: AnyRequest, exc: Forbidden) -> Response[dict[str, Any]]:
    return _json(403, str(exc), request=request)


def _conflict(request: AnyRequest, exc: Conflict) -> Response[dict[str, Any]]:
    return _json(409, "Conflict", {exc.field: str(exc.message)}, request=request)


def _unauthorized(request: AnyRequest, exc: NotAuthorizedException) -> Response[dict[str, Any]]:
    return _json(401, exc.detail, request=request, headers={"WWW-Authenticate": "Bearer"})


def _client_error(request: AnyRequest, exc: ClientException) -> Response[dict[str, Any]]:
    """A body that is not JSON at all is bad input too: 422 naming the body."""
    if exc.status_code == 400:
        return _json(422, "Invalid input", {"body": f"is not valid JSON ({exc.detail})"}, request=request)
    return _json(exc.status_code, exc.detail, request=request, headers=exc.headers)


API_EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ClientException: _client_error,
    ValidationFailed: _validation_failed,
    LitestarValidation: _litestar_invalid,
    NotFound: _not_found,
    Forbidden: _forbidden,
    Conflict: _conflict,
    NotAuthorizedException: _unauthorized,
}


def _spec(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorBody, description=description, generate_examples=False)


#: The error responses every API operation may give, for the OpenAPI schema.
ERROR_RESPONSES: dict[int, ResponseSpec] = {
    400: _spec("Input that cannot be read (NUL characters, invalid UTF-8, JSON nested too deep)"),
    401: _spec("No valid API key (Authorization: Bearer sk_…)"),
    403: _spec("The key's role may not do this"),
    404: _spec("No such object for this key (other tenants' objects included)"),
    422: _spec("Invalid input: each refused field with what is wrong with it"),
}
#: Besides those, the error responses of operations that take a JSON body.
BODY_ERROR_RESPONSES: dict[int, ResponseSpec] = {
    **ERROR_RESPONSES,
    409: _spec("Conflicts with what is stored (e.g. a duplicate)"),
    413: _spec("The body is larger than 1 MiB"),
    415: _spec("The body is not application/json"),
}
