"""The tenant's catalogue: categories (seeded with the built-in list), services with their
booking rules, products with their terms, and per-branch hiding and prices.

Owners change it (:data:`Action.CATALOGUE_MANAGE`); everyone who records services or sales
reads it. Recording a service or a sale picks an item by name (:func:`find_service`,
:func:`find_product`); free text stays possible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from salonkeep.core import audit
from salonkeep.core.access import Action, require
from salonkeep.core.catalogue.tables import (
    KINDS,
    BranchCatalogueItem,
    CatalogueCategory,
    CatalogueProduct,
    CatalogueService,
)
from salonkeep.tenants import clock, scoped, validation
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import codes, field_message
from salonkeep.tenants.tables import ROLES

#: The built-in categories every tenant starts with: (kind, code, English label, medical).
DEFAULT_CATEGORIES: tuple[tuple[str, str, str, bool], ...] = (
    ("service", "facial", "Facial", False),
    ("service", "body", "Body", False),
    ("service", "slimming", "Slimming", False),
    ("service", "hair", "Hair", False),
    ("service", "nails", "Nails", False),
    ("service", "massage", "Massage", False),
    ("service", "medical_aesthetics", "Medical aesthetics", True),
    ("product", "slimming", "Slimming", False),
    ("product", "treatment", "Treatment product", False),
    ("product", "brand", "Brand product", False),
    ("product", "fumigation", "Fumigation", False),
    ("product", "supplement", "Supplement", False),
    ("product", "care", "Care product", False),
    ("product", "device", "Device", False),
)
#: The English labels of the built-in categories, by (kind, code): the UI translates them.
DEFAULT_LABELS = {(kind, code): label for kind, code, label, _ in DEFAULT_CATEGORIES}
MAX_PRICE_CENTS = 100_000_000
MAX_MINUTES = 24 * 60


def parse_tags(value: str | Iterable[str]) -> tuple[str, ...]:
    """Tags as a sorted tuple of lower-case words (commas or a list; blanks dropped)."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    tags = {part.strip().lower() for part in parts if part.strip()}
    for tag in tags:
        if len(tag) > 40 or not all(ch.isalnum() or ch in "-_ " for ch in tag):
            raise ValidationFailed({"tags": "use letters, digits, spaces, - and _ (40 at most each)"})
    return tuple(sorted(tags))


def tag_text(tags: Iterable[str]) -> str:
    """Tags as stored (comma-separated)."""
    return ",".join(tags)


def tags_of(row: Any) -> tuple[str, ...]:
    """The tags of a stored row (catalogue item, visit, sale, appointment)."""
    return tuple(t for t in str(getattr(row, "tags", "") or "").split(",") if t)


async def ensure_categories() -> None:
    """Store the built-in categories for the tenant of the open unit of work, once (before
    an owner's first change to them). Until then reads use the built-in list itself, so a
    read never writes."""
    if await scoped.exists(CatalogueCategory):
        return
    rows = [
        scoped.new(CatalogueCategory, kind=kind, code=code, label=label, medical=medical, position=n)
        for n, (kind, code, label, medical) in enumerate(DEFAULT_CATEGORIES)
    ]
    await scoped.insert(*rows, skip_duplicates=True)


async def _of_kind(kind: str) -> list[CatalogueCategory]:
    """The categories of ``kind`` in the open unit of work (stored, else the built-in ones)."""
    stored = await scoped.fetch(CatalogueCategory, order_by="position, code")  # a few rows: one read
    if stored:
        return [c for c in stored if c.kind == kind]
    return [
        scoped.new(CatalogueCategory, kind=k, code=c, label=label, medical=m, position=n)
        for n, (k, c, label, m) in enumerate(DEFAULT_CATEGORIES)
        if k == kind
    ]


async def categories(kind: str) -> list[CatalogueCategory]:
    """The tenant's categories of ``kind`` (``service`` or ``product``), in order."""
    async with unit_of_work(current()):
        return await _of_kind(kind)


async def category(kind: str, code: str) -> CatalogueCategory:
    """One category of the tenant; :class:`ValidationFailed` on ``category`` when unknown."""
    async with unit_of_work(current()):
        known = await _of_kind(kind)
    found = [c for c in known if c.code == code]
    if not found:
        raise ValidationFailed(
            {
                "category": field_message(
                    "choose one of {choices}", choices=codes((c.code for c in known), "category")
                )
            }
        )
    return found[0]


def _code(value: str) -> str:
    code = value.strip().lower()
    if not code or len(code) > 32 or not all(ch.isalnum() or ch == "_" for ch in code):
        raise ValidationFailed({"code": "use 1-32 lower-case letters, digits and _"})
    return code


