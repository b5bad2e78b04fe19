"""Tenancy tables: the tenant directory, branches, staff and their branches.

``Tenant`` is the directory (one row per chain or clinic) and has no ``tenant_id``; every other
table here is a tenant table: it has ``tenant_id`` and a row-level-security policy.
"""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

ROLES = ("owner", "branch_manager", "practitioner", "reception", "privacy_officer")
#: ``unverified``: signed up publicly, the owner has not yet verified their e-mail (nobody signs in).
TENANT_STATUSES = ("active", "suspended", "unverified")


class Tenant(Table, tablename="tenant"):
    """A chain or a single clinic: the unit of isolation."""

    id = UUID(primary_key=True)
    slug = Varchar(length=63, unique=True, required=True)
    name = Varchar(length=200, required=True)
    time_zone = Varchar(length=64, required=True)
    country = Varchar(length=2, required=True)
    default_locale = Varchar(length=16, required=True)
    status = Varchar(length=16, default="active")
    settings = JSON(default="{}")
    created_at = Timestamptz()
    #: The database cluster the tenant's rows live on: ``""`` for the home database (this
    #: directory's), else a name of ``SALONKEEP_DATABASE_CLUSTERS``. ``salonkeep tenant move``
    #: changes it.
    database = Varchar(length=40, default="")
    #: The SHA-256 of the invitation a public sign-up used (``None``: created otherwise); a
    #: unique key, so an invitation link creates one tenant only.
    signup_invitation = Varchar(length=64, null=True, default=None)


class Branch(Table, tablename="branch"):
    """A salon or clinic location of a tenant."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200, required=True)
    address = Text(default="")
    phone = Varchar(length=32, default="")
    time_zone = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz()


class StaffMember(Table, tablename="staff_member"):
    """A person who signs in: their role decides what they may see and do."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    email = Varchar(length=254, required=True)
    name = Varchar(length=200, required=True)
    role = Varchar(length=32, required=True)
    password_hash = Text(null=True, default=None)
    set_password_token_hash = Varchar(length=64, null=True, default=None)
    set_password_expires_at = Timestamptz(null=True, default=None)
    locale = Varchar(length=16, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz()
    #: The TOTP secret of the second factor, encrypted by the web edge (``None``: no second factor).
    totp_secret = Text(null=True, default=None)
    #: An argon2id hash of the screen-lock PIN (``None``: unlock with the password only).
    pin_hash = Text(null=True, default=None)
    #: Raised by "sign out everywhere" and by deactivation: older sessions stop working.
    session_version = Integer(default=1)


class ConfidentialityAgreement(Table, tablename="confidentiality_agreement"):
    """A staff member's signature of the confidentiality agreement, with its version: a staff
    member sees client data only after signing the tenant's current version."""

    append_only: ClassVar[bool] = True

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    staff_id = ForeignKey(references=StaffMember, null=False, on_delete=OnDelete.restrict)
    version = Varchar(length=32, required=True)
    signed_at = Timestamptz()
    #: Who recorded it (the staff member themselves, or who recorded a paper signature).
    recorded_by = Varchar(length=200, default="")


class StaffBranch(Table, tablename="staff_branch"):
    """Which branches a staff member works in."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    staff_id = ForeignKey(references=StaffMember, null=False, on_delete=OnDelete.cascade)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.cascade)


class SignInFailure(Table, tablename="sign_in_failure"):
    """A wrong password (or PIN) for an e-mail address of a tenant, counted for the lockout."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    email = Varchar(length=254, required=True)
    ip = Varchar(length=64, default="")
    failed_at = Timestamptz()
