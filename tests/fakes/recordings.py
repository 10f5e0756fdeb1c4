"""The reconciler's RecordingsSource in memory: recordings, the calls they were made on, and what each call
chose in the IVR — the same answers as telephony/recordings.py gives from Twilio (tests/contract holds them
to it), or by telephony/plivo_rest.py from Plivo (logs_requests=False: no call's choices are ever known)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.ports import CallChoices, CallDetails, Recording, RecordingsSource, SourceUnavailable


class MemoryRecordings:
    def __init__(self, page_size: int = 100, logs_requests: bool = True) -> None:
        self.page_size = page_size
        self.logs_requests = logs_requests  # False: a carrier like Plivo, which keeps no log of its requests to us
        self.recordings: list[Recording] = []
        self.calls: dict[str, CallDetails] = {}
        self.choices: dict[str, dict[str, CallChoices]] = {}  # call → recording → what its requests carried
        self.logged: set[str] = set()  # calls whose requests the carrier has published

    def chose(self, call_sid: str, recording_sid: str, choices: CallChoices) -> None:
        self.choices.setdefault(call_sid, {})[recording_sid] = choices
        self.logged.add(call_sid)

    def published(self, call_sid: str) -> None:
        """The carrier's log of the call is out, holding nothing of our IVR (the fallback's call)."""
        self.logged.add(call_sid)

    def recording_pages(self, since: datetime) -> Iterator[list[Recording]]:
        rows = sorted((r for r in self.recordings if r.created_at >= since), key=lambda r: r.created_at,
                      reverse=True)
        for start in range(0, len(rows), self.page_size):
            yield rows[start:start + self.page_size]

    def call(self, call_sid: str) -> CallDetails:
        if call_sid not in self.calls:
            raise SourceUnavailable(f"call {call_sid}: HTTP 404")
        return self.calls[call_sid]

    def call_choices(self, call_sid: str, recording_sid: str) -> CallChoices | None:
        if not self.logs_requests:
            return CallChoices()  # nothing known, ever (telephony/plivo_rest.py)
        if call_sid not in self.logged:
            return None
        chosen = self.choices.get(call_sid, {})
        if recording_sid in chosen:
            return chosen[recording_sid]
        # Another recording of the call: the language it chose, and whether it reached the record step.
        other = next(iter(chosen.values()), CallChoices())
        return CallChoices(language=other.language, category_id=other.category_id,
                           at_record_step=other.at_record_step)

if TYPE_CHECKING:
    _: RecordingsSource = MemoryRecordings()
