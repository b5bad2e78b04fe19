"""The sign-up page (``/signup``) and the owner's verification link (``/signup/verify/…``).

Open to everyone only when the operator turned ``SALONKEEP_PUBLIC_SIGNUP`` on; otherwise only
through an operator's invitation link (``/signup?invitation=…``, ``salonkeep signup invite``).
Spam resistance is the shared guard of public forms (:mod:`salonkeep.core.public_forms`):
a per-address limit counted first, a signed timestamped form token and a honeypot. What is
written, and how the e-mail is verified, is :mod:`salonkeep.core.signup`.
"""

from __future__ import annotations

import logging
from typing import Any

from arq.connections import ArqRedis
from litestar import Request, get, post
from litestar.response import Template
from redis.exceptions import RedisError

from salonkeep.core import public_forms, signup
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.web import i18n
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form

log = logging.getLogger("salonkeep.signup")
FORM_SCOPE = "signup-form"
SIGNUPS_PER_HOUR = 5  # sign-ups allowed per address and hour
#: The arq function that sends the tenants' due staff notices (the verification e-mail).
NOTICE_JOB = "staff_notice_sweep"


def field_messages() -> dict[str, str]:
    """What to do about each refused field, in the visitor's language."""
    return {
        "chain_name": _("Give the name of your chain or salon."),
        "slug": _("Use 1 to 63 lower-case letters, digits and hyphens (not at either end)."),
        "owner_name": _("Tell us your name."),
        "email": _("This is not a valid e-mail address."),
        "password": _("Use at least 8 characters with upper-case and lower-case letters and digits."),
        "time_zone": _("Give a time zone such as Europe/Helsinki."),
        "country": _("Give a two-letter country code such as FI."),
        "language": _("Choose one of the offered languages."),
        "branch_name": _("Give the name of your first branch."),
        "branch_address": _("Give the address of your first branch."),
    }


def _translated(errors: dict[str, str]) -> dict[str, str]:
    known = field_messages()
    special = {
        "this invitation is for another e-mail address": _("This invitation is for another e-mail address."),
        "this invitation link was already used": _("This invitation link was already used."),
    }
    translated = {}
    for field, message in errors.items():
        if message in special:
            translated[field] = special[message]
        elif field == "slug" and "already exists" in message:
            translated[field] = _("This short name is taken: choose another.")
        else:
            translated[field] = known.get(field, message)
    return translated


def _language(request: Request[Any, Any, Any]) -> None:
    i18n.set_language(
        i18n.choose(
            request.query_params.get("lang"),
            request.cookies.get("sk_lang"),
            i18n.from_accept_language(request.headers.get("accept-language", "")),
        )
    )


def _message(text: str, status: int = 200, link: str = "") -> Template:
    return Template("message.html", context={"message": text, "link": link}, status_code=status)


def _closed() -> Template:
    return _message(
        _("Sign-up is by invitation only. Ask the operator of this installation for an invitation link."), 404
    )


def _invitation(token: str) -> signup.Invitation | None:
    """The invitation of the page, or None when there is none; raises NotFound for a bad one."""
    return signup.read_invitation(token) if token else None


def _form(
    request: Request[Any, Any, Any],
    *,
    invitation_token: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "signup.html",
        context={
            "token": public_forms.scoped_form_token(FORM_SCOPE),
            "honeypot": public_forms.HONEYPOT_FIELD,
            "invitation": invitation_token,
            "values": values or {},
            "errors": errors or {},
            "languages": i18n.LANGUAGE_NAMES,
            "language": i18n.current_language(),
        },
        status_code=status,
    )


@get("/signup", include_in_schema=False)
async def signup_form(request: Request[Any, Any, Any], invitation: str = "") -> Template:
    """The sign-up form (public sign-up on, or a valid invitation)."""
    _language(request)
    try:
        found = _invitation(invitation)
    except NotFound:
        return _message(_("This invitation link is unknown or expired."), 404)
    if found is None and not request.app.state.settings.public_signup:
        return _closed()
    values = {"email": found.email} if found and found.email else {}
    return _form(request, invitation_token=invitation, values=values)


