"""The owner's delivery screens under /app/admin: *Reminders* (queue depth, last sweep, sent /
suppressed / failed per day and channel), *Delivery problems* (failed messages: retry or
cancel), *Sent messages* (with the file the embedded default wrote) and *Message templates*
(per-tenant overrides: sandboxed, previewed with a sample client, validated before saving).
Every screen needs ``Action.PROGRAMMES_MANAGE`` (owners)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.delivery import messages, templates
from salonkeep.core.delivery.registry import outbox_folder
from salonkeep.core.tenant_config import change_section
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tenant_settings import raw_settings
from salonkeep.web import navigation
from salonkeep.web.pages import Form, render


def _(message: str) -> str:
    """Mark ``message`` for extraction; the navigation translates it when rendered."""
    return message


async def _zone() -> str:
    return (await get_tenant(current().tenant_id)).time_zone


@get("/admin/reminders", include_in_schema=False)
async def reminders(request: Request[Any, Any, Any]) -> Template:
    """Queue depth now, the last sweep and the outcomes of the last 7 days per channel."""
    require(current(), Action.PROGRAMMES_MANAGE)
    zone = await _zone()
    status = await messages.delivery_status(days=7, zone=zone)
    last_sweep = None
    redis = getattr(request.app.state, "redis", None)
    if redis is not None:
        raw = await redis.get(messages.LAST_SWEEP_KEY)
        last_sweep = json.loads(raw) if raw else None
    days = sorted({day for day, _, _ in status.per_day}, reverse=True)
    channels = sorted({channel for _, channel, _ in status.per_day})
    return render(
        request,
        "delivery/reminders.html",
        {
            "status": status,
            "last_sweep_at": datetime.fromtimestamp(float(last_sweep["at"]), UTC) if last_sweep else None,
            "time_zone": zone,
            "days": days,
            "channels": channels,
            "count": lambda day, channel, outcome: status.per_day.get((day, channel, outcome), 0),
        },
    )


@get("/admin/messages", include_in_schema=False)
async def message_list(request: Request[Any, Any, Any], status: str = "failed") -> Template:
    """Messages in one state: ``failed`` (Delivery problems) or ``sent`` (Sent messages)."""
    require(current(), Action.PROGRAMMES_MANAGE)
    if status not in ("failed", "sent", "suppressed", "queued"):
        raise ValidationFailed({"status": "use failed, sent, suppressed or queued"})
    rows = await messages.list_messages(status, limit=500)
    folder = outbox_folder(request.app.state.settings.data_dir)
    files = {
        r.id
        for r in rows
        if (folder / f"sk-{r.id}.eml").exists() or (folder / f"sk-{r.id}.sms.json").exists()
    }
    return render(
        request,
        "delivery/messages.html",
        {"rows": rows, "status": status, "files": files, "time_zone": await _zone()},
    )


@get("/admin/messages/{message_id:uuid}/file", include_in_schema=False)
async def message_file(request: Request[Any, Any, Any], message_id: UUID) -> Response[str]:
    """The file the embedded default wrote for one of the tenant's messages, as text."""
    require(current(), Action.PROGRAMMES_MANAGE)
    await messages.get_message(message_id)  # the tenant's own, or 404
    folder = outbox_folder(request.app.state.settings.data_dir)
    for name in (f"sk-{message_id}.eml", f"sk-{message_id}.sms.json"):
        if (folder / name).exists():
            return Response(
                (folder / name).read_text(encoding="utf-8", errors="replace"),
                media_type="text/plain; charset=utf-8",
                headers={"Cache-Control": "no-store"},
            )
    raise NotFound("no file was written for this message")


@post("/admin/messages/{message_id:uuid}/{verb:str}", include_in_schema=False)
async def message_action(request: Request[Any, Any, Any], message_id: UUID, verb: str) -> Response[Any]:
    """Retry or cancel a failed message."""
    require(current(), Action.PROGRAMMES_MANAGE)
    if verb == "retry":
        await messages.retry(message_id)
    elif verb == "cancel":
        await messages.cancel(message_id)
    else:
        raise NotFound("no such action")
    return Redirect("/app/admin/messages?status=failed", status_code=303)


async def _overrides() -> dict[str, Any]:
    return dict(raw_settings(await get_tenant(current().tenant_id)).get("message_templates") or {})


@get("/admin/templates", include_in_schema=False)
async def template_list(request: Request[Any, Any, Any], name: str = "", language: str = "en") -> Template:
    """Every built-in message template; with ``name``, its editor for one language."""
    require(current(), Action.PROGRAMMES_MANAGE)
    return await _editor(request, name, language)


async def _editor(
    request: Request[Any, Any, Any],
    name: str,
    language: str,
    *,
    text: str | None = None,
    preview: tuple[str, str] | None = None,
    error: str = "",
    saved: bool = False,
    status: int = 200,
) -> Template:
    names = templates.built_in_names()
    if name and name not in names:
        raise NotFound(f"no template called {name!r}")
    if language not in templates.LANGUAGES:
        raise ValidationFailed({"language": f"use one of {', '.join(templates.LANGUAGES)}"})
    overrides = await _overrides()
    built_in = (templates.FOLDER / f"{name}.{language}.txt").read_text(encoding="utf-8") if name else ""
    own = str((overrides.get(name) or {}).get(language) or "") if name else ""
    return render(
        request,
        "delivery/templates.html",
        {
            "names": names,
            "languages": templates.LANGUAGES,
            "overrides": overrides,
            "name": name,
            "language": language,
            "text": text if text is not None else (own or built_in),
            "overridden": bool(own),
            "preview": preview,
            "error": error,
            "saved": saved,
        },
        status_code=status,
    )


@post("/admin/templates", include_in_schema=False)
async def template_save(request: Request[Any, Any, Any], data: Form) -> Template:
    """Preview (``action=preview``), save (validated first) or reset an override."""
    require(current(), Action.PROGRAMMES_MANAGE)
    name, language = data.get("name", ""), data.get("language", "")
    text = data.get("text", "").replace("\r\n", "\n")
    action = data.get("action", "preview")
    if action == "reset":
        await _store(name, language, None)
        return await _editor(request, name, language, saved=True)
    try:
        preview = templates.validate(text)
    except ValidationFailed as exc:
        return await _editor(request, name, language, text=text, error=exc.errors["template"], status=422)
    if action == "save":
        await _store(name, language, text)
        return await _editor(request, name, language, preview=preview, saved=True)
    return await _editor(request, name, language, text=text, preview=preview)


async def _store(name: str, language: str, text: str | None) -> None:
    if name not in templates.built_in_names():
        raise NotFound(f"no template called {name!r}")
    if language not in templates.LANGUAGES:
        raise ValidationFailed({"language": f"use one of {', '.join(templates.LANGUAGES)}"})

    def with_text(own: dict[str, Any]) -> dict[str, Any]:
        texts = dict(own.get(name) or {})
        if text is None:
            texts.pop(language, None)
        else:
            texts[language] = text
        own[name] = texts
        return {key: value for key, value in own.items() if value}

    await change_section("message_templates", with_text)


routes = [reminders, message_list, message_file, message_action, template_list, template_save]

navigation.register(
    navigation.NavItem(
        "reminders", _("Reminders"), "/app/admin/reminders", Action.PROGRAMMES_MANAGE, order=84
    )
)
