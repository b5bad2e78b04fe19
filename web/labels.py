"""Plain words for the codes the services use: one registry, one Jinja filter.

A person never reads ``health_data``, ``branch_manager`` or ``follow_up_137``: templates write
``{{ code|label("consent_purpose") }}`` (or ``{{ code|label }}`` to look in every kind) and
read the translated label. A code the registry does not know (a plugin's setting, a new audit
action) is still shown as words ("Retry after hours"), never with its underscores.
"""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment

from salonkeep.core.catalogue.service import DEFAULT_LABELS
from salonkeep.core.plugins.api import Setting
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.web.i18n import gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated when shown."""
    return message


#: Per kind of code, the English label of each code (an id of the catalogs).
REGISTRY: dict[str, dict[str, str]] = {
    "role": {
        "owner": N_("Owner"),
        "branch_manager": N_("Branch manager"),
        "practitioner": N_("Practitioner"),
        "reception": N_("Reception"),
        "privacy_officer": N_("Privacy officer"),
    },
    "consent_purpose": {
        "service": N_("Aftercare of services"),
        "health_data": N_("Health data"),
        "marketing_email": N_("Offers by e-mail"),
        "marketing_sms": N_("Offers by text message"),
        "greetings": N_("Greetings"),
        "third_party_sharing": N_("Sharing with partners"),
        "photos": N_("Photos"),
    },
    "consent_channel": {
        "in_store_tablet": N_("Tablet in the salon"),
        "online_form": N_("Online form"),
        "paper_scanned": N_("Paper form (scanned)"),
        "phone_call": N_("Phone call"),
        "imported": N_("Imported"),
    },
    "client_kind": {
        "new": N_("New client"),
        "member": N_("Member"),
        "guest": N_("Guest"),
    },
    "remedy": {
        "free_correction": N_("Free correction"),
        "redo": N_("Redo"),
        "repair": N_("Repair"),
        "replace": N_("Replacement"),
        "refund": N_("Refund"),
        "compensation": N_("Compensation"),
        "explanation": N_("Explanation"),
    },
    "claim_status": {
        "reported": N_("Reported"),
        "in_scope": N_("Covered by the warranty"),
        "excluded": N_("Not covered"),
        "remedy_agreed": N_("Remedy agreed"),
        "completed": N_("Completed"),
    },
    "request_kind": {
        "access": N_("Access to the data"),
        "export": N_("Copy of the data"),
        "rectification": N_("Correction"),
        "erasure": N_("Erasure"),
        "restriction": N_("Restriction"),
        "objection": N_("Objection"),
    },
    "appointment_status": {
        "booked": N_("Booked"),
        "moved": N_("Moved"),
        "cancelled": N_("Cancelled"),
        "attended": N_("Attended"),
        "no_show": N_("Did not come"),
    },
    "outcome": {
        "reached": N_("Reached"),
        "no_answer": N_("No answer"),
        "not_convenient": N_("Not convenient"),
        "abnormal_reaction": N_("Abnormal reaction"),
        "wants_appointment": N_("Wants an appointment"),
        "opted_out": N_("Opted out"),
    },
    "setting": {
        "call_time": N_("Time of day for calls"),
        "retry_after_hours": N_("Call again after (hours)"),
        "max_attempts": N_("Attempts at most"),
    },
    "request_status": {
        "open": N_("Open"),
        "done": N_("Done"),
        "refused": N_("Refused"),
    },
    # Sections of the client profile (a plugin's panel key is shown as words).
    "section": {
        "details": N_("Details"),
        "history": N_("History"),
        "record": N_("Record a visit"),
        "consent": N_("Consent"),
        "aftercare": N_("Aftercare"),
        "complaints": N_("Complaints"),
        "privacy": N_("Privacy requests"),
        "audit": N_("Audit trail"),
    },
    # Fields of client data named in the audit trail (others are shown as words).
    "field": {
        "first_name": N_("First name"),
        "last_name": N_("Last name"),
        "date_of_birth": N_("Date of birth"),
        "health_notes": N_("Health notes"),
        "treatment_notes": N_("Treatment notes"),
        "allergies": N_("Allergies"),
        "needs": N_("Needs"),
        "price_cents": N_("Price"),
        "id_number": N_("ID number"),
        "preferred_locale": N_("Language"),
        "branch_id": N_("Branch"),
        "call_log.note": N_("Call note"),
        "touchpoint.note": N_("Call note"),
        "touchpoint.detail": N_("Task note"),
        # Staff accounts, branches and API keys (staff.change, account.change, api_key.*).
        "invited": N_("Invited"),
        "role": N_("Role"),
        "branches": N_("Branches"),
        "branch": N_("Branch"),
        "active": N_("Active"),
        "password": N_("Password"),
        "pin": N_("Screen-lock PIN"),
        "second_factor": N_("Second factor"),
        "sessions": N_("Sessions ended"),
        "locale": N_("Language"),
        "name": N_("Name"),
        "address": N_("Address"),
        "phone": N_("Phone"),
        "time_zone": N_("Time zone"),
        "prefix": N_("Key prefix"),
        "revoked": N_("Revoked"),
        "status": N_("Status"),
        "people": N_("People"),
        # Tenant settings (settings.change); a section's key reads "Section: key".
        "share_clients_chain_wide": N_("Clients shared by all branches"),
        "idle_lock_seconds": N_("Screen lock after (seconds)"),
        "require_totp_for_managers": N_("Second factor for managers"),
        "retention_inactive_years": N_("Erase inactive clients after (years)"),
        "retention_auto_apply": N_("Erase automatically"),
        "break_glass_minutes": N_("Break-glass access (minutes)"),
        "break_glass_disabled_roles": N_("Roles without break-glass"),
        "reconsent_mode": N_("While a consent awaits confirmation"),
        "reconsent_auto_request": N_("Ask for re-consent automatically"),
        "confidentiality_version": N_("Confidentiality agreement version"),
        "reminder_days": N_("Reminder before a renewal (days)"),
        "working_hours": N_("Working hours"),
        "alert_view_factor": N_("Alert: views above the usual (times)"),
        "alert_view_minimum": N_("Alert: clients viewed at least"),
        "alert_break_glass_count": N_("Alert: break-glass accesses in 7 days"),
        "alert_failed_sign_ins": N_("Alert: failed sign-ins in a day"),
        "complaint_first_contact_hours": N_("Complaint: first contact within (hours)"),
        "complaint_reminder_hours": N_("Complaint: reminder after (hours)"),
        "complaint_owner_hours": N_("Complaint: to the owner after (hours)"),
        "late_cancel_notice_hours": N_("Late cancellation notice (hours)"),
        "salon_cancel_gesture": N_("Gesture when the salon cancels"),
        "survey_after_hours": N_("Survey after (hours)"),
        "survey_low_score": N_("Low survey score"),
        "delivery": N_("Delivery"),
        "message_templates": N_("Message wording"),
        "sender_name": N_("Sender name"),
        "sender_address": N_("Sender address"),
        "quiet_hours": N_("Quiet hours"),
        "sms_per_minute": N_("Text messages per minute"),
        "enabled": N_("Switched on"),
    },
    # Values of settings named in the audit trail.
    "setting_value": {
        "keep": N_("keep it until the client confirms"),
        "pause_marketing": N_("pause marketing messages"),
        "failed": N_("Failed"),
        "queued": N_("Queued"),
        "cancelled": N_("Cancelled"),
    },
    "audit_action": {
        "view": N_("Viewed"),
        "search": N_("Searched"),
        "create": N_("Created"),
        "update": N_("Changed"),
        "delete": N_("Deleted"),
        "export": N_("Exported"),
        "erase": N_("Erased"),
        "restrict": N_("Restricted"),
        "disclosure": N_("Disclosed to a partner"),
        "sign_in": N_("Signed in"),
        "sign_out": N_("Signed out"),
        "message.sent": N_("Message sent"),
        "message.suppressed": N_("Message not sent"),
        "message.failed": N_("Message failed"),
        "message.status": N_("Failed message retried or cancelled"),
        "keys.rotate": N_("Keys rotated"),
        "policy.publish": N_("Privacy policy published"),
        "client.read": N_("Client viewed"),
        "client.view": N_("Client viewed"),
        "client.create": N_("Client created"),
        "client.edit": N_("Client changed"),
        "client.edit_health": N_("Health data changed"),
        "consent.grant": N_("Consent given"),
        "consent.withdraw": N_("Consent withdrawn"),
        "consent.reconsent_request": N_("Consent asked again"),
        "catalogue.change": N_("Catalogue changed"),
        "settings.change": N_("Settings changed"),
        "staff.change": N_("Staff changed"),
        "staff.import": N_("Staff imported from a file"),
        "staff.agreement_signed": N_("Confidentiality agreement signed"),
        "staff.training_recorded": N_("Privacy training recorded"),
        "branch.create": N_("Branch added"),
        "account.change": N_("Own account changed"),
        "api_key.create": N_("API key created"),
        "api_key.revoke": N_("API key revoked"),
        "calendar_feed.create": N_("Calendar feed created"),
        "calendar_feed.revoke": N_("Calendar feed revoked"),
        "partner.terms_changed": N_("Partner terms changed"),
        "audit.chain_accepted": N_("Audit chain accepted as it is"),
        "staff.hours": N_("Working hours changed"),
        "sign_in.failed": N_("Sign-in refused"),
        "tenant_backup": N_("Backup made"),
        "tenant_restore": N_("Backup restored"),
        "tenant_move": N_("Organisation moved"),
        "clients.import.upload": N_("Client file uploaded"),
        "clients.import.confirm": N_("Client import confirmed"),
        "clients.import.cancel": N_("Client import cancelled"),
    },
}

#: Codes the services' field messages name (``salonkeep.tenants.messages.code``), per kind:
#: looked up by their kind only (a bare ``warranty`` stays the programme's title).
MESSAGE_CODES: dict[str, dict[str, str]] = {
    "touchpoint_kind": {
        "call": N_("Call"),
        "message": N_("Message"),
        "task": N_("Task"),
    },
    # A call's, task's or message's state (messages: the delivery states).
    "touchpoint_status": {
        "planned": N_("Planned"),
        "queued": N_("Queued"),
        "sending": N_("Being sent"),
        "sent": N_("Sent"),
        "suppressed": N_("Not sent"),
        "done": N_("Done"),
        "cancelled": N_("Cancelled"),
        "failed": N_("Failed"),
    },
    # The channel a client prefers for a kind of message.
    "contact_channel": {
        "email": N_("E-mail"),
        "sms": N_("Text message"),
        "letter": N_("Letter"),
        "call": N_("Phone call"),
    },
    "complaint_channel": {
        "in_store": N_("In store"),
        "phone": N_("Phone"),
        "email": N_("E-mail"),
        "social_media": N_("Social media"),
        "website": N_("Website"),
    },
    "complaint_about": {
        "service": N_("A service"),
        "product": N_("A product"),
        "staff": N_("A staff member"),
        "touchpoint": N_("An aftercare contact"),
        "data_handling": N_("Handling of personal data"),
    },
    "complaint_category": {
        "quality": N_("Quality"),
        "hygiene": N_("Hygiene"),
        "attitude": N_("Attitude"),
        "waiting": N_("Waiting"),
        "price": N_("Price"),
        "damage": N_("Damage"),
        "privacy": N_("Privacy"),
        "other": N_("Other"),
    },
    "coverage": {"covered": N_("Covered"), "not_covered": N_("Not covered")},
    "covered_by": {
        "service_guarantee": N_("Service guarantee: free correction"),
        "warranty": N_("Product warranty: warranty claim"),
        "return": N_("Return within the return window"),
    },
    "break_glass_reason": {
        "emergency": N_("Emergency: the client's safety is at stake"),
        "client_present": N_("The client is here and asks for it"),
        "covering_colleague": N_("Covering for a colleague of that branch"),
        "clinical_safety": N_("Checking before a treatment (allergies, contraindications)"),
    },
    # Why a warranty claim is not covered.
    "exclusion_reason": {
        "client_damage": N_("Damage by the client"),
        "accident": N_("Accident"),
        "improper_use": N_("Improper use or care"),
        "out_of_period": N_("After the period"),
    },
    "reconsent_mode": {
        "keep": N_("keep it until the client confirms"),
        "pause_marketing": N_("pause marketing messages"),
    },
    # The user-interface languages, named in the reader's language.
    "language": {
        "en": N_("English"),
        "zh": N_("Chinese"),
        "ru": N_("Russian"),
        "fi": N_("Finnish"),
    },
}

_WORD_BREAKS = re.compile(r"[_.]+")
_NUMBERED = re.compile(r"^(?P<stem>[a-z_]+?)_(?P<number>\d+)$")


def humanised(code: str) -> str:
    """A code the registry does not know, as words: ``retry_after_hours`` → "Retry after hours"."""
    words = _WORD_BREAKS.sub(" ", code).strip()
    return words[:1].upper() + words[1:] if words else code


def _catalogue_code(code: str) -> str | None:
    for (_kind, built_in_code), english in DEFAULT_LABELS.items():
        if built_in_code == code:
            return english
    return None


def english_label(code: str, kind: str | None = None) -> str:
    """The English label (catalog id) of ``code``; unknown codes as words."""
    kinds = [kind] if kind else list(REGISTRY)
    for name in kinds:
        english = (REGISTRY.get(name) or MESSAGE_CODES.get(name, {})).get(code)
        if english is not None:
            return english
    if kind in (None, "category"):
        built_in = _catalogue_code(code)
        if built_in is not None:
            return built_in
    if kind in (None, "programme"):
        installed = get_plugins().programmes().get(code)
        if installed is not None:
            return installed.title  # the programme's title: translated from its plugin's catalogue
    numbered = _NUMBERED.match(code)
    stems = REGISTRY.get(kind, {}) if kind not in (None, "programme") else get_plugins().programmes()
    if numbered and numbered.group("stem") in stems:
        return f"{english_label(numbered.group('stem'), kind)} {numbered.group('number')}"
    return humanised(code)


def label(code: object, kind: str | None = None) -> str:
    """``code`` in plain words in the request's language (empty and None: "—")."""
    if code is None or code == "":
        return "—"
    return gettext(english_label(str(code), kind))


