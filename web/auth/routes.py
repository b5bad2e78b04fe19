"""Sign-in, the second factor, sign-out, the screen lock and the person's own account page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import Parameter
from litestar.response import Redirect, Template

from salonkeep.core import account as own_account
from salonkeep.tenants import signin
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.web import i18n
from salonkeep.web.auth import audit_events
from salonkeep.web.auth.guard import LOCK_OK, SETUP_OK, signed, store_of
from salonkeep.web.auth.return_path import HOME, safe_return_path
from salonkeep.web.auth.sessions import COOKIE, STAGE_FULL, STAGE_TOTP, SessionData
from salonkeep.web.auth.totp import TotpBox, provisioning_uri, qr_svg
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, render

TENANT_COOKIE = "sk_tenant"
_YEAR = 365 * 24 * 3600


def _ip(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


def _secure(request: Request[Any, Any, Any]) -> bool:
    return bool(request.app.state.settings.public_url.startswith("https"))


def _session_cookie(request: Request[Any, Any, Any], token: str) -> Cookie:
    return Cookie(key=COOKIE, value=token, httponly=True, samesite="lax", secure=_secure(request), path="/")


def _box(request: Request[Any, Any, Any]) -> TotpBox:
    return TotpBox(request.app.state.master_key)


async def _login_language(request: Request[Any, Any, Any], slug: str) -> str:
    tenant_default = None
    if slug:
        try:
            tenant_default = (await find_tenant(slug)).default_locale
        except NotFound:
            tenant_default = None
    return i18n.choose(
        request.query_params.get("lang"),
        request.cookies.get(i18n.LANGUAGE_COOKIE),
        tenant_default,
        i18n.from_accept_language(request.headers.get("accept-language", "")),
    )


async def _login_page(
    request: Request[Any, Any, Any], *, slug: str = "", email: str = "", error: str = "", status: int = 200
) -> Template:
    # The template renders after the handler returns, in this same task: set the language
    # for the rest of the request.
    i18n.set_language(await _login_language(request, slug))
    page = render(
        request,
        "login.html",
        {
            "tenant_slug": slug,
            "email": email,
            "error": error,
            "ended": request.query_params.get("ended") == "1",
            "languages": i18n.LANGUAGE_NAMES,
            "signup_open": request.app.state.settings.public_signup,
        },
        status_code=status,
    )
    picked = request.query_params.get("lang")
    if picked and i18n.choose(picked) == picked:
        # Kept after signing in (the guard reads it after the person's own preference).
        page.set_cookie(i18n.LANGUAGE_COOKIE, picked, max_age=_YEAR, httponly=True, samesite="lax", path="/")
    return page


@get("/login", include_in_schema=False)
async def login_page(request: Request[Any, Any, Any]) -> Template:
    """The sign-in page, with the last organisation prefilled."""
    slug = request.query_params.get("tenant") or request.cookies.get(TENANT_COOKIE, "")
    return await _login_page(request, slug=slug)


@post("/login", include_in_schema=False)
async def login_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Check organisation, e-mail and password; start a fresh session."""
    slug = data.get("tenant", "").strip().lower()
    email = data.get("email", "").strip()
    try:
        staff = await signin.authenticate(slug, email, data.get("password", ""), _ip(request))
    except signin.SignInRefused as refused:
        await audit_events.sign_in_failed(refused, email, _ip(request))
        message = (
            _("Too many failed attempts. Try again in 15 minutes.")
            if refused.locked
            else _("Wrong organisation, e-mail or password.")
        )
        return await _login_page(
            request, slug=slug, email=email, error=message, status=429 if refused.locked else 401
        )
    store = store_of(request)
    session = SessionData(
        tenant_id=str(staff.tenant_id),
        staff_id=str(staff.staff_id),
        version=staff.session_version,
        stage=STAGE_TOTP if staff.has_totp else STAGE_FULL,
    )
    token = await store.create(session, replacing=request.cookies.get(COOKIE))
    if not staff.has_totp:
        await audit_events.signed_in(staff.tenant_id, staff.staff_id, _ip(request))
    response = Redirect("/login/totp" if staff.has_totp else "/app", status_code=303)
    response.set_cookie(_session_cookie(request, token))
    response.set_cookie(TENANT_COOKIE, slug, max_age=_YEAR, httponly=True, samesite="lax", path="/")
    return response


