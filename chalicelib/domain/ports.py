"""What the domain needs from the outside world. Adapters live in store/, telephony/, events/."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.domain.consent import WhatsAppConsent
from chalicelib.domain.conversation import Conversation
from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.registration import Registration
from chalicelib.domain.state_line import StateLine
from chalicelib.domain.ticket import Ticket, TimelineEntry

if TYPE_CHECKING:
    from chalicelib.domain.call_log import CallEnd, OperatorCall
    from chalicelib.domain.callback_requests import CallbackRequest
    from chalicelib.domain.list_filters import Plan
    from chalicelib.domain.video_calls import VideoCall


class AlreadyRegistered(Exception):
    """The call already has a ticket (a retried webhook); carries its complaint number."""

    def __init__(self, complaint_number: str) -> None:
        super().__init__(complaint_number)
        self.complaint_number = complaint_number


class StaleTicket(Exception):
    """Someone else changed the ticket since it was read; nothing was written."""


class SequenceTaken(Exception):
    """Another registration took the day's complaint number first; nothing was written."""


class SpeechRefused(Exception):
    """The speech service refused the request (Transcribe's BadRequestException): no media object, a language it
    does not take, an unknown job. The same request would be refused again, so retrying it is pointless."""


class TicketStore(Protocol):
    """Tickets (store/tickets.py): registered once per call or conversation, changed conditional on their version."""

    def get(self, complaint_number: str) -> Ticket | None: ...

    def get_many(self, complaint_numbers: Sequence[str]) -> list[Ticket]:
        """The tickets there are of these numbers, in their order, read together (a list's page: one request,
        not one per ticket; eventually consistent, as the index that named them is)."""

    def recent_for_caller(self, phone: str, limit: int = 5) -> list[Ticket]:
        """The caller's tickets, newest first."""

    def peek_sequence(self, district_code: str, ist_day: str) -> int:
        """The number the district's next ticket of the IST day will take (1, 2, …); reading it takes nothing."""

    def take_sequence(self, district_code: str, ist_day: str) -> int:
        """Take the day's next number at once (an atomic increment): a registration under a burst that keeps
        losing the next number to others (domain/intake.py), whose registration then carries no sequence."""

    def hold_outright_take(self, key: str, at: str) -> bool:
        """Only one of a registration's copies (a replayed webhook: the same call or conversation, `key`) may take
        a number outright; True for the first to ask, False for the rest, which wait for its ticket."""

    def registered_number(self, registration: Registration) -> str | None:
        """The complaint number the registration's call or conversation has by now, if any."""

    def give_back_sequence(self, district_code: str, ist_day: str, sequence: int) -> bool:
        """Return a number taken outright whose registration was refused (its replay won meanwhile), if no
        later number was taken since; False when one was (the gap stays, and is logged)."""

    def register(self, registration: Registration) -> None:
        """Write the registration atomically, its sequence moving to the ticket's number in the same write.
        Raise AlreadyRegistered if the call (or the registration's once_key) has a ticket already,
        domain.callers.OverDailyLimit if the caller is at the cap, SequenceTaken if another registration took
        the number first — in that order; nothing is written then."""

    def save_change(self, change: Change) -> None:
        """Write the change if the ticket still has change.before's version, else raise StaleTicket."""

    def add_timeline(self, entry: TimelineEntry, once_key: str | None = None) -> bool:
        """Add an entry that changes nothing on the ticket (a delivery report, a feedback call's answer).
        With a once_key (e.g. delivery#<MessageSid>#<status>) only its first entry is written: a replayed
        callback's returns False and writes nothing."""

    def forget_timeline_text(self, complaint_number: str, fields: dict[str, tuple[str, ...]], at: str) -> int:
        """Take the named detail fields out of the ticket's timeline entries of each action (e.g. the words a
        `transcribed` entry quoted), marking each entry `text_deleted_at`; how many entries changed (again: 0)."""

    def due_numbers(self, now: str, per_shard: int = 500) -> list[str]:
        """Complaint numbers whose next action is due by `now`, from the sparse due index."""


