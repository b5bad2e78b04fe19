"""What the client form asks before saving: a possible duplicate (same phone or e-mail as a
client already registered) and health data without the client's health-data consent.

Each check gives a warning with a way forward, never a dead end: open the existing client or
create anyway (``confirm_duplicate=1``); record the consent now (``health_consent=record``
with the channel it was given through) or save without it (``health_consent=skip``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from salonkeep.core import consent
from salonkeep.core.access import Action, can
from salonkeep.core.clients import service as clients
from salonkeep.core.consent import policy
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.i18n import current_language
from salonkeep.web.i18n import gettext as _

#: Channels staff may record the health-data consent through from the client form.
CONSENT_CHANNELS = (consent.Channel.IN_STORE_TABLET.value, consent.Channel.PAPER_SCANNED.value)
HEALTH_TEXT = ("allergies", "health_notes")


@dataclass
class SaveChecks:
    """The warnings of one save; empty when it may go ahead."""

    duplicates: list[clients.PossibleDuplicate] = field(default_factory=list)
    #: Health data is being saved and the client has not granted the health-data consent.
    health_consent_missing: bool = False
    #: The person may record the consent from the form (client.edit).
    may_record_consent: bool = False
    consent_wording: str = ""
    consent_channels: tuple[str, ...] = CONSENT_CHANNELS

    @property
    def blocking(self) -> bool:
        """True when the form must be shown again with the warnings."""
        return bool(self.duplicates) or self.health_consent_missing


def channel_labels() -> dict[str, str]:
    """The consent channels the form offers, with their names in the person's language."""
    return {
        consent.Channel.IN_STORE_TABLET.value: _("Signed on the tablet in the salon"),
        consent.Channel.PAPER_SCANNED.value: _("Signed on paper (scanned)"),
    }


async def check_save(
    data: clients.ClientInput, form: dict[str, str], client: clients.ClientView | None = None
) -> SaveChecks:
    """The warnings for saving ``data`` (a new client when ``client`` is None), except those
    the form already answered."""
    checks = SaveChecks()
    if client is None and form.get("confirm_duplicate") != "1":
        checks.duplicates = await clients.find_duplicates(data.phone, data.email)
    new_health = [
        name
        for name in HEALTH_TEXT
        if (getattr(data, name) or "").strip()
        and (client is None or (getattr(client, name) or "").strip() != (getattr(data, name) or "").strip())
    ]
    if new_health and form.get("health_consent") not in ("record", "skip"):
        granted = client is not None and await consent.allows(client.id, consent.Purpose.HEALTH_DATA)
        if not granted:
            checks.health_consent_missing = True
            checks.may_record_consent = can(current(), Action.CLIENT_EDIT)
            checks.consent_wording = consent.wording(consent.Purpose.HEALTH_DATA, current_language())
    return checks


def consent_channel(form: dict[str, str]) -> str | None:
    """The channel of a consent to record with the save (``None``: none to record);
    ValidationFailed naming ``consent_channel`` when it is not one the form offers."""
    if form.get("health_consent") != "record":
        return None
    channel = form.get("consent_channel", "")
    if not can(current(), Action.CLIENT_EDIT):
        raise ValidationFailed({"consent_channel": _("Your role does not record consent.")})
    if channel not in CONSENT_CHANNELS:
        raise ValidationFailed({"consent_channel": _("Choose how the client gave the consent.")})
    return channel


async def record_health_consent(client_id: UUID, channel: str) -> None:
    """Record the client's health-data consent, given now through ``channel``, under the
    wording shown on the form and the privacy policy in force."""
    in_force = await policy.current_policy(current_language())
    await consent.grant(
        client_id,
        consent.Purpose.HEALTH_DATA,
        channel=channel,
        wording_shown=consent.wording(consent.Purpose.HEALTH_DATA, current_language()),
        policy_version_id=policy.policy_id(in_force),
    )
