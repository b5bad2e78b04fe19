"""The services' field messages in the person's language, translated at the web boundary.

Services (core, tenants, plugins) raise ``ValidationFailed`` with English messages, which the
CLI and the API show as they are. Staff pages render ``errors`` through :func:`translate_errors`
(``pages.render`` does it for every page), which looks each message up in the catalogs; the
messages are listed here so that extraction puts them in the catalogs
(tests/web/test_service_messages.py fails when a service gains a message missing here).

A message with values (:func:`salonkeep.tenants.messages.field_message`) is translated from
its template, then filled: codes as their labels (:mod:`salonkeep.web.labels`), lists of them
the way the person's language lists alternatives, other values as given. The templates of the
core and the tenants are listed in :data:`TEMPLATES`; a plugin's are in its own catalogue.
"""

from __future__ import annotations

from typing import Any

from babel.lists import format_list

from salonkeep.tenants.messages import Code, Codes, FieldMessage, Phrases
from salonkeep.web.i18n import current_language, gettext
from salonkeep.web.labels import label


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated when shown."""
    return message


#: Every fixed message a service gives for a field.
FIXED_MESSAGES = (
    N_("must not be after the end"),
    N_("use a date like 2026-12-31"),
    N_("choose a score from 1 to 5"),
    N_("choose a score from 0 to 4"),
    N_("give 1 to 720 hours"),
    N_("this survey was already answered"),
    N_("choose a time"),
    N_("give an e-mail address or a phone number"),
    N_("choose a service"),
    N_("too long"),
    N_("this request was already handled"),
    N_("not a valid e-mail address"),
    N_("not a valid phone number"),
    N_("the staff member of this request has left; propose another time"),
    N_("choose a staff member"),
    N_("no longer free"),
    N_("this invitation is for another e-mail address"),
    N_("give 1 to 365 days"),
    N_("this invitation link was already used"),
    N_("the file is larger than 1 MB"),
    N_("the file has no rows below its header"),
    N_("the file is not UTF-8 text"),
    N_("name the client first: the claim is the client's"),
    N_("the complaint already names a client"),
    N_("the staff member works in several branches or none: name one"),
    N_("a category with this code exists"),
    N_("a client cannot refer themselves"),
    N_("a no-show can be marked once the appointment has begun"),
    N_("a return within the return window is refunded"),
    N_("answer this question"),
    N_("at most 5000 characters"),
    N_("book it again from the catalogue to move it"),
    N_("cannot be negative"),
    N_("choose a file"),
    N_("choose client or salon"),
    N_("choose one of the client's products"),
    N_("choose done or refused"),
    N_("choose service or product"),
    N_("does not perform this service"),
    N_("does not work in this branch"),
    N_("falls in the staff member's break"),
    N_("give a staff account or an API key, not both"),
    N_("give a time zone"),
    N_("give a time zone (e.g. 2026-03-27T09:00+02:00)"),
    N_("give both ends of the break"),
    N_("give the policy in at least one language"),
    N_("is before the return was reported"),
    N_("is empty"),
    N_("is in the future"),
    N_("is in the past"),
    N_("is not a category of the catalogue"),
    N_("is not a service of the catalogue"),
    N_("is not a tenant setting"),
    N_("is not offered in this branch"),
    N_("is not your current password"),
    N_("is outside the staff member's working hours"),
    N_("is refunded only with a refund"),
    N_("is required"),
    N_("is required (receipt or order number)"),
    N_("is required (the member's phone number or client number)"),
    N_("is required for an item not in the catalogue"),
    N_("messages are sent by the workers, not recorded by staff"),
    N_("must be a JPEG or PNG image"),
    N_("must be a photo (JPEG, PNG, WebP or HEIC)"),
    N_("must be a whole number"),
    N_("must be a whole number of at least 1"),
    N_("must be after from"),
    N_("must be after the completion date"),
    N_("must be after the start"),
    N_("must be after the vetting date"),
    N_("must be at least 15 days after publication (or override)"),
    N_("must be at most 100 characters"),
    N_("must be at most 200 characters"),
    N_("must be at most 2000 characters"),
    N_("must be at most 500 characters"),
    N_("must be at most 5000 characters"),
    N_("must be at most 64 characters"),
    N_("must be between 0 (off) and 100"),
    N_("must be between the complaint and now"),
    N_("must be from 0 (Monday) to 6 (Sunday)"),
    N_("must be from 1 to 7"),
    N_("name at least one purpose the contract allows"),
    N_("name the client first: photos are kept under the client's key"),
    N_("needs a time zone"),
    N_("no active staff member with this id"),
    N_("no branch has this name"),
    N_("no column is mapped to first_name (or full_name)"),
    N_("no single client matches; give the phone number or client number"),
    N_("no staff member has this e-mail"),
    N_("no staff member with this e-mail"),
    N_("no such API key"),
    N_("no such active staff member"),
    N_("no such branch"),
    N_("no such column in the file"),
    N_("no such policy version"),
    N_("only a booked appointment can be cancelled"),
    N_("only a booked appointment can be marked"),
    N_("only a booked appointment can be moved"),
    N_("only a return has a product to receive"),
    N_("only a signed-in staff member signs for themselves"),
    N_("only members can refer guests"),
    N_("propose a remedy first"),
    N_("record first that the returned product arrived"),
    N_("record the client's answer to the proposal first"),
    N_("say what you found or did"),
    N_("say why you need this client's health information"),
    N_("the exact wording shown to the client is required"),
    N_("the file is empty"),
    N_("the file is empty (no header row)"),
    N_("the file of this import was deleted when it ended"),
    N_("the first contact is already recorded"),
    N_("the first line must be 'Subject: …'"),
    N_("the first sheet is empty (no header row)"),
    N_("the stored file cannot be read: upload it again"),
    N_("the tenant has several branches: name one with --branch"),
    N_("this PIN is too easy to guess"),
    N_("this alert was already acknowledged"),
    N_("this client was already erased"),
    N_("this client's data was erased"),
    N_("this complaint is closed"),
    N_("this guest's referral is already recorded"),
    N_("this import was already confirmed"),
    N_("this password is among the most common ones; pick another"),
    N_("this request is already closed"),
    N_("use 1-32 lower-case letters, digits and _"),
    N_("use 1-63 lower-case letters, digits and hyphens (not at either end)"),
    N_("use 4 to 8 digits"),
    N_("use HH:MM"),
    N_("use letters, digits, spaces, - and _ (40 at most each)"),
    N_("use service or product"),
    N_('use two times such as ["21:00", "09:00"] or null'),
    N_("you already see this client's health information"),
    N_("is required (the tenant has several branches)"),
    # Why a row of a staff file was refused (core.access.STAFF_REFUSAL_MESSAGES).
    N_("your role administers no staff"),
    N_("nobody changes their own role, branches or active state"),
    N_("your role may not administer staff with this role"),
    N_("your role may not give this role"),
    N_("this person works outside your branches"),
    N_("you may only assign your own branches (at least one)"),
    N_("the organisation would be left without an active owner"),
    # Messages the tenant settings and the programme settings give; what a password lacks.
    N_("is not valid"),
    N_("use true or false"),
    N_("a service with this name exists"),
    N_("a product with this name exists"),
    N_("must be a comma-separated list of whole numbers"),
    N_("must be true or false"),
    N_("must be a time such as 10:00"),
    N_("must be increasing, without repeats"),
    N_("must be text of at most 2000 characters"),
    N_("not a privacy setting"),
    N_("name the fields"),
    N_("is not set here"),
    N_("use HH:MM-HH:MM, the start before the end"),
    N_("give a version of 1 to 32 characters"),
    N_("use at most 300 characters"),
    N_("at least 8 characters"),
    N_("a lower-case letter"),
    N_("an upper-case letter"),
    N_("a digit"),
)

#: The templates of the messages with values (``field_message``) of the core and the tenants:
#: translate them keeping each ``{placeholder}`` (with its ``!r``) as it is.
TEMPLATES = (
    N_("choose one of {choices}"),
    N_("choose from {choices}"),
    N_("choose among {choices}"),
    N_("use one of {choices}"),
    N_("this {kind} is already {status}"),
    N_("not a setting of {programme}; choose one of {choices}"),
    N_("a {role} key works for one branch; name it"),
    N_("no branch called {name!r}"),
    N_("no branch called {names}"),
    N_("no branch named {name!r}"),
    N_("must start on a {minutes}-minute step"),
    N_("needs at least {hours} hours' notice"),
    N_("needs at least {days} days' notice"),
    N_("is more than {days} days ahead"),
    N_("the salon is closed that day ({holiday})"),
    N_("missing columns: {columns}"),
    N_("must be a whole number from {low} to {high}"),
    N_("must be from 0 to {limit}"),
    N_("must be between 1 and {limit}"),
    N_("must be at least {limit}"),
    N_("must be at most {limit}"),
    N_("must be at most {limit} characters"),
    N_("must be at most {megabytes} MB"),
    N_("is larger than {megabytes} MB"),
    N_("not a date in the format {formats}: {value!r}"),
    N_("unknown preset {preset!r}"),
    N_("unknown preset {preset!r}; choose one of {choices}"),
    N_("unknown field {field!r}; choose one of {choices}"),
    N_("{count} rows are invalid: fix the file, or confirm importing the valid rows only"),
    N_("{count} row error(s); nothing was imported"),
    N_("not UTF-8 text (byte {byte})"),
    N_("not a readable Excel workbook ({reason})"),
    N_("at most {count} photos"),
    N_("at most {count} people per file"),
    N_("a period covers at most {days} days"),
    N_("only a failed message can be changed (this one is {status})"),
    N_("cannot render: {reason}"),
    N_("a partner called {name!r} is already registered"),
    N_("unknown client fields: {fields}"),
    N_("the contract with {partner} does not allow {purpose}"),
    N_("the first row must name the columns {columns}"),
    N_("a tenant with the slug {slug!r} already exists"),
    N_("this tenant already has a branch called {name!r}"),
    N_("{email} is already a staff member of this tenant"),
    N_("the password needs {needs}"),
    N_("use a whole number from {low} to {high}"),
    N_("use a number from {low} to {high}"),
    N_("unknown time zone {zone!r}"),
    N_("unknown time zone {zone!r} (use e.g. Europe/Helsinki)"),
    N_("unknown locale {locale!r}"),
    N_("{locale!r} is not offered; choose one of {choices}"),
    N_("unknown country code {country!r} (use e.g. FI, CN)"),
    N_("not a phone number: {phone!r}"),
    N_("not a valid phone number: {phone!r}"),
    N_("unknown role {role!r}; choose one of {choices}"),
    N_("must be in {year} or later"),
    N_("must be in {year} or earlier"),
)

#: Every message of the services for the catalogs.
MESSAGES = FIXED_MESSAGES + TEMPLATES


def _listed(items: list[str], conjunction: str) -> str:
    if not items:
        return ""
    return format_list(items, style="or" if conjunction == "or" else "standard", locale=current_language())


def _shown(value: object) -> object:
    """A value of a field message as the person reads it."""
    if isinstance(value, Code):
        return label(value.value, value.kind)
    if isinstance(value, Codes):
        return _listed([label(item, value.kind) for item in value.values], value.conjunction)
    if isinstance(value, Phrases):
        return _listed([gettext(item) for item in value.values], value.conjunction)
    return value


def translated_message(message: FieldMessage) -> str:
    """``message`` in the request's language: its template translated, its values filled in
    (the English template when a translation names a value it does not have)."""
    values = {name: _shown(value) for name, value in message.values.items()}
    try:
        return gettext(message.template).format(**values)
    except (KeyError, IndexError, ValueError):
        return message.template.format(**values)


def translate_errors(errors: Any) -> Any:
    """``errors`` (field → message, possibly nested per form) with each message translated."""
    if isinstance(errors, dict):
        return {field: translate_errors(message) for field, message in errors.items()}
    if isinstance(errors, FieldMessage):
        return translated_message(errors)
    if isinstance(errors, str) and errors:
        return gettext(errors)
    return errors