def field_label(code: object) -> str:
    """A field named by an audit event in plain words: a known field's label, else
    ``section.key`` (``delivery.sms_per_minute``, ``follow_up_137.enabled``) as
    "Section: key", the section being a settings section or a programme."""
    text = "" if code is None else str(code)
    if not text or text in REGISTRY["field"] or "." not in text:
        return label(text, "field")
    section, key = text.split(".", 1)
    programme = None if section in REGISTRY["field"] else get_plugins().programmes().get(section)
    setting = programme.schema().get(key) if programme is not None else None
    head = label(section, "field" if programme is None else "programme")
    if setting is not None:
        tail = setting_label(setting)
    elif key in REGISTRY["field"]:
        tail = label(key, "field")
    else:
        tail = label(key, "setting")
    return f"{head}: {tail}"


def change_value(value: object, field: str = "") -> str:
    """A value before or after an audited change in plain words: yes/no, "—" for none, roles
    and known setting values by their labels, lists joined with commas."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return ", ".join(change_value(item, field) for item in value)
    text = str(value)
    if text in REGISTRY["role"] and (field.endswith("role") or field.endswith("roles")):
        return label(text, "role")
    if text in REGISTRY["setting_value"]:
        return label(text, "setting_value")
    return text


def plain(text: object) -> str:
    """Free text as it is, unless it is a registry code (an audit reason that names a consent
    channel, for instance): then its label."""
    value = "" if text is None else str(text)
    for entries in REGISTRY.values():
        if value in entries:
            return gettext(entries[value])
    return value


#: Kinds whose codes are no everyday word: one standing alone on a page is a code shown.
_STANDALONE_KINDS = ("role", "consent_purpose", "consent_channel", "client_kind", "remedy", "request_kind")


@cache
def standalone_codes() -> frozenset[str]:
    """Codes the walk tests look for standing alone on a page (a cell holding ``new``)."""
    codes = {code for kind in _STANDALONE_KINDS for code in REGISTRY[kind]}
    return frozenset(codes | {code for _kind, code in DEFAULT_LABELS})


#: The help texts of the settings every programme has (defined in the plugin API; listed
#: here so that the web catalog translates them).
COMMON_SETTING_HELP = (
    N_("Local time of day at which calls and messages are due."),
    N_("After no answer, call again this many hours later."),
    N_("Give a call up after this many unanswered attempts."),
)


def setting_label(setting: Setting) -> str:
    """The name of a programme setting in the request's language: the plugin's ``label``
    (translated from its catalogue), else the registry's, else the name as words."""
    if setting.label:
        return gettext(setting.label)
    return label(setting.name, "setting")


def translated(text: object) -> str:
    """``text`` in the request's language when the catalogs know it (the English titles and
    descriptions of programmes, from their plugins' catalogues)."""
    return gettext(str(text)) if text else ""


def code_labels(kind: str) -> dict[str, str]:
    """Every code of ``kind`` (a registry kind or one of :data:`MESSAGE_CODES`) with its label
    in the request's language."""
    table = REGISTRY.get(kind) or MESSAGE_CODES[kind]
    return {code: gettext(english) for code, english in table.items()}


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) pairs of ``kind`` for a select, in the request's language."""
    return [(code, gettext(english)) for code, english in REGISTRY[kind].items()]


def install(env: Environment) -> None:
    """Add the ``label``, ``plain``, ``setting_label``, ``t``, ``field_label`` and
    ``change_value`` filters and ``label_choices`` to ``env``."""
    env.filters["label"] = label
    env.filters["t"] = translated
    env.filters["plain"] = plain
    env.filters["setting_label"] = setting_label
    env.filters["field_label"] = field_label
    env.filters["change_value"] = change_value
    env.globals["label_choices"] = choices
