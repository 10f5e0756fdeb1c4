"""A recording becomes a transcript on its ticket, from the transcribe queue (never on the webhook path).

Two steps, each one queue message:

- start: read the ticket, decide whether it is transcribed at all (the district's and the category's switch,
  the call's language), fetch the audio from the carrier, keep it in the stack's bucket, start the batch job
  (named after the ticket and the recording, so a retry finds the job it started) and send the first check.
- check: ask for the job; in progress, send the check again a little later (15 s, 30, 60 … up to 300, at most
  MAX_CHECKS looks); once it ended, write the transcript on the ticket with its timeline entry and the
  `ticket.transcribed` event in one versioned change, then index its words for search.

Every start that reaches a ticket ends in exactly one `ticket.transcribed`, whatever the outcome — the
officer's forward waits for it — and a ticket never gets two transcripts of one recording: the write is
conditional on the version read, and a ticket already holding this recording's transcript is left alone.
A carrier or AWS error raises, so SQS delivers the message again (backing off); on the message's last
receive before the DLQ the transcription ends as unavailable (or failed) instead, so no ticket waits forever.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.call_recording import RECORDING_ATTACHED
from chalicelib.domain.clock import Clock, iso, parse_iso
from chalicelib.domain.commit import commit
from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import (
    AudioStore,
    Directory,
    EventDispatcher,
    RecordingAudio,
    RecordingTooLarge,
    SearchIndex,
    SpeechJob,
    SpeechToText,
    StaleTicket,
    TicketStore,
    TranscriptionQueue,
    TranscriptRetention,
)
from chalicelib.domain.retry import retry_on_stale
from chalicelib.domain.ticket import Ticket, TimelineEntry, snapshot
from chalicelib.domain.transcripts import (
    DONE,
    EMPTY,
    FAILED,
    LOW_CONFIDENCE,
    OFF,
    TIMED_OUT,
    TRANSCRIBE_LANGUAGES,
    UNAVAILABLE,
    UNSUPPORTED_LANGUAGE,
    Transcript,
)
from chalicelib.operations.transcript_retention import remember

log = logging.getLogger(__name__)

TRANSCRIBED = "ticket.transcribed"
MAX_AUDIO_BYTES = 25 * 1024 * 1024
# SQS hands a failing message over 5 times before the DLQ: the 4th receive is the last one that can still
# write the outcome on the ticket (a 5th may come if that write itself fails).
LAST_RECEIVE = 4
MAX_CHECKS = 20
FIRST_CHECK_SECONDS = 15
LONGEST_CHECK_SECONDS = 300
# Where a start came from: a registration whose officer's forward waits for the transcript, or a recording
# attached later (the forward went at registration; the transcript only joins the ticket).
AFTER_REGISTRATION = "created"
AFTER_ATTACHING = "attached"
_EXTENSIONS = {"audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav", "audio/vnd.wave": "wav",
               "audio/mpeg": "mp3", "audio/mp3": "mp3", "text/plain": "txt"}


@dataclass(frozen=True)
class TranscriptionPorts:
    tickets: TicketStore
    directory: Directory
    recordings: RecordingAudio
    audio: AudioStore
    speech: SpeechToText
    queue: TranscriptionQueue
    dispatcher: EventDispatcher
    index: SearchIndex
    retention: TranscriptRetention
    clock: Clock
    job_prefix: str  # "samvad-<stage>": job names are unique per stack, ticket and recording


def start_message(complaint_number: str, recording_sid: str, origin: str = AFTER_REGISTRATION) -> dict[str, Any]:
    return {"step": "start", "complaint_number": complaint_number, "recording_sid": recording_sid, "tries": 0,
            "origin": origin}


def request_transcription(event: DomainEvent, queue: TranscriptionQueue, directory: Directory) -> str:
    """The follow-up consumer's part: a registration that said it is transcribing, or a recording attached to a
    ticket whose district and category transcribe, puts a start on the transcribe queue."""
    data = event.data
    if event.type == RECORDING_ATTACHED:
        district = directory.district(str(data.get("district", "")))
        if district is None or not district.transcribes(str(data.get("category", ""))):
            return "recording attached; not transcribed here"
        origin = AFTER_ATTACHING
    elif data.get("transcribing"):
        origin = AFTER_REGISTRATION
    else:
        return "no transcription for this event"
    # ticket.created carries no recording SID: the start takes the ticket's own.
    queue.send(start_message(event.complaint_number, str(data.get("recording_sid") or ""), origin))
    return "transcription requested"


def run(message: dict[str, Any], receives: int, ports: TranscriptionPorts) -> str:
    """One step of a transcription; what became of it, for the log. Raises for SQS to deliver it again."""
    step = message.get("step")
    if step == "start":
        return _start(message, receives, ports)
    if step == "check":
        return _check(message, receives, ports)
    return f"not a transcription step: {step!r}"


# -- start ------------------------------------------------------------------------------------------------------

def _start(message: dict[str, Any], receives: int, ports: TranscriptionPorts) -> str:
    number = str(message.get("complaint_number", ""))
    ticket = ports.tickets.get(number)
    if ticket is None:
        return "no such ticket"
    recording_sid = str(message.get("recording_sid") or ticket.recording_sid or "")
    if not recording_sid or ticket.recording_sid != recording_sid:
        return "the ticket holds no such recording"
    if _has_transcript(ticket, recording_sid):
        return "transcribed already"
    district = _district(ticket, ports)
    origin = str(message.get("origin") or AFTER_REGISTRATION)
    ending = _Ending(number, recording_sid, origin, ports)
    if not district.transcribes(ticket.category):
        return ending.write(Transcript(recording_sid, OFF), district)
    language = TRANSCRIBE_LANGUAGES.get(ticket.language)
    if language is None:
        return ending.write(Transcript(recording_sid, UNSUPPORTED_LANGUAGE, reason=ticket.language), district)
    if not ticket.recording_url:
        return ending.write(Transcript(recording_sid, UNAVAILABLE, language=language,
                                       reason="the recording has no address at the carrier"), district)
    try:
        audio, content_type = ports.recordings.fetch_audio(ticket.recording_url, MAX_AUDIO_BYTES)
    except RecordingTooLarge:
        return ending.write(Transcript(recording_sid, UNAVAILABLE, language=language,
                                       reason=f"the recording is over {MAX_AUDIO_BYTES // (1024 * 1024)} MB"),
                            district)
    except Exception as error:
        if receives < LAST_RECEIVE:
            raise
        log.warning("ticket %s: the carrier would not hand over %s: %s", number, recording_sid, error)
        return ending.write(Transcript(recording_sid, UNAVAILABLE, language=language,
                                       reason="the carrier did not hand over the recording"), district)
    job = job_name(ports.job_prefix, number, recording_sid)
    try:
        media = ports.audio.put_audio(audio_key(ticket, recording_sid, content_type, ticket.recording_url), audio,
                                      content_type)
        started = ports.speech.start(job, media, language, transcript_key(ticket, recording_sid))
    except Exception as error:
        if receives < LAST_RECEIVE:
            raise
        log.warning("ticket %s: transcription of %s could not start: %s", number, recording_sid, error)
        return ending.write(Transcript(recording_sid, FAILED, language=language,
                                       reason="the transcription service did not take the job"), district)
    ports.queue.send({"step": "check", "complaint_number": number, "recording_sid": recording_sid, "job": job,
                      "started_at": iso(ports.clock.now()), "tries": 0, "origin": origin},
                     delay_seconds=check_delay(0))
    return "job started" if started else "job was started before"


def job_name(prefix: str, complaint_number: str, recording_sid: str) -> str:
    return f"{prefix}-{complaint_number}-{recording_sid}"


def audio_key(ticket: Ticket, recording_sid: str, content_type: str, url: str = "") -> str:
    base = content_type.split(";", 1)[0].strip().lower()
    extension = _EXTENSIONS.get(base)
    if extension is None:  # the carrier said octet-stream or nothing: the URL's own ending, else WAV (Twilio's)
        ending = url.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower() if "." in url.rsplit("/", 1)[-1] else ""
        extension = ending if ending in ("wav", "mp3") else "wav"
    return f"recordings/{ticket.district}/{ticket.complaint_number}/{recording_sid}.{extension}"


def transcript_key(ticket: Ticket, recording_sid: str) -> str:
    return f"transcripts/{ticket.district}/{ticket.complaint_number}/{recording_sid}.json"


def check_delay(tries: int) -> int:
    """Seconds before the check after `tries` earlier looks: 15, 30, 60, 120, 240, then 300 each time."""
    return min(LONGEST_CHECK_SECONDS, FIRST_CHECK_SECONDS << min(tries, 10))


# -- check ------------------------------------------------------------------------------------------------------

def _check(message: dict[str, Any], receives: int, ports: TranscriptionPorts) -> str:
    number = str(message.get("complaint_number", ""))
    recording_sid = str(message.get("recording_sid", ""))
    tries = int(message.get("tries", 0))
    ticket = ports.tickets.get(number)
    if ticket is None:
        return "no such ticket"
    if ticket.recording_sid != recording_sid:
        return "the ticket holds no such recording"
    if _has_transcript(ticket, recording_sid):
        _index_again(ticket, ports)  # a retry after the write: the index may be what failed
        return "transcribed already"
    district = _district(ticket, ports)
    ending = _Ending(number, recording_sid, str(message.get("origin") or AFTER_REGISTRATION), ports)
    language = TRANSCRIBE_LANGUAGES.get(ticket.language, "")
    try:
        job = ports.speech.job(str(message.get("job", "")))
    except Exception as error:
        if receives < LAST_RECEIVE:
            raise
        # The service keeps failing to answer: count it as a look, so the checks still end in time.
        log.warning("ticket %s: job of %s could not be read: %s", number, recording_sid, error)
        job = SpeechJob(state="in_progress")
    if job.state == "in_progress":
        if tries + 1 >= MAX_CHECKS:
            return ending.write(Transcript(recording_sid, TIMED_OUT, language=language,
                                           seconds=_seconds_since(message, ports.clock.now()),
                                           reason=f"the job did not finish after {MAX_CHECKS} checks"), district)
        ports.queue.send({**message, "tries": tries + 1}, delay_seconds=check_delay(tries + 1))
        return f"in progress (check {tries + 1})"
    seconds = job.seconds if job.seconds is not None else _seconds_since(message, ports.clock.now())
    if job.state != "completed":
        return ending.write(Transcript(recording_sid, FAILED, language=language, seconds=seconds,
                                       reason=job.reason or "the transcription job failed"), district)
    return ending.write(heard(job, recording_sid, language, seconds, district.transcription.min_confidence),
                        district)


def heard(job: SpeechJob, recording_sid: str, language: str, seconds: float | None,
          min_confidence: float) -> Transcript:
    """A completed job's transcript: empty with no words; low confidence below the district's threshold."""
    text = " ".join(job.text.split())
    if not text:
        return Transcript(recording_sid, EMPTY, language=language, seconds=seconds,
                          reason="no words were heard in the recording")
    confidence = None if job.confidence is None else round(job.confidence, 3)
    status = LOW_CONFIDENCE if confidence is not None and confidence < min_confidence else DONE
    return Transcript(recording_sid, status, text=text, confidence=confidence, language=language,
                      seconds=None if seconds is None else round(seconds, 1))


def _seconds_since(message: dict[str, Any], now: datetime) -> float | None:
    started = message.get("started_at")
    try:
        return max(0.0, (now - parse_iso(str(started))).total_seconds()) if started else None
    except ValueError:
        return None


# -- the ending: one versioned change, then the search index -------------------------------------------------

class _Ending:
    def __init__(self, number: str, recording_sid: str, origin: str, ports: TranscriptionPorts) -> None:
        self.number, self.recording_sid, self.origin, self.ports = number, recording_sid, origin, ports

    def write(self, transcript: Transcript, district: District) -> str:
        """Write the transcript on the ticket once; its status, or why nothing was written."""
        written: list[Change] = []
        remembered: list[bool] = []

        def attempt() -> str:
            ticket = self.ports.tickets.get(self.number)
            if ticket is None:
                return "no such ticket"
            if ticket.recording_sid != self.recording_sid:
                return "the ticket holds no such recording"
            if _has_transcript(ticket, self.recording_sid):
                return "transcribed already"
            change = transcribed_change(ticket, transcript, district, self.ports.clock.now(),
                                        forward_waits=self.origin != AFTER_ATTACHING)
            if not remembered:  # once, before the words: no ticket holds words its retention does not know of
                remember(self.ports.retention, ticket, district.transcription.retention_days)
                remembered.append(True)
            if not commit(change, self.ports.tickets, self.ports.dispatcher):
                raise StaleTicket(self.number)
            written.append(change)
            return transcript.status

        # Stale three times running: raised, and the message comes back (a busy ticket is read afresh then).
        outcome = retry_on_stale(attempt)
        if written:
            change = written[0]
            _index(change.before, change.after, district, self.ports)
        return outcome


def transcribed_change(ticket: Ticket, transcript: Transcript, district: District, now: datetime,
                       forward_waits: bool = True) -> Change:
    """The ticket with its transcript (and, from a sure transcript, the spoken name and address where the
    ticket has none; a category the words point to), its timeline entry and its `ticket.transcribed` event."""
    at = iso(now)
    transcript = replace(transcript, at=at)
    after = replace(ticket, version=ticket.version + 1, transcript=transcript.to_json())
    if transcript.status in (DONE, LOW_CONFIDENCE):
        from chalicelib.domain.category_hints import category_hint

        after = replace(after, category_hint=category_hint(district, ticket.category, transcript.text,
                                                           ticket.language))
    if transcript.status == DONE:
        # Only a sure transcript fills the ticket's fields: a doubtful one is shown as "listen before acting".
        from chalicelib.domain.transcript_fields import spoken_fields

        spoken = spoken_fields(transcript.text, ticket.language)
        after = replace(after, caller_name=ticket.caller_name or spoken.name, address=ticket.address or spoken.address)
    detail: dict[str, Any] = {"status": transcript.status, "recording_sid": transcript.recording_sid,
                              "language": transcript.language, "confidence": transcript.confidence,
                              "seconds": transcript.seconds, "text": transcript.text, "reason": transcript.reason}
    entry = TimelineEntry(complaint_number=ticket.complaint_number, at=at, actor_type="system",
                          actor_id="transcriber", action="transcribed", channel="system",
                          detail={k: v for k, v in detail.items() if v not in (None, "")})
    event = DomainEvent(type=TRANSCRIBED, complaint_number=ticket.complaint_number, version=after.version, at=at,
                        data={**snapshot(after), "transcript_status": transcript.status,
                              "recording_sid": transcript.recording_sid, "forward_waits": forward_waits})
    return Change(before=ticket, after=after, timeline=(entry,), events=(event,))


def _index(before: Ticket, after: Ticket, district: District, ports: TranscriptionPorts) -> None:
    from chalicelib.operations.ticket_search import index_ticket_text, ticket_text

    old, new = ticket_text(before), ticket_text(after)
    if old != new:
        index_ticket_text(ports.index, after, old, new, district.transcription.retention_days)


def _index_again(ticket: Ticket, ports: TranscriptionPorts) -> None:
    from chalicelib.operations.ticket_search import index_ticket_text, ticket_text

    district = ports.directory.district(ticket.district)
    if district is not None:
        index_ticket_text(ports.index, ticket, "", ticket_text(ticket), district.transcription.retention_days)


def _has_transcript(ticket: Ticket, recording_sid: str) -> bool:
    transcript = Transcript.from_json(ticket.transcript)
    return transcript is not None and transcript.recording_sid == recording_sid


def _district(ticket: Ticket, ports: TranscriptionPorts) -> District:
    district = ports.directory.district(ticket.district)
    if district is None:  # the directory could not be read just now (a district is never removed under tickets)
        raise LookupError(f"district {ticket.district} of ticket {ticket.complaint_number} is not in the directory")
    return district
