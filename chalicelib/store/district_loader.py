"""Loading a district file into the directory: validate everything first, then write, with progress; then the
retention of its recordings and transcripts (the audio bucket's lifecycle rules)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from chalicelib.domain.clock import iso
from chalicelib.domain.district import District, DistrictConfigError
from chalicelib.domain.state_line import StateConfigError, StateLine
from chalicelib.store.directory import district_items, line_owners, sender_items, state_items
from chalicelib.store.models import DirectoryModel


def load_district(district: District, progress: Callable[[int, int, str], None] = lambda *_: None) -> int:
    """Write the district's directory items; refuse lines another district or a state number owns.
    Returns items written."""
    for line, _hotline in district.lines():
        owner, state = line_owners(line)
        if owner and owner != district.code:
            raise DistrictConfigError(f"line {line} already belongs to district {owner}")
        if state:
            raise DistrictConfigError(f"line {line} is the state number {state}'s: a line belongs to one district "
                                      "or one state number")
    at = iso(datetime.now(UTC))
    items = district_items(district, at)
    items += sender_items(district, at)  # a sender another district has stays with it
    for n, item in enumerate(items, start=1):
        item.save()
        progress(n, len(items), f"{item.pk}")
    keep_recordings_for(district)
    return len(items)


def keep_recordings_for(district: District) -> None:
    """The district's retention as the audio bucket's lifecycle rules on its recordings/ and transcripts/
    prefixes (set even when transcription is off: its recordings may still be in the bucket from before)."""
    from chalicelib.speech.s3_audio import S3AudioStore

    S3AudioStore().set_retention(district.code, district.transcription.retention_days)


def load_state(state: StateLine, progress: Callable[[int, int, str], None] = lambda *_: None) -> int:
    """Write the state number's directory items. Refused: a line a district or another state owns, and a
    district not in the directory yet (load the district files first). Returns items written."""
    for line in state.lines:
        district, owner = line_owners(line)
        if district:
            raise StateConfigError(f"line {line} already belongs to district {district}: a line belongs to one "
                                   "district or one state number")
        if owner and owner != state.code:
            raise StateConfigError(f"line {line} already belongs to the state number {owner}")
    for choice in state.districts:
        try:
            DirectoryModel.get(f"DISTRICT#{choice.code}", "CONFIG", attributes_to_get=["pk"])
        except DirectoryModel.DoesNotExist:
            raise StateConfigError(f"district {choice.code} (key {choice.key}) is not in the directory: "
                                   "load its district file first") from None
    items = state_items(state, iso(datetime.now(UTC)))
    for n, item in enumerate(items, start=1):
        item.save()
        progress(n, len(items), f"{item.pk}")
    return len(items)