class EventDispatcher(Protocol):
    def dispatch(self, event: DomainEvent) -> None:
        """Send an event already in the outbox to its queues and acknowledge it there."""


class Directory(Protocol):
    """Who owns a number, and each district's and state number's configuration (store/directory.py)."""

    def district_for_line(self, line: str) -> District | None: ...

    def district_for_number(self, number: str) -> District | None:
        """The district a citizen's text reached: a hotline line, else its SMS or WhatsApp sender number."""

    def state_for_line(self, line: str) -> StateLine | None:
        """The state number (181) a line belongs to; None for a district's own line or an unknown one."""

    def district(self, code: str) -> District | None: ...

    def state(self, code: str) -> StateLine | None:
        """A state file by its code (the state view's districts); None when it is not loaded."""

    def blocked_phones(self, code: str) -> frozenset[str]:
        """The numbers the district's Collector's office has blocked."""

    def clear(self) -> None:
        """Forget what this container remembers (after it changed the directory itself)."""


class OutcomeUnknown(Exception):
    """The request reached the carrier (or may have) and no answer came back: a read timeout, a connection
    reset after sending, a 5xx from a proxy. The message or call may exist: ask the carrier before sending
    again. Any other exception from a send means the carrier refused or never got it: nothing was sent."""


@dataclass(frozen=True)
class Attempt:
    """What was handed to the carrier, kept on the claim while the outcome is unknown, so that a retry can
    ask the carrier whether it has it (Messenger.find_sent, Dialer.find_call)."""

    channel: str  # "sms", "whatsapp" or "call"
    to: str  # the phone number, without any channel prefix
    sender: str  # an SMS number or Messaging Service SID, the WhatsApp sender, a call's caller ID
    content: str  # the SMS text; a WhatsApp template's Content SID and values (JSON); a call's answer path
    at: str  # UTC ISO time the first try began, by the carrier's clock (real time, never a test clock)
    carrier: str = "twilio"  # the carrier it was handed to (an attempt held before carriers were named: Twilio)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Attempt:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class DltIds:
    """India's DLT registration of one SMS template."""

    entity_id: str  # the district's (Principal Entity) id
    template_id: str  # this template's id, in this language


class Messenger(Protocol):
    """SMS and WhatsApp. Each send returns the message id; raises OutcomeUnknown when the carrier may have
    taken the message without saying so, any other exception when it did not take it (the queue retries).
    Paths (status_callback) are carrier-neutral ("/messaging/status/…"): the carrier's adapter prefixes its own."""

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None, *,
                 carrier: str = "twilio", dlt: DltIds | None = None) -> str: ...

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str: ...

    def find_sent(self, attempt: Attempt) -> str | None:
        """The id of the carrier's message matching the attempt (same recipient, sender and content, created
        since attempt.at), or None if it has none. Raises if the carrier cannot say just now."""


class Dialer(Protocol):
    """Places calls to citizens (callbacks of callback requests, feedback calls). place_call raises
    OutcomeUnknown when the call may have been placed without the carrier saying so."""

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str, *,
                   carrier: str = "twilio") -> str:
        """Start an outbound call through `carrier` whose script comes from answer_path (carrier-neutral,
        "/voice/callback/{id}": the adapter prefixes "/{carrier}"); return its call id."""

    def find_call(self, attempt: Attempt) -> str | None:
        """The CallSid of a call the carrier placed to attempt.to from attempt.sender since attempt.at, or None.
        Raises if the carrier cannot say just now."""


class CallbackRequests(Protocol):
    """Callback requests (domain/callback_requests.py); each write is conditional, so a retry changes nothing twice."""

    def add(self, request: CallbackRequest, ist_day: str, per_day: int) -> str:
        """Count the caller's callback for the day (at most per_day) and write the request, atomically:
        "added", "exists" (a retried webhook: counted before) or "over_cap" (nothing written)."""

    def due(self, now: datetime, limit: int) -> list[CallbackRequest]:
        """Requests whose due time has come, from the sparse due index."""

    def get(self, request_id: str) -> CallbackRequest | None: ...

    def start_try(self, before: CallbackRequest, after: CallbackRequest) -> bool:
        """Write `after` (one more try, the next due time) if the request is still as `before`."""

    def retry_at(self, request: CallbackRequest, due_at: datetime) -> bool: ...

    def finish(self, request: CallbackRequest, state: str) -> bool:
        """Set the final state and drop the due time, if the request is still on `request`'s try."""


