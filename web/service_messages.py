"""The services' field messages in the person's language, translated at the web boundary.

Services (core, tenants, plugins) raise ``ValidationFailed`` with English messages, which the
CLI and the API show as they are. Staff pages render ``errors`` through :func:`translate_errors`
(``pages.render`` does it for every page), which looks each message up in the catalogs; the
messages are listed here so that extraction puts them in the catalogs
(tests/web/test_service_messages.py fails when a service gains a message missing here).
"""

from __future__ import annotations

from typing import Any

from salonkeep.web.i18n import gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated when shown."""
    return message


#: Every fixed message a service gives for a field (messages built with values stay English).
MESSAGES = (
    N_("must not be after the end"),
    N_("use a date like 2026-12-31"),
    N_("choose a score from 1 to 5"),
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
)


def translate_errors(errors: Any) -> Any:
    """``errors`` (field → message, possibly nested per form) with each message translated."""
    if isinstance(errors, dict):
        return {field: translate_errors(message) for field, message in errors.items()}
    if isinstance(errors, str) and errors:
        return gettext(errors)
    return errors