async def add_category(kind: str, code: str, label: str, *, medical: bool = False) -> CatalogueCategory:
    """Add a category of ``kind`` (owners)."""
    ctx = current()
    require(ctx, Action.CATALOGUE_MANAGE)
    if kind not in KINDS:
        raise ValidationFailed({"kind": "choose service or product"})
    clean = _code(code)
    text = validation.required_text(label, "label", 100)
    async with unit_of_work(ctx):
        await ensure_categories()
        if await scoped.exists(
            CatalogueCategory, (CatalogueCategory.kind == kind) & (CatalogueCategory.code == clean)
        ):
            raise Conflict("code", "a category with this code exists")
        position = await scoped.count(CatalogueCategory)
        row = scoped.new(
            CatalogueCategory, kind=kind, code=clean, label=text, medical=medical, position=position
        )
        await scoped.insert(row)
        await audit.record(
            "catalogue.change", subject="catalogue_category", subject_id=row.id, fields=["code"], ctx=ctx
        )
    return row


@dataclass(frozen=True)
class ServiceInput:
    """A service as an owner types it."""

    name: str
    category: str
    duration_minutes: int = 60
    price_cents: int = 0
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    performer_roles: tuple[str, ...] = ()
    medical: bool = False
    tags: tuple[str, ...] | str = ()
    increment_minutes: int = 15
    min_notice_hours: int = 0
    min_notice_days: int = 0
    max_days_ahead: int = 365
    active: bool = True


@dataclass(frozen=True)
class ProductInput:
    """A product as an owner types it."""

    name: str
    category: str
    price_cents: int = 0
    warranty_days: int = 90
    return_days: int = 30
    tags: tuple[str, ...] | str = ()
    active: bool = True


