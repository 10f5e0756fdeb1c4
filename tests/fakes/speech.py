"""The voice-to-text ports in memory: the audio bucket, a batch speech-to-text service and the transcribe queue,
plus the carrier's recording audio (RecordingAudio).

`MemorySpeech` behaves like the local Transcribe stand-in (chalicelib/local/transcribe_standin.py), so one
contract suite (tests/contract/test_speech.py) holds both: a job reads its media from the audio store; a
`say:` recording (stored as text/plain: the words themselves) is heard as that text with confidence 0.9, any
other audio (a WAV) as no words; a job is in progress on its first look and completed on the next. Unit tests
script other endings with `script()` (failed, low confidence, never finishing).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chalicelib.domain.ports import (
    AudioStore,
    RecordingAudio,
    RecordingTooLarge,
    SpeechJob,
    SpeechRefused,  # the adapter's own refusal (no media, no such language, no job)
    SpeechToText,
    TranscriptionQueue,
)

SAY_CONFIDENCE = 0.9  # the stand-in's confidence for every word of a `say:` recording


@dataclass
class StoredAudio:
    audio: bytes
    content_type: str


class MemoryAudioStore:
    """Objects by key, as the bucket keeps them; `puts` counts the writes (a retry may write again)."""

    def __init__(self, bucket: str = "samvad-test-audio") -> None:
        self.bucket = bucket
        self.objects: dict[str, StoredAudio] = {}
        self.puts = 0

    def put_audio(self, key: str, audio: bytes, content_type: str) -> str:
        self.objects[key] = StoredAudio(audio, content_type)
        self.puts += 1
        return f"s3://{self.bucket}/{key}"

    def at(self, uri: str) -> StoredAudio | None:
        """The object an s3:// URI names, if this bucket holds it."""
        prefix = f"s3://{self.bucket}/"
        return self.objects.get(uri[len(prefix):]) if uri.startswith(prefix) else None


@dataclass
class _Job:
    name: str
    media_uri: str
    language: str
    output_key: str
    looks: int = 0
    script: list[SpeechJob] = field(default_factory=list)


class MemorySpeech:
    """Batch jobs by name. `polls_to_complete`: how many looks say in_progress before the result (1, like the
    stand-in). `languages`: the codes the service takes (Transcribe's hi-IN, en-IN here)."""

    def __init__(self, audio: MemoryAudioStore | None = None, polls_to_complete: int = 1,
                 languages: tuple[str, ...] = ("hi-IN", "en-IN"), seconds: float = 2.0) -> None:
        self.audio = audio
        self.polls_to_complete = polls_to_complete
        self.languages = languages
        self.seconds = seconds
        self.jobs: dict[str, _Job] = {}
        self.starts = 0  # start() calls, refused ones too
        self.looks = 0  # job() calls
        self.unavailable = False  # True: every request fails as an unreachable service would
        self._scripts: dict[str, list[SpeechJob]] = {}

    def script(self, job_name: str, *states: SpeechJob) -> None:
        """What job() answers for this job, one state per look (the last one repeats), instead of the audio's."""
        self._scripts[job_name] = list(states)
        if job_name in self.jobs:
            self.jobs[job_name].script = list(states)

    def start(self, job_name: str, media_uri: str, language: str, output_key: str) -> bool:
        self.starts += 1
        if self.unavailable:
            raise ConnectionError("transcription service unreachable")
        if job_name in self.jobs:
            return False
        if language not in self.languages:
            raise SpeechRefused(f"language {language} is not supported")
        if self.audio is not None and self.audio.at(media_uri) is None:
            raise SpeechRefused(f"the media {media_uri} does not exist")
        self.jobs[job_name] = _Job(job_name, media_uri, language, output_key,
                                   script=list(self._scripts.get(job_name, [])))
        return True

    def job(self, job_name: str) -> SpeechJob:
        self.looks += 1
        if self.unavailable:
            raise ConnectionError("transcription service unreachable")
        job = self.jobs.get(job_name)
        if job is None:
            raise SpeechRefused(f"no job {job_name}")
        job.looks += 1
        if job.script:
            return job.script[min(job.looks, len(job.script)) - 1]
        if job.looks <= self.polls_to_complete:
            return SpeechJob(state="in_progress")
        return self._heard(job)

    def _heard(self, job: _Job) -> SpeechJob:
        stored = self.audio.at(job.media_uri) if self.audio is not None else None
        if stored is not None and stored.content_type.startswith("text/plain"):
            text = " ".join(stored.audio.decode("utf-8").split())
            if text:
                return SpeechJob(state="completed", text=text, confidence=SAY_CONFIDENCE, seconds=self.seconds)
        return SpeechJob(state="completed", text="", confidence=None, seconds=self.seconds)


class MemoryTranscriptionQueue:
    """Messages sent, in order, each with its delay; `take()` hands them over as the queue would."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict[str, object], int]] = []

    def send(self, message: dict[str, object], delay_seconds: int = 0) -> None:
        if not 0 <= delay_seconds <= 900:
            raise ValueError(f"DelaySeconds {delay_seconds} is outside 0–900")  # SQS's own limit
        self.sent.append((dict(message), delay_seconds))

    def take(self) -> list[tuple[dict[str, object], int]]:
        taken, self.sent = self.sent, []
        return taken


class MemoryRecordingAudio:
    """The carrier's recordings by URL: audio and content type; `fail` plays a carrier that will not hand it
    over just now; a URL not held fails the same way."""

    def __init__(self) -> None:
        self.recordings: dict[str, tuple[bytes, str]] = {}
        self.fail = False
        self.fetches = 0

    def add(self, url: str, audio: bytes, content_type: str) -> None:
        self.recordings[url] = (audio, content_type)

    def fetch_audio(self, recording_url: str, max_bytes: int) -> tuple[bytes, str]:
        self.fetches += 1
        if self.fail or recording_url not in self.recordings:
            raise ConnectionError(f"the carrier did not hand over {recording_url}")
        audio, content_type = self.recordings[recording_url]
        if len(audio) > max_bytes:
            raise RecordingTooLarge(f"{len(audio)} bytes > {max_bytes}")
        return audio, content_type


if TYPE_CHECKING:
    _audio: AudioStore = MemoryAudioStore()
    _speech: SpeechToText = MemorySpeech()
    _queue: TranscriptionQueue = MemoryTranscriptionQueue()
    _recordings: RecordingAudio = MemoryRecordingAudio()
