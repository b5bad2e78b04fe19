"""Where a person goes back to after unlocking the screen: a path of the staff workspace on
this site, never an address elsewhere (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit

HOME = "/app"
#: Pages that make no sense to come back to.
_NOT_BACK_TO = frozenset({"/app/lock", "/app/unlock", "/app/keepalive"})


def safe_return_path(value: str | None) -> str:
    """``value`` when it is a path (with its query) under ``/app`` of this site, else ``/app``.

    Refused: absolute and scheme-relative addresses (``https://…``, ``//host``), backslashes
    and control characters (read as ``/`` or dropped by some browsers), ``..`` segments, paths
    outside the workspace and the lock screen itself."""
    if not value or len(value) > 2000:
        return HOME
    if "\\" in value or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.fragment:
        return HOME
    path = parts.path
    if not (path == HOME or path.startswith(HOME + "/")) or path.startswith("//"):
        return HOME
    if ".." in path.split("/") or path.rstrip("/") in _NOT_BACK_TO:
        return HOME
    return value


def request_target(path: str, query: str) -> str:
    """The path and query of a request, as :func:`safe_return_path` takes it."""
    return f"{path}?{query}" if query else path
