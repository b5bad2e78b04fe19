"""The JSON API under ``/api/v1`` for integrations (booking and point-of-sale systems)."""
