"""The demo district every layer's tests use: its file, its line and a citizen. Plain constants, so a unit
test can name them without loading the moto/Chalice harness (tests/support/fixtures.py)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.domain.district import District
    from chalicelib.domain.ports import OfficerPins, TicketStore

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "raipur.yaml"
LINE = "+919977222564"
CALLER = "+919812345678"
CARRIERS = ("twilio", "plivo")


def demo_on(carrier: str, citizen_channels: list[str] | None = None) -> District:
    """The demo district with every line and its SMS on one carrier: the tests that run once per carrier
    drive the same lines through each. On Twilio the SMS sender is its plain number, as before carriers had
    names; on Plivo every hotline is Plivo's and the sender is the demo file's DLT one. (The file itself mixes
    them; its checks are tests/unit/test_carrier_plan.py's. The flows test the mechanism, so the plan's
    India refusals are accepted here.)"""
    from chalicelib.district_file import read_yaml
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages

    data = read_yaml(DEMO)
    # Transcription fetches each recording from the carrier: flows opt in (test_transcription_flow's fixture).
    data["transcription"] = {**(data.get("transcription") or {}), "enabled": False}
    for hotline in data["hotlines"]:
        hotline["carrier"] = carrier
        hotline["accept_international_caller_id"] = True
    if carrier == "twilio":
        data["sms_sender"] = {"from": "+919977222500", "accept_no_sms_replies": True}
    else:
        data["sms_sender"] = {**data["sms_sender"], "accept_no_sms_replies": True}
    if citizen_channels is not None:  # another plan for citizens' messages than the demo's (WhatsApp, then SMS)
        data["channel_plan"] = {**(data.get("channel_plan") or {}), "citizen": citizen_channels,
                                "acknowledgement": citizen_channels}
    return parse_district(data, available_languages())


def untranscribed(path: Path) -> District:
    """Another district's file as the flows load it: transcription off, as demo_on has it, so a recording is
    never fetched from the carrier's real address (test_transcription_flow's fixture opts in)."""
    from chalicelib.district_file import read_yaml
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages

    data = read_yaml(path)
    data["transcription"] = {**(data.get("transcription") or {}), "enabled": False}
    return parse_district(data, available_languages())


def register_demo_call(tickets: TicketStore, district: District, sequence: int, at: datetime,
                       caller: str = CALLER) -> str:
    """A water complaint recorded on the demo line at `at`, registered in `tickets`; its complaint number."""
    from chalicelib.domain.clock import FixedClock
    from chalicelib.domain.registration import CallComplaint, build_call_registration

    complaint = CallComplaint(call_sid=f"CA{sequence:032d}", caller_phone=caller, line=LINE, language="hi",
                              category_id="water", recording_sid=f"RE{sequence:032d}", recording_url="https://x",
                              recording_duration=5)
    registration = build_call_registration(complaint, district, sequence, FixedClock(at))
    tickets.register(registration)
    return registration.ticket.complaint_number


DEMO_PIN = "1234"  # every demo officer's IVR PIN, as `make run` sets it (chalicelib/local/provision.py)


def give_demo_pins(pins: OfficerPins, district: District, at: str = "2026-12-01T00:00:00Z") -> None:
    """DEMO_PIN for every officer and the Collector of `district`. One hash (few rounds) for all: the tests check
    the IVR, not the hash's cost."""
    from chalicelib.domain.officer_pins import hash_pin

    stored = hash_pin(DEMO_PIN, iterations=1000)
    for phone in sorted(district.officer_phones()):
        pins.set_pin_hash(district.code, phone, stored, "tests", at)


def offer_kinds(*kinds: str, code: str = "RPR") -> None:
    """The loaded district taking these kinds too (the demo takes complaints only), for a test of the other
    kinds' actions on the demo's own officers; the directory's cache forgets the old file."""
    from chalicelib import wiring
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages
    from chalicelib.store.district_loader import load_district

    district = wiring.directory().district(code)
    assert district is not None
    load_district(parse_district({**district.raw, "kinds": ["complaint", *kinds]}, available_languages()))
    wiring.directory().clear()
