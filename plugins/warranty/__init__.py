# ruff: noqa: RUF001 - texts in Chinese and Russian too (full-width punctuation, Cyrillic)
"""Product warranty and returns.

Every sale gets its warranty (90 days by default, per category or per product), a return
window (30 days) and the refund period (15 working days in the tenant's calendar). Claims
with proof of purchase, triage, exclusions, remedies and the numbered after-sales service
receipt are in :mod:`salonkeep.plugins.warranty.service`. The plugin keeps its own tables
(``salonkeep_piccolo_apps``), shows the client's warranties on the client page and brings
its screens (claims on the client page, the printable receipt: :mod:`.screens`, templates in
``templates/warranty/``) and their translations (``locale/``) through the screen hooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from salonkeep.core.plugins.api import (
    N_,
    ComplaintCovered,
    DomainEvent,
    Panel,
    Plan,
    Planned,
    PlannedTask,
    ProductSold,
    ProfilePanel,
    Programme,
    Setting,
    hookimpl,
    now,
    scoped,
)

NAME = "warranty"
PROGRAMME = Programme(
    name=NAME,
    title=N_("Product warranty and returns"),
    description=N_("Warranty, return window and refund period for every sale; claims and receipts."),
    settings=(
        Setting(
            "warranty_days",
            "int",
            90,
            N_("Warranty in days unless the category or product says otherwise."),
            1,
            3650,
            label=N_("Warranty (days)"),
        ),
        Setting(
            "category_days",
            "text",
            "device:365",
            N_("Per category, e.g. 'device:365, care:90'."),
            label=N_("Warranty per category (days)"),
        ),
        Setting(
            "product_days",
            "text",
            "",
            N_("Per product, e.g. 'Skin scanner:730; Hair dryer:180'."),
            label=N_("Warranty per product (days)"),
        ),
        Setting(
            "return_days",
            "int",
            30,
            N_("Returns for quality problems within this many days."),
            0,
            365,
            label=N_("Return window (days)"),
        ),
        Setting(
            "refund_working_days",
            "int",
            15,
            N_("A refund is paid within this many working days."),
            1,
            60,
            label=N_("Refund within (working days)"),
        ),
    ),
)
#: The client panel's title (translated from the catalogue when shown).
PANEL_TITLE = N_("Warranties")
WARRANTY_ROW = {
    "en": "warranty until {day}",
    "zh": "保修至{day}",
    "ru": "гарантия до {day}",
    "fi": "takuu {day} asti",
}
RETURNS_ROW = {
    "en": ", returns until {day}",
    "zh": "，可退货至{day}",
    "ru": ", возврат до {day}",
    "fi": ", palautus {day} asti",
}
NO_PURCHASE_TITLE = {
    "warranty": {
        "en": "Covered complaint: no purchase within its warranty found",
        "zh": "已认定的投诉：未找到在保修期内的购买记录",
        "ru": "Жалоба признана: покупка в пределах гарантии не найдена",
        "fi": "Hyväksytty valitus: takuun piirissä olevaa ostoa ei löytynyt",
    },
    "return": {
        "en": "Covered complaint: no purchase within its return window found",
        "zh": "已认定的投诉：未找到在退货期内的购买记录",
        "ru": "Жалоба признана: покупка в пределах срока возврата не найдена",
        "fi": "Hyväksytty valitus: palautusajan piirissä olevaa ostoa ei löytynyt",
    },
}
NO_PURCHASE_BODY = {
    "en": "Ask the client for the proof of purchase and open the claim on the warranty page.",
    "zh": "请客户出示购买凭证，并在保修页面创建索赔。",
    "ru": "Попросите у клиента подтверждение покупки и оформите претензию на странице гарантии.",
    "fi": "Pyydä asiakkaalta ostotosite ja avaa reklamaatio takuusivulla.",
}
PROOF_OF_PURCHASE = {
    "en": "Sale of {day} recorded in Salonkeep",
    "zh": "Salonkeep中记录的{day}销售",
    "ru": "Продажа от {day}, записанная в Salonkeep",
    "fi": "Salonkeepiin kirjattu myynti {day}",
}
OPENED_TITLE = {
    "warranty": {
        "en": "Warranty claim opened from a complaint: {item} ({day})",
        "zh": "由投诉创建的保修索赔：{item}（{day}）",
        "ru": "Гарантийная претензия по жалобе: {item} ({day})",
        "fi": "Valituksesta avattu takuureklamaatio: {item} ({day})",
    },
    "return": {
        "en": "Return opened from a complaint: {item} ({day})",
        "zh": "由投诉创建的退货：{item}（{day}）",
        "ru": "Возврат по жалобе: {item} ({day})",
        "fi": "Valituksesta avattu palautus: {item} ({day})",
    },
}
OPENED_BODY = {
    "en": "Triage the claim and agree the remedy with the client.",
    "zh": "请评估索赔，并与客户商定处理方式。",
    "ru": "Рассмотрите претензию и согласуйте с клиентом способ решения.",
    "fi": "Arvioi reklamaatio ja sovi hyvityksestä asiakkaan kanssa.",
}


def _pairs(text: str, separator: str) -> dict[str, int]:
    pairs: dict[str, int] = {}
    for part in text.split(separator):
        name, _, days = part.rpartition(":")
        if name.strip() and days.strip().isdigit():
            pairs[name.strip().lower()] = int(days)
    return pairs


def warranty_days(values: Mapping[str, Any], product: str, category: str) -> int:
    """The warranty length for a product: its own, else its category's, else the default."""
    by_product = _pairs(str(values["product_days"]), ";")
    by_category = _pairs(str(values["category_days"]), ",")
    return by_product.get(product.lower(), by_category.get(category.lower(), int(values["warranty_days"])))


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The warranty programme."""
    return [PROGRAMME]


@hookimpl
def salonkeep_piccolo_apps() -> list[str]:
    """The plugin's own tables: warranties and claims."""
    return ["salonkeep.plugins.warranty.piccolo_app"]


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the plugin's screens."""
    return [str(Path(__file__).parent / "locale")]


