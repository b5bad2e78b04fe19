"""Input no route can use, refused before any route sees it: the checks of the edge layer.

Every text that arrives — the path, each query parameter, each field of a form body, each key
and string of a JSON body — must be valid UTF-8 without NUL characters or lone surrogates;
JSON may nest at most :data:`MAX_JSON_DEPTH` levels and its integers must fit in 64 bits;
a body may have at most :data:`MAX_BODY_BYTES`; multipart bodies are refused except on the
upload paths of :data:`UPLOADS` (each with its own size limit). A refusal names the field (``path``,
``body``, the parameter's name, or the dotted path of a JSON value).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

MAX_JSON_DEPTH = 32
MAX_BODY_BYTES = 1024 * 1024
#: The only paths that take multipart uploads (whole-path patterns), with their body limits:
#: the client import, a partner's security report, the staff import, a photo added to a
#: complaint by staff, and the public complaint page of a branch (up to three photos of 5 MB;
#: its text fields are checked by the route, since multipart bodies are not read here).
UPLOADS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"/app/clients/import"), 33 * 1024 * 1024),
    (re.compile(r"/app/admin/staff/import"), 2 * 1024 * 1024),
    (re.compile(r"/app/privacy/partners/[0-9a-f-]{36}/report"), 6 * 1024 * 1024),
    (re.compile(r"/app/complaints/[0-9a-f-]{36}/photos"), 6 * 1024 * 1024),
    (re.compile(r"/t/[^/]+/complaint/[0-9a-f-]{36}"), 16 * 1024 * 1024),
)
_INT64 = 2**63
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: HTTP status, the field, and what is wrong with it."""

    status: int
    field: str
    message: str


def _text_problem(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "is not valid UTF-8"
    return _string_problem(text)


def _string_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid Unicode)"
    return None


def check_pairs(encoded: bytes, fallback: str) -> Refusal | None:
    """Check ``a=1&b=2`` (a query string or a urlencoded form): each name and value."""
    for pair in encoded.split(b"&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(raw_name.replace(b"+", b" "))
        problem = _text_problem(name_bytes)
        if problem:
            return Refusal(400, fallback, f"a parameter name {problem}")
        name = name_bytes.decode("utf-8")
        problem = _text_problem(unquote_to_bytes(raw_value.replace(b"+", b" ")))
        if problem:
            return Refusal(400, name, problem)
    return None


def check_url(scope: Any) -> Refusal | None:
    """Check the request's path and query string."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    raw_path = raw_path.split(b"?", 1)[0]  # some clients leave the query string in raw_path
    problem = _text_problem(unquote_to_bytes(raw_path))
    if problem is None and "\x00" in scope.get("path", ""):
        problem = "contains a NUL character"
    if problem:
        return Refusal(400, "path", problem)
    return check_pairs(scope.get("query_string", b""), "query")


def json_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (strings are skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _walk(value: Any, path: str) -> Refusal | None:
    field = path or "body"
    if isinstance(value, str):
        problem = _string_problem(value)
        return Refusal(400, field, problem) if problem else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not -_INT64 <= value < _INT64:
        return Refusal(422, field, "is out of range")
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _string_problem(key)
            if problem:
                return Refusal(400, field, f"a key {problem}")
            found = _walk(item, f"{path}.{key}" if path else key)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _walk(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def check_json(body: bytes) -> Refusal | None:
    """Check a JSON body (one that does not parse is left to the route's own 422)."""
    problem = _text_problem(body)
    if problem == "is not valid UTF-8":
        return Refusal(400, "body", problem)
    if json_depth(body) > MAX_JSON_DEPTH:
        return Refusal(400, "body", f"nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return _walk(value, "")


def media_type(scope: Any) -> str:
    """The request's content type without parameters, lower case ("" when absent)."""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.decode("latin-1").split(";", 1)[0].strip().lower()
    return ""


def is_json(media: str) -> bool:
    """True for ``application/json`` and ``application/…+json``."""
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def upload_limit(path: str) -> int | None:
    """The body limit of ``path`` when it takes multipart uploads, else ``None``."""
    return next((limit for pattern, limit in UPLOADS if pattern.fullmatch(path)), None)


def body_limit(scope: Any) -> int:
    """The largest body accepted on the request's path."""
    return upload_limit(str(scope.get("path", ""))) or MAX_BODY_BYTES


def check_body(scope: Any, body: bytes) -> Refusal | None:
    """Check a request body by its content type (JSON and urlencoded forms are read)."""
    media = media_type(scope)
    if is_json(media):
        return check_json(body)
    if media == "application/x-www-form-urlencoded":
        return check_pairs(body, "body")
    if media.startswith("multipart/form-data") and upload_limit(str(scope.get("path", ""))) is not None:
        return None
    if media.startswith("multipart/"):
        # Only the upload routes take them; litestar would read such a body as a form, unchecked.
        return Refusal(415, "body", "multipart bodies are not accepted (send a urlencoded form)")
    return None
