"""The owner's programme settings: enable programmes and edit their settings per tenant."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.aftercare import programmes
from salonkeep.core.plugins.api import Setting, SettingRefused
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import NotFound
from salonkeep.web.i18n import current_language
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, render


def as_text(setting: Setting, value: Any) -> str:
    """A setting's value as the form shows it (a default text in the person's language)."""
    if setting.is_default(value):
        value = setting.default_in(current_language())
    if setting.type == "int_list":
        return ", ".join(str(v) for v in value)
    if setting.type == "bool":
        return "true" if value else "false"
    return str(value)


def refusal_text(exc: ValueError) -> str:
    """Why a setting's value was refused, in the person's language."""
    if not isinstance(exc, SettingRefused):
        return _("This value is not valid.")
    if exc.reason == "minimum":
        return _("Enter %(limit)s or more.") % {"limit": exc.limit}
    if exc.reason == "maximum":
        return _("Enter %(limit)s or less.") % {"limit": exc.limit}
    messages = {
        "whole_number": _("Enter a whole number, such as 24."),
        "bool": _("Choose yes or no."),
        "time": _("Enter a time such as 10:00."),
        "int_list": _("Enter whole numbers separated by commas, such as 1, 7, 30."),
        "increasing": _("Enter the numbers in increasing order, each once."),
        "text": _("Enter at most 2000 characters."),
    }
    return messages.get(exc.reason, _("This value is not valid."))


async def _page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    saved: str = "",
    status: int = 200,
) -> Template:
    states = await programmes.list_programmes()
    return render(
        request,
        "aftercare/programmes.html",
        {
            "states": states,
            "as_text": as_text,
            "errors": errors or {},
            "values": values or {},
            "saved": saved,
        },
        status_code=status,
    )


@get("/admin/programmes", include_in_schema=False)
async def programme_list(request: Request[Any, Any, Any], saved: str = "") -> Template:
    """Every installed programme: enabled or not, and its settings with their defaults."""
    return await _page(request, saved=saved)


@post("/admin/programmes/{name:str}", include_in_schema=False)
async def save_programme(request: Request[Any, Any, Any], name: str, data: Form) -> Response[Any]:
    """Save one programme's switch and settings: every field is checked first, so bad input
    (422 naming the field) saves nothing."""
    require(current(), Action.PROGRAMMES_MANAGE)
    state = next((s for s in await programmes.list_programmes() if s.programme.name == name), None)
    if state is None:
        raise NotFound(f"no programme called {name!r}")
    schema = state.programme.schema()
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, setting in schema.items():
        raw = data.get(key)
        if setting.type == "bool":
            raw = "true" if data.get(key) in ("1", "true", "on") else "false"
        if raw is None:
            continue
        try:
            value = setting.parse(raw)
        except ValueError as exc:
            errors[key] = refusal_text(exc)
            continue
        if setting.is_default(value):
            value = setting.default  # the default as shown in the person's language
        if value != state.settings.get(key):
            changes[key] = value
    if errors:
        return await _page(request, errors={name: errors}, values={name: data}, status=422)
    enabled = data.get("enabled") in ("1", "true", "on")
    if enabled != state.enabled:
        await programmes.set_enabled(name, enabled)
    for key, value in changes.items():
        await programmes.set_setting(name, key, value)
    return Redirect(f"/app/admin/programmes?saved={name}#programme-{name}", status_code=303)


routes = [programme_list, save_programme]
