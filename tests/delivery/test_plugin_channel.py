"""A plugin's delivery channel (hook salonkeep_delivery_channels) receives the messages that
name it, and the plugin kit's ``salonkeep_deliver`` captures what it was handed."""

from __future__ import annotations

from datetime import timedelta

import pluggy

from salonkeep.core.plugins import hookspecs
from salonkeep.core.plugins.api import PROJECT, SendResult, hookimpl
from salonkeep.core.plugins.manager import Plugins, get_plugins, use_plugins

from .helpers import messages, queue


class PagerPlugin:
    """A plugin offering the channel "pager"; it fails messages to a number it cannot reach."""

    class Pager:
        name = "pager"
        idempotent = False

        async def send(self, batch):
            return [
                SendResult(m.id, "failed", "no such pager")
                if m.client_name.startswith("Eva")
                else SendResult(m.id, "sent", provider_ref="p-1")
                for m in batch
            ]

    @hookimpl
    def salonkeep_delivery_channels(self):
        return [self.Pager()]


async def test_plugin_channel_gets_its_messages_and_the_kit_captures_them(
    backend, salonkeep_tenant, salonkeep_clock, salonkeep_deliver
):
    from salonkeep.core.clients.service import ClientInput, create_client
    from salonkeep.tenants.context import tenant_scope

    loaded = get_plugins()
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name, plugin in loaded.pm.list_name_plugin():
        pm.register(plugin, name=name)
    pm.register(PagerPlugin(), name="pager-test")
    use_plugins(Plugins(pm, []))
    try:
        world = salonkeep_tenant
        with tenant_scope(world.ctx):
            reachable = await create_client(
                ClientInput(branch_id=world.branch_id, first_name="Ola", phone="+358401234567")
            )
            broken = await create_client(
                ClientInput(branch_id=world.branch_id, first_name="Eva", phone="+358400000000")
            )
        [paged] = await queue(world, reachable.id, channel="pager", title="Hello pager")
        [failed] = await queue(world, broken.id, channel="pager")
        [mailed] = await queue(world, reachable.id, channel="sms")
        salonkeep_clock.advance(timedelta(minutes=1))
        delivered = await salonkeep_deliver()
        assert sorted((d.channel, d.message.id, d.result.status) for d in delivered) == sorted(
            [("pager", paged, "sent"), ("pager", failed, "failed"), ("sms", mailed, "sent")]
        )
        pager = next(d for d in delivered if d.message.id == paged)
        assert (pager.message.to, pager.message.subject, pager.message.idempotency_key) == (
            "+358401234567",
            "Hello pager",
            f"sk-{paged}",
        )
        rows = await messages(world)
        assert rows[paged].status == "sent" and rows[paged].provider_ref == "p-1"
        assert rows[failed].status == "failed" and rows[failed].last_error == "no such pager"
    finally:
        use_plugins(None)
