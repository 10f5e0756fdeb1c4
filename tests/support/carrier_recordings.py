"""The call simulator's recordings as Twilio names them: https://api.twilio.com/2010-04-01/Accounts/<AC>/Recordings/<RE>.

A SandboxState with no server behind it (base_url empty) would hand the IVR a bare `/recordings/<RE>`, which is no
carrier's URL and is rightly not stored; here the webhooks carry Twilio's own URL for it instead. Once a test serves
the recordings over loopback (base_url set, TWILIO_API_BASE pointing there), they keep the sandbox's URLs.
"""
from __future__ import annotations

from typing import Any

from chalicelib.local.sandbox import SandboxState
from chalicelib.telephony.recording_urls import TWILIO_API


class CarrierRecordings(SandboxState):
    def add_recording(self, text: str | None = None, wav: bytes | None = None,
                      call: dict[str, str] | None = None) -> dict[str, Any]:
        record = super().add_recording(text, wav, call)
        if not self.base_url:  # what the call's webhooks carry; the listing the reconciler reads is left as it was
            path = f"/2010-04-01/Accounts/{self.account_sid}/Recordings/{record['sid']}"
            record = {**record, "url": TWILIO_API + path}
        return record
