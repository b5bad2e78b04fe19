"""API keys: per-tenant credentials with a staff role, for booking and point-of-sale systems."""
