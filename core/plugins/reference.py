"""The plugin API reference (docs/plugin-api.md), generated from the docstrings.

``python -m salonkeep.core.plugins.reference > docs/plugin-api.md`` writes it again;
``tests/plugins/test_reference.py`` fails when the committed page differs from what this
generates, when a hook has no docstring with an example, or when a public class or function
of the API has no docstring.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from salonkeep.core.plugins import api, hookspecs

HEADER = """\
# Plugin API reference

Generated from the docstrings of `salonkeep.core.plugins.api` (everything a plugin imports)
and `salonkeep.core.plugins.hookspecs` (every hook) by
`python -m salonkeep.core.plugins.reference > docs/plugin-api.md`; do not edit by hand. The
guide with examples is [plugins.md](plugins.md).
"""


def _doc(obj: Any) -> str:
    return inspect.getdoc(obj) or ""


def _signature(obj: Any) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""


def undocumented() -> list[str]:
    """Hooks without a docstring holding an ``Example::``, and public classes and functions
    of the API without a docstring of their own."""
    missing = [name for name in hookspecs.hook_names() if "Example::" not in _doc(getattr(hookspecs, name))]
    for name in api.__all__:
        obj = getattr(api, name)
        if (inspect.isclass(obj) or inspect.isroutine(obj)) and not _doc(obj):
            missing.append(name)
    return missing


def _field_lines(cls: type) -> list[str]:
    if not dataclasses.is_dataclass(cls):
        return []
    lines = []
    for item in dataclasses.fields(cls):
        if item.name.startswith("_"):
            continue
        default = ""
        if item.default is not dataclasses.MISSING:
            default = f" = {item.default!r}"
        elif item.default_factory is not dataclasses.MISSING:
            default = " = (empty)"
        lines.append(f"- field `{item.name}: {item.type}{default}`")
    return lines


def _member_lines(cls: type) -> list[str]:
    lines = _field_lines(cls)
    for name, member in vars(cls).items():
        if name.startswith("_") or not callable(member) or not _doc(member):
            continue
        lines.append(f"- `{name}{_signature(member)}`: {_doc(member).splitlines()[0]}")
    return lines


def render() -> str:
    """The reference page as Markdown."""
    out = [HEADER, "## Hooks\n"]
    for name in hookspecs.hook_names():
        hook = getattr(hookspecs, name)
        out.append(f"### `{name}{_signature(hook)}`\n\n{_doc(hook)}\n")
    out.append("## Classes\n")
    names = sorted(api.__all__)
    for name in names:
        obj = getattr(api, name)
        if inspect.isclass(obj):
            out.append(f"### `{name}`\n\n{_doc(obj)}\n")
            members = _member_lines(obj)
            if members:
                out.append("\n".join(members) + "\n")
    out.append("## Functions\n")
    for name in names:
        obj = getattr(api, name)
        if inspect.isroutine(obj):
            out.append(f"### `{name}{_signature(obj)}`\n\n{_doc(obj)}\n")
    out.append("## Constants and modules\n")
    for name in names:
        obj = getattr(api, name)
        if inspect.ismodule(obj):
            out.append(f"- `{name}`: {_doc(obj).splitlines()[0] if _doc(obj) else 'module'}")
        elif not (inspect.isclass(obj) or inspect.isroutine(obj)) and isinstance(obj, str | tuple | int):
            out.append(f"- `{name}` = `{obj!r}`")
        elif not (inspect.isclass(obj) or inspect.isroutine(obj)):
            out.append(f"- `{name}`: {type(obj).__name__}")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
