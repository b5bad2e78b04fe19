"""Complaints: intake with the first-contact deadline, rounds until accepted, closing with a
satisfaction call, encrypted photos, the service guarantee reached end to end, data-handling
complaints on the privacy officer's board, escalations once, and tenant isolation."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from salonkeep.core.aftercare.calls import client_touchpoints
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.complaints import escalation, service
from salonkeep.core.complaints.tables import (
    Complaint,
    ComplaintAttachment,
    ComplaintEscalation,
    ComplaintRound,
)
from salonkeep.core.privacy import alerts
from salonkeep.core.visits.service import record_service
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.tenants.tenant_settings import update_tenant_settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


async def _client(world, name="Maija"):
    return await create_client(ClientInput(branch_id=world.branch_id, first_name=name))


async def test_a_complaint_gets_its_deadline_from_the_tenant_setting(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="phone", about="service", description="Uneven colour"
        )
        assert made.first_contact_due_at == clock.now() + timedelta(hours=24)
        assert made.status == "open" and made.client_id is None
    await update_tenant_settings(tenant_a.ctx.tenant_id, {"complaint_first_contact_hours": 8})
    with tenant_scope(tenant_a.ctx):
        later = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="email", about="product", description="Pump broken"
        )
        assert later.first_contact_due_at == clock.now() + timedelta(hours=8)
        assert [c.id for c in await service.list_complaints(tenant_a.branch_id)] == [later.id, made.id]


async def test_bad_input_is_refused_field_by_field_and_nothing_is_written(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        with pytest.raises(ValidationFailed) as refused:
            await service.record_complaint(
                branch_id=tenant_a.branch_id, channel="fax", about="weather", description="  ", category="x"
            )
        assert set(refused.value.errors) == {"channel", "about", "description", "category"}
        assert await service.list_complaints() == []


async def test_rounds_until_accepted_then_close_plans_a_satisfaction_call(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        client = await _client(tenant_a)
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id,
            channel="in_store",
            about="product",
            about_ref="Serum",
            category="quality",
            description="Rash after the serum",
            client_id=client.id,
        )
        await service.assign(made.id, tenant_a.owner_id)
        frozen_clock.advance(timedelta(hours=2))
        contacted = await service.mark_first_contact(made.id)
        assert contacted.first_contacted_at == clock.now() and contacted.status == "in_progress"
        with pytest.raises(Conflict):
            await service.mark_first_contact(made.id)
        await service.add_notes(made.id, notes="Batch 42", cause="Wrong storage", coverage="covered")
        with pytest.raises(ValidationFailed) as early:
            await service.record_answer(made.id, accepted=True)
        assert set(early.value.errors) == {"answer"}
        await service.propose_remedy(made.id, "explanation", "How to store it")
        refused = await service.record_answer(made.id, accepted=False)
        assert [(r.number, r.answer) for r in refused.rounds] == [(1, "refused"), (2, "")]
        await service.propose_remedy(made.id, "refund", "Full price back")
        accepted = await service.record_answer(made.id, accepted=True)
        assert [(r.remedy, r.answer) for r in accepted.rounds] == [
            ("explanation", "refused"),
            ("refund", "accepted"),
        ]
        assert accepted.rounds[0].notes == "Batch 42" and accepted.rounds[0].cause == "Wrong storage"
        closed = await service.close_complaint(made.id, "Refunded; client happy")
        assert closed.status == "closed" and closed.outcome == "Refunded; client happy"
        with pytest.raises(Conflict):
            await service.add_notes(made.id, notes="late")
        calls = [t for t in await client_touchpoints(client.id) if t.programme == "complaints"]
        assert [(c.kind, c.title, c.due_at) for c in calls] == [
            ("call", "Satisfaction call after a complaint", clock.now() + timedelta(days=1))
        ]
        async with unit_of_work(tenant_a.ctx):
            stored = await scoped.get(Complaint, made.id)
            rounds = await scoped.objects(ComplaintRound).where(ComplaintRound.complaint_id == made.id)
            actions = await scoped.select(AuditEvent, AuditEvent.reason).where(
                AuditEvent.subject_id == made.id
            )
    # Texts about a named client are ciphertext at rest.
    assert stored is not None and stored.description.startswith("sk1:") and stored.outcome.startswith("sk1:")
    assert all(r.notes == "" or r.notes.startswith("sk1:") for r in rounds)
    reasons = {a["reason"] for a in actions}
    assert {"complaint.assign", "complaint.first_contact", "complaint.propose", "complaint.close"} <= reasons


async def test_a_complaint_within_the_guarantee_opens_the_free_correction(tenant_a, frozen_clock):
    """No synthetic event: the complaint service publishes ComplaintReceived itself."""
    with tenant_scope(tenant_a.ctx):
        client = await _client(tenant_a)
        await record_service(client.id, service="Eyebrow tint", category="facial")
        frozen_clock.advance(timedelta(days=2))
        await service.record_complaint(
            branch_id=tenant_a.branch_id,
            channel="phone",
            about="service",
            about_ref="uneven colour",
            description="The left brow is darker",
            client_id=client.id,
        )
        tasks = [t for t in await client_touchpoints(client.id) if t.programme == "service_guarantee"]
    assert [(t.kind, t.urgency, t.assigned_role) for t in tasks] == [("task", "urgent", "branch_manager")]
    assert tasks[0].title.startswith("Free correction of Eyebrow tint")
    assert "uneven colour" in tasks[0].script and "darker" not in tasks[0].script


async def test_deciding_a_service_complaint_is_covered_opens_the_free_correction_once(tenant_a, frozen_clock):
    """Inside the window the decision meets the correction the complaint opened (planned once);
    outside it, the decision opens the correction the guarantee would not have opened."""
    with tenant_scope(tenant_a.ctx):
        inside, outside = await _client(tenant_a, "Inka"), await _client(tenant_a, "Ulla")
        await record_service(inside.id, service="Eyebrow tint", category="facial")
        await record_service(outside.id, service="Haircut", category="hair")
        frozen_clock.advance(timedelta(days=2))
        early = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="phone", about="service", description="Uneven",
            client_id=inside.id,
        )  # fmt: skip
        frozen_clock.advance(timedelta(days=8))
        late = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="phone", about="service", description="Too short",
            client_id=outside.id,
        )  # fmt: skip
        for made in (early, late, early, late):  # deciding again opens nothing more
            decided = await service.add_notes(made.id, notes="Checked", coverage="covered")
        inside_tasks = [t for t in await client_touchpoints(inside.id) if t.programme == "service_guarantee"]
        outside_tasks = [
            t for t in await client_touchpoints(outside.id) if t.programme == "service_guarantee"
        ]
    assert decided.rounds[-1].covered_by == "service_guarantee"
    assert [t.title[:32] for t in inside_tasks] == ["Free correction of Eyebrow tint "]
    assert sorted(t.title[:28] for t in outside_tasks) == [
        "Complaint about Haircut outs",  # the complaint itself: outside the window
        "Free correction of Haircut (",  # the staff's decision: covered after all
    ]


async def test_deciding_a_product_complaint_is_covered_opens_the_warranty_claim(tenant_a, frozen_clock):
    """Through the ComplaintCovered event and the warranty plugin (no import of the plugin by
    the complaints service): the claim on the purchase named, once; a return outside the return
    window opens no claim but a task to check the proof of purchase."""
    from salonkeep.core.visits.service import record_sale
    from salonkeep.plugins.warranty import service as warranty

    with tenant_scope(tenant_a.ctx):
        client = await _client(tenant_a, "Wilma")
        await record_sale(client.id, product="Hair dryer", category="device", price_cents=5990)
        await record_sale(client.id, product="Shampoo", category="care", price_cents=1290)
        frozen_clock.advance(timedelta(days=40))
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="in_store", about="product", about_ref="Hair dryer",
            description="Stopped heating", client_id=client.id,
        )  # fmt: skip
        await service.add_notes(made.id, coverage="covered")
        await service.add_notes(made.id, notes="Still covered", coverage="covered")
        returned = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="in_store", about="product", about_ref="Shampoo",
            description="Smells odd", client_id=client.id,
        )  # fmt: skip
        await service.add_notes(returned.id, coverage="covered", covered_by="return")
        claims = await warranty.claims_of(client.id)
        tasks = [t for t in await client_touchpoints(client.id) if t.programme == "warranty"]
        warranties = {w.id: w.product for w in await warranty.warranties_of(client.id)}
    assert [(warranties[c.warranty_id], c.is_return, c.channel) for c in claims] == [
        ("Hair dryer", False, "complaint")
    ]
    assert sorted(t.title.split(":")[0] for t in tasks) == [
        "Covered complaint",
        "Warranty claim opened from a complaint",
    ]


async def test_coverage_needs_a_programme_and_a_client(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        client = await _client(tenant_a)
        about_staff = await service.record_complaint(
            branch_id=tenant_a.branch_id,
            channel="phone",
            about="staff",
            description="Rude",
            client_id=client.id,
        )
        anonymous = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="website", about="service", description="Slow"
        )
        for complaint_id, covered_by in (
            (about_staff.id, ""),
            (anonymous.id, ""),
            (about_staff.id, "lottery"),
        ):
            with pytest.raises(ValidationFailed) as refused:
                await service.add_notes(complaint_id, notes="x", coverage="covered", covered_by=covered_by)
            assert set(refused.value.errors) == {"covered_by"}
        assert (await service.get_complaint(about_staff.id)).rounds == ()


async def test_data_handling_complaints_go_to_the_privacy_officer_as_urgent(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        client = await _client(tenant_a)
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id,
            channel="email",
            about="data_handling",
            description="A partner called me without my consent",
            client_id=client.id,
        )
        board = await alerts.list_alerts()
        # No free correction for a privacy complaint.
        assert not [t for t in await client_touchpoints(client.id) if t.programme == "service_guarantee"]
    assert [(a.kind, a.client_id) for a in board] == [("complaint_data_handling", client.id)]
    assert "Urgent" in board[0].summary and "partner" not in board[0].summary
    assert made.about == "data_handling"


async def test_photos_are_checked_by_their_bytes_and_stored_encrypted(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        client = await _client(tenant_a)
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id,
            channel="in_store",
            about="product",
            description="Cracked jar",
            client_id=client.id,
        )
        attachment_id = await service.add_attachment(made.id, PNG)
        assert await service.read_attachment(attachment_id) == ("image/png", PNG)
        await service.add_attachment(made.id, JPEG)
        for bad, message in ((b"GIF89a" + b"\x00" * 10, "photo"), (b"%PDF-1.7", "photo"), (b"", "empty")):
            with pytest.raises(ValidationFailed) as refused:
                await service.add_attachment(made.id, bad)
            assert message in refused.value.errors["attachment"]
        with pytest.raises(ValidationFailed):
            await service.add_attachment(made.id, b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024))
        anonymous = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="website", about="service", description="Rude"
        )
        # No client named (the public page): sealed under the tenant key.
        public_photo = await service.add_attachment(anonymous.id, JPEG)
        assert await service.read_attachment(public_photo) == ("image/jpeg", JPEG)
        assert len((await service.get_complaint(made.id)).attachment_ids) == 2
        async with unit_of_work(tenant_a.ctx):
            stored = await scoped.get(ComplaintAttachment, attachment_id)
            sealed_public = await scoped.get(ComplaintAttachment, public_photo)
            views = await scoped.select(AuditEvent, AuditEvent.subject_id).where(
                (AuditEvent.subject == "complaint_attachment") & (AuditEvent.action == "view")
            )
    assert stored is not None and stored.data.startswith("sk1:") and stored.size == len(PNG)
    assert sealed_public is not None and sealed_public.client_id is None
    assert sealed_public.data.startswith("t1:") and JPEG not in sealed_public.data.encode()
    assert {v["subject_id"] for v in views} >= {attachment_id, public_photo}  # each view audited


async def test_escalations_happen_once_per_stage(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        client = await _client(tenant_a)
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id,
            channel="phone",
            about="staff",
            description="Rude",
            client_id=client.id,
        )
        anonymous = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="website", about="service", description="Slow"
        )
        assert await escalation.escalate_due() == 0
        frozen_clock.advance(timedelta(hours=21))
        assert await escalation.escalate_due() == 2  # the reminder of each
        assert await escalation.escalate_due() == 0
        frozen_clock.advance(timedelta(hours=4))
        assert await escalation.escalate_due() == 2  # deadline missed: the branch manager
        await service.mark_first_contact(anonymous.id)
        frozen_clock.advance(timedelta(hours=48))
        assert await escalation.escalate_due() == 2  # open past 72 hours: the owner
        assert await escalation.escalate_due() == 0
        tasks = [t for t in await client_touchpoints(client.id) if t.programme == "complaints"]
        async with unit_of_work(tenant_a.ctx):
            stages = await scoped.select(ComplaintEscalation, ComplaintEscalation.stage).where(
                ComplaintEscalation.complaint_id == made.id
            )
    assert sorted(s["stage"] for s in stages) == ["manager", "owner", "reminder"]
    assert sorted((t.assigned_role or "", t.urgency) for t in tasks) == [
        ("", "normal"),
        ("branch_manager", "urgent"),
        ("owner", "urgent"),
    ]


async def test_branch_scope_and_tenant_isolation(tenant_a, tenant_b, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        other = await add_branch(name="Harbour", address="Harbour 2")
        made = await service.record_complaint(
            branch_id=other.id, channel="phone", about="service", description="Late"
        )
        staff, _ = await add_staff(
            email="rec@example.com",
            name="Rec",
            role="reception",
            branch_names=["Main street"],
            password="Str0ng-Passw0rd",
        )
    reception = dataclasses.replace(
        tenant_a.ctx, actor_id=staff.id, role="reception", branch_ids=frozenset({tenant_a.branch_id})
    )
    with tenant_scope(reception):
        assert await service.list_complaints() == []
        with pytest.raises(NotFound):
            await service.get_complaint(made.id)
        with pytest.raises(NotFound):
            await service.list_complaints(other.id)
    with tenant_scope(tenant_b.ctx):
        assert await service.list_complaints() == []
        with pytest.raises(NotFound):
            await service.get_complaint(made.id)
        with pytest.raises(NotFound):
            await service.close_complaint(made.id, "done")
        with pytest.raises(ValidationFailed) as unknown:  # tenant A's branch is unknown here
            await service.record_complaint(
                branch_id=tenant_a.branch_id, channel="phone", about="service", description="x"
            )
        assert set(unknown.value.errors) == {"branch"}
        assert await escalation.escalate_due(clock.now() + timedelta(days=30)) == 0
    with tenant_scope(tenant_a.ctx):
        assert (await service.get_complaint(made.id)).description == "Late"


async def test_escalation_emails_go_through_the_staff_notice_outbox_once_per_stage(tenant_a, frozen_clock):
    """The reminder reaches the assignee, the missed deadline the branch's manager (not the
    manager of another branch), the long-open complaint the owner; running again queues nothing,
    and no e-mail carries the complaint's text."""
    from salonkeep.core.privacy import notices

    with tenant_scope(tenant_a.ctx):
        await add_branch(name="Harbour", address="Harbour 2")
        await add_staff(
            email="mia@salon.example", name="Mia Manager", role="branch_manager", branch_names=["Main street"]
        )
        await add_staff(
            email="hal@salon.example", name="Hal Harbour", role="branch_manager", branch_names=["Harbour"]
        )
        handler, _ = await add_staff(
            email="rea@salon.example", name="Rea Reception", role="reception", branch_names=["Main street"]
        )
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="website", about="service", description="Secret text"
        )
        await service.assign(made.id, handler.id)
        frozen_clock.advance(timedelta(hours=21))
        assert await escalation.escalate_due() == 1
        frozen_clock.advance(timedelta(hours=4))
        assert await escalation.escalate_due() == 1
        frozen_clock.advance(timedelta(hours=48))
        assert await escalation.escalate_due() == 1
        assert await escalation.escalate_due() == 0
        async with unit_of_work(tenant_a.ctx):
            queued = await notices.notices()
    by_stage = {n.dedupe_key.split(":")[2]: n for n in queued}
    assert len(queued) == 3 and set(by_stage) == {"reminder", "manager", "owner"}
    assert by_stage["reminder"].to_address == "rea@salon.example"
    assert by_stage["manager"].to_address == "mia@salon.example"
    assert by_stage["owner"].to_address == f"owner@{tenant_a.slug}.example"
    assert "first-contact deadline missed at Main street" in by_stage["manager"].subject
    assert all(str(made.id) in n.body and "Secret text" not in n.body for n in queued)


