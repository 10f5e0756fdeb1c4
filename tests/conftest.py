"""Every layer's test environment: dummy AWS credentials and no endpoint overrides before anything imports
boto3, so nothing can reach a real AWS account; Twilio is reached only through a recording HTTP client.

Only this: each layer's own conftest brings what its tests need — tests/flows the moto/Chalice harness
(tests/support/fixtures.py), tests/unit nothing heavy (its tests load neither moto nor Chalice).
"""
from __future__ import annotations

import os

_LOCAL_ONLY = ("AWS_PROFILE", "TWILIO_API_BASE", "PLIVO_API_BASE")
for _name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL") or n in _LOCAL_ONLY]:
    del os.environ[_name]
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-south-1", "AWS_REGION": "ap-south-1", "AWS_XRAY_SDK_ENABLED": "false",
    "SAMVAD_STAGE": "test", "PUBLIC_BASE_URL": "https://hotline.samvad.test/api",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "test-auth-token-0123456789abcdef",
    "PLIVO_AUTH_ID": "MA" + "A1" * 9, "PLIVO_AUTH_TOKEN": "test-plivo-token-0123456789abcdef",
})


def _loopback_only() -> None:
    """A name that is not this machine's is refused before it is looked up: a test that would reach the
    internet fails at once, saying where, instead of waiting on DNS (or, on a networked machine, getting
    through)."""
    import socket

    resolve = socket.getaddrinfo
    local = {None, "", "localhost", "::1", "0.0.0.0"}

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name not in local and not str(name).startswith("127."):
            raise OSError(f"tests never reach the internet: {name} is not on loopback")
        return resolve(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


_loopback_only()
