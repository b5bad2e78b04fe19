"""The built-in aftercare programmes (follow-up calls, medical aftercare, warranty…).

Each subpackage is an ordinary plugin, registered through the ``salonkeep`` entry points
exactly as a third-party one, importing nothing of Salonkeep but the plugin API
(:mod:`salonkeep.core.plugins.api`, home of the hooks, the manager and the host). Nothing
in the web, the workers or the core imports this package (tests/test_packaging.py).
"""
