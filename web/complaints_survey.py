"""The public satisfaction survey (no account): ``/t/{slug}/survey/{token}``, 1-5 and a
comment. The link is signed and single-use: once answered, the page says so and a second
answer is refused with 409 (the first one stands); a forged or expired link is a 404."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Template

from salonkeep.core.complaints import survey
from salonkeep.core.complaints.feedback_tables import SCORES
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.tenants.tables import Tenant
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form


def _message(message: str, status: int) -> Template:
    return Template("message.html", context={"message": message}, status_code=status)


def _not_found() -> Template:
    return _message(_("This survey link is not valid or has expired."), 404)


def _answered(status: int = 200) -> Template:
    return _message(_("This survey was already answered. Thank you!"), status)


def _score_labels() -> dict[int, str]:
    return {
        1: _("1 - very dissatisfied"),
        2: _("2 - dissatisfied"),
        3: _("3 - neither"),
        4: _("4 - satisfied"),
        5: _("5 - very satisfied"),
    }


async def _form(
    tenant: Tenant,
    token: str,
    page: survey.SurveyPage,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "survey_public.html",
        context={
            "tenant": tenant,
            "page": page,
            "token": token,
            "scores": [(s, _score_labels()[s]) for s in SCORES],
            "values": values or {},
            "errors": errors or {},
            "time_zone": page.time_zone,
        },
        status_code=status,
    )


@get("/t/{slug:str}/survey/{token:str}", include_in_schema=False)
async def survey_page(slug: str, token: str) -> Template:
    """The survey of one visit (or "already answered")."""
    tenant = await find_tenant(slug)
    try:
        page = await survey.survey_for(tenant.id, token)
    except NotFound:
        return _not_found()
    if page.answered:
        return _answered()
    return await _form(tenant, token, page)


@post("/t/{slug:str}/survey/{token:str}", include_in_schema=False)
async def survey_submit(request: Request[Any, Any, Any], slug: str, token: str, data: Form) -> Template:
    """Store the answer once; refused fields are named, a second answer is a 409."""
    tenant = await find_tenant(slug)
    given = {"score": str(data.get("score", "") or ""), "comment": str(data.get("comment", "") or "")}
    try:
        page = await survey.survey_for(tenant.id, token)
    except NotFound:
        return _not_found()
    if page.answered:
        return _answered(409)
    try:
        survey.check_answer(given["score"], given["comment"])
    except ValidationFailed as exc:
        errors = {
            name: _("Choose a score from 1 to 5.") if name == "score" else _("Use at most 2000 characters.")
            for name in exc.errors
        }
        return await _form(tenant, token, page, values=given, errors=errors, status=422)
    try:
        await survey.answer_survey(tenant.id, token, given["score"], given["comment"])
    except Conflict:
        return _answered(409)
    except NotFound:
        return _not_found()
    return _message(_("Thank you for your answer!"), 200)


routes = [survey_page, survey_submit]
