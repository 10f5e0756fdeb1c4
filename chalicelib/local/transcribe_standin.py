"""Amazon Transcribe's batch API as the local stack serves it (the sandbox, under /transcribe/), for the real
boto3 client: `AWS_ENDPOINT_URL_TRANSCRIBE=<sandbox>/transcribe`.

moto 5.2.5 answers StartTranscriptionJob and GetTranscriptionJob, but never reads the media, never writes the
result JSON to the output bucket, and takes any language; the transcriber reads that result, so it needs a
service that writes one. This one speaks the same JSON protocol (`X-Amz-Target: Transcribe.<Operation>`,
`__type` errors) and:

- refuses, as Transcribe does, a job name already used (ConflictException), a language it has not and a media
  object it cannot read (BadRequestException);
- hears a `say:` recording (the sandbox serves it as text/plain, so the object in the bucket is those words)
  as that text, every word with confidence 0.9, and a WAV as no words (an empty transcript);
- answers IN_PROGRESS to the first GetTranscriptionJob and COMPLETED to the next, having written Transcribe's
  result JSON to OutputBucketName/OutputKey: the transcriber's check loop runs at least once.

S3 is reached with boto3 (the stack's AWS endpoint, or moto in-process in tests).
"""
from __future__ import annotations

import json
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

TARGET_PREFIX = "Transcribe."
CONTENT_TYPE = "application/x-amz-json-1.1"
SAY_CONFIDENCE = "0.9"
# Transcribe's batch languages that matter here, and a few more so that "unsupported" means what it says.
LANGUAGES = frozenset({"hi-IN", "en-IN", "en-US", "en-GB", "ta-IN", "te-IN"})
_JOB_NAME = re.compile(r"^[0-9a-zA-Z._-]{1,200}$")
_PUNCTUATION = ",.?!।॥;:"
_MEDIA_FORMATS = ("mp3", "mp4", "wav", "flac", "ogg", "amr", "webm", "m4a")


