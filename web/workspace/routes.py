"""The branch workspace: dashboard, clients (search, profile, create, edit), visits and sales."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core import consent
from salonkeep.core.access import Action, Forbidden, require
from salonkeep.core.clients import service as clients
from salonkeep.core.clients.tables import CLIENT_KINDS
from salonkeep.core.staff import branches, branches_in_scope
from salonkeep.core.visits import service as visits
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.web import complaints_staff
from salonkeep.web.aftercare.calls import followups_context
from salonkeep.web.pages import Form, is_htmx, render
from salonkeep.web.workspace import forms, save_checks
from salonkeep.web.workspace.panels import (
    DEFAULT_SECTION,
    HEADER_FIELDS,
    ProfilePanel,
    all_sections,
    visible_panels,
)


async def _branch_choices(request: Request[Any, Any, Any]) -> list[Any]:
    return await branches_in_scope()


@get("/", include_in_schema=False)
async def dashboard(request: Request[Any, Any, Any], branch: str = "") -> Template:
    """Today: the branch's follow-ups due and overdue (urgent ones for the person's role first)
    and a search box."""
    context = await followups_context(request, branch)
    chosen = context["branch"].chosen if context.get("branch") else None
    context.update(await complaints_staff.dashboard_context(chosen.id if chosen else None))
    return render(request, "dashboard.html", context)


#: Clients per page of the client list.
PAGE_SIZE = 50
#: Clients listed under the search box of the Today screen (the rest: "all results").
TODAY_RESULTS = 10


@get("/clients", include_in_schema=False)
async def client_list(
    request: Request[Any, Any, Any], q: str = "", page: str = "1", view: str = ""
) -> Template:
    """Clients by name or phone, 50 a page with their count; htmx asks for the result list
    only, as the person types (``view=today``: the Today search box's short list, nothing
    before a word is typed)."""
    if view == "today":
        found = await clients.search_clients(q, limit=TODAY_RESULTS) if q.strip() else []
        context = {"q": q, "clients": found, "today": True, "paging": None}
        return render(request, "clients.html", context, block="results")
    total = await clients.count_clients(q)
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, int(page)) if page.isdigit() else 1, pages)
    found = await clients.search_clients(q, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    first = (number - 1) * PAGE_SIZE + 1 if found else 0
    paging = {"total": total, "page": number, "pages": pages, "first": first, "last": first + len(found) - 1}
    return render(request, "clients.html", {"q": q, "clients": found, "paging": paging}, block="results")


async def _form_page(
    request: Request[Any, Any, Any],
    *,
    values: dict[str, str],
    client: clients.ClientView | None,
    errors: dict[str, str] | None = None,
    checks: save_checks.SaveChecks | None = None,
    status: int = 200,
) -> Template:
    return render(
        request,
        "client_form.html",
        {
            "values": values,
            "client": client,
            "errors": errors or {},
            "checks": checks,
            "channel_labels": save_checks.channel_labels(),
            "branches": await _branch_choices(request),
            "kinds": CLIENT_KINDS,
            "text_fields": forms.editable_text_fields(current()),
        },
        status_code=status,
    )


@get("/clients/new", include_in_schema=False)
async def new_client(request: Request[Any, Any, Any]) -> Template:
    """The form for a new client."""
    require(current(), Action.CLIENT_CREATE)
    choices = await _branch_choices(request)
    values = {"branch_id": str(choices[0].id) if len(choices) == 1 else "", "kind": "new"}
    return await _form_page(request, values=values, client=None)


@post("/clients", include_in_schema=False)
async def create_client(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Register a client; every field is checked before anything is saved."""
    require(current(), Action.CLIENT_CREATE)
    try:
        entered = forms.client_input(current(), data)
        channel = save_checks.consent_channel(data)
        checks = await save_checks.check_save(entered, data)
        if checks.blocking:
            # Asked first (409): open the existing client or create anyway; record the
            # health-data consent or save without it. Nothing is saved yet.
            return await _form_page(request, values=data, client=None, checks=checks, status=409)
        created = await clients.create_client(entered)
    except ValidationFailed as exc:
        return await _form_page(request, values=data, client=None, errors=exc.errors, status=422)
    if channel is not None:
        await save_checks.record_health_consent(created.id, channel)
    return Redirect(f"/app/clients/{created.id}?saved=created", status_code=303)


#: The fields every view of a client shows (and the audit always names).
NAMES = frozenset({"first_name", "last_name"})


def _without_values(view: clients.ClientView) -> clients.ClientView:
    """``view`` with its names only: what it hides and any break-glass grant stay."""
    blank: dict[str, Any] = dict.fromkeys(clients.visible_field_names() - NAMES)
    return replace(view, **blank)


def _consent_summary(state: dict[tuple[str, str], consent.ConsentState]) -> list[tuple[str, str]]:
    """(purpose, standing) for the profile's header: granted, to confirm, withdrawn or never
    asked."""
    summary = []
    for purpose in consent.Purpose:
        now = state.get((purpose.value, ""))
        if now is None:
            standing = "never"
        elif now.granted:
            standing = "to_confirm" if now.to_confirm else "granted"
        else:
            standing = "withdrawn"
        summary.append((purpose.value, standing))
    return summary


def _section_of(tabs: list[ProfilePanel], key: str) -> ProfilePanel:
    """The section ``key`` among the person's ``tabs``: NotFound for no such section,
    Forbidden for one the role may not open (or that shows nothing of this client to them)."""
    if not key:
        chosen = next((tab for tab in tabs if tab.key == DEFAULT_SECTION), None)
        if chosen is None and tabs:
            chosen = tabs[0]
        if chosen is None:
            raise NotFound("no section to show")
        return chosen
    for tab in tabs:
        if tab.key == key:
            return tab
    if key in {section.key for section in all_sections()}:
        raise Forbidden(f"the section {key!r} is not open to this role")
    raise NotFound(f"no section {key!r}")


