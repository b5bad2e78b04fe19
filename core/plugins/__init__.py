"""The plugin contract (hookspecs), the plugin manager, the public API and the host."""
