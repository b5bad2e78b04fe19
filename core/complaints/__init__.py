"""Complaints: intake from every channel, the first-contact promise, rounds until the client is
satisfied, escalations (see :mod:`salonkeep.core.complaints.service`)."""
