"""The adapters each Lambda container uses, created on first use and kept for the container's life.

Each factory returns its port (chalicelib/domain/ports.py), so handlers are checked against what the domain
promises, not against one adapter. Imports happen inside the functions: the webhook path must not pay for
pynamodb or boto3 until a step actually needs the database. Tests put fakes in place with `factory.use(fake)`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.singleton import reset_all, singleton

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.domain.clock import Clock
    from chalicelib.domain.ports import (
        AudioStore,
        Blocklist,
        CallbackRequests,
        CallerHistory,
        CallLog,
        CallTickets,
        Claims,
        ConsoleQueries,
        Conversations,
        Dialer,
        Directory,
        DistrictConfigs,
        EventDispatcher,
        LinkAttempts,
        Messenger,
        OfficerPins,
        OfficerQueues,
        RecordingAudio,
        RecordingsSource,
        SearchIndex,
        ShortLinks,
        SpeechToText,
        TicketStore,
        TranscriptionQueue,
        TranscriptRetention,
        VideoCalls,
        VideoMeetings,
    )


@singleton
def directory() -> Directory:
    from chalicelib.store.directory import CachedDirectory

    return CachedDirectory()


@singleton
def ticket_store() -> TicketStore:
    from chalicelib.store.tickets import DynamoTicketStore

    return DynamoTicketStore()


@singleton
def dispatcher() -> EventDispatcher:
    from chalicelib.events.outbox import OutboxDispatcher

    return OutboxDispatcher()


@singleton
def claims() -> Claims:
    from chalicelib.store.claims import DynamoClaims

    return DynamoClaims()


@singleton
def messenger() -> Messenger:
    """Each send through the carrier it names (domain/delivery.py: the district's sms_carrier)."""
    from chalicelib.telephony.carrier_router import CarrierMessenger
    from chalicelib.telephony.plivo_rest import PlivoMessaging
    from chalicelib.telephony.rest import TwilioMessaging

    return CarrierMessenger({"twilio": TwilioMessaging, "plivo": PlivoMessaging})


@singleton
def dialer() -> Dialer:
    """Each call through the carrier of the line it is placed from."""
    from chalicelib.telephony.carrier_router import CarrierDialer
    from chalicelib.telephony.plivo_rest import PlivoCalls
    from chalicelib.telephony.rest import TwilioCalls

    return CarrierDialer({"twilio": TwilioCalls, "plivo": PlivoCalls})


@singleton
def recordings() -> RecordingsSource:
    """Twilio's recordings, and Plivo's where the stage has a Plivo account (PLIVO_AUTH_ID)."""
    from chalicelib import settings
    from chalicelib.telephony.carrier_router import CarrierRecordings
    from chalicelib.telephony.plivo_rest import PlivoRecordings
    from chalicelib.telephony.recordings import TwilioRecordings

    sources: dict[str, Callable[[], RecordingsSource]] = {"twilio": TwilioRecordings}
    if settings.plivo_auth_id():
        sources["plivo"] = PlivoRecordings
    return CarrierRecordings(sources)


@singleton
def call_tickets() -> CallTickets:
    from chalicelib.store.calls import DynamoCallTickets

    return DynamoCallTickets()


@singleton
def callback_requests() -> CallbackRequests:
    from chalicelib.store.callback_requests import DynamoCallbackRequests

    return DynamoCallbackRequests()


@singleton
def conversations() -> Conversations:
    from chalicelib.store.conversations import DynamoConversations

    return DynamoConversations()


@singleton
def clock() -> Clock:
    from chalicelib.domain.clock import SystemClock

    return SystemClock()


def use_clock(replacement: Clock | None) -> None:
    """The local stack's movable clock (`manage.py advance`) and tests' fixed ones; None goes back to the system's."""
    clock.use(replacement)


def reset() -> None:
    """Forget every adapter, client and replaced clock: each @singleton, wherever it is (tests start each case
    with fresh ones)."""
    reset_all()


# -- the voice side: the call log (operators' calls too) and callers' tickets ---------------------------

@singleton
def call_log() -> CallLog:
    from chalicelib.store.calls import DynamoCallLog

    return DynamoCallLog()


@singleton
def caller_history() -> CallerHistory:
    from chalicelib.store.callers import DynamoCallerHistory

    return DynamoCallerHistory()


# -- the console: its queries, the district file it edits, the blocklist, a recording's audio ----------------

@singleton
def console_queries() -> ConsoleQueries:
    from chalicelib.store.console_queries import DynamoConsoleQueries

    return DynamoConsoleQueries()


@singleton
def district_configs() -> DistrictConfigs:
    from chalicelib.store.district_configs import DynamoDistrictConfigs

    return DynamoDistrictConfigs()


@singleton
def blocklist() -> Blocklist:
    from chalicelib.store.blocklist import DynamoBlocklist

    return DynamoBlocklist()


@singleton
def recording_audio() -> RecordingAudio:
    """From the carrier whose recording URL it is, with that carrier's credentials."""
    from chalicelib.telephony.carrier_router import CarrierRecordingAudio
    from chalicelib.telephony.plivo_rest import PlivoRecordingAudio
    from chalicelib.telephony.recordings import TwilioRecordingAudio

    return CarrierRecordingAudio({"twilio": TwilioRecordingAudio, "plivo": PlivoRecordingAudio})


@singleton
def audio_store() -> AudioStore:
    from chalicelib.speech.s3_audio import S3AudioStore

    return S3AudioStore()


@singleton
def speech_to_text() -> SpeechToText:
    from chalicelib.speech.transcribe import TranscribeSpeech

    return TranscribeSpeech()


@singleton
def transcription_queue() -> TranscriptionQueue:
    from chalicelib.speech.queue import SqsTranscriptionQueue

    return SqsTranscriptionQueue()


@singleton
def search_index() -> SearchIndex:
    from chalicelib.store.search_index import DynamoSearchIndex

    return DynamoSearchIndex()


@singleton
def transcript_retention() -> TranscriptRetention:
    from chalicelib.store.transcript_retention import DynamoTranscriptRetention

    return DynamoTranscriptRetention()


@singleton
def link_attempts() -> LinkAttempts:
    from chalicelib.store.link_attempts import DynamoLinkAttempts

    return DynamoLinkAttempts()


@singleton
def short_links() -> ShortLinks:
    from chalicelib.store.short_links import DynamoShortLinks

    return DynamoShortLinks()


@singleton
def officer_pins() -> OfficerPins:
    from chalicelib.store.officer_pins import DynamoOfficerPins

    return DynamoOfficerPins()


@singleton
def officer_queues() -> OfficerQueues:
    from chalicelib.store.officer_queues import DynamoOfficerQueues

    return DynamoOfficerQueues()


@singleton
def video_calls() -> VideoCalls:
    from chalicelib.store.video_calls import DynamoVideoCalls

    return DynamoVideoCalls()


@singleton
def video_meetings() -> VideoMeetings:
    from chalicelib import settings
    from chalicelib.video.chime import ChimeMeetings

    return ChimeMeetings(settings.region())
