"""Words for sync screens: times, devices, codes and addresses in any script."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hrdesk.core.hlc import Timestamp
from hrdesk.i18n import _
from hrdesk.i18n.formatting import format_timestamp_ms

# A safety code, an address or a device id is left-to-right even in an Arabic
# sentence: without an isolate, "1234 5678 9012" would read "9012 5678 1234".
_LRI, _PDI = "\u2066", "\u2069"


def ltr(text: str) -> str:
    return f"{_LRI}{text}{_PDI}" if text else ""


def code_in_text(code: str) -> str:
    """A safety code inside a sentence: kept on one line, digit groups in order."""
    return ltr(code.replace(" ", "\u00a0"))


def when_iso(iso: str | None) -> str:
    """A stored moment (ISO 8601, UTC) in the user's locale and time zone."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return format_timestamp_ms(int(moment.timestamp() * 1000))


def when_hlc(hlc: str) -> str:
    """When an edit was made, from its clock stamp."""
    try:
        return format_timestamp_ms(Timestamp.decode(hlc).wall_ms)
    except (ValueError, TypeError):
        return ""


def device_name(device_id: str, devices: dict[str, dict[str, Any]]) -> str:
    """A device by the label it was enrolled with, when this vault knows it."""
    device = devices.get(device_id)
    if device is None:
        return _("another device")
    if device.get("this_device"):
        return _("{device} (this device)").format(device=device["label"])
    return device["label"]
