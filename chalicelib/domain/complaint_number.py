"""Complaint numbers: the citizen-facing id of a ticket.

Form: district code + IST date (yymmdd) + daily sequence (at least 4 digits), e.g. RPR2611220007.
Digits only after the code, so a caller can key it on a feature phone; sequential per district per
IST day, never reused and without gaps (the day's counter moves in the transaction that writes the
ticket, so a refused registration takes no number: domain/intake.py).
"""
from __future__ import annotations

import re
from datetime import datetime

from chalicelib.domain.clock import IST

_PATTERN = re.compile(r"^([A-Z]{2,5})(\d{6})(\d{4,})$")


def format_number(district_code: str, at: datetime, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{district_code}{at.astimezone(IST):%y%m%d}{sequence:04d}"


def is_valid(number: str) -> bool:
    return bool(_PATTERN.match(number))


def spoken_groups(number: str) -> list[str]:
    """Groups to read out with a pause between: the code, the date, the sequence."""
    match = _PATTERN.match(number)
    if not match:
        return [" ".join(number)]
    return [" ".join(group) for group in match.groups()]
