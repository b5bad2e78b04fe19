"""The ``salonkeep`` command line."""
