"""The demo district every layer's tests use: its file, its line and a citizen. Plain constants, so a unit
test can name them without loading the moto/Chalice harness (tests/support/fixtures.py)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.domain.district import District
    from chalicelib.domain.ports import TicketStore

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "raipur.yaml"
LINE = "+919977222564"
CALLER = "+919812345678"


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
