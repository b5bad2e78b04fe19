"""The satisfaction-survey answers (a tenant table: ``tenant_id`` and an RLS policy).

One answer per survey (unique per tenant and visit): the link is single-use. The comment is
encrypted under the client's key (shredded with it on erasure); the score is kept for the
numbers.
"""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, ForeignKey, Integer, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Branch, Tenant

#: The scores a client can give.
SCORES = (1, 2, 3, 4, 5)


class SurveyAnswer(Table, tablename="survey_answer"):
    """A client's answer to the satisfaction survey after a visit: 1-5 and a comment."""

    #: Kept on erasure (the numbers); the comment is blanked.
    erasure_keep: ClassVar[tuple[str, ...]] = ("comment",)

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    visit_id = UUID(required=True)
    client_id = ForeignKey(references=Client, null=True, on_delete=OnDelete.restrict)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    staff_id = UUID(null=True, default=None)
    score = Integer(required=True)
    #: Encrypted (``sk1:``) under the client's key.
    comment = Text(default="")
    answered_at = Timestamptz()
    #: The complaint a low score opened.
    complaint_id = UUID(null=True, default=None)
