"""The branch calendar: day and week views by staff member, booking, moving, cancelling."""
