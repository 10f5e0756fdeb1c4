"""The local stack's fault switch: a carrier that fails and an AWS endpoint that goes away, on demand.

Twilio's API can answer 503 (error 20503, "try again with back-off"), or take a request and answer it late —
after the client has given up, so a retry sends the SMS twice (Twilio: a POST that sends a message is not
idempotent). The embedded AWS endpoint can stop, as a region's endpoint does, and come back with its data.
The sandbox serves the switch at POST /_faults (GET shows it); `manage.py fault …` and the soak bench use it:

    {"carrier": "503", "count": 5}                  the next 5 REST requests answer 503, nothing is sent
    {"carrier": "503", "fraction": 0.25}            one request in four, evenly spread, until switched off
    {"carrier": "slow", "seconds": 8, "count": 3}   taken (the SMS is sent) and answered 8 s later
    {"carrier": "off"}                              normal again
    {"aws": "stop", "for_seconds": 10}              the moto server stops; back by itself 10 s later
    {"aws": "start"}                                back now

Only the REST API Twilio's client calls is faulted (/api/2010-04-01/…), never the sandbox's own pages.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

UNAVAILABLE = {"code": 20503, "message": "The requested Twilio Service is temporarily unavailable.",
               "more_info": "https://www.twilio.com/docs/errors/20503", "status": 503}
MODES = ("503", "slow")


class FaultRequestError(ValueError):
    """A switch request that makes no sense (unknown mode, fraction outside 0 to 1, …)."""


@dataclass(frozen=True)
class CarrierFault:
    """What one REST request suffers: refused with 503, or answered `delay_seconds` late."""

    refuse: bool
    delay_seconds: float = 0.0


class CarrierFaults:
    """Faults for a count of requests, or an evenly spread fraction of them (the same run, the same requests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mode: str | None = None
        self._left: int | None = None  # None: no count, the fraction decides
        self._fraction = 1.0
        self._seconds = 0.0
        self._seen = 0  # requests since the switch was set, for the fraction
        self.faulted = {"503": 0, "slow": 0}  # since the stack started

    def set(self, mode: str, count: int | None = None, fraction: float | None = None,
            seconds: float = 0.0) -> None:
        if mode not in MODES:
            raise FaultRequestError(f"carrier fault {mode!r}: one of {', '.join(MODES)} or off")
        if fraction is not None and not 0 < fraction <= 1:
            raise FaultRequestError("fraction: more than 0, at most 1")
        if count is not None and count < 1:
            raise FaultRequestError("count: at least 1")
        if mode == "slow" and seconds <= 0:
            raise FaultRequestError("a slow carrier needs seconds > 0")
        with self._lock:
            self._mode, self._left, self._seen = mode, count, 0
            self._fraction = 1.0 if fraction is None else fraction
            self._seconds = seconds

    def off(self) -> None:
        with self._lock:
            self._mode, self._left = None, None

    def next_request(self) -> CarrierFault | None:
        """Decides the fault of the request now arriving (None: served normally)."""
        with self._lock:
            if self._mode is None:
                return None
            before, self._seen = self._seen, self._seen + 1
            # The n-th request is faulted when it crosses a multiple of 1/fraction: 0.25 faults the 4th, 8th, …
            if int(self._seen * self._fraction) == int(before * self._fraction):
                return None
            mode, seconds = self._mode, self._seconds
            if self._left is not None:
                self._left -= 1
                if self._left <= 0:  # the count is used up: normal again
                    self._mode, self._left = None, None
            self.faulted[mode] += 1
            return CarrierFault(refuse=mode == "503", delay_seconds=seconds if mode == "slow" else 0.0)

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {"mode": self._mode or "off", "left": self._left, "fraction": self._fraction,
                    "seconds": self._seconds, "faulted": dict(self.faulted)}


class EmbeddedAwsEndpoint:
    """The moto server on loopback, which can stop and start again on its port: the tables and queues live on
    in this process (moto keeps them in memory), as a region's data outlives its endpoint's outage."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._lock = threading.Lock()
        self._server: Any = None
        self._timer: threading.Timer | None = None
        self.stops = 0

    @property
    def up(self) -> bool:
        return self._server is not None

    def start(self) -> EmbeddedAwsEndpoint:
        from moto.server import ThreadedMotoServer

        with self._lock:
            if self._server is None:
                server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
                server.start()  # a new one each time: a stopped one has let go of its socket and its thread
                self._server = server
        return self

    def stop(self, for_seconds: float | None = None) -> None:
        """Down now (new connections refused); with `for_seconds`, up again by itself after that long."""
        with self._lock:
            if self._timer:
                self._timer.cancel()
                self._timer = None
            if self._server is not None:
                self._server.stop()
                self._server = None
                self.stops += 1
            if for_seconds:
                self._timer = threading.Timer(for_seconds, self.start)
                self._timer.daemon = True
                self._timer.start()

    def describe(self) -> dict[str, Any]:
        return {"up": self.up, "stops": self.stops, "port": self.port}


class FaultSwitch:
    """The switch as the sandbox serves it: a JSON request in, the switch's state out."""

    def __init__(self) -> None:
        self.carrier = CarrierFaults()
        self.aws: EmbeddedAwsEndpoint | None = None  # set by the stack that owns the endpoint

    def describe(self) -> dict[str, Any]:
        return {"carrier": self.carrier.describe(), "aws": self.aws.describe() if self.aws else None}

    def apply(self, body: bytes) -> tuple[int, dict[str, Any]]:
        """POST /_faults: the JSON request in the module's docstring; answers 400 (changing nothing) to nonsense."""
        try:
            request = json.loads(body or b"{}")
            if not isinstance(request, dict):
                raise FaultRequestError("a JSON object, like {\"carrier\": \"503\", \"count\": 5}")
            self._apply(request)
        except (FaultRequestError, TypeError, ValueError, KeyError) as error:
            return 400, {"error": str(error), **self.describe()}
        return 200, self.describe()

    def _apply(self, request: dict[str, Any]) -> None:
        carrier, aws = request.get("carrier"), request.get("aws")
        if aws is not None and self.aws is None:
            raise FaultRequestError("this sandbox has no AWS endpoint to switch (not started by the local stack)")
        if aws not in (None, "stop", "start"):
            raise FaultRequestError(f"aws {aws!r}: stop or start")
        if carrier == "off":
            self.carrier.off()
        elif carrier is not None:
            count, fraction = request.get("count"), request.get("fraction")
            self.carrier.set(str(carrier), count=None if count is None else int(count),
                             fraction=None if fraction is None else float(fraction),
                             seconds=float(request.get("seconds") or 0))
        if self.aws and aws == "stop":
            self.aws.stop(float(request["for_seconds"]) if request.get("for_seconds") else None)
        elif self.aws and aws == "start":
            self.aws.start()


def switch(sandbox_url: str, **request: Any) -> dict[str, Any]:
    """Sets the running stack's faults (no arguments: only reads them). Raises on a refused request."""
    url = sandbox_url.rstrip("/") + "/_faults"
    data = json.dumps(request).encode() if request else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method="POST" if request else "GET",
                                                       headers={"Content-Type": "application/json"}),
                                timeout=30) as response:
        return dict(json.loads(response.read()))


def answer_late(fault: CarrierFault | None) -> None:
    """Holds a taken request's answer back, as a slow carrier does."""
    if fault and fault.delay_seconds:
        time.sleep(fault.delay_seconds)