def _limiter(request: Request[Any, Any, Any]) -> public_forms.AttemptLimiter:
    state = request.app.state
    if getattr(state, "signup_limiter", None) is None:
        state.signup_limiter = public_forms.AttemptLimiter(getattr(state, "redis", None), SIGNUPS_PER_HOUR)
    limiter: public_forms.AttemptLimiter = state.signup_limiter
    return limiter


async def send_notices_now(request: Request[Any, Any, Any]) -> None:
    """Ask a worker to send the due staff notices now. Without Redis, or when it cannot be
    reached, the workers' sweep of every minute sends them: what was saved stays saved."""
    redis = getattr(request.app.state, "redis", None)
    if redis is None:
        return
    try:
        await ArqRedis(connection_pool=redis.connection_pool).enqueue_job(NOTICE_JOB)
    except (RedisError, OSError) as exc:
        log.warning("staff notices not queued for a worker now: %s", type(exc).__name__)


@post("/signup", include_in_schema=False)
async def signup_submit(request: Request[Any, Any, Any], data: Form) -> Template:
    """Create the tenant, its owner and first branch; the owner is e-mailed a verification link."""
    _language(request)
    invitation_token = str(data.get("invitation", "") or "")
    try:
        invitation = _invitation(invitation_token)
    except NotFound:
        return _message(_("This invitation link is unknown or expired."), 404)
    if invitation is None and not request.app.state.settings.public_signup:
        return _closed()
    address = request.client.host if request.client else "unknown"
    if not await _limiter(request).allow(public_forms.scoped_address_key(FORM_SCOPE, address)):
        return _message(_("Too many sign-ups were sent from your connection. Please try again later."), 429)
    given = {name: str(data.get(name, "") or "") for name in signup.FIELDS if name != "password"}
    if not public_forms.scoped_token_ok(FORM_SCOPE, str(data.get("form_token", ""))):
        errors = {"form": _("This form has expired. Please check the details and send them again.")}
        return _form(request, invitation_token=invitation_token, values=given, errors=errors, status=400)
    thanks = _message(
        _("Thank you. We sent a link to your e-mail address: open it to confirm the address, then sign in.")
    )
    if data.get(public_forms.HONEYPOT_FIELD):
        return thanks  # a robot: the same answer, nothing stored
    values = {name: str(data.get(name, "") or "") for name in signup.FIELDS}
    try:
        await signup.sign_up(
            values, base_url=request.app.state.settings.public_url, invitation=invitation, ip=address
        )
    except ValidationFailed as exc:
        return _form(
            request,
            invitation_token=invitation_token,
            values=given,
            errors=_translated(exc.errors),
            status=422,
        )
    except Conflict as exc:
        message = exc.message
        errors = _translated({exc.field: message})
        return _form(request, invitation_token=invitation_token, values=given, errors=errors, status=409)
    await send_notices_now(request)
    return thanks


@get("/signup/verify/{token:str}", include_in_schema=False)
async def verify_form(request: Request[Any, Any, Any], token: str) -> Template:
    """The page behind the verification link: one button confirms (a link preview opening the
    address confirms nothing)."""
    _language(request)
    return Template("signup_verify.html", context={"token": token})


@post("/signup/verify/{token:str}", include_in_schema=False)
async def verify_submit(request: Request[Any, Any, Any], token: str) -> Template:
    """Confirm the owner's e-mail: the tenant opens and the owner can sign in."""
    _language(request)
    try:
        tenant = await signup.verify_email(token)
    except NotFound:
        return _message(_("This verification link is unknown or expired."), 404)
    return _message(
        _("Your e-mail address is confirmed. Sign in with the organisation %(slug)s.")
        % {"slug": tenant.slug},
        link="/login",
    )


routes = [signup_form, signup_submit, verify_form, verify_submit]
