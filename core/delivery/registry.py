"""The channels a worker delivers through: the built-in ones, then the plugins'.

Built in: ``email`` (SMTP when ``SALONKEEP_SMTP_URL`` is set, else ``.eml`` files under the
data folder), ``sms`` (the configured provider, else ``.sms.json`` files) and ``letter`` (a
task on the call list). A plugin channel (hook ``salonkeep_delivery_channels``) adds a new
name, or replaces a built-in one of the same name (e.g. a tenant's own SMS gateway).
"""

from __future__ import annotations

from pathlib import Path

from salonkeep.core.delivery.channel import Channel
from salonkeep.core.delivery.config import DeliveryConfig
from salonkeep.core.delivery.email import SmtpChannel
from salonkeep.core.delivery.files import FileEmailChannel, FileSmsChannel
from salonkeep.core.delivery.letter import LetterChannel
from salonkeep.core.delivery.sms import TwilioSmsChannel, WebhookSmsChannel
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants.settings import SettingsError


def outbox_folder(data_dir: Path) -> Path:
    """Where the file channels write (``<data>/outbox``)."""
    return data_dir / "outbox"


def built_in_channels(config: DeliveryConfig, data_dir: Path) -> dict[str, Channel]:
    """The built-in channels for this configuration."""
    folder = outbox_folder(data_dir)
    email: Channel = SmtpChannel(config.smtp) if config.smtp else FileEmailChannel(folder)
    sms: Channel
    if config.sms_provider == "webhook":
        if not config.sms_webhook_url:
            raise SettingsError("SALONKEEP_SMS_PROVIDER=webhook needs SALONKEEP_SMS_WEBHOOK_URL")
        sms = WebhookSmsChannel(config.sms_webhook_url, config.sms_webhook_auth)
    elif config.sms_provider == "twilio":
        if not (config.twilio_account_sid and config.twilio_auth_token and config.twilio_from):
            raise SettingsError(
                "SALONKEEP_SMS_PROVIDER=twilio needs SALONKEEP_TWILIO_ACCOUNT_SID, _AUTH_TOKEN and _FROM"
            )
        sms = TwilioSmsChannel(
            config.twilio_account_sid, config.twilio_auth_token, config.twilio_from, config.twilio_api_url
        )
    else:
        sms = FileSmsChannel(folder)
    return {"email": email, "sms": sms, "letter": LetterChannel()}


def channels(config: DeliveryConfig, data_dir: Path) -> dict[str, Channel]:
    """Built-in channels, overridden or extended by the plugins' channels."""
    found = built_in_channels(config, data_dir)
    for channel in get_plugins().delivery_channels():
        if not isinstance(channel, Channel):
            raise TypeError(f"{channel!r} is not a delivery channel (name, idempotent, async send)")
        found[channel.name] = channel
    return found
