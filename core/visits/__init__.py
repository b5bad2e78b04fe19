"""Visits: services performed, products sold, appointments booked (the events aftercare follows)."""
