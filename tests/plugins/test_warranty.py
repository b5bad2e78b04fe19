"""Product warranty and returns: terms per sale, claims, exclusions, remedies, refunds in
working days of the tenant's calendar, numbered after-sales receipts. The plugin brings its
own tables through salonkeep_piccolo_apps."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from uuid import uuid4

import pytest

from salonkeep.core.apps import all_tables, app_modules
from salonkeep.core.events import ProductSold
from salonkeep.plugins.warranty import service
from salonkeep.plugins.warranty.tables import ClaimPhoto
from salonkeep.tenants import scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import create_tenant


def test_the_plugins_tables_are_migrated_with_the_core():
    assert "salonkeep.plugins.warranty.piccolo_app" in app_modules()
    names = {t._meta.tablename for t in all_tables()}
    assert {"product_warranty", "warranty_claim"} <= names


async def test_every_sale_gets_its_terms(
    salonkeep_clock, salonkeep_configure, salonkeep_tenant, salonkeep_client, emit
):
    await salonkeep_configure("warranty", product_days="Skin scanner:730")
    await emit(ProductSold, product="Night cream", category="care")
    await emit(ProductSold, product="LED mask", category="device")
    await emit(ProductSold, product="Skin scanner", category="device")
    with tenant_scope(salonkeep_tenant.ctx):
        terms = {
            w.product: (w.sold_on, w.warranty_until, w.return_until)
            for w in await service.warranties_of(salonkeep_client.id)
        }
    assert terms == {
        "Night cream": (date(2026, 3, 25), date(2026, 6, 23), date(2026, 4, 24)),  # 90 days, 30 days
        "LED mask": (date(2026, 3, 25), date(2027, 3, 25), date(2026, 4, 24)),  # device: 365
        "Skin scanner": (date(2026, 3, 25), date(2028, 3, 24), date(2026, 4, 24)),  # the product's own
    }


async def test_return_is_refunded_within_15_working_days_of_the_finnish_calendar(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, emit
):
    await emit(ProductSold, product="Serum", category="care", price_cents=4990)
    with tenant_scope(salonkeep_tenant.ctx):
        (warranty,) = await service.warranties_of(salonkeep_client.id)
        with pytest.raises(ValidationFailed) as caught:
            await service.open_claim(warranty.id, proof_of_purchase=" ", description="Smells off")
        assert "proof_of_purchase" in caught.value.errors
        claim = await service.open_claim(
            warranty.id, proof_of_purchase="R-2026-118", description="Smells off", is_return=True
        )
        claim = await service.triage(claim.id)
        assert claim.status == "in_scope"
        with pytest.raises(ValidationFailed):
            await service.agree_remedy(claim.id, "repair")  # a return is refunded
        with pytest.raises(ValidationFailed) as caught:
            await service.agree_remedy(claim.id, "refund", return_shipping_cents=-1)
        assert "return_shipping_cents" in caught.value.errors
        claim = await service.agree_remedy(claim.id, "refund", return_shipping_cents=590)
        # The refund is the price plus the return shipping; its 15 working days start when the
        # returned product arrives, not before.
        assert (claim.refund_amount_cents, claim.refund_due_on) == (5580, None)
        with pytest.raises(ValidationFailed) as caught:
            await service.complete(claim.id)
        assert "return_received_on" in caught.value.errors
        with pytest.raises(ValidationFailed) as caught:
            await service.receive_return(claim.id, date(2026, 3, 30))  # in the future
        assert "received_on" in caught.value.errors
    salonkeep_clock.advance(timedelta(days=5))  # Monday 30 March: the parcel arrives
    with tenant_scope(salonkeep_tenant.ctx):
        claim = await service.receive_return(claim.id)
        # From Monday 30 March: weekends, Good Friday (3 April) and Easter Monday (6 April)
        # are skipped.
        assert (claim.return_received_on, claim.refund_due_on) == (date(2026, 3, 30), date(2026, 4, 22))
        receipt = await service.complete(claim.id)
        assert (receipt.number, receipt.remedy, receipt.refund_due_on, receipt.refund_amount_cents) == (
            "AS-2026-00001",
            "refund",
            date(2026, 4, 22),
            5580,
        )


async def test_product_photos_attach_to_a_return_encrypted_and_checked(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, emit
):
    await emit(ProductSold, product="Serum", category="care", price_cents=4990)
    png = b"\x89PNG\r\n\x1a\n" + b"pixels-of-a-broken-pump" * 10
    with tenant_scope(salonkeep_tenant.ctx):
        (warranty,) = await service.warranties_of(salonkeep_client.id)
        claim = await service.open_claim(
            warranty.id, proof_of_purchase="R-7", description="Pump broken", is_return=True
        )
        for refused in (b"", b"GIF89a not a photo we take", b"\xff\xd8\xff" + b"x" * (5 * 1024 * 1024)):
            with pytest.raises(ValidationFailed) as caught:
                await service.add_photo(claim.id, refused)
            assert "photo" in caught.value.errors
        photo = await service.add_photo(claim.id, png)
        (listed,) = await service.photos_of(claim.id)
        assert (listed.id, listed.content_type, listed.size) == (photo.id, "image/png", len(png))
        assert await service.photo_data(claim.id, photo.id) == ("image/png", png)
        async with unit_of_work(salonkeep_tenant.ctx):
            stored = await scoped.get(ClaimPhoto, photo.id)
    # Stored encrypted: neither the bytes nor their base64 are in the row.
    assert stored is not None and b"pixels" not in stored.data.encode()
    assert base64.b64encode(png).decode()[:20] not in stored.data
    # Another tenant sees neither the claim nor its photo.
    other = await create_tenant(slug=f"other-{uuid4().hex[:8]}", name="Other", time_zone="UTC", country="FI")
    with tenant_scope(TenantContext(tenant_id=other.id, actor_label="test")):
        with pytest.raises(NotFound):
            await service.photo_data(claim.id, photo.id)
        with pytest.raises(NotFound):
            await service.add_photo(claim.id, png)
        async with unit_of_work():
            assert await scoped.get(ClaimPhoto, photo.id) is None


async def test_exclusions_and_receipt_numbers(salonkeep_clock, salonkeep_tenant, salonkeep_client, emit):
    await emit(ProductSold, product="Hair dryer", category="device")
    with tenant_scope(salonkeep_tenant.ctx):
        (warranty,) = await service.warranties_of(salonkeep_client.id)
        dropped = await service.open_claim(warranty.id, proof_of_purchase="R-1", description="Dropped it")
        dropped = await service.triage(dropped.id, exclusion_reason="client_damage")
        assert (dropped.status, dropped.exclusion_reason) == ("excluded", "client_damage")
        with pytest.raises(ValidationFailed):
            await service.agree_remedy(dropped.id, "repair")
        with pytest.raises(ValidationFailed):
            await service.triage(dropped.id)
        fine = await service.open_claim(warranty.id, proof_of_purchase="R-1", description="Fan stopped")
        with pytest.raises(ValidationFailed) as caught:
            await service.triage(fine.id, exclusion_reason="out_of_period")  # it is not late
        assert "exclusion_reason" in caught.value.errors
        await service.triage(fine.id)
        await service.agree_remedy(fine.id, "repair")
        first = await service.complete(fine.id)
        again = await service.open_claim(warranty.id, proof_of_purchase="R-1", description="Fan again")
        await service.triage(again.id)
        await service.agree_remedy(again.id, "replace")
        second = await service.complete(again.id)
    assert [first.number, second.number] == ["AS-2026-00001", "AS-2026-00002"]
    assert second.refund_due_on is None


async def test_late_claim_is_out_of_period(salonkeep_clock, salonkeep_tenant, salonkeep_client, emit):
    await emit(ProductSold, product="Toner", category="care")
    salonkeep_clock.advance(timedelta(days=91))
    with tenant_scope(salonkeep_tenant.ctx):
        (warranty,) = await service.warranties_of(salonkeep_client.id)
        claim = await service.open_claim(warranty.id, proof_of_purchase="R-9", description="Leaks")
        claim = await service.triage(claim.id)
    assert (claim.status, claim.exclusion_reason) == ("excluded", "out_of_period")


async def test_return_after_the_return_window_is_out_of_period(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, emit
):
    await emit(ProductSold, product="Cleanser", category="care")
    salonkeep_clock.advance(timedelta(days=31))  # past the 30-day return window, within the warranty
    with tenant_scope(salonkeep_tenant.ctx):
        (warranty,) = await service.warranties_of(salonkeep_client.id)
        late_return = await service.open_claim(
            warranty.id, proof_of_purchase="R-3", description="Irritates", is_return=True
        )
        late_return = await service.triage(late_return.id)
        repair = await service.open_claim(warranty.id, proof_of_purchase="R-3", description="Pump broken")
        repair = await service.triage(repair.id)
    assert (late_return.status, late_return.exclusion_reason) == ("excluded", "out_of_period")
    assert repair.status == "in_scope"


async def test_receipt_numbers_are_per_tenant_and_year(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, emit
):
    await emit(ProductSold, product="LED mask", category="device")

    async def receipt() -> str:
        with tenant_scope(salonkeep_tenant.ctx):
            (warranty,) = await service.warranties_of(salonkeep_client.id)
            claim = await service.open_claim(warranty.id, proof_of_purchase="R-7", description="Flickers")
            await service.triage(claim.id)
            await service.agree_remedy(claim.id, "repair")
            return (await service.complete(claim.id)).number

    assert [await receipt(), await receipt()] == ["AS-2026-00001", "AS-2026-00002"]
    salonkeep_clock.advance(timedelta(days=300))  # January 2027
    assert await receipt() == "AS-2027-00001"
