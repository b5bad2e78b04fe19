"""The catalogue as CSV: one row per service or product (``type`` says which).

Import is all or nothing: every row is checked first, errors name the row and the field; rows
whose ``type`` and ``name`` match an existing item change it, others add one. Categories
that do not exist yet are added (their code as label).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from salonkeep.core.access import Action, require
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.catalogue.tables import CatalogueCategory, CatalogueProduct, CatalogueService
from salonkeep.tenants import scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, ValidationFailed
from salonkeep.tenants.messages import field_message

COLUMNS = (
    "type",
    "name",
    "category",
    "price_cents",
    "tags",
    "duration_minutes",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "performer_roles",
    "medical",
    "increment_minutes",
    "min_notice_hours",
    "min_notice_days",
    "max_days_ahead",
    "warranty_days",
    "return_days",
    "active",
)
_SERVICE_INTS = (
    "price_cents",
    "duration_minutes",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "increment_minutes",
    "min_notice_hours",
    "min_notice_days",
    "max_days_ahead",
)
_PRODUCT_INTS = ("price_cents", "warranty_days", "return_days")


async def export_csv() -> str:
    """Every service and product of the tenant as CSV text (owners)."""
    ctx = current()
    require(ctx, Action.CATALOGUE_MANAGE)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for offered in await catalogue.services(include_hidden=True):
        row = offered.item
        writer.writerow(
            {
                "type": "service",
                **{
                    name: getattr(row, name)
                    for name in (*_SERVICE_INTS, "name", "category", "performer_roles")
                },
                "tags": row.tags,
                "medical": "true" if row.medical else "false",
                "active": "true" if row.active else "false",
            }
        )
    for offered in await catalogue.products(include_hidden=True):
        row = offered.item
        writer.writerow(
            {
                "type": "product",
                **{name: getattr(row, name) for name in (*_PRODUCT_INTS, "name", "category")},
                "tags": row.tags,
                "active": "true" if row.active else "false",
            }
        )
    return out.getvalue()


def _bool(raw: str, default: bool) -> bool:
    value = raw.strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    raise ValueError("use true or false")


def _parse(line: int, row: dict[str, str]) -> tuple[str, Any]:
    errors: dict[str, str] = {}
    kind = (row.get("type") or "").strip().lower()
    if kind not in ("service", "product"):
        raise ValidationFailed({f"row {line}: type": "use service or product"})
    ints: dict[str, Any] = {}
    for name in _SERVICE_INTS if kind == "service" else _PRODUCT_INTS:
        raw = (row.get(name) or "").strip()
        if raw:
            try:
                ints[name] = int(raw)
            except ValueError:
                errors[f"row {line}: {name}"] = "must be a whole number"
    flags: dict[str, bool] = {}
    for name, default in (("medical", False), ("active", True)):
        try:
            flags[name] = _bool(row.get(name) or "", default)
        except ValueError:
            errors[f"row {line}: {name}"] = "use true or false"
    if errors:
        raise ValidationFailed(errors)
    common: dict[str, Any] = {
        "name": row.get("name") or "",
        "category": (row.get("category") or "").strip(),
        "tags": row.get("tags") or "",
    }
    if kind == "service":
        roles = tuple(r for r in (row.get("performer_roles") or "").split(",") if r.strip())
        return kind, catalogue.ServiceInput(
            **common, **ints, performer_roles=roles, medical=flags["medical"], active=flags["active"]
        )
    return kind, catalogue.ProductInput(**common, **ints, active=flags["active"])


async def import_csv(text: str) -> tuple[int, int]:
    """Add or change the items of a CSV text (all or nothing); returns (added, changed)."""
    ctx = current()
    require(ctx, Action.CATALOGUE_MANAGE)
    reader = csv.DictReader(io.StringIO(text))
    missing = {"type", "name", "category"} - set(reader.fieldnames or ())
    if missing:
        raise ValidationFailed(
            {"file": field_message("missing columns: {columns}", columns=", ".join(sorted(missing)))}
        )
    parsed: list[tuple[int, str, Any, dict[str, Any]]] = []
    table: Any
    errors: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        try:
            kind, data = _parse(line, row)
            values = catalogue._check_service(data) if kind == "service" else catalogue._check_product(data)
        except ValidationFailed as exc:
            errors.update(
                {k if k.startswith("row ") else f"row {line}: {k}": v for k, v in exc.errors.items()}
            )
            continue
        if not values["category"]:
            errors[f"row {line}: category"] = "is required"
            continue
        parsed.append((line, kind, data, values))
    if errors:
        raise ValidationFailed(errors)
    added = changed = 0
    async with unit_of_work(ctx):
        await catalogue.ensure_categories()
        for line, kind, _data, values in parsed:
            table = CatalogueService if kind == "service" else CatalogueProduct
            code = values["category"].lower()
            if not await scoped.exists(
                CatalogueCategory, (CatalogueCategory.kind == kind) & (CatalogueCategory.code == code)
            ):
                try:
                    await catalogue.add_category(kind, code, code)
                except ValidationFailed as exc:
                    raise ValidationFailed({f"row {line}: category": m for m in exc.errors.values()}) from exc
            values["category"] = code
            existing = await scoped.fetch(table, "lower(name) = lower({})", values["name"])
            try:
                await catalogue._save(table, kind, values, existing[0].id if existing else None)
            except Conflict as exc:
                raise ValidationFailed({f"row {line}: {exc.field}": exc.message}) from exc
            if existing:
                changed += 1
            else:
                added += 1
    return added, changed
