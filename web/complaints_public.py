"""The public complaint page of a branch (no account): ``/t/{slug}/complaint/{branch_id}``.

Spam resistance without a third-party service (see
:mod:`salonkeep.core.public_forms`): every submission from an address counts
against a per-address limit first (refused ones stay refused and store nothing), then the
signed timestamped form token and the honeypot are checked, then the fields, each refusal
named. Up to three photos may come with it (a multipart form: its text fields are checked
here, the input guard does not read multipart bodies); they are checked by their bytes and
sealed under the tenant key in the complaint's unit of work. The answer never tells whether the
contact is an existing client: the complaint keeps the contact as given and staff link it to a
client.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from salonkeep.core import public_forms
from salonkeep.core.complaints import attachments, public_form, service
from salonkeep.core.public_forms import Verdict
from salonkeep.tenants import scoped, validation
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.tenants.tables import Branch, Tenant
from salonkeep.tenants.tenant_settings import settings_of
from salonkeep.web.i18n import gettext as _
from salonkeep.web.public_forms import address_of, limiter_for

PUBLIC_LABEL = "client (public complaint form)"
#: What a client may complain about on the public page.
PUBLIC_ABOUT = ("service", "product", "staff", "data_handling")
#: The text fields of the form.
TEXT_FIELDS = ("name", "email", "phone", "about", "description")
#: The form: urlencoded, or multipart when photos come with it.
PublicForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def about_labels() -> dict[str, str]:
    """The public choices, in the visitor's language."""
    return {
        "service": _("A service or treatment"),
        "product": _("A product"),
        "staff": _("A member of staff"),
        "data_handling": _("How my personal data was handled"),
    }


def _ctx(tenant: Tenant, request: Request[Any, Any, Any]) -> TenantContext:
    return TenantContext(
        tenant_id=tenant.id, actor_label=PUBLIC_LABEL, ip=request.client.host if request.client else None
    )


async def _branch(tenant: Tenant, request: Request[Any, Any, Any], branch_id: UUID) -> Branch:
    ctx = _ctx(tenant, request)
    async with unit_of_work(ctx):
        branch = await scoped.get(Branch, branch_id)
    if branch is None:
        raise NotFound("no such branch")
    return branch


def _page(
    tenant: Tenant,
    branch: Branch,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        "complaint_public.html",
        context={
            "tenant": tenant,
            "branch": branch,
            "token": public_form.form_token(tenant.id, branch.id),
            "honeypot": public_form.HONEYPOT_FIELD,
            "about": about_labels(),
            "values": values or {},
            "errors": errors or {},
            "hours": settings_of(tenant).complaint_first_contact_hours,
        },
        status_code=status,
    )


@get("/t/{slug:str}/complaint/{branch_id:uuid}", include_in_schema=False)
async def complaint_form(request: Request[Any, Any, Any], slug: str, branch_id: UUID) -> Template:
    """The branch's complaint form."""
    tenant = await find_tenant(slug)
    return _page(tenant, await _branch(tenant, request, branch_id))


def _text(value: Any) -> str:
    """A form value as text ("" for a repeated field or a file in its place)."""
    return value.strip() if isinstance(value, str) else ""


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _uploads(data: dict[str, Any]) -> list[UploadFile]:
    """The files sent in the ``file`` field (empty file inputs skipped); a file in any other
    field is refused, naming ``file``."""

    def is_file(value: Any) -> bool:
        items = value if isinstance(value, list) else [value]
        return any(isinstance(item, UploadFile) for item in items)

    if any(is_file(value) for name, value in data.items() if name != "file"):
        raise ValidationFailed({"file": "photos go in the file field only"})
    given = data.get("file")
    files = given if isinstance(given, list) else [given]
    return [f for f in files if isinstance(f, UploadFile) and f.filename]


async def _photos(files: list[UploadFile]) -> tuple[list[bytes], str | None]:
    """The photos' bytes, and why they are refused (in the visitor's language) or ``None``."""
    if len(files) > service.MAX_PHOTOS:
        return [], _("Attach at most %(count)s photos.") % {"count": service.MAX_PHOTOS}
    photos = []
    for upload in files:
        data = await upload.read(attachments.MAX_BYTES + 1)
        try:
            attachments.check(data)
        except ValidationFailed:
            return [], _("Attach photos only (JPEG, PNG, WebP or HEIC), each at most 5 MB.")
        photos.append(data)
    return photos, None


