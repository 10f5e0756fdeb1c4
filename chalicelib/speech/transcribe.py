"""Amazon Transcribe batch jobs: started on audio in the stack's bucket, their result JSON written back to it
(OutputBucketName/OutputKey, so a district's lifecycle rule holds transcripts too), read from there once the
job has completed."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from chalicelib import settings
from chalicelib.domain.ports import SpeechJob, SpeechRefused
from chalicelib.speech import clients
from chalicelib.speech.s3_audio import S3AudioStore

_STATES = {"QUEUED": "in_progress", "IN_PROGRESS": "in_progress", "COMPLETED": "completed", "FAILED": "failed"}


class TranscribeSpeech:
    def __init__(self, bucket: str | None = None, client: Any = None, s3_client: Any = None) -> None:
        self._bucket = bucket
        self._client = client
        self._s3_client = s3_client

    @property
    def client(self) -> Any:
        return self._client or clients.transcribe()

    @property
    def bucket(self) -> str:
        return self._bucket or settings.audio_bucket()

    def start(self, job_name: str, media_uri: str, language: str, output_key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.start_transcription_job(
                TranscriptionJobName=job_name, LanguageCode=language, Media={"MediaFileUri": media_uri},
                OutputBucketName=self.bucket, OutputKey=output_key)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "ConflictException":  # a retry of a start that got through: the job is running
                return False
            if code == "BadRequestException":
                raise SpeechRefused(error.response["Error"].get("Message") or code) from error
            raise
        return True

    def job(self, job_name: str) -> SpeechJob:
        from botocore.exceptions import ClientError

        try:
            job = self.client.get_transcription_job(TranscriptionJobName=job_name)["TranscriptionJob"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "BadRequestException":
                raise SpeechRefused(error.response["Error"].get("Message") or "no such job") from error
            raise
        state = _STATES.get(job.get("TranscriptionJobStatus", ""), "in_progress")
        seconds = _seconds(job.get("CreationTime"), job.get("CompletionTime"))
        if state == "failed":
            return SpeechJob(state="failed", seconds=seconds, reason=job.get("FailureReason") or "failed")
        if state != "completed":
            return SpeechJob(state="in_progress")
        bucket, key = _bucket_and_key(job["Transcript"]["TranscriptFileUri"])
        result = S3AudioStore(bucket, self._s3_client).read_json(key)
        if result is None:  # completed, its result not readable yet: the next check reads it
            raise LookupError(f"transcript {key} of job {job_name} is not in {bucket}")
        text, confidence = heard(result)
        return SpeechJob(state="completed", text=text, confidence=confidence, seconds=seconds)


def heard(result: dict[str, Any]) -> tuple[str, float | None]:
    """The text and the mean confidence of the words of Transcribe's result JSON. Punctuation items carry a
    confidence of 0.0 that says nothing about the words, so only pronunciations count."""
    results = result.get("results") or {}
    transcripts = results.get("transcripts") or [{}]
    text = " ".join(str(transcripts[0].get("transcript") or "").split())
    scores = [float(item["alternatives"][0]["confidence"]) for item in results.get("items") or []
              if item.get("type", "pronunciation") == "pronunciation" and item.get("alternatives")]
    if not text:
        return "", None
    return text, (round(sum(scores) / len(scores), 4) if scores else None)


def _bucket_and_key(uri: str) -> tuple[str, str]:
    """Transcribe names its output path-style: https://s3.<region>.amazonaws.com/<bucket>/<key>."""
    parts = urlsplit(uri)
    if parts.scheme == "s3":
        return parts.netloc, unquote(parts.path.lstrip("/"))
    bucket, _, key = parts.path.lstrip("/").partition("/")
    return bucket, unquote(key)


def _seconds(created: Any, completed: Any) -> float | None:
    if not isinstance(created, datetime) or not isinstance(completed, datetime):
        return None
    return round((completed - created).total_seconds(), 1)
