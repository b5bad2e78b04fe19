"""The security headers every response carries (set by the edge layer).

The content security policy allows scripts, styles and fonts from this origin only: no
inline script, no ``on…=`` handler, no ``hx-on`` (htmx's eval is switched off in its
``htmx-config`` meta tag, and so are the indicator styles it would inject inline). Images may
be this origin's or ``data:`` URIs. Nobody may frame the pages.
"""

from __future__ import annotations

from salonkeep.tenants.settings import Settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)
#: For a self-contained document with its own inline styles and no script at all (the privacy
#: export shown in the browser): nothing is loaded, nothing runs.
SELF_CONTAINED_DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
#: Headers the edge always sets itself (a response's own are dropped); a response may set
#: its own content security policy.
EDGE_OWNED = frozenset(
    {
        b"x-content-type-options",
        b"x-frame-options",
        b"referrer-policy",
        b"permissions-policy",
        b"cross-origin-opener-policy",
        b"strict-transport-security",
    }
)
#: Two years, the subdomains too: only sent when the public address is https.
HSTS = "max-age=63072000; includeSubDomains"


def for_settings(settings: Settings) -> list[tuple[bytes, bytes]]:
    """The header lines every response gets under ``settings``."""
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if settings.public_url.startswith("https"):
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers
