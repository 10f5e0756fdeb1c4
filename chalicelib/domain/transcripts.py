"""A recording's transcript: what the machine heard, how sure it was, and what a person corrected it to.

The machine's text is never overwritten: a correction sits beside it (`corrected_text`, who, when), and
`best_text` is what people read and what search indexes. When the district's retention runs out, both go
(`forgotten`); the ticket keeps how the transcription ended and when its words were deleted.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

# How a transcription ended. Only `done` and `low_confidence` carry text; the others leave the recording as
# the only evidence, and the ticket says why.
DONE = "done"
LOW_CONFIDENCE = "low_confidence"  # text kept, shown with a warning: listen before acting on it
EMPTY = "empty"  # the job ran and heard no words (silence, a tone, a WAV with no speech)
FAILED = "failed"  # Transcribe refused or failed the job (its reason kept)
UNAVAILABLE = "unavailable"  # the carrier would not hand over the audio, or it was over the size limit
TIMED_OUT = "timed_out"  # the job did not finish in the time the checks allow
UNSUPPORTED_LANGUAGE = "unsupported_language"
OFF = "off"  # the district (or the category) does not transcribe
STATUSES = (DONE, LOW_CONFIDENCE, EMPTY, FAILED, UNAVAILABLE, TIMED_OUT, UNSUPPORTED_LANGUAGE, OFF)

# The call's language (the catalogs' codes) → Transcribe's language code.
TRANSCRIBE_LANGUAGES = {"hi": "hi-IN", "en": "en-IN"}


@dataclass(frozen=True)
class Transcript:
    recording_sid: str
    status: str  # one of STATUSES
    text: str = ""
    confidence: float | None = None  # the mean of the words' confidences, 0–1
    language: str = ""  # Transcribe's code, "hi-IN"
    seconds: float | None = None  # from the job's start to its result
    reason: str | None = None  # why there is no text (failed, unavailable, timed out)
    at: str = ""  # when it was written on the ticket
    corrected_text: str | None = None
    corrected_by: str | None = None
    corrected_at: str | None = None
    deleted_at: str | None = None  # the district's retention ran out: the words are gone, the facts kept

    @property
    def best_text(self) -> str:
        return self.corrected_text if self.corrected_text is not None else self.text

    def corrected(self, text: str, by: str, at: str) -> Transcript:
        return replace(self, corrected_text=text, corrected_by=by, corrected_at=at)

    def forgotten(self, at: str) -> Transcript:
        """Without its words (the machine's and the correction): what is left says how it ended and who
        corrected it, never what was said."""
        return replace(self, text="", corrected_text=None, deleted_at=at)

    @property
    def has_words(self) -> bool:
        return bool(self.text or self.corrected_text)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Transcript | None:
        if not data:
            return None
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
