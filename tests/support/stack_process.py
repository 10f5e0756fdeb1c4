"""`make run` in its own process, for the tests that use the local stack as a user would."""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port_block(size: int = 3) -> int:
    """A block of free ports below the kernel's ephemeral range: ports picked from inside it can be taken, between
    the probe and the stack's own bind, by an outgoing connection's source port (the stack's own clients, the
    browser's), and the stack then fails with "address already in use"."""
    low = _ephemeral_low()
    for _ in range(200):
        base = random.randrange(max(1024, low - 12000), low - size)
        if all(is_free_port(base + i) for i in range(size)):
            return base
    raise RuntimeError("no free ports on loopback")


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def is_free_port(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port_in(first: int, last: int) -> int:
    """A loopback port of first..last (below the kernel's ephemeral range) with nothing bound to it now: for a
    test's own listener, or, left unbound, for an endpoint that must refuse connections."""
    for port in range(first, last + 1):
        if is_free_port(port):
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


@contextmanager
def running_stack(folder: Path, districts: list[Path] | None = None) -> Iterator[dict[str, Any]]:
    """Start the stack (with these district and state files, else every examples/*.yaml), wait for its banner,
    yield its state; stop it and check it cleaned up."""
    port = free_port_block()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TWILIO_", "SAMVAD_", "PUBLIC_"))}
    env["SAMVAD_LOCAL_STATE"] = str(folder / "stack.json")
    files = [arg for path in districts or [] for arg in ("--district", str(path))]
    process = subprocess.Popen([sys.executable, "-m", "chalicelib.local.stack", "--port", str(port), *files], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    output: list[str] = []
    deadline = time.monotonic() + 120  # the banner; a loaded CI machine starts the stack slowly
    for line in process.stdout:
        output.append(line)
        if "Ctrl-C stops everything" in line or "Could not start" in line or time.monotonic() > deadline:
            break
    # Keep reading its log, so a chatty stack never blocks on a full pipe.
    threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
    try:
        assert any("Samvad is running" in line for line in output), "".join(output)
        yield {"port": port, "env": env, "state": json.loads((folder / "stack.json").read_text()), "output": output}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert not (folder / "stack.json").exists()  # stopped cleanly
