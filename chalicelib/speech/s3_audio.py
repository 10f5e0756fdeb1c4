"""The stack's recordings bucket: audio kept for Transcribe to read, and each district's retention as S3
lifecycle rules on its own prefixes.

Keys (one district's objects under one prefix each, so a lifecycle rule can hold them):
    recordings/<DISTRICT>/<complaint_number>/<recording_sid>.<wav|mp3|txt>
    transcripts/<DISTRICT>/<complaint_number>/<recording_sid>.json   (written by Transcribe)
"""
from __future__ import annotations

import json
from typing import Any

from chalicelib import settings
from chalicelib.speech import clients

# The complaint's recordings and transcripts, and the consented captures of sign-language video calls
# (operations/video_calls.py: video/<district>/<call>/): all kept for the district's retention_days.
PREFIXES = ("recordings", "transcripts", "video")
SSE = "AES256"


def retention_rule_id(district_code: str, prefix: str) -> str:
    return f"retention-{district_code}-{prefix}"


class S3AudioStore:
    def __init__(self, bucket: str | None = None, client: Any = None) -> None:
        self._bucket = bucket
        self._client = client

    @property
    def bucket(self) -> str:
        return self._bucket or settings.audio_bucket()

    @property
    def client(self) -> Any:
        return self._client or clients.s3()

    def put_audio(self, key: str, audio: bytes, content_type: str) -> str:
        # SSE on each request as well as the bucket's default: an object is encrypted even in a bucket made
        # by hand without the default.
        self.client.put_object(Bucket=self.bucket, Key=key, Body=audio, ContentType=content_type,
                               ServerSideEncryption=SSE)
        return f"s3://{self.bucket}/{key}"

    def read_json(self, key: str) -> dict[str, Any] | None:
        """An object of this bucket as JSON (Transcribe's result); None when there is none."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None
        data = json.loads(body)
        return data if isinstance(data, dict) else None

    def set_retention(self, district_code: str, days: int) -> None:
        """This district's recordings and transcripts expire `days` after they were written. Its own rules are
        replaced; every other district's (and any rule not made here) are kept, because a bucket holds one
        lifecycle configuration for all of them.

        A read-modify-write: two loads at the same moment could lose one's rules. District files are loaded
        one at a time by an administrator (manage.py, the local stack), never concurrently."""
        if days < 1:
            raise ValueError("retention_days: at least 1")
        mine = {retention_rule_id(district_code, prefix) for prefix in PREFIXES}
        kept = [rule for rule in self.lifecycle_rules() if rule.get("ID") not in mine]
        ours = [{"ID": retention_rule_id(district_code, prefix), "Status": "Enabled",
                 "Filter": {"Prefix": f"{prefix}/{district_code}/"}, "Expiration": {"Days": int(days)},
                 # A versioned bucket would otherwise keep the expired audio as a noncurrent version.
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}
                for prefix in PREFIXES]
        self.client.put_bucket_lifecycle_configuration(Bucket=self.bucket,
                                                       LifecycleConfiguration={"Rules": kept + ours})

    def lifecycle_rules(self) -> list[dict[str, Any]]:
        from botocore.exceptions import ClientError

        try:
            rules = self.client.get_bucket_lifecycle_configuration(Bucket=self.bucket)["Rules"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchLifecycleConfiguration":
                return []
            raise
        return list(rules)
