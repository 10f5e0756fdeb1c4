"""The work behind chalicelib/logs.py, loaded at the first log line rather than at `import app`: finding
phone numbers, masking a record in place, turning it into one JSON object."""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

# A + (or its URL encoding) starts an international number: +91 and a 10-digit number (spaces or hyphens
# allowed), or any E.164 number. Without a +: 91 and a mobile number, or a 10-digit Indian mobile number
# (a leading 0, or a space in the middle, allowed) standing on its own — not digits inside a SID, a
# complaint number (RPR2611230007) or a longer number.
_PHONE = re.compile(
    r"(?P<plus>\+|%2[Bb])(?P<intl>91[ \-]?[6-9]\d{4}[ \-]?\d{5}|[1-9]\d{6,14})(?!\d)"
    r"|(?<![0-9A-Za-z])(?P<bare>91[6-9]\d{9}|0?[6-9]\d{4}[ \-]?\d{5})(?![0-9A-Za-z])"
)
VISIBLE_DIGITS = 4
_DIGIT = re.compile(r"\d")


def _masked(match: re.Match[str]) -> str:
    plus, number = match.group("plus") or "", match.group("intl") or match.group("bare")
    digits = sum(ch.isdigit() for ch in number)
    keep = ""
    if number.startswith("91") and digits == 12:
        keep = "91"  # India's country code stays: +91******5678
    elif number.startswith("0") and digits == 11:
        keep = "0"
    rest, seen, out = number[len(keep):], 0, []
    hidden = sum(ch.isdigit() for ch in rest) - VISIBLE_DIGITS
    for ch in rest:
        if ch.isdigit():
            seen += 1
            out.append("*" if seen <= hidden else ch)
        else:
            out.append(ch)
    return plus + keep + "".join(out)


# What a caller said is theirs like their number: a transcript's words never reach the logs, only their length.
# Always: a transcript and its correction. Where the value is about a transcript (a transcript's JSON, a
# `transcribed` or `transcript_corrected` timeline entry, a `ticket.transcribed` event): its text, the
# correction's before and after, the event's summary (the transcript's start).
_ALWAYS = frozenset({"transcript", "corrected_text"})
_ABOUT = frozenset({"text", "before", "after", "summary"})
_TRANSCRIPT_ACTIONS = frozenset({"transcribed", "transcript_corrected"})
_MENTIONS = ("transcri", "corrected_text", "recording_sid")  # in a string: it is about a transcript
HIDDEN_WORDS = "[{n} characters]"
_HIDDEN = re.compile(r"\[\d+ characters\]")
# A quoted value after its key, as JSON ("text": "…"), a dict's repr ('text': '…') or a dataclass's (text='…').
_KEYED = re.compile(
    r"""(?P<key>(?P<kq>["']?)(?P<name>\w+)(?P=kq)\s*[:=]\s*)(?P<q>["'])(?P<value>(?:\\.|(?!(?P=q))[^\\])*)(?P=q)""",
    re.DOTALL)


def _hidden(words: str) -> str:
    return words if _HIDDEN.fullmatch(words) else HIDDEN_WORDS.format(n=len(words))


def _words_in(text: str) -> str:
    """A transcript's words in a line of text (an event's JSON, an exception's repr), each replaced by its length."""
    if not any(mention in text for mention in _MENTIONS):
        return text

    def hide(match: re.Match[str]) -> str:
        if match.group("name") not in _ALWAYS | _ABOUT:
            return match.group(0)
        quote = match.group("q")
        return f"{match.group('key')}{quote}{_hidden(match.group('value'))}{quote}"

    return _KEYED.sub(hide, text)


def mask(text: str) -> str:
    if not text:
        return text
    if _DIGIT.search(text):
        text = _PHONE.sub(_masked, text)
    return _words_in(text)


def _about_transcript(value: dict[Any, Any]) -> bool:
    return "recording_sid" in value or "transcript_status" in value or value.get("action") in _TRANSCRIPT_ACTIONS


def mask_value(value: Any, about: bool = False) -> Any:
    """A log record's extra value, phone numbers masked and a transcript's words hidden (see _ALWAYS, _ABOUT)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        about = about or _about_transcript(value)
        masked: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(item, str) and (key in _ALWAYS or (about and key in _ABOUT)):
                masked[key] = _hidden(item)
            else:
                masked[key] = mask_value(item, about or key == "transcript")
        return masked
    if isinstance(value, list | tuple):
        return [mask_value(item, about) for item in value]
    return value


# What every LogRecord has; anything else on a record came from `extra=` and goes into the JSON object.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName", "masked"}
# Identifiers, never phone numbers: left alone (a request id's digits could look like one).
_IDENTIFIERS = frozenset({"aws_request_id", "request_id", "call_sid", "message_sid", "complaint_number",
                          "event_id"})
_exceptions = logging.Formatter()


def mask_record(record: logging.LogRecord) -> None:
    """The message (arguments merged in), the exception text, the stack and extra fields, in place, once."""
    if getattr(record, "masked", False):
        return
    try:
        record.msg, record.args = mask(record.getMessage()), None
    except Exception:  # a bad format string: keep what there is, masked
        record.msg, record.args = mask(str(record.msg)), None
    if record.exc_info and not record.exc_text:
        record.exc_text = _exceptions.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    for name, value in list(record.__dict__.items()):
        if name not in _STANDARD and name not in _IDENTIFIERS:
            setattr(record, name, mask_value(value))
    record.masked = True


def to_json(record: logging.LogRecord, function: str | None, context: dict[str, str]) -> str:
    """time, level, logger, message, function, location, the context, extras, exception — masked."""
    mask_record(record)
    entry: dict[str, Any] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
        "function": function,
        "location": f"{record.module}.{record.funcName}:{record.lineno}",
        **context,
    }
    entry.update({name: value for name, value in record.__dict__.items() if name not in _STANDARD})
    if record.exc_text:
        entry["exception"] = record.exc_text
    if record.stack_info:
        entry["stack"] = record.stack_info
    return json.dumps({k: v for k, v in entry.items() if v is not None}, ensure_ascii=False, default=str)
