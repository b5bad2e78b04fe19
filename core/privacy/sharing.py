"""The third-party sharing register: vetted partners (contract reference, allowed purposes)
and every disclosure of a client's data to one of them. Sharing without the client's consent
to third-party sharing (general, or for that partner) is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from salonkeep.core import audit, consent
from salonkeep.core.access import ALL_CLIENT_FIELDS, Action, require
from salonkeep.core.privacy.tables import Disclosure, Partner
from salonkeep.tenants import clock, scoped, validation
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import code, field_message


@dataclass(frozen=True)
class PartnerView:
    """A partner in the register."""

    id: UUID
    name: str
    contract_ref: str
    purposes: tuple[str, ...]
    active: bool


def _partner_view(row: Partner) -> PartnerView:
    return PartnerView(
        row.id, row.name, row.contract_ref, tuple(p for p in row.purposes.split("\n") if p), row.active
    )


async def add_partner(name: str, contract_ref: str, purposes: list[str]) -> PartnerView:
    """Register a vetted partner and what its contract allows it to use data for."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    errors: dict[str, str] = {}
    clean_name = contract = ""
    try:
        clean_name = validation.required_text(name, "name")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        contract = validation.required_text(contract_ref, "contract_ref", 100)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    allowed = [p.strip() for p in purposes if p.strip()]
    if not allowed:
        errors["purposes"] = "name at least one purpose the contract allows"
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        if await scoped.exists(Partner, Partner.name == clean_name):
            raise Conflict(
                "name", field_message("a partner called {name!r} is already registered", name=clean_name)
            )
        row = scoped.new(
            Partner,
            name=clean_name,
            contract_ref=contract,
            purposes="\n".join(dict.fromkeys(allowed)),
            active=True,
            created_at=clock.now(),
        )
        await scoped.insert(row)
    return _partner_view(row)


async def list_partners() -> list[PartnerView]:
    """The register of partners."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        rows = await scoped.objects(Partner).order_by(Partner.name)
    return [_partner_view(r) for r in rows]


@dataclass(frozen=True)
class DisclosureView:
    """One recorded disclosure."""

    id: UUID
    client_id: UUID
    partner_id: UUID
    fields: tuple[str, ...]
    purpose: str
    consent_event_id: UUID
    disclosed_at: datetime


async def share(client_id: UUID, partner_id: UUID, *, fields: list[str], purpose: str) -> DisclosureView:
    """Record a disclosure of ``fields`` of a client to a partner, for ``purpose``.

    Refused with :class:`salonkeep.core.consent.ConsentMissing` when the client has not
    consented to third-party sharing (for this partner or in general), and with
    ValidationFailed when the partner's contract does not allow the purpose.
    """
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    unknown = sorted(set(fields) - ALL_CLIENT_FIELDS)
    if not fields or unknown:
        raise ValidationFailed(
            {
                "fields": field_message("unknown client fields: {fields}", fields=", ".join(unknown))
                if unknown
                else "name the fields"
            }
        )
    async with unit_of_work(ctx):
        partner = await scoped.get(Partner, partner_id)
        if partner is None or not partner.active:
            raise NotFound("no such active partner")
        if purpose not in _partner_view(partner).purposes:
            raise ValidationFailed(
                {
                    "purpose": field_message(
                        "the contract with {partner} does not allow {purpose}",
                        partner=partner.name,
                        purpose=code(purpose, "consent_purpose"),
                    )
                }
            )
        grant = await consent.require_consent(
            client_id, consent.Purpose.THIRD_PARTY_SHARING, scope=str(partner_id)
        )
        row = scoped.new(
            Disclosure,
            client_id=client_id,
            partner_id=partner.id,
            fields=",".join(sorted(set(fields))),
            purpose=purpose,
            consent_event_id=grant.id,
            disclosed_at=clock.now(),
            recorded_by_id=ctx.actor_id,
            recorded_by=ctx.actor_label,
        )
        await scoped.insert(row)
        await audit.record(
            audit.AuditAction.DISCLOSURE,
            client_id=client_id,
            subject="partner",
            subject_id=partner.id,
            fields=fields,
            reason=purpose[:200],
            ctx=ctx,
        )
    return DisclosureView(
        row.id, client_id, partner.id, tuple(row.fields.split(",")), purpose, grant.id, row.disclosed_at
    )


async def disclosures(client_id: UUID | None = None) -> list[DisclosureView]:
    """Recorded disclosures (of one client, or all), newest first."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    where = [Disclosure.client_id == client_id] if client_id is not None else []
    async with unit_of_work(ctx):
        rows = (
            await scoped.objects(Disclosure).where(*where).order_by(Disclosure.disclosed_at, ascending=False)
        )
    return [
        DisclosureView(
            r.id,
            r.client_id,
            r.partner_id,
            tuple(r.fields.split(",")),
            r.purpose,
            r.consent_event_id,
            r.disclosed_at,
        )
        for r in rows
    ]
