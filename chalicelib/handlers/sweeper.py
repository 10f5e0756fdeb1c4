"""The scheduled sweep: re-sends events that did not leave the outbox."""
from __future__ import annotations

import logging

from chalicelib import wiring

log = logging.getLogger(__name__)


def run() -> dict[str, int]:
    from chalicelib.events.outbox import sweep_outbox

    report = sweep_outbox(wiring.clock().now())
    if report.resent or report.failed:
        log.info("outbox sweep: %s re-sent, %s failed", report.resent, report.failed)
    return {"outbox_resent": report.resent, "outbox_failed": report.failed}
