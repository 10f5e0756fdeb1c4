"""The carriers behind the telephony port, by name: each is one voice adapter module (render a call script,
parse a webhook's fields into the neutral form, check its signature). A third carrier is one more module
with the same five functions (docs/architecture.md, "Adding a carrier").
"""
from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Protocol

from chalicelib.telephony.call_script import CallScript, current_carrier

_MODULES = {"twilio": "chalicelib.telephony.twilio_voice", "plivo": "chalicelib.telephony.plivo_voice"}
CARRIERS = tuple(_MODULES)


class VoiceAdapter(Protocol):
    NAME: str
    SIGNATURE_HEADER: str

    def render(self, script: CallScript) -> str: ...

    def parse(self, form: Mapping[str, str]) -> dict[str, str]: ...

    def is_signed(self, url: str, form: Mapping[str, str], headers: Mapping[str, str]) -> bool: ...

    def empty(self) -> str: ...


class UnknownCarrier(LookupError):
    pass


def adapter(name: str) -> VoiceAdapter:
    """The adapter module of carrier `name`, imported on first use (a container answers one carrier's calls
    most of the time, and never pays for the other's)."""
    module = _MODULES.get(name)
    if module is None:
        raise UnknownCarrier(name)
    adapter_module: VoiceAdapter = import_module(module)  # type: ignore[assignment]
    return adapter_module


def render(script: CallScript, carrier: str | None = None) -> str:
    """The script in the markup of `carrier` (by default the carrier of the request being answered)."""
    return adapter(carrier or current_carrier.get()).render(script)
