"""The voice-to-text adapters behind the ports of chalicelib/domain/ports.py: the audio bucket (S3), batch
transcription (Amazon Transcribe) and the transcribe queue (SQS). Each makes its boto3 client once per
container, on first use."""
from __future__ import annotations
