"""Aftercare: the touchpoint outbox, call list and call log, per-tenant programme settings."""
