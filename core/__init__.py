"""The tenant-isolated heart of Salonkeep: clients, consent, audit, privacy rights, the
plugin contract. Nothing here imports ``salonkeep.web``, ``salonkeep.workers`` or a plugin."""
