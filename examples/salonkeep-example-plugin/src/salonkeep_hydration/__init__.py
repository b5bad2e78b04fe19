"""salonkeep-example-plugin: the hydration reminder programme."""