async def _pending(request: Request[Any, Any, Any]) -> tuple[str, SessionData] | None:
    token = request.cookies.get(COOKIE, "")
    session = await store_of(request).load(token)
    if session is None or session.stage != STAGE_TOTP:
        return None
    return token, session


@get("/login/totp", include_in_schema=False)
async def totp_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Ask for the one-time code of the second factor."""
    if await _pending(request) is None:
        return Redirect("/login", status_code=303)
    return render(request, "totp.html", {"error": ""})


@post("/login/totp", include_in_schema=False)
async def totp_submit(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Check the one-time code and finish signing in (with yet another session id)."""
    pending = await _pending(request)
    if pending is None:
        return Redirect("/login", status_code=303)
    token, session = pending
    tenant_id, staff_id = UUID(session.tenant_id), UUID(session.staff_id)
    ctx = TenantContext(tenant_id=tenant_id, actor_id=staff_id, actor_label="sign-in second factor")
    with tenant_scope(ctx):
        sealed = await signin.encrypted_totp_secret()
        if not _box(request).verify(sealed, data.get("code", "")):
            staff = await signin.load_session(tenant_id, staff_id)
            await signin.record_failure(staff.email, _ip(request))
            await audit_events.second_factor_failed(tenant_id, staff_id, _ip(request))
            if await signin.is_locked_out(tenant_id, staff.email):
                await store_of(request).delete(token)
                return Redirect("/login", status_code=303)
            return render(request, "totp.html", {"error": _("That code is not right.")}, status_code=401)
    session.stage = STAGE_FULL
    new_token = await store_of(request).create(session, replacing=token)
    await audit_events.signed_in(tenant_id, staff_id, _ip(request), how="password and second factor")
    response = Redirect("/app", status_code=303)
    response.set_cookie(_session_cookie(request, new_token))
    return response


