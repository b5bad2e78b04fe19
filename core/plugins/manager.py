"""Find, load and call plugins: the pluggy PluginManager of project ``salonkeep``.

Plugins (built-in and third-party alike) are found through the entry-point group
``salonkeep``. Each is loaded on its own: a plugin that fails to import, implements a hook
the contract does not have (``check_pending``) or declares a programme name already taken is
reported (logged and kept in :attr:`Plugins.failures`) and skipped; the others load.

:class:`Plugins` wraps ``pm.hook`` with typed methods, so call sites are type-checked, and
awaits coroutines that hook implementations return.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import pluggy

from salonkeep.core.plugins import hookspecs
from salonkeep.core.plugins.api import (
    PROJECT,
    Channel,
    DomainEvent,
    NavEntry,
    Panel,
    Plan,
    Planned,
    PrintablePage,
    ProfilePanel,
    Programme,
    TouchpointChange,
    TouchpointFact,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that was skipped, and why."""

    name: str
    reason: str


async def _resolved(results: Iterable[Any]) -> list[Any]:
    """Await coroutine results and flatten the lists hook implementations returned."""
    flat: list[Any] = []
    for result in results:
        if inspect.isawaitable(result):
            result = await result
        if result is None:
            continue
        flat.extend(result)
    return flat


class Plugins:
    """The loaded plugins and typed access to their hooks."""

    def __init__(self, pm: pluggy.PluginManager, failures: list[PluginFailure]) -> None:
        self.pm = pm
        self.failures = failures
        self._declared: dict[str, Any] = {}

    def _once(self, hook: str) -> list[Any]:
        """The flattened answers of a declaration hook (no arguments), asked once."""
        if hook not in self._declared:
            batches = getattr(self.pm.hook, hook)()
            self._declared[hook] = [item for batch in batches for item in batch or []]
        return list(self._declared[hook])

    def names(self) -> list[str]:
        """The names the loaded plugins were registered under."""
        return sorted(name for name, _ in self.pm.list_name_plugin() if name is not None)

    def programmes(self) -> dict[str, Programme]:
        """Every programme of every loaded plugin, by name."""
        found: dict[str, Programme] = {}
        for batch in self.pm.hook.salonkeep_programmes():
            for programme in batch or []:
                found.setdefault(programme.name, programme)
        return found

    def piccolo_apps(self) -> list[str]:
        """Module paths of the piccolo apps plugins contribute."""
        return [name for batch in self.pm.hook.salonkeep_piccolo_apps() for name in batch or []]

    def template_dirs(self) -> list[str]:
        """Template folders plugins contribute: those ``salonkeep_template_dirs`` returns, and
        the ``templates`` folder inside each plugin package that has one."""
        found = [path for batch in self.pm.hook.salonkeep_template_dirs() for path in batch or []]
        for _, plugin in self.pm.list_name_plugin():
            folder = _package_templates(plugin)
            if folder is not None and folder not in found:
                found.append(folder)
        return found

    def translation_dirs(self) -> list[str]:
        """Translation folders plugins contribute."""
        return [path for batch in self.pm.hook.salonkeep_translation_dirs() for path in batch or []]

    def delivery_channels(self) -> list[Channel]:
        """Delivery channels plugins contribute."""
        return [channel for batch in self.pm.hook.salonkeep_delivery_channels() for channel in batch or []]

    async def event(self, event: DomainEvent, plan: Plan) -> list[Planned | TouchpointChange]:
        """Touchpoints every plugin plans for ``event`` (and changes to its own)."""
        return await self._own_changes_only("salonkeep_event", event=event, plan=plan)

    async def touchpoint_outcome(
        self, touchpoint: TouchpointFact, outcome: str, plan: Plan
    ) -> list[Planned | TouchpointChange]:
        """Touchpoints plugins plan in reaction to an outcome (and changes to their own)."""
        return await self._own_changes_only(
            "salonkeep_touchpoint_outcome", touchpoint=touchpoint, outcome=outcome, plan=plan
        )

    async def _own_changes_only(self, hook: str, **kwargs: Any) -> list[Any]:
        """Call ``hook`` as pluggy would (the same implementations, in the same order) and
        refuse a change (hold, resume, cancel, reschedule) that one plugin returns for the
        touchpoints of a programme it does not declare: a programme changes only its own."""
        caller = getattr(self.pm.hook, hook)
        impls = caller.get_hookimpls()
        if any(impl.hookwrapper or impl.wrapper for impl in impls):
            return await _resolved(caller(**kwargs))  # wrappers see every result: no attribution
        found: list[Any] = []
        for impl in reversed(impls):  # pluggy calls the last registered first
            items = await _resolved([impl.function(*[kwargs[name] for name in impl.argnames])])
            own = set(_programme_names(self.pm, impl.plugin))
            for item in items:
                if isinstance(item, TouchpointChange) and item.programme not in own:
                    raise ValueError(
                        f"plugin {impl.plugin_name} returned {type(item).__name__} for {item.programme!r}, "
                        "a programme it does not declare: a programme changes only its own touchpoints"
                    )
            found.extend(items)
        return found

    async def client_panels(self, plan: Plan) -> list[Panel]:
        """Panels for the client page."""
        return await _resolved(self.pm.hook.salonkeep_client_panels(plan=plan))

    def web_routes(self) -> list[Any]:
        """Litestar route handlers (or controllers, routers) plugins contribute under /app."""
        return self._once("salonkeep_web_routes")

    def navigation(self) -> list[NavEntry]:
        """Navigation entries plugins contribute."""
        return self._once("salonkeep_navigation")

    def profile_panels(self) -> list[ProfilePanel]:
        """Client-page sections plugins contribute, by ``order``."""
        found = self._once("salonkeep_profile_panels")
        return sorted(found, key=lambda panel: (panel.order, panel.key))

    def printable_pages(self) -> dict[str, PrintablePage]:
        """Printable pages plugins contribute, by name (the first plugin to take a name keeps it)."""
        found: dict[str, PrintablePage] = {}
        for page in self._once("salonkeep_printable_pages"):
            found.setdefault(page.name, page)
        return found