class Claims(Protocol):
    """Exactly-once side effects across duplicate deliveries, keyed by event id and action: claim, then
    confirm (sent), release (definitely not sent) or hold (the carrier's answer never came)."""

    def claim(self, key: str, attempt: str | None = None) -> bool:
        """Claim the key; `attempt` (an Attempt's JSON) is what is about to be sent, kept on the claim so that
        a consumer that dies mid-send leaves it to take_unconfirmed (ask the carrier), never to a blind resend."""

    def claim_all(self, keys: list[str], attempts: dict[str, str] | None = None) -> set[str]:
        """Claim several at once (each with its attempt, if given); returns the keys claimed now (others were
        claimed before)."""

    def note(self, key: str, attempt: str) -> None:
        """A claim being sent goes out otherwise than planned (WhatsApp refused: by SMS): what is sent now."""

    def confirm(self, key: str, result: str) -> None: ...

    def confirm_all(self, results: dict[str, str]) -> None: ...

    def release(self, key: str) -> None:
        """Free a claim being sent (the side effect did not happen); a confirmed or a held one stays."""

    def hold(self, key: str, attempt: str) -> None:
        """The outcome is unknown: keep the claim (never claimed again nor released) with what was attempted,
        for take_unconfirmed."""

    def take_unconfirmed(self, keys: list[str]) -> dict[str, str]:
        """Of these keys, those held, or left being sent with an attempt by a consumer that died (past the
        lease): each is claimed again, one taker at a time, and comes with its attempt to ask the carrier about."""


# -- the reconciler's (domain/reconcile.py): Twilio's recordings, and which calls have a ticket --------

@dataclass(frozen=True)
class Recording:
    sid: str
    call_sid: str
    created_at: datetime
    duration: int  # seconds
    status: str  # Twilio's: completed, processing, absent, failed…
    url: str  # where the audio is fetched from (officers' links, the console)


@dataclass(frozen=True)
class CallDetails:
    sid: str
    from_phone: str
    to_phone: str
    direction: str  # inbound, outbound-api, outbound-dial


class SourceUnavailable(Exception):
    """Twilio did not answer (or refused: rate_limited for a 429); whatever is left waits for the next run."""

    def __init__(self, message: str, rate_limited: bool = False) -> None:
        super().__init__(message)
        self.rate_limited = rate_limited


@dataclass(frozen=True)
class CallChoices:
    """What a call chose in the IVR before its recording, as the carrier logged the call's requests to us:
    None where the call never got that far (the outage came first)."""
    language: str | None = None
    category_id: str | None = None
    at_record_step: bool = False  # the recording was made at the IVR's record step (on a callback too)


class RecordingsSource(Protocol):
    def recording_pages(self, since: datetime) -> Iterator[list[Recording]]:
        """The account's recordings created since `since`, newest first, one page at a time (each page is
        fetched only when the previous one is done). Raises SourceUnavailable."""

    def call(self, call_sid: str) -> CallDetails:
        """The call a recording belongs to. Raises SourceUnavailable."""

    def call_choices(self, call_sid: str, recording_sid: str) -> CallChoices | None:
        """The language and category the call's requests carried (the record step's URL holds both);
        None while the carrier has no log of the call yet (Twilio: from 15 minutes after its end).
        Raises SourceUnavailable."""


class CallTickets(Protocol):
    def tickets_of(self, call_sids: Sequence[str]) -> dict[str, str]:
        """Those calls the reconciler must not register: each one's complaint number, or why it needs none
        (domain/reconcile.py OPERATORS_CALL, OVER_CAP). Calls with neither are left out."""


# -- WhatsApp and SMS intake (domain/chat_intake.py): a citizen's conversation, one per district, phone, channel --

class ConversationMoved(Exception):
    """The conversation was saved by someone else since it was read (a retried or concurrent message)."""


