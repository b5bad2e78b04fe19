"""The web side of the public forms' guard (:mod:`salonkeep.core.public_forms`): one
limiter per form kind on the application, fed by the app's Redis, and the caller's address."""

from __future__ import annotations

from typing import Any

from litestar import Request

from salonkeep.core.public_forms import AttemptLimiter, PublicForm


def limiter_for(request: Request[Any, Any, Any], form: PublicForm) -> AttemptLimiter:
    """The application's limiter of ``form`` (made on first use, on the app's Redis when
    there is one)."""
    state = request.app.state
    limiters: dict[str, AttemptLimiter] | None = getattr(state, "public_form_limiters", None)
    if limiters is None:
        limiters = {}
        state.public_form_limiters = limiters
    if form.purpose not in limiters:
        limiters[form.purpose] = AttemptLimiter(getattr(state, "redis", None), form.max_per_hour)
    return limiters[form.purpose]


def address_of(request: Request[Any, Any, Any]) -> str:
    """The address a submission came from (as the server sees it)."""
    return request.client.host if request.client else "unknown"
