"""Operators-mode helpers: the demo's operators line, a clock pinned inside a shift, a roster with overlaps."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import wiring
from chalicelib.domain.clock import IST
from tests.support.carrier_webhooks import CarrierWebhooks
from tests.support.fixtures import CALLER, DEMO

OPERATORS_LINE = "+919977222620"
DAY_OPERATOR = ("operator.rpr", "+919000000901")  # the demo roster's day shift, Mon–Sat 08:00–20:00
NIGHT_OPERATOR = ("operator.rpr.night", "+919000000902")  # every night 20:00–08:00
EXTRA_OPERATOR = ("operator.rpr.extra", "+919000000503")  # added by with_roster: round the clock

TUESDAY_MORNING = datetime(2026, 12, 8, 11, 0, tzinfo=IST)
TUESDAY_NIGHT = datetime(2026, 12, 8, 23, 0, tzinfo=IST)
SUNDAY_NOON = datetime(2026, 12, 13, 12, 0, tzinfo=IST)  # the day operator's day off, the night one asleep


def pin(clock: Any, at: datetime) -> None:
    clock.advance(at - clock.now())


def with_roster(order: str = "simultaneous", answer_seconds: int = 20, extra: bool = True) -> None:
    """Reload the demo district with the operators line ringing `order`, and a round-the-clock third operator."""
    import yaml

    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages
    from chalicelib.store.district_loader import load_district

    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["transcription"] = {**(data.get("transcription") or {}), "enabled": False}  # as demo_on has it
    for hotline in data["hotlines"]:
        if hotline.get("mode") == "operators":
            hotline["operators"] = {"ring": order, "answer_seconds": answer_seconds}
    if extra:
        data["operators"].append({"username": EXTRA_OPERATOR[0], "name": "Extra", "phone": EXTRA_OPERATOR[1],
                                  "languages": ["hi"], "shifts": [{"start": "00:00", "end": "23:59"}]})
    load_district(parse_district(data, available_languages()))
    wiring.directory().clear()


def incoming(client: Any, call_sid: str | None = None, caller: str = CALLER,
             carrier: str = "twilio") -> tuple[str, Any]:
    """The carrier's first webhook for a call on the operators line: (CallSid, response)."""
    webhooks = CarrierWebhooks(client, carrier)
    call_sid = call_sid or webhooks.call_sid()
    response = webhooks.post("/voice/incoming", {
        "CallSid": call_sid, "From": caller, "To": OPERATORS_LINE, "Direction": "inbound",
        "CallStatus": "ringing", "AccountSid": "AC" + "1" * 32})
    assert response.status_code == 200, response.body
    return call_sid, response
