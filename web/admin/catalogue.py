"""The owner's catalogue screen: services and products (add, edit), categories, and per
branch what is hidden and at which price."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.staff import branches
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.web.catalogue_labels import category_choices
from salonkeep.web.pages import Form, render
from salonkeep.web.workspace import forms

#: Whole-number fields of the service form, with their defaults.
SERVICE_NUMBERS = {
    "duration_minutes": "60",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "0",
    "increment_minutes": "15",
    "min_notice_hours": "0",
    "min_notice_days": "0",
    "max_days_ahead": "365",
}
PRODUCT_NUMBERS = {"warranty_days": "90", "return_days": "30"}


def _whole(data: dict[str, str], defaults: dict[str, str], errors: dict[str, str]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for field, default in defaults.items():
        raw = (data.get(field) or default).strip()
        try:
            numbers[field] = int(raw)
        except ValueError:
            errors[field] = "must be a whole number"
    return numbers


def _price(data: dict[str, str], errors: dict[str, str], field: str = "price") -> int | None:
    raw = (data.get(field) or "").strip()
    if not raw:
        return None
    try:
        return forms.price_cents(raw)
    except ValidationFailed as exc:
        errors[field] = next(iter(exc.errors.values()))
        return None


def service_input(data: dict[str, str]) -> catalogue.ServiceInput:
    """A service from the form (422 naming each field refused)."""
    errors: dict[str, str] = {}
    numbers = _whole(data, SERVICE_NUMBERS, errors)
    price = _price(data, errors)
    if errors:
        raise ValidationFailed(errors)
    roles = tuple(r for r in (data.get("performer_roles") or "").split(",") if r.strip())
    return catalogue.ServiceInput(
        name=data.get("name", ""),
        category=data.get("category", ""),
        price_cents=price or 0,
        performer_roles=roles,
        medical=data.get("medical") in ("1", "on", "true"),
        tags=data.get("tags", ""),
        active=data.get("active", "1") in ("1", "on", "true"),
        **numbers,
    )


def product_input(data: dict[str, str]) -> catalogue.ProductInput:
    """A product from the form (422 naming each field refused)."""
    errors: dict[str, str] = {}
    numbers = _whole(data, PRODUCT_NUMBERS, errors)
    price = _price(data, errors)
    if errors:
        raise ValidationFailed(errors)
    return catalogue.ProductInput(
        name=data.get("name", ""),
        category=data.get("category", ""),
        price_cents=price or 0,
        tags=data.get("tags", ""),
        active=data.get("active", "1") in ("1", "on", "true"),
        **numbers,
    )


def _branch_id(raw: str | None, known: list[Any]) -> UUID | None:
    try:
        wanted = UUID(raw) if raw else None
    except ValueError:
        return None
    return wanted if any(b.id == wanted for b in known) else None


async def _page(
    request: Request[Any, Any, Any],
    *,
    branch: str | None = None,
    editing: Any = None,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> Template:
    require(current(), Action.CATALOGUE_MANAGE)
    known = await branches()
    chosen = _branch_id(branch, known) or (known[0].id if known else None)
    return render(
        request,
        "admin/catalogue.html",
        {
            "branches": known,
            "branch_id": chosen,
            "services": await catalogue.services(chosen, include_hidden=True),
            "products": await catalogue.products(chosen, include_hidden=True),
            "service_categories": category_choices(await catalogue.categories("service")),
            "product_categories": category_choices(await catalogue.categories("product")),
            "editing": editing,
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status,
    )


@get("/admin/catalogue", include_in_schema=False)
async def catalogue_page(request: Request[Any, Any, Any], branch: str | None = None) -> Template:
    """Services and products, as the chosen branch offers them (hidden ones marked)."""
    return await _page(request, branch=branch)


@get("/admin/catalogue/services/{service_id:uuid}", include_in_schema=False)
async def edit_service_page(request: Request[Any, Any, Any], service_id: UUID) -> Template:
    """The service's form, filled in."""
    require(current(), Action.CATALOGUE_MANAGE)
    return await _page(request, editing=await catalogue.get_service(service_id))


@post("/admin/catalogue/services", include_in_schema=False)
async def add_service(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Add a service."""
    return await _save(request, data, "service", None)


@post("/admin/catalogue/services/{service_id:uuid}", include_in_schema=False)
async def change_service(request: Request[Any, Any, Any], service_id: UUID, data: Form) -> Response[Any]:
    """Change a service."""
    return await _save(request, data, "service", service_id)


@post("/admin/catalogue/products", include_in_schema=False)
async def add_product(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Add a product."""
    return await _save(request, data, "product", None)


async def _save(
    request: Request[Any, Any, Any], data: dict[str, str], kind: str, item_id: UUID | None
) -> Response[Any]:
    require(current(), Action.CATALOGUE_MANAGE)
    try:
        if kind == "service":
            await catalogue.save_service(service_input(data), item_id)
        else:
            await catalogue.save_product(product_input(data), item_id)
    except ValidationFailed as exc:
        editing = await catalogue.get_service(item_id) if item_id else None
        return await _page(
            request, editing=editing, errors={kind: exc.errors}, values={kind: data}, status=422
        )
    except Conflict as exc:
        editing = await catalogue.get_service(item_id) if item_id else None
        return await _page(
            request,
            editing=editing,
            errors={kind: {exc.field: exc.message}},
            values={kind: data},
            status=409,
        )
    return Redirect("/app/admin/catalogue", status_code=303)


@post("/admin/catalogue/categories", include_in_schema=False)
async def add_category(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Add a category."""
    require(current(), Action.CATALOGUE_MANAGE)
    try:
        await catalogue.add_category(
            data.get("kind", ""),
            data.get("code", ""),
            data.get("label", ""),
            medical=data.get("medical") in ("1", "on", "true"),
        )
    except ValidationFailed as exc:
        return await _page(request, errors={"category": exc.errors}, values={"category": data}, status=422)
    except Conflict as exc:
        errors = {"category": {exc.field: exc.message}}
        return await _page(request, errors=errors, values={"category": data}, status=409)
    return Redirect("/app/admin/catalogue", status_code=303)


@post("/admin/catalogue/branch", include_in_schema=False)
async def set_branch_item(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Hide an item in a branch, or give it another price there (empty: the catalogue's)."""
    require(current(), Action.CATALOGUE_MANAGE)
    errors: dict[str, str] = {}
    price = _price(data, errors)
    try:
        branch_id, item_id = UUID(data.get("branch_id", "")), UUID(data.get("item_id", ""))
    except ValueError:
        raise NotFound("no such branch or item") from None
    if not errors:
        try:
            await catalogue.set_branch_item(
                branch_id, data.get("kind", ""), item_id, hidden=data.get("hidden") == "1", price_cents=price
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        return await _page(request, branch=str(branch_id), errors={"branch": errors}, status=422)
    return Redirect(f"/app/admin/catalogue?branch={branch_id}", status_code=303)


routes = [
    catalogue_page,
    edit_service_page,
    add_service,
    change_service,
    add_product,
    add_category,
    set_branch_item,
]
