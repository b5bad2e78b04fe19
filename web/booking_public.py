"""The public booking page of a branch (no account): ``/t/{slug}/book/{branch_id}``.

A visitor picks a service the branch offers, then a free start time of the week shown
(computed by :mod:`salonkeep.core.appointments.slots` from working hours, bookings, buffers,
notice and look-ahead), and leaves a name and a contact, with the privacy notice linked and
the consent tick-boxes the seeds ask for. Spam resistance is the shared guard of public forms
(:mod:`salonkeep.core.public_forms`): per-address limit first (refused ones store nothing),
then the signed form token and the honeypot, then every field, each refusal named. The
answer is the same whoever the contact is: nothing is looked up about existing clients.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.response import Template

from salonkeep.core import public_forms
from salonkeep.core.appointments import requests, slots
from salonkeep.core.appointments.rules import closed_day
from salonkeep.core.appointments.service import zone_and_country
from salonkeep.core.catalogue.tables import CatalogueService
from salonkeep.core.consent import service as consent
from salonkeep.core.public_forms import PublicForm, Verdict
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.tenants.tables import Branch, Tenant
from salonkeep.web import i18n
from salonkeep.web.i18n import current_language
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form
from salonkeep.web.public_forms import address_of, limiter_for

PUBLIC_LABEL = "client (public booking page)"
#: Submissions one address may make per hour.
MAX_PER_HOUR = 5
FORM = PublicForm("booking-form", MAX_PER_HOUR)
#: Days shown at once.
WEEK = 7
CONTACT_FIELDS = ("service", "slot", "name", "email", "phone")


def field_messages() -> dict[str, str]:
    """The refusal shown under each field, in the visitor's language."""
    return {
        "service": _("Choose a service."),
        "slot": _("Choose a free time. The one you chose may have just been taken."),
        "name": _("Tell us your name (at most 200 characters)."),
        "email": _("Give a valid e-mail address or a phone number so that we can reach you."),
        "phone": _("This is not a valid phone number."),
        "privacy_consent": _("We need your permission to use your contact details for this booking."),
    }


def _use_visitors_language(tenant: Tenant, request: Request[Any, Any, Any]) -> None:
    """Show the page (and keep the request) in the visitor's language, for the rest of the
    request: the template renders after the handler returns, in this same task."""
    i18n.set_language(
        i18n.visitor_language(
            request.query_params.get("lang"),
            request.cookies.get(i18n.LANGUAGE_COOKIE),
            request.headers.get("accept-language", ""),
            tenant.default_locale,
        )
    )


def _ctx(tenant: Tenant, request: Request[Any, Any, Any]) -> TenantContext:
    return TenantContext(tenant_id=tenant.id, actor_label=PUBLIC_LABEL, ip=address_of(request))


async def _page(
    tenant: Tenant,
    request: Request[Any, Any, Any],
    branch_id: UUID,
    *,
    service: str = "",
    week: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    """The page: the services, the chosen service's free times of a week, the contact form."""
    async with unit_of_work(_ctx(tenant, request)):
        branch = await scoped.get(Branch, branch_id)
        if branch is None:
            raise NotFound("no such branch")
        offered = await requests.bookable_services(branch.id)
        zone, country = await zone_and_country(branch.id)
        today = clock.now().astimezone(ZoneInfo(zone)).date()
        try:
            first = max(today, date.fromisoformat(week)) if week else today
        except ValueError:
            first = today
        chosen: CatalogueService | None = next((s for s in offered if str(s.id) == service), None)
        days = await slots.open_slots(chosen, branch.id, first, WEEK) if chosen else {}
    language = current_language()
    week_days = (first + timedelta(days=n) for n in range(WEEK))
    closed = {d: name for d in week_days if (name := closed_day(d, country, language))}
    return Template(
        "booking_public.html",
        context={
            "tenant": tenant,
            "branch": branch,
            "services": offered,
            "chosen": chosen,
            "days": days,
            "closed": closed,
            "closed_values": {d: d.isoformat() for d in closed},  # machine format, for the page's data
            "lang": language,
            "first": first,
            "previous_week": (first - timedelta(days=WEEK)).isoformat() if first > today else "",
            "next_week": (first + timedelta(days=WEEK)).isoformat(),
            "time_zone": zone,
            "token": FORM.form_token(tenant.id, branch.id),
            "honeypot": public_forms.HONEYPOT_FIELD,
            "marketing_wording": consent.wording(consent.Purpose.MARKETING_EMAIL, current_language()),
            "values": values or {},
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/t/{slug:str}/book/{branch_id:uuid}", include_in_schema=False)
async def booking_page(
    request: Request[Any, Any, Any],
    slug: str,
    branch_id: UUID,
    service: str = "",
    week: str = "",
) -> Template:
    """The branch's booking page (``?service=`` a service's free times, ``&week=`` from a day)."""
    tenant = await find_tenant(slug)
    _use_visitors_language(tenant, request)
    return await _page(tenant, request, branch_id, service=service, week=week)


def _input(data: Form) -> requests.RequestInput:
    return requests.RequestInput(
        service=str(data.get("service", "") or ""),
        slot=str(data.get("slot", "") or ""),
        name=str(data.get("name", "") or ""),
        email=str(data.get("email", "") or ""),
        phone=str(data.get("phone", "") or ""),
        privacy_consent=data.get("privacy_consent") == "yes",
        marketing_consent=data.get("marketing_consent") == "yes",
        marketing_wording=consent.wording(consent.Purpose.MARKETING_EMAIL, current_language()),
        locale=current_language(),
    )


@post("/t/{slug:str}/book/{branch_id:uuid}", include_in_schema=False)
async def booking_submit(request: Request[Any, Any, Any], slug: str, branch_id: UUID, data: Form) -> Template:
    """Store the booking request; the same thank-you for everyone."""
    tenant = await find_tenant(slug)
    _use_visitors_language(tenant, request)
    async with unit_of_work(_ctx(tenant, request)):
        if await scoped.get(Branch, branch_id) is None:
            raise NotFound("no such branch")
    verdict = await public_forms.judge(
        FORM,
        limiter_for(request, FORM),
        tenant_id=tenant.id,
        branch_id=branch_id,
        address=address_of(request),
        fields=dict(data),
    )
    if verdict is Verdict.LIMITED:
        message = _("Too many booking requests were sent from your connection. Please try again later.")
        return Template(
            "message.html", context={"message": message, "lang": current_language()}, status_code=429
        )
    given = {k: str(data.get(k, "") or "") for k in CONTACT_FIELDS}
    if verdict is Verdict.EXPIRED:
        errors = {"form": _("This form has expired. Please check your request and send it again.")}
        return await _page(
            tenant, request, branch_id, service=given["service"], values=given, errors=errors, status=400
        )
    thanks = Template(
        "message.html",
        context={
            "message": _(
                "Thank you. Your booking request has reached the salon; "
                "we will confirm it or propose another time."
            ),
            "lang": current_language(),
        },
    )
    if verdict is Verdict.ROBOT:
        return thanks  # a robot: the same answer, nothing stored
    try:
        await requests.submit_request(_ctx(tenant, request), branch_id, _input(data))
    except ValidationFailed as exc:
        shown = field_messages()
        errors = {field: shown.get(field, _("Check this field.")) for field in exc.errors}
        return await _page(
            tenant, request, branch_id, service=given["service"], values=given, errors=errors, status=422
        )
    return thanks


routes = [booking_page, booking_submit]