class TranscribeError(Exception):
    def __init__(self, kind: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


class TranscribeStandIn:
    def __init__(self, region: str = "ap-south-1", s3_client: Any = None) -> None:
        self.region = region
        self._s3 = s3_client
        self._lock = threading.Lock()
        self.jobs: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []  # operations served, in order (the bench counts them)

    @property
    def s3(self) -> Any:
        if self._s3 is None:
            import boto3

            self._s3 = boto3.client("s3", region_name=self.region)
        return self._s3

    def handle(self, target: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """One request: (HTTP status, JSON answer) as Transcribe gives it."""
        operation = target.removeprefix(TARGET_PREFIX) if target.startswith(TARGET_PREFIX) else ""
        try:
            request = json.loads(body or b"{}")
            if not isinstance(request, dict):
                raise ValueError
        except ValueError:
            return 400, {"__type": "SerializationException", "Message": "the body is not a JSON object"}
        handler = {"StartTranscriptionJob": self.start, "GetTranscriptionJob": self.get}.get(operation)
        if handler is None:
            return 400, {"__type": "UnknownOperationException", "Message": f"{target or 'no X-Amz-Target'}"}
        with self._lock:
            self.requests.append(operation)
        try:
            return 200, handler(request)
        except TranscribeError as error:
            return error.status, {"__type": error.kind, "Message": error.message}

    def start(self, request: dict[str, Any]) -> dict[str, Any]:
        name = str(request.get("TranscriptionJobName") or "")
        if not _JOB_NAME.match(name):
            raise TranscribeError("BadRequestException", "TranscriptionJobName: 1 to 200 of 0-9 a-z A-Z . _ -")
        language = request.get("LanguageCode")
        if language not in LANGUAGES:
            raise TranscribeError("BadRequestException", f"The language code {language} isn't supported for batch "
                                                         "transcription. Check the language code and try again.")
        with self._lock:
            taken = name in self.jobs
        if taken:  # before the media: a retried start is told so whatever became of its audio
            raise TranscribeError("ConflictException",
                                  "The requested job name already exists. Use a different job name.", 409)
        uri = str((request.get("Media") or {}).get("MediaFileUri") or "")
        media = self._read_media(uri)
        output_bucket = request.get("OutputBucketName")
        output_key = request.get("OutputKey") or f"{name}.json"
        now = time.time()
        job = {"TranscriptionJobName": name, "TranscriptionJobStatus": "IN_PROGRESS", "LanguageCode": language,
               "MediaFormat": request.get("MediaFormat") or _media_format(uri), "Media": {"MediaFileUri": uri},
               "CreationTime": now, "StartTime": now}
        with self._lock:
            if name in self.jobs:
                raise TranscribeError("ConflictException",
                                      "The requested job name already exists. Use a different job name.", 409)
            self.jobs[name] = {"public": job, "looks": 0, "media": media, "bucket": output_bucket, "key": output_key}
        return {"TranscriptionJob": dict(job)}

    def get(self, request: dict[str, Any]) -> dict[str, Any]:
        name = str(request.get("TranscriptionJobName") or "")
        with self._lock:
            job = self.jobs.get(name)
            if job is None:
                raise TranscribeError("BadRequestException", "The requested job couldn't be found. Check the job "
                                                             "name and try your request again.")
            job["looks"] += 1
            finish = job["looks"] >= 2 and job["public"]["TranscriptionJobStatus"] == "IN_PROGRESS"
        if finish:
            self._finish(job)
        return {"TranscriptionJob": dict(job["public"])}

    def _read_media(self, uri: str) -> tuple[bytes, str]:
        parts = urlsplit(uri)
        unreadable = TranscribeError("BadRequestException", "The S3 URI that you provided can't be accessed. Make "
                                                            "sure that you have read permission and try your "
                                                            "request again.")
        if parts.scheme != "s3" or not parts.netloc or not parts.path.strip("/"):
            raise unreadable
        try:
            found = self.s3.get_object(Bucket=parts.netloc, Key=parts.path.lstrip("/"))
        except Exception as error:  # any failure to read is Transcribe's "can't be accessed"
            raise unreadable from error
        return found["Body"].read(), str(found.get("ContentType") or "")

    def _finish(self, job: dict[str, Any]) -> None:
        public = job["public"]
        audio, content_type = job["media"]
        said = audio.decode("utf-8", "replace") if content_type.startswith("text/plain") else ""
        result = transcribe_result(public["TranscriptionJobName"], said)
        completed: dict[str, Any] = {"TranscriptionJobStatus": "COMPLETED", "CompletionTime": time.time()}
        if job["bucket"]:
            try:
                self.s3.put_object(Bucket=job["bucket"], Key=job["key"], ContentType="application/json",
                                   Body=json.dumps(result, ensure_ascii=False).encode(), ServerSideEncryption="AES256")
            except Exception as error:  # Transcribe fails the job when it cannot write the result
                completed = {"TranscriptionJobStatus": "FAILED", "CompletionTime": time.time(),
                             "FailureReason": f"The output bucket can't be written to: {error}"}
            else:
                completed["Transcript"] = {
                    "TranscriptFileUri": f"https://s3.{self.region}.amazonaws.com/{job['bucket']}/{job['key']}"}
        with self._lock:
            public.update(completed)


def transcribe_result(job_name: str, said: str) -> dict[str, Any]:
    """Transcribe's result JSON for these words: the transcript, and one item per word (its punctuation apart)."""
    items: list[dict[str, Any]] = []
    at = 0.0
    for word in said.split():
        core = word.rstrip(_PUNCTUATION)
        tail = word[len(core):]
        if core:
            items.append({"start_time": f"{at:.2f}", "end_time": f"{at + 0.4:.2f}", "type": "pronunciation",
                          "alternatives": [{"confidence": SAY_CONFIDENCE, "content": core}]})
            at += 0.45
        for mark in tail:
            items.append({"type": "punctuation", "alternatives": [{"confidence": "0.0", "content": mark}]})
    return {"jobName": job_name, "accountId": "000000000000", "status": "COMPLETED",
            "results": {"transcripts": [{"transcript": " ".join(said.split())}], "items": items}}


def _media_format(uri: str) -> str:
    extension = uri.rsplit(".", 1)[-1].lower() if "." in uri.rsplit("/", 1)[-1] else ""
    return extension if extension in _MEDIA_FORMATS else "wav"