def _bounded(errors: dict[str, str], field: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[field] = field_message("must be a whole number from {low} to {high}", low=low, high=high)


def _check_service(data: ServiceInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        values["name"] = validation.required_text(data.name, "name")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    _bounded(errors, "duration_minutes", data.duration_minutes, 5, MAX_MINUTES)
    _bounded(errors, "price_cents", data.price_cents, 0, MAX_PRICE_CENTS)
    _bounded(errors, "buffer_before_minutes", data.buffer_before_minutes, 0, 240)
    _bounded(errors, "buffer_after_minutes", data.buffer_after_minutes, 0, 240)
    _bounded(errors, "increment_minutes", data.increment_minutes, 5, 240)
    _bounded(errors, "min_notice_hours", data.min_notice_hours, 0, 24 * 30)
    _bounded(errors, "min_notice_days", data.min_notice_days, 0, 60)
    _bounded(errors, "max_days_ahead", data.max_days_ahead, 1, 3650)
    roles = tuple(sorted({r.strip() for r in data.performer_roles if r.strip()}))
    if any(r not in ROLES for r in roles):
        errors["performer_roles"] = field_message("choose from {choices}", choices=codes(ROLES, "role"))
    try:
        tags = parse_tags(data.tags)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        tags = ()
    if errors:
        raise ValidationFailed(errors)
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    return {**fields, **values, "performer_roles": ",".join(roles), "tags": tag_text(tags)}


def _check_product(data: ProductInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        values["name"] = validation.required_text(data.name, "name")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    _bounded(errors, "price_cents", data.price_cents, 0, MAX_PRICE_CENTS)
    _bounded(errors, "warranty_days", data.warranty_days, 0, 3650)
    _bounded(errors, "return_days", data.return_days, 0, 365)
    try:
        tags = parse_tags(data.tags)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        tags = ()
    if errors:
        raise ValidationFailed(errors)
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    return {**fields, **values, "tags": tag_text(tags)}


async def _known_category(kind: str, code: str) -> CatalogueCategory:
    found = [c for c in await _of_kind(kind) if c.code == code]
    if not found:
        raise ValidationFailed({"category": "is not a category of the catalogue"})
    return found[0]


async def _save(table: Any, kind: str, values: dict[str, Any], item_id: UUID | None) -> Any:
    """Insert or update one item in the open unit of work (names are unique per kind)."""
    ctx = current()
    await _known_category(kind, values["category"])
    same_name = await scoped.fetch(table, "lower(name) = lower({})", values["name"])
    if any(row.id != item_id for row in same_name):
        raise Conflict(
            "name",
            "a service with this name exists" if kind == "service" else "a product with this name exists",
        )
    if item_id is None:
        row = scoped.new(table, **values, created_at=clock.now())
        await scoped.insert(row)
    else:
        if await scoped.get(table, item_id) is None:
            raise NotFound(f"no such {kind}")
        await scoped.update(table, {getattr(table, k): v for k, v in values.items()}).where(
            table.id == item_id
        )
        row = await scoped.get(table, item_id)
    await audit.record(
        "catalogue.change", subject=f"catalogue_{kind}", subject_id=row.id, fields=sorted(values), ctx=ctx
    )
    return row


async def save_service(data: ServiceInput, service_id: UUID | None = None) -> CatalogueService:
    """Add a service, or change the one with ``service_id`` (owners)."""
    ctx = current()
    require(ctx, Action.CATALOGUE_MANAGE)
    values = _check_service(data)
    async with unit_of_work(ctx):
        return await _save(CatalogueService, "service", values, service_id)


async def save_product(data: ProductInput, product_id: UUID | None = None) -> CatalogueProduct:
    """Add a product, or change the one with ``product_id`` (owners)."""
    ctx = current()
    require(ctx, Action.CATALOGUE_MANAGE)
    values = _check_product(data)
    async with unit_of_work(ctx):
        return await _save(CatalogueProduct, "product", values, product_id)


@dataclass(frozen=True)
class Offered:
    """A catalogue item as a branch offers it: hidden there or not, at its price there."""

    item: Any
    hidden: bool
    price_cents: int

    @property
    def tags(self) -> tuple[str, ...]:
        """The item's tags."""
        return tags_of(self.item)


async def _branch_items(kind: str, branch_id: UUID | None) -> dict[UUID, BranchCatalogueItem]:
    if branch_id is None:
        return {}
    rows = await scoped.fetch(BranchCatalogueItem, "kind = {} and branch_id = {}", kind, branch_id)
    return {row.item_id: row for row in rows}


async def _offered(table: Any, kind: str, branch_id: UUID | None, include_hidden: bool) -> list[Offered]:
    async with unit_of_work(current()):
        items = (
            await scoped.fetch(table, "active = {}", True, order_by="category, name")
            if not include_hidden
            else (await scoped.fetch(table, order_by="category, name"))
        )
        deviations = await _branch_items(kind, branch_id)
    offered = []
    for item in items:
        own = deviations.get(item.id)
        hidden = bool(own and own.hidden)
        price = own.price_cents if own is not None and own.price_cents is not None else item.price_cents
        if hidden and not include_hidden:
            continue
        offered.append(Offered(item=item, hidden=hidden, price_cents=int(price)))
    return offered


async def services(branch_id: UUID | None = None, *, include_hidden: bool = False) -> list[Offered]:
    """The active services (as ``branch_id`` offers them; ``include_hidden`` for the owner's
    screen: hidden and inactive ones too)."""
    return await _offered(CatalogueService, "service", branch_id, include_hidden)


async def products(branch_id: UUID | None = None, *, include_hidden: bool = False) -> list[Offered]:
    """The active products (as ``branch_id`` offers them)."""
    return await _offered(CatalogueProduct, "product", branch_id, include_hidden)


async def get_service(service_id: UUID) -> CatalogueService:
    """One service of the tenant (:class:`NotFound` otherwise)."""
    async with unit_of_work(current()):
        row = await scoped.get(CatalogueService, service_id)
    if row is None:
        raise NotFound("no such service")
    return row


async def get_product(product_id: UUID) -> CatalogueProduct:
    """One product of the tenant (:class:`NotFound` otherwise)."""
    async with unit_of_work(current()):
        row = await scoped.get(CatalogueProduct, product_id)
    if row is None:
        raise NotFound("no such product")
    return row


async def find_service(name: str) -> CatalogueService | None:
    """The tenant's service called ``name`` (case-insensitive), or ``None``."""
    async with unit_of_work(current()):
        found = await scoped.fetch(CatalogueService, "lower(name) = lower({})", name.strip())
    return found[0] if found else None


async def find_product(name: str) -> CatalogueProduct | None:
    """The tenant's product called ``name`` (case-insensitive), or ``None``."""
    async with unit_of_work(current()):
        found = await scoped.fetch(CatalogueProduct, "lower(name) = lower({})", name.strip())
    return found[0] if found else None


async def set_branch_item(
    branch_id: UUID, kind: str, item_id: UUID, *, hidden: bool, price_cents: int | None = None
) -> None:
    """Hide an item in a branch or give it another price there (``price_cents=None``: the
    catalogue price). Owners."""
    ctx = current()
    require(ctx, Action.CATALOGUE_MANAGE)
    if kind not in KINDS:
        raise ValidationFailed({"kind": "choose service or product"})
    if price_cents is not None and not 0 <= price_cents <= MAX_PRICE_CENTS:
        raise ValidationFailed(
            {"price_cents": field_message("must be from 0 to {limit}", limit=MAX_PRICE_CENTS)}
        )
    from salonkeep.tenants.tables import Branch

    table = CatalogueService if kind == "service" else CatalogueProduct
    async with unit_of_work(ctx):
        if await scoped.get(Branch, branch_id) is None:
            raise NotFound("no such branch")
        if await scoped.get(table, item_id) is None:
            raise NotFound(f"no such {kind}")
        await scoped.delete(BranchCatalogueItem).where(
            (BranchCatalogueItem.branch_id == branch_id)
            & (BranchCatalogueItem.kind == kind)
            & (BranchCatalogueItem.item_id == item_id)
        )
        if hidden or price_cents is not None:
            await scoped.insert(
                scoped.new(
                    BranchCatalogueItem,
                    branch_id=branch_id,
                    kind=kind,
                    item_id=item_id,
                    hidden=hidden,
                    price_cents=price_cents,
                )
            )
        await audit.record(
            "catalogue.change",
            subject="branch_catalogue_item",
            subject_id=item_id,
            fields=["hidden", "price_cents"],
            ctx=ctx,
        )