async def test_linking_a_public_complaint_to_its_client_moves_it_under_the_clients_key(
    tenant_a, frozen_clock
):
    """The texts and photos move from plain / the tenant key to the client's key, and the
    complaint reaches the service guarantee then (the event the public page could not send)."""
    with tenant_scope(tenant_a.ctx):
        client = await _client(tenant_a, "Aino")
        await record_service(client.id, service="Hair colour", category="hair")
        frozen_clock.advance(timedelta(days=1))
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="website", about="service", description="Uneven colour",
            contact_name="Aino V", photos=[PNG],
        )  # fmt: skip
        assert [t for t in await client_touchpoints(client.id) if t.programme == "service_guarantee"] == []
        linked = await service.link_client(made.id, client.id)
        with pytest.raises(Conflict):
            await service.link_client(made.id, client.id)
        (photo_id,) = linked.attachment_ids
        assert await service.read_attachment(photo_id, made.id) == ("image/png", PNG)
        tasks = [t for t in await client_touchpoints(client.id) if t.programme == "service_guarantee"]
        async with unit_of_work(tenant_a.ctx):
            stored = await scoped.get(Complaint, made.id)
            photo = await scoped.get(ComplaintAttachment, photo_id)
    assert (linked.client_id, linked.description) == (client.id, "Uneven colour")
    assert stored is not None and stored.description.startswith("sk1:")
    assert photo is not None and photo.client_id == client.id and photo.data.startswith("sk1:")
    assert [t.title[:31] for t in tasks] == ["Free correction of Hair colour "]