def _package_templates(plugin: object) -> str | None:
    """The ``templates`` folder inside a plugin that is a package, if it has one."""
    if not inspect.ismodule(plugin) or not hasattr(plugin, "__path__") or plugin.__file__ is None:
        return None
    folder = Path(plugin.__file__).parent / "templates"
    return str(folder) if folder.is_dir() else None


def _programme_names(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    impl = getattr(plugin, "salonkeep_programmes", None)
    if impl is None:
        return []
    return [p.name for p in impl() or []]


def build_plugins(found: Iterable[EntryPoint] | None = None) -> Plugins:
    """A plugin manager with every plugin of the ``salonkeep`` entry-point group (or of
    ``found``), each loaded in isolation."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    failures: list[PluginFailure] = []
    taken: set[str] = set()
    points = list(entry_points(group=PROJECT)) if found is None else list(found)
    for point in sorted(points, key=lambda p: p.name):
        if pm.has_plugin(point.name):
            continue
        try:
            plugin = point.load()
            names = _programme_names(pm, plugin)
            clash = sorted(taken.intersection(names))
            if clash:
                raise ValueError(f"programme names already taken: {', '.join(clash)}")
            pm.register(plugin, name=point.name)
            try:
                pm.check_pending()
            except pluggy.PluginValidationError:
                pm.unregister(name=point.name)
                raise
        except Exception as exc:  # a broken plugin must not stop the product
            reason = f"{type(exc).__name__}: {exc}"
            log.warning("plugin %s skipped: %s", point.name, reason)
            failures.append(PluginFailure(point.name, reason))
            continue
        taken.update(names)
    return Plugins(pm, failures)


_plugins: Plugins | None = None


def get_plugins() -> Plugins:
    """The process-wide plugins, loaded on first use."""
    global _plugins
    if _plugins is None:
        _plugins = build_plugins()
    return _plugins


def use_plugins(plugins: Plugins | None) -> None:
    """Replace the process-wide plugins (``None``: load again on next use). For tests."""
    global _plugins
    _plugins = plugins