class Conversations(Protocol):
    def get(self, key: str) -> Conversation | None: ...

    def save(self, conversation: Conversation, expected_version: int) -> None:
        """Write it if the stored version is still `expected_version` (0: nothing stored), else raise
        ConversationMoved. The item expires by itself a while after `conversation.updated_at`."""


# == The voice side: the call log (with operators' calls) and callers' tickets (domain/call_log.py) =========

class OperatorCalls(Protocol):
    """Calls that rang a district's operators: written by the voice webhooks, read by the console."""

    def mark_ringing(self, call_sid: str, caller: str, line: str, district: str, hotline: str,
                     operators: tuple[str, ...], at: str, ringing_for: str | None = None) -> None:
        """The call rings `operators`; `ringing_for` keys the console's incoming calls (default: the district;
        a state's code for the calls its executives take)."""

    def mark_answered(self, call_sid: str, operator: str, at: str) -> OperatorCall | None:
        """The operator picked up (the first to answer is kept); the call as it stands now."""

    def mark_dial_status(self, call_sid: str, status: str) -> None: ...

    def ringing_calls(self, district: str, since: str, limit: int = 20) -> list[OperatorCall]:
        """The district's calls that rang operators since `since`, newest first."""

    def get_call(self, call_sid: str) -> OperatorCall | None:
        """The call, if it rang operators; None otherwise."""

    def completed_recording(self, call_sid: str) -> tuple[str, str, int | None] | None:
        """The call's finished recording (sid, url, seconds), if the carrier has posted one."""


class CallLog(OperatorCalls, Protocol):
    """One item per call: how it ended, its recording, its ticket or why it has none."""

    def record_call_end(self, end: CallEnd) -> bool:
        """Log the call's end once, with its line's counters; False if it was logged already."""

    def record_recording_status(self, call_sid: str, recording_sid: str, status: str, duration: int | None,
                                url: str | None = None) -> str | None:
        """Note the recording on the call; the call's complaint number, if it has a ticket yet."""

    def mark_over_cap(self, call_sid: str) -> None:
        """The call's recording was refused for the caller's daily cap (unless it has a ticket after all)."""

    def mark_officer_call(self, call_sid: str) -> None:
        """An officer's call to their IVR: its recordings are no complaints (unless it has a ticket after all)."""


class NoteAlreadyAdded(Exception):
    """This call already left its message on the ticket (a retried webhook); nothing was written."""


class CallerHistory(Protocol):
    """Callers' tickets by caller ID, and a repeat caller's recorded message on one of them."""

    def caller_tickets(self, phone: str, since: str | None = None, limit: int = 100) -> list[Ticket]:
        """The caller's tickets in every district, newest first (created at `since` or later)."""

    def add_call_note(self, change: Change, call_sid: str, recording_sid: str) -> None:
        """Write the note's change and tie the call to the ticket, once per call: raises NoteAlreadyAdded
        when the call left its message before, StaleTicket when the ticket moved on since it was read."""

    def consent(self, phone: str) -> WhatsAppConsent | None:
        """The phone's answer on WhatsApp updates (domain/consent.py), None when it never gave one."""

    def record_consent(self, phone: str, consent: WhatsAppConsent, numbers: Sequence[str]) -> None:
        """The answer on the caller and on these tickets of theirs (each with a timeline entry, its version
        moved), at once; raises domain.consent.NotTheCallersTicket, writing nothing, for a ticket not theirs."""


# == The console: its queries, the district file it edits, the blocklist, a recording's audio =============
# (handlers/api_*.py and operations/console_*.py; adapters in store/console_queries.py,
# store/district_configs.py, store/blocklist.py, telephony/recordings.py)

@dataclass(frozen=True)
class Page:
    """One page of a ticket list; `last_key` (None at the end) continues it."""

    tickets: list[Ticket]
    last_key: dict[str, object] | None
    items_read: int


