"""Owners and managers manage branches, staff and security settings."""
