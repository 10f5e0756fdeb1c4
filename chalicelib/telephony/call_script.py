"""The call script every menu is written in, once, for every carrier: say, play, pause, gather digits,
record, dial, reject, redirect, hang up. A carrier adapter (telephony/twilio_voice.py, plivo_voice.py)
renders it (carriers.render) as its own XML; the menus (chalicelib/routing/) never see a carrier's markup.

URLs in a script are built by url(): the carrier of the request being answered (set by the webhook wrapper)
is the first segment of every step path, so a call stays on its carrier's routes from its first request
to its last.
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import urlencode

from chalicelib import settings
from chalicelib.i18n import Catalog

DEFAULT_CARRIER = "twilio"

# The carrier of the request being answered; the webhook wrapper sets it, and resets it after.
current_carrier: ContextVar[str] = ContextVar("current_carrier", default=DEFAULT_CARRIER)
# Query parameters every URL built in this request carries: the district a caller chose on a state
# number (181) travels this way through every later step, whoever wrote the step. The webhook wrapper
# empties it at the start of each request (a Lambda container reuses its thread).
carried_query: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("carried_query", default=())


def carry(name: str, value: str) -> None:
    """From here to the end of the request, every url() carries name=value."""
    carried_query.set((*((n, v) for n, v in carried_query.get() if n != name), (name, value)))


def url(path: str) -> str:
    """Absolute URLs on the current carrier's routes: a carrier signs what it requests, so it must request
    what we validate. `path` is carrier-neutral ("/voice/…")."""
    carried = carried_query.get()
    if carried:
        path += ("&" if "?" in path else "?") + urlencode(carried)
    return f"{settings.public_base_url()}/{current_carrier.get()}{path}"


@dataclass(frozen=True)
class Say:
    text: str
    voice: str
    language: str


@dataclass(frozen=True)
class Play:
    url: str


@dataclass(frozen=True)
class Pause:
    seconds: int


Prompt = Say | Play | Pause


@dataclass
class Gather:
    """Keys pressed while the prompts play; the action gets them. Nothing pressed: the script goes on."""
    action: str
    timeout: int
    num_digits: int | None = None
    finish_on_key: str | None = None
    prompts: list[Prompt] = field(default_factory=list)

    def say(self, text: str, voice: str, language: str) -> None:
        self.prompts.append(Say(text, voice, language))

    def play(self, audio_url: str) -> None:
        self.prompts.append(Play(audio_url))


@dataclass(frozen=True)
class Record:
    """A recording after a beep, ended by # or silence; the action gets it as soon as it ends, the status
    callback once the carrier has stored it. Nothing said: the script goes on."""
    action: str
    max_seconds: int
    silence_seconds: int
    status_callback: str | None = None
    method: str = "POST"  # GET only from the fallback documents (S3 answers no POST)


@dataclass(frozen=True)
class Dial:
    """Ring these numbers (together); the first to answer hears the whisper, then talks to the caller, and the
    conversation is recorded from the answer. The action gets the outcome."""
    numbers: tuple[str, ...]
    action: str
    timeout: int
    whisper_url: str
    recording_status_callback: str


@dataclass(frozen=True)
class Reject:
    """Refuse the call before it is answered (the caller pays nothing): "busy" or "rejected"."""
    reason: str = "rejected"


@dataclass(frozen=True)
class Redirect:
    url: str
    method: str = "POST"


@dataclass(frozen=True)
class Hangup:
    pass


Verb = Say | Play | Pause | Gather | Record | Dial | Reject | Redirect | Hangup


@dataclass
class CallScript:
    verbs: list[Verb] = field(default_factory=list)

    def say(self, text: str, voice: str, language: str) -> None:
        self.verbs.append(Say(text, voice, language))

    def play(self, audio_url: str) -> None:
        self.verbs.append(Play(audio_url))

    def pause(self, seconds: int) -> None:
        self.verbs.append(Pause(seconds))

    def gather(self, action: str, timeout: int, num_digits: int | None = None,
               finish_on_key: str | None = None) -> Gather:
        gather = Gather(action, timeout, num_digits, finish_on_key)
        self.verbs.append(gather)
        return gather

    def record(self, action: str, max_seconds: int, silence_seconds: int, status_callback: str | None = None,
               method: str = "POST") -> None:
        self.verbs.append(Record(action, max_seconds, silence_seconds, status_callback, method))

    def dial(self, numbers: tuple[str, ...], action: str, timeout: int, whisper_url: str,
             recording_status_callback: str) -> None:
        self.verbs.append(Dial(numbers, action, timeout, whisper_url, recording_status_callback))

    def reject(self, reason: str = "rejected") -> None:
        self.verbs.append(Reject(reason))

    def redirect(self, to: str, method: str = "POST") -> None:
        self.verbs.append(Redirect(to, method))

    def hangup(self) -> None:
        self.verbs.append(Hangup())


def say(node: CallScript | Gather, text: str, speech: Catalog) -> None:
    node.say(text, speech.voice, speech.tts_language)