@hookimpl
def salonkeep_web_routes() -> list[Any]:
    """Claims (report, triage, remedy, complete) and the printable receipt."""
    from salonkeep.plugins.warranty.screens import routes

    return list(routes)


@hookimpl
def salonkeep_profile_panels() -> list[ProfilePanel]:
    """The client's warranty claims, with the form to report one."""
    from salonkeep.plugins.warranty.screens import claims_section

    return [
        ProfilePanel(
            "warranty-claims", "warranty/claims.html", claims_section, order=50, label="Warranty claims"
        )
    ]


@hookimpl
async def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Record the warranty of every sale (in the sale's unit of work); a complaint that staff
    decided is covered by the warranty or the return window opens the claim."""
    if isinstance(event, ComplaintCovered):
        return await _complaint_claim(event, plan)
    if not isinstance(event, ProductSold) or not plan.enabled(NAME):
        return []
    from salonkeep.plugins.warranty.tables import ProductWarranty

    settings = plan.settings(NAME)
    sold_on = plan.local_date(event.occurred_at)
    # One INSERT; a sale seen before (an event delivered again) is skipped by the unique
    # (tenant, sale) index, without a read first.
    warranty = scoped.new(
        ProductWarranty,
        client_id=event.client_id,
        branch_id=event.branch_id,
        sale_id=event.sale_id,
        product=event.product,
        category=event.category,
        sold_on=sold_on,
        warranty_until=sold_on + timedelta(days=warranty_days(settings, event.product, event.category)),
        return_until=sold_on + timedelta(days=int(settings["return_days"])),
        time_zone=plan.time_zone,
        country=plan.country,
        refund_working_days=int(settings["refund_working_days"]),
        price_cents=event.price_cents,
        created_at=now(),
    )
    await scoped.insert(warranty, skip_duplicates=True)
    return []


@hookimpl
async def salonkeep_client_panels(plan: Plan) -> list[Panel]:
    """The client's warranties still running."""
    from salonkeep.plugins.warranty.tables import ProductWarranty

    today = plan.today()
    rows = (
        await scoped.objects(ProductWarranty)
        .where((ProductWarranty.client_id == plan.client.id) & (ProductWarranty.warranty_until >= today))
        .order_by(ProductWarranty.sold_on, ascending=False)
    )
    if not rows:
        return []
    lines = tuple(
        (
            f"{w.product} ({plan.format_date(w.sold_on)})",
            plan.text(WARRANTY_ROW, day=plan.format_date(w.warranty_until))
            + (
                plan.text(RETURNS_ROW, day=plan.format_date(w.return_until))
                if w.return_until >= today
                else ""
            ),
        )
        for w in rows
    )
    return [Panel(programme=NAME, title=PANEL_TITLE, rows=lines)]


async def _complaint_claim(event: ComplaintCovered, plan: Plan) -> list[Planned]:
    """Open the warranty claim (or return) of a covered complaint on the client's purchase it
    is about (the product named, else the latest one still covered), once per complaint, and a
    task for the branch manager to triage it; without a covered purchase, a task to check the
    proof of purchase instead."""
    if event.programme not in ("warranty", "return") or not plan.enabled(NAME):
        return []
    from salonkeep.plugins.warranty.tables import ProductWarranty, WarrantyClaim

    is_return = event.programme == "return"
    rows = (
        await scoped.objects(ProductWarranty)
        .where(ProductWarranty.client_id == event.client_id)
        .order_by(ProductWarranty.sold_on, ascending=False)
    )
    covered = [
        w
        for w in rows
        if w.sold_on <= event.received_on
        and (w.return_until if is_return else w.warranty_until) >= event.received_on
    ]
    named = [w for w in covered if w.product.lower() == event.reason.strip().lower()]
    candidates = named or covered
    chosen = candidates[0] if candidates else None
    key = f"complaint:{event.complaint_id}:{event.programme}"
    kind = "return" if is_return else "warranty"
    if chosen is None:
        return [
            PlannedTask(
                programme=NAME,
                key=key,
                due_at=plan.now,
                title=plan.text(NO_PURCHASE_TITLE[kind]),
                body=plan.text(NO_PURCHASE_BODY),
                urgency="urgent",
                assigned_role="branch_manager",
            )
        ]
    marker = f"complaint:{event.complaint_id}"
    if not await scoped.exists(
        WarrantyClaim, (WarrantyClaim.warranty_id == chosen.id) & (WarrantyClaim.description == marker)
    ):
        await scoped.insert(
            scoped.new(
                WarrantyClaim,
                warranty_id=chosen.id,
                client_id=chosen.client_id,
                reported_on=event.received_on,
                channel="complaint",
                description=marker,
                proof_of_purchase=plan.text(PROOF_OF_PURCHASE, day=plan.format_date(chosen.sold_on)),
                is_return=is_return,
                created_at=now(),
            )
        )
    return [
        PlannedTask(
            programme=NAME,
            key=key,
            due_at=plan.now,
            title=plan.text(OPENED_TITLE[kind], item=chosen.product, day=plan.format_date(chosen.sold_on)),
            body=plan.text(OPENED_BODY),
            urgency="urgent",
            assigned_role="branch_manager",
        )
    ]
