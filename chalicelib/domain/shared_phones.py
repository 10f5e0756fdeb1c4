"""One phone, one person: an operator's phone may not also be an officer's (or the Collector's).

Samvad knows an officer by the phone: their texts (DONE, ACK…) and their IVR sign-in are recognised by the number
they come from, and forwards and reminders go to it. An operator's phone rings with citizens' calls (the roster),
and an answered call is put down to the operator by the phone that answered. A number on both would ring an
officer with the hotline's calls all shift, and make an officer's replies and an operator's answers one person's.
Checked where a district file is loaded (`manage.py load-district`, `make run`, the console's directory save), not
where a stored one is read: a district already in the directory keeps answering.
"""
from __future__ import annotations

from chalicelib.domain.district import District, DistrictConfigError


def check_operators_own_phones(district: District) -> None:
    """Refuse a roster phone that is an officer's or the Collector's, naming both places and what to do."""
    posts: dict[str, str] = {}
    for dep in district.departments.values():
        for level, officer in dep.officers.items():
            posts.setdefault(officer.phone, f"departments.{dep.id}.{level} ({officer.name})")
    if district.collector:
        posts.setdefault(district.collector.phone, f"collector ({district.collector.name})")
    for i, operator in enumerate(district.operators):
        if operator.phone and operator.phone in posts:
            raise DistrictConfigError(
                f"operators[{i}] ({operator.username}): phone {operator.phone} is also the phone of "
                f"{posts[operator.phone]}. An operator's phone rings with citizens' calls, and an officer is known "
                "by their phone (their texts, their IVR sign-in): give the operator a number of their own")
