"""Aftercare screens: the call list, outcomes, call logs, programme settings, printable pages."""