class ConsoleQueries(Protocol):
    """The console's ticket lists (each one Query on a key, never a Scan), timelines and figures."""

    def tickets_of_caller(self, phone: str, district: str | None, limit: int,
                          start: dict[str, object] | None) -> Page:
        """The caller's tickets (in one district, or every one), newest first."""

    def recent(self, district: str, limit: int, start: dict[str, object] | None) -> Page:
        """The district's tickets, newest first."""

    def queue(self, district: str, department: str, level: str | None, limit: int,
              start: dict[str, object] | None) -> Page:
        """Open tickets of a post (or a whole department), the nearest level deadline first."""

    def overdue(self, district: str, now: str, limit: int, start: dict[str, object] | None) -> Page:
        """Open tickets past their SLA at `now`, the oldest deadline first."""

    def at_risk(self, district: str, limit: int, start: dict[str, object] | None) -> Page:
        """Open tickets the sweeper marked past 80% of their SLA, the nearest deadline first."""

    def of_kind(self, district: str, kind: str, since: str, limit: int, start: dict[str, object] | None) -> Page:
        """The district's suggestions (demands, requests) registered since `since`, open or not, newest first."""

    def approvals(self, district: str, post: str | None, limit: int, start: dict[str, object] | None) -> Page:
        """Open tickets whose request waits for a decision: for one post (domain/approvals.py post_prefix),
        or the whole district's; the oldest request first."""

    def planned(self, plan: Plan, limit: int, start: dict[str, object] | None) -> Page:
        """A filtered list (domain/list_filters.py): one Query of `plan`, at most `limit` items read."""

    def timeline(self, number: str, limit: int = 200) -> list[TimelineEntry]:
        """The ticket's timeline, oldest first."""

    def counter_items(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
        """Counter items' figures by key; a missing item is left out."""

    def call_district(self, call_sid: str) -> str | None:
        """The district a logged call belongs to; None for a call not logged."""


@dataclass(frozen=True)
class AuditEntry:
    at: str
    by: str
    section: str  # the parts of the district file that changed, or "blocklist"
    summary: str
    version: int  # the file's version after the save; 0 for a blocklist change
    changes: tuple[dict[str, Any], ...] = ()  # field by field (domain/directory_changes.py); () for older saves


class StaleConfig(Exception):
    """Someone saved the district file since it was read; `current` is the stored version when known."""

    def __init__(self, code: str, current: int | None = None) -> None:
        super().__init__(code)
        self.current = current


class LineTaken(Exception):
    """A line in the file belongs to another district or a state number (or a sender was taken meanwhile)."""


class TooManyLines(Exception):
    """The save needs more writes than one transaction takes: `limit` lines (kept and removed) at most."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class DistrictConfigs(Protocol):
    """The district file as the directory admin edits it, versioned, with its audit trail."""

    def district_config(self, code: str) -> tuple[dict[str, object], int] | None:
        """The file and its version; None for a district never loaded."""

    def save_district_config(self, district: District, version: int, by: str, at: str, summary: str,
                             removed_lines: list[str], section: str = "",
                             changes: list[dict[str, Any]] | None = None) -> int:
        """Replace the file and its lines at once if nobody saved since `version`; the new version.
        Raises StaleConfig, LineTaken, or TooManyLines (nothing written)."""

    def audit(self, code: str, limit: int,
              start: dict[str, object] | None) -> tuple[list[AuditEntry], dict[str, object] | None]:
        """Changes to the district file and its blocklist, newest first."""


@dataclass(frozen=True)
class BlockedCaller:
    phone: str
    reason: str
    by: str
    at: str


class Blocklist(Protocol):
    """The Collector's office's blocked callers; each change is audited (DistrictConfigs.audit lists it).
    The IVR reads the blocked numbers through Directory.blocked_phones."""

    def entries(self, code: str) -> list[BlockedCaller]: ...

    def block(self, code: str, phone: str, reason: str, by: str, at: str) -> None:
        """Add (or re-word) an entry."""

    def unblock(self, code: str, phone: str, by: str, at: str) -> bool:
        """Remove an entry; False if the number was not on the list."""


class RecordingTooLarge(Exception):
    """The recording is larger than the caller of fetch_audio can take."""


class RecordingAudio(Protocol):
    def fetch_audio(self, recording_url: str, max_bytes: int) -> tuple[bytes, str]:
        """The audio and its content type, with the carrier's credentials. Raises RecordingTooLarge above
        max_bytes; any other exception means the carrier did not give it just now."""


class LinkAttempts(Protocol):
    """Wrong phone numbers tried on one recording link, shared by every container. A window opens at the first
    wrong try and lasts `window`; tries counted in it stop counting when it ends."""

    def failures(self, key: str, now: datetime) -> int:
        """The wrong tries counted against `key` in its open window (0 when none is open)."""

    def add_failure(self, key: str, now: datetime, window: timedelta) -> int:
        """Count one more wrong try (opening a window when none is open); the count in the window now. Under
        contention past reason it answers a count above any limit rather than fail."""

    def remove_failure(self, key: str, now: datetime) -> None:
        """Take back one try counted in the open window (a try reserved before it proved right)."""


@dataclass(frozen=True)
class ShortLink:
    """What a short recording link opens (chalicelib/recording_links.py): one complaint, for one officer's
    phone, until `expires_at` (epoch seconds)."""
    complaint_number: str
    phone: str
    expires_at: int


class ShortLinks(Protocol):
    """Short recording links, keyed by a digest of their token (the token itself is never stored)."""

    def add(self, digest: str, link: ShortLink) -> bool:
        """Keep the link; False when the digest is taken already (nothing written)."""

    def find(self, digest: str) -> ShortLink | None:
        """The link, while it is kept (a week past its expiry, so an old link says it expired)."""


# == The officers' IVR (routing/officer_ivr.py): PINs and what an officer hears (store/officer_pins.py,
# store/officer_queues.py) ===================================================================================

class OfficerPins(Protocol):
    """Officers' PINs, hashed (domain/officer_pins.py), per district and phone."""

    def pin_hash(self, district: str, phone: str) -> str | None:
        """The stored hash of the phone's PIN in the district; None when none was set."""

    def set_pin_hash(self, district: str, phone: str, pin_hash: str, by: str, at: str) -> None:
        """Set (or reset) the phone's PIN, with an entry in the district's audit trail, at once."""


class OfficerQueues(Protocol):
    """What an officer's IVR reads: one Query per post on the tickets' `by_queue` index."""

    def post_tickets(self, district: str, department: str, level: str, limit: int) -> list[Ticket]:
        """Open tickets at the post, the nearest level deadline first."""

    def pending_requests(self, district: str, department: str, level: str, limit: int) -> list[Ticket]:
        """Open tickets at the post with a request waiting for the level above, the nearest deadline first."""


# == Voice to text (domain/transcripts.py, operations/transcription.py; adapters in chalicelib/speech/) ========

class AudioStore(Protocol):
    """The stack's recordings bucket (SSE; a lifecycle rule per district's retention)."""

    def put_audio(self, key: str, audio: bytes, content_type: str) -> str:
        """Keep the audio under `key` (again is harmless); the s3:// URI a transcription job reads."""


@dataclass(frozen=True)
class SpeechJob:
    """A transcription job as its service reports it."""

    state: str  # "in_progress", "completed" or "failed"
    text: str = ""
    confidence: float | None = None  # the mean of the words' confidences
    seconds: float | None = None  # from the job's creation to its completion
    reason: str | None = None  # the service's failure reason


class SpeechToText(Protocol):
    def start(self, job_name: str, media_uri: str, language: str, output_key: str) -> bool:
        """Start a batch job (language: "hi-IN"; its result written under `output_key` in the bucket). False
        when a job of that name exists already: a retry starts nothing twice."""

    def job(self, job_name: str) -> SpeechJob:
        """The job's state; once completed, its text and confidence, read from the result it wrote."""


class TranscriptionQueue(Protocol):
    def send(self, message: dict[str, object], delay_seconds: int = 0) -> None:
        """Put a step of a transcription on the transcribe queue, seen after `delay_seconds` (≤ 900)."""


@dataclass(frozen=True)
class SearchPage:
    numbers: list[str]  # complaint numbers, newest first
    cursor: str | None  # where the next page starts; None at the end
    items_read: int


@dataclass(frozen=True)
class RetentionDue:
    complaint_number: str
    expires_at: str  # ISO time the district's retention runs out for the ticket's transcript


class TranscriptRetention(Protocol):
    """When each ticket's transcript words are to be deleted: one entry per ticket, listed by a Query once due."""

    def keep_until(self, complaint_number: str, expires_at: str) -> None:
        """Remember that the ticket's transcript goes at `expires_at` (again is harmless)."""

    def due(self, now: str, limit: int) -> list[RetentionDue]:
        """Entries whose time has come, the oldest first, at most `limit`."""

    def done(self, due: RetentionDue) -> None:
        """The ticket's transcript words are deleted: forget the entry."""


class SearchIndex(Protocol):
    """Words of tickets' texts, normalised (domain/hindi_search.py), per district: one Query per page."""

    def index(self, district: str, complaint_number: str, created_at: str, terms: set[str],
              expires_at: int | None = None) -> None:
        """Make the ticket findable by each term (again is harmless), until `expires_at` (epoch seconds: the
        district's retention, DynamoDB's TTL; None: kept)."""

    def unindex(self, district: str, complaint_number: str, created_at: str, terms: set[str]) -> None:
        """Forget those terms of the ticket (a correction took them out)."""

    def find(self, district: str, terms: list[str], limit: int, cursor: str | None = None) -> SearchPage:
        """Tickets that have every term, newest first, at most `limit`."""


# == Sign-language video calls (domain/video_calls.py) ======================================================

class StaleVideoCall(Exception):
    """Someone else changed the video call since it was read (the other side joined, left, the sweeper); nothing
    was written."""


class MeetingGone(Exception):
    """The meeting service has no such meeting (ended, or past its own limits)."""


class VideoMeetings(Protocol):
    """The managed meeting service (video/chime.py over Amazon Chime SDK meetings; locally its stand-in)."""

    def create_meeting(self, external_id: str, media_region: str) -> dict[str, Any]:
        """A meeting for the video call `external_id` (again for the same id: the same meeting): the service's
        Meeting object, as the browsers' SDK takes it."""

    def add_attendee(self, meeting_id: str, external_user_id: str) -> dict[str, Any]:
        """A seat in the meeting (the same user again: the same seat); MeetingGone once it has ended."""

    def end_meeting(self, meeting_id: str) -> None:
        """End it for everyone; one already gone is no error."""

    def start_recording(self, meeting_id: str, sink: str) -> str:
        """Capture the meeting into `sink` ("bucket/prefix"); the capture's id."""

    def stop_recording(self, recording_id: str) -> None:
        """Stop a capture; one already gone is no error."""


class VideoCalls(Protocol):
    """Video calls (store/video_calls.py, in the calls table: a video call's id is its call_sid, so the console's
    ringing calls, the call's tickets and its caller's history are those of a call)."""

    def get(self, call_id: str) -> VideoCall | None: ...

    def open_for(self, district: str, phone: str) -> VideoCall | None:
        """The phone's last booking in the district, if it is still open."""

    def add(self, call: VideoCall, day: str, per_day: int, due_at: str | None,
            message: Callable[[int], DomainEvent]) -> DomainEvent:
        """Write a new booking as the phone's open one (the sweeper looks at it at `due_at`) and, in the same
        transaction, its link's event into the outbox: `message(n)`, n being which link of the IST `day` this is
        (1, 2, …); the event written, for the dispatcher. VideoRefused("video_cap") when the phone has had
        `per_day` links that day: nothing written."""

    def count_link(self, call: VideoCall, day: str, per_day: int,
                   message: Callable[[int], DomainEvent]) -> DomainEvent:
        """The open booking's link is sent again: counted like a new one (the same cap), its event in the
        outbox in the same transaction."""

    def save(self, call: VideoCall, due_at: str | None) -> VideoCall:
        """Write the call's change conditional on the version read (StaleVideoCall otherwise), with the time the
        sweeper must look at it (None: never again); the call as written (its version moved on)."""

    def due(self, now: str, limit: int) -> list[VideoCall]:
        """Open video calls whose booking window or cap has passed by `now`, the oldest first."""
