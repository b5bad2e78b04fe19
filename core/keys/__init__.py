"""Encryption at rest: the master key, per-tenant key-encryption keys, per-client data keys."""