def _checked(tenant: Tenant, data: dict[str, Any]) -> dict[str, str]:
    """The fields a person filled in, each checked; raises ValidationFailed naming every
    refused one."""
    errors: dict[str, str] = {}
    values = {name: _text(data.get(name)) for name in TEXT_FIELDS}
    unreadable = {
        name: _("Remove the characters that cannot be read.")
        for name, value in values.items()
        if "\x00" in value or not _encodable(value)
    }
    if not values["name"]:
        errors["name"] = _("Tell us your name.")
    elif len(values["name"]) > 200:
        errors["name"] = _("Use at most 200 characters.")
    if not values["email"] and not values["phone"]:
        errors["email"] = _("Give an e-mail address or a phone number so that we can reach you.")
    if values["email"]:
        try:
            values["email"] = validation.email(values["email"])
        except ValidationFailed:
            errors["email"] = _("This is not a valid e-mail address.")
    if values["phone"]:
        try:
            values["phone"] = validation.phone(values["phone"], tenant.country)
        except ValidationFailed:
            errors["phone"] = _("This is not a valid phone number.")
    if values["about"] not in PUBLIC_ABOUT:
        errors["about"] = _("Choose what your complaint is about.")
    if not values["description"]:
        errors["description"] = _("Tell us what happened.")
    elif len(values["description"]) > service.MAX_TEXT:
        errors["description"] = _("Use at most 5000 characters.")
    if data.get("contact_consent") != "yes":
        errors["contact_consent"] = _("We need your permission to contact you about this complaint.")
    errors.update(unreadable)
    if errors:
        raise ValidationFailed(errors)
    return values


@post(
    "/t/{slug:str}/complaint/{branch_id:uuid}",
    include_in_schema=False,
    request_max_body_size=service.MAX_PHOTOS * attachments.MAX_BYTES + 1024 * 1024,
)
async def complaint_submit(
    request: Request[Any, Any, Any], slug: str, branch_id: UUID, data: PublicForm
) -> Template:
    """File the complaint (channel: website) with its photos; the same thank-you for everyone."""
    files = _uploads(data)
    tenant = await find_tenant(slug)
    branch = await _branch(tenant, request, branch_id)
    verdict = await public_forms.judge(
        public_form.FORM,
        limiter_for(request, public_form.FORM),
        tenant_id=tenant.id,
        branch_id=branch.id,
        address=address_of(request),
        fields=dict(data),
    )
    if verdict is Verdict.LIMITED:
        return Template(
            "message.html",
            context={
                "message": _("Too many complaints were sent from your connection. Please try again later.")
            },
            status_code=429,
        )
    given = {k: _text(data.get(k)) for k in TEXT_FIELDS}
    if verdict is Verdict.EXPIRED:
        errors = {"form": _("This form has expired. Please check your complaint and send it again.")}
        return _page(tenant, branch, values=given, errors=errors, status=400)
    thanks = Template(
        "message.html",
        context={"message": _("Thank you. Your complaint has reached the salon; we will contact you soon.")},
    )
    if verdict is Verdict.ROBOT:
        return thanks  # a robot: the same answer, nothing stored
    photos, refused_photos = await _photos(files)
    try:
        values = _checked(tenant, data)
        if refused_photos:
            raise ValidationFailed({"file": refused_photos})
    except ValidationFailed as exc:
        errors = {**exc.errors, **({"file": refused_photos} if refused_photos else {})}
        return _page(tenant, branch, values=given, errors=errors, status=422)
    with tenant_scope(_ctx(tenant, request)):
        await service.record_complaint(
            branch_id=branch.id,
            channel="website",
            about=values["about"],
            description=values["description"],
            contact_name=values["name"],
            contact_email=values["email"],
            contact_phone=values["phone"],
            contact_consent=True,
            photos=photos,
        )
    return thanks


routes = [complaint_form, complaint_submit]
