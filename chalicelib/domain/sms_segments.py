"""How many SMS segments a text costs: GSM-7 fits 160 (153 when split), anything else is UCS-2,
70 (67 when split). Hindi is always UCS-2, so templates are kept within two segments."""
from __future__ import annotations

_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€")


def is_gsm7(text: str) -> bool:
    """Whether the text goes in GSM-7 (160 a segment) rather than UCS-2 (70)."""
    return all(ch in _GSM7 or ch in _GSM7_EXTENDED for ch in text)


def segments(text: str) -> int:
    if is_gsm7(text):
        units = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        return 1 if units <= 160 else -(-units // 153)
    units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    return 1 if units <= 70 else -(-units // 67)