@post("/logout", include_in_schema=False)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    """End this session."""
    token = request.cookies.get(COOKIE)
    if token:
        session = await store_of(request).load(token)
        await store_of(request).delete(token)
        if session is not None and session.stage == STAGE_FULL:
            await audit_events.signed_out(UUID(session.tenant_id), UUID(session.staff_id), _ip(request))
    response = Redirect("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# ---- behind the guard ---------------------------------------------------------------------


@get("/lock", opt={LOCK_OK: True, SETUP_OK: True}, include_in_schema=False)
async def lock_page(
    request: Request[Any, Any, Any], back_to: str = Parameter(query="next", default="")
) -> Template | Redirect:
    """The lock screen: no client data, only who is signed in and the unlock form (which
    carries the page to come back to, checked to be a workspace path)."""
    back = safe_return_path(back_to)
    if not signed(request).session.locked:
        return Redirect(back, status_code=303)
    return render(request, "lock.html", {"error": "", "next": back})


@post("/lock", opt={LOCK_OK: True, SETUP_OK: True}, include_in_schema=False)
async def lock_now(request: Request[Any, Any, Any]) -> Redirect:
    """Lock the screen now (the page does this itself after the idle time); ``next`` is the
    page the person was on."""
    current = signed(request)
    current.session.locked = True
    await store_of(request).save(current.token, current.session)
    back = safe_return_path(str((await request.form()).get("next", "")))
    target = f"/app/lock?{urlencode({'next': back})}" if back != HOME else "/app/lock"
    return Redirect(target, status_code=303)


@post("/unlock", opt={LOCK_OK: True, SETUP_OK: True}, include_in_schema=False)
async def unlock(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Unlock with the same person's password or PIN, and go back to the page the person was
    on (a workspace path only; anything else goes to Today)."""
    current = signed(request)
    store = store_of(request)
    back = safe_return_path(data.get("next", ""))
    try:
        await signin.check_unlock(data.get("secret", ""), _ip(request))
    except signin.SignInRefused as refused:
        if refused.locked:
            await store.delete(current.token)
            return Redirect("/login", status_code=303)
        return render(
            request,
            "lock.html",
            {"error": _("That password or PIN is not right."), "next": back},
            status_code=401,
        )
    current.session.locked = False
    current.session.touch()
    await store.save(current.token, current.session)
    return Redirect(back, status_code=303)


@get("/keepalive", include_in_schema=False)
async def keepalive() -> Response[None]:
    """The page reports activity (mouse, keys) so the server-side idle clock restarts."""
    return Response(None, status_code=204)


def _account_context(request: Request[Any, Any, Any], **extra: Any) -> dict[str, Any]:
    return {"errors": {}, "notice": "", "languages": i18n.LANGUAGE_NAMES, **extra}


@get("/account", opt={SETUP_OK: True}, include_in_schema=False)
async def account(request: Request[Any, Any, Any]) -> Template:
    """The person's own security settings."""
    return render(request, "account.html", _account_context(request))


@post("/account/password", include_in_schema=False)
async def account_password(request: Request[Any, Any, Any], data: Form) -> Template:
    """Change the password."""
    if data.get("new_password", "") != data.get("new_password_again", ""):
        errors = {"new_password_again": _("The two passwords differ.")}
        return render(request, "account.html", _account_context(request, errors=errors), status_code=422)
    try:
        await own_account.change_password(data.get("old_password", ""), data.get("new_password", ""))
    except ValidationFailed as exc:
        return render(request, "account.html", _account_context(request, errors=exc.errors), status_code=422)
    return render(request, "account.html", _account_context(request, notice=_("Your password is changed.")))


@post("/account/pin", include_in_schema=False)
async def account_pin(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Set or remove the screen-lock PIN."""
    try:
        await own_account.set_pin(None if data.get("remove") else data.get("pin", ""))
    except ValidationFailed as exc:
        return render(request, "account.html", _account_context(request, errors=exc.errors), status_code=422)
    return Redirect("/app/account", status_code=303)


@post("/account/language", include_in_schema=False)
async def account_language(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Choose the UI language (empty: the organisation's default)."""
    try:
        await own_account.set_locale(data.get("locale") or None)
    except ValidationFailed as exc:
        return render(request, "account.html", _account_context(request, errors=exc.errors), status_code=422)
    response = Redirect("/app/account", status_code=303)
    # The person's own choice now rules; the one picked on the sign-in page is forgotten.
    response.delete_cookie(i18n.LANGUAGE_COOKIE, path="/")
    return response


@post("/account/sign-out-everywhere", opt={SETUP_OK: True}, include_in_schema=False)
async def sign_out_everywhere(request: Request[Any, Any, Any]) -> Redirect:
    """End every session of this person, this one included."""
    await own_account.sign_out_everywhere()
    await store_of(request).delete(signed(request).token)
    response = Redirect("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@get("/account/totp", opt={SETUP_OK: True}, include_in_schema=False)
async def totp_setup(request: Request[Any, Any, Any]) -> Template:
    """Start setting up the second factor: a new secret and its QR code."""
    current = signed(request)
    box = _box(request)
    current.session.pending_totp = box.new_secret()
    await store_of(request).save(current.token, current.session)
    secret = box.open(current.session.pending_totp) or ""
    uri = provisioning_uri(secret, f"{current.staff.email} ({current.tenant.slug})")
    return render(request, "totp_setup.html", {"secret": secret, "qr": qr_svg(uri), "error": ""})


@post("/account/totp", opt={SETUP_OK: True}, include_in_schema=False)
async def totp_confirm(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Confirm the new second factor with a code from the authenticator app."""
    current = signed(request)
    box = _box(request)
    sealed = current.session.pending_totp
    if not sealed or not box.verify(sealed, data.get("code", "")):
        secret = box.open(sealed) if sealed else None
        if not secret:
            return Redirect("/app/account/totp", status_code=303)
        uri = provisioning_uri(secret, f"{current.staff.email} ({current.tenant.slug})")
        return render(
            request,
            "totp_setup.html",
            {"secret": secret, "qr": qr_svg(uri), "error": _("That code is not right.")},
            status_code=422,
        )
    await own_account.set_totp_secret(sealed)
    current.session.pending_totp = None
    await store_of(request).save(current.token, current.session)
    return Redirect("/app/account", status_code=303)


@post("/account/totp/remove", include_in_schema=False)
async def totp_remove(request: Request[Any, Any, Any]) -> Response[Any]:
    """Turn the second factor off (not allowed when the organisation requires it)."""
    current = signed(request)
    if signin.totp_required(current.tenant, current.staff.role):
        errors = {"totp": _("Your organisation requires a second factor for your role.")}
        return render(request, "account.html", _account_context(request, errors=errors), status_code=422)
    await own_account.set_totp_secret(None)
    return Redirect("/app/account", status_code=303)


public_routes = [login_page, login_submit, totp_page, totp_submit, logout]
staff_routes = [
    lock_page,
    lock_now,
    unlock,
    keepalive,
    account,
    account_password,
    account_pin,
    account_language,
    sign_out_everywhere,
    totp_setup,
    totp_confirm,
    totp_remove,
]