async def _profile(
    request: Request[Any, Any, Any],
    client_id: UUID,
    *,
    section: str = "",
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status: int = 200,
    saved: str = "",
) -> Template:
    """The profile with one section open: the header (name, key facts, consent, actions), the
    tabs and the section. htmx gets the tabs and the section only. The client is read with
    the fields shown, so the audit event names what this response showed: the header's
    fields on a page, the section's client fields (health data only in *Details*)."""
    ctx = current()
    visible = await clients.load_visible(client_id)  # NotFound for another tenant or branch
    tabs = visible_panels(ctx, visible)
    open_section = _section_of(tabs, section)
    whole_page = not is_htmx(request)
    fields = (HEADER_FIELDS if whole_page else frozenset()) | open_section.client_fields
    client = await clients.get_client(client_id, fields=fields)
    context: dict[str, Any] = {
        "client": client,
        # For the break-glass notice: which fields the person may open, none of their values.
        "visible": _without_values(visible),
        "tabs": tabs,
        "section": open_section,
        "errors": errors or {},
        "values": values or {},
        "saved": saved,
    }
    if open_section.load is not None:
        context.update(await open_section.load(request, client))
    if whole_page:
        names = {b.id: b.name for b in await branches()}
        context["branch_name"] = names.get(client.branch_id, "")
        context["consent_summary"] = _consent_summary(await consent.current_state(client.id))
    return render(request, "profile.html", context, status_code=status, block="sections")


@get("/clients/{client_id:uuid}", include_in_schema=False)
async def profile(
    request: Request[Any, Any, Any], client_id: UUID, saved: str = "", section: str = ""
) -> Template:
    """A client's profile with its first section open (``?section=KEY``: that one, as at
    ``/clients/ID/s/KEY``; ``?saved=created`` or ``updated``: with the confirmation of the
    save)."""
    confirmed = saved if saved in ("created", "updated") else ""
    return await _profile(request, client_id, section=section, saved=confirmed)


@get("/clients/{client_id:uuid}/s/{section:str}", include_in_schema=False)
async def profile_section(request: Request[Any, Any, Any], client_id: UUID, section: str) -> Template:
    """A client's profile with the section ``section`` open (htmx: the tabs and the section)."""
    return await _profile(request, client_id, section=section)


@get("/clients/{client_id:uuid}/edit", include_in_schema=False)
async def edit_client(request: Request[Any, Any, Any], client_id: UUID) -> Template:
    """The edit form."""
    require(current(), Action.CLIENT_EDIT)
    client = await clients.get_client(client_id)
    return await _form_page(request, values=forms.form_of(client), client=client)


@post("/clients/{client_id:uuid}", include_in_schema=False)
async def update_client(request: Request[Any, Any, Any], client_id: UUID, data: Form) -> Response[Any]:
    """Save the edit form (all or nothing)."""
    require(current(), Action.CLIENT_EDIT)
    client = await clients.get_client(client_id)
    try:
        entered = forms.client_input(current(), data)
        channel = save_checks.consent_channel(data)
        checks = await save_checks.check_save(entered, data, client)
        if checks.blocking:
            return await _form_page(request, values=data, client=client, checks=checks, status=409)
        await clients.update_client(client_id, entered)
    except ValidationFailed as exc:
        return await _form_page(request, values=data, client=client, errors=exc.errors, status=422)
    if channel is not None:
        await save_checks.record_health_consent(client_id, channel)
    return Redirect(f"/app/clients/{client_id}?saved=updated", status_code=303)


@post("/clients/{client_id:uuid}/services", include_in_schema=False)
async def record_service(request: Request[Any, Any, Any], client_id: UUID, data: Form) -> Response[Any]:
    """Record a service performed today."""
    try:
        await visits.record_service(
            client_id,
            service=data.get("service", ""),
            category=data.get("category", ""),
            notes=data.get("notes", ""),
        )
    except ValidationFailed as exc:
        return await _profile(
            request,
            client_id,
            section="record",
            errors={"service": exc.errors},
            values={"service": data},
            status=422,
        )
    return Redirect(f"/app/clients/{client_id}/s/history", status_code=303)


@post("/clients/{client_id:uuid}/sales", include_in_schema=False)
async def record_sale(request: Request[Any, Any, Any], client_id: UUID, data: Form) -> Response[Any]:
    """Record a product sold."""
    require(current(), Action.SALE_RECORD)
    errors: dict[str, str] = {}
    quantity, cents = 1, 0
    try:
        quantity = forms.quantity(data.get("quantity", "1"))
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        cents = forms.price_cents(data.get("price", "0"))
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        if errors:
            raise ValidationFailed(errors)
        await visits.record_sale(
            client_id,
            product=data.get("product", ""),
            category=data.get("category", ""),
            quantity=quantity,
            price_cents=cents,
        )
    except ValidationFailed as exc:
        merged = {("price" if k == "price_cents" else k): v for k, v in exc.errors.items()}
        return await _profile(
            request, client_id, section="record", errors={"sale": merged}, values={"sale": data}, status=422
        )
    return Redirect(f"/app/clients/{client_id}/s/history", status_code=303)


routes = [
    dashboard,
    client_list,
    new_client,
    create_client,
    profile,
    profile_section,
    edit_client,
    update_client,
    record_service,
    record_sale,
]
