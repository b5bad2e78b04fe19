"""The plugin API and the machinery that runs plugins: one home, no plugin in it.

- :mod:`.api`: everything a plugin imports (the only module of Salonkeep a plugin may use);
  :mod:`.screens` holds the screen types it re-exports;
- :mod:`.hookspecs`: the contract, every hook with an example;
- :mod:`.manager`: finds plugins through the ``salonkeep`` entry points and calls hooks;
- :mod:`.host`: hands domain events and outcomes to the plugins and writes what they plan;
- :mod:`.testing`: the pytest kit for plugin authors (``pytest11`` entry point);
- :mod:`.reference`: generates docs/plugin-api.md from the docstrings.

The built-in programmes are not here: they are ordinary plugins in ``salonkeep.plugins``
(the ``plugins/`` folder), registered through entry points like third-party ones. The
touchpoints they plan are stored and worked through by :mod:`salonkeep.core.aftercare`.
"""
