"""Appointments: booking a client with a staff member for a catalogue service, moving,
cancelling and marking attendance, under the booking rules (buffers, increments, notice,
horizon, working hours, closed days) and with no double-booking."""
