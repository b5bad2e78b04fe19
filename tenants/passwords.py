"""Password hashing (argon2id, OWASP parameters) and the password policy."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import field_message, phrases

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

#: Refused outright: the commonest passwords, and the source's own bad example.
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "passw0rd",
        "qwerty123",
        "qwertyuiop",
        "12345678",
        "123456789",
        "1234567890",
        "11111111",
        "iloveyou",
        "sunshine1",
        "salon123",
        "salon1234",
        "beauty123",
        "welcome1",
        "welcome123",
        "admin123",
        "letmein1",
        "football1",
        "princess1",
        "abc12345",
        "aa123456",
        "changeme1",
    }
)


def check_policy(password: str, field: str = "password") -> None:
    """Refuse weak passwords: at least 8 characters mixing upper, lower case and digits."""
    problems = []
    if len(password) < 8:
        problems.append("at least 8 characters")
    if not re.search(r"[a-z]", password):
        problems.append("a lower-case letter")
    if not re.search(r"[A-Z]", password):
        problems.append("an upper-case letter")
    if not re.search(r"\d", password):
        problems.append("a digit")
    if problems:
        raise ValidationFailed({field: field_message("the password needs {needs}", needs=phrases(problems))})
    if password.lower() in COMMON_PASSWORDS:
        raise ValidationFailed({field: "this password is among the most common ones; pick another"})


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (after checking the policy)."""
    check_policy(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``password_hash``."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
