"""The e-mail check's fast path (plain ASCII addresses, each domain checked once) accepts,
refuses and normalises exactly as ``email_validator`` does on its own."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email

from salonkeep.tenants import validation
from salonkeep.tenants.errors import ValidationFailed

CASES = [
    "aino@example.com",
    "AINO.Virtanen@Example.COM",
    "a+tag@sub.example.fi",
    "o'brien@example.ie",
    "x@localhost",
    "x@example",
    "x@example.invalid",
    "x@test",
    "x@-bad.com",
    "x@bad-.com",
    "x@exa_mple.com",
    "x@123.456",
    "x@[127.0.0.1]",
    ".x@example.com",
    "x.@example.com",
    "x..y@example.com",
    "x@example..com",
    '"quoted"@example.com',
    "a" * 64 + "@example.com",
    "a" * 65 + "@example.com",
    "a@" + "b" * 63 + ".com",
    "a@" + "b" * 64 + ".com",
    "a@" + ".".join(["b" * 60] * 4) + ".com",
    "x@exämple.com",
    "ä@example.com",
    "x@@example.com",
    "@example.com",
    "x@",
    "x@example.com.",
    "x y@example.com",
]


def reference(value: str) -> str | None:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


@pytest.mark.parametrize("value", CASES)
def test_the_fast_path_agrees_with_email_validator(value):
    expected = reference(value)
    for _ in range(2):  # the second time the domain comes from the cache
        if expected is None:
            with pytest.raises(ValidationFailed):
                validation.email(value)
        else:
            assert validation.email(value) == expected
