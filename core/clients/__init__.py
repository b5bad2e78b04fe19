"""Clients: the people a salon serves, their contact details, needs and health notes."""
