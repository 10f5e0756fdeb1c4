"""The scheduled sweep: due callback requests, due tickets (reminders, escalations, feedback calls, closes), the
outbox, the sign-language video calls past their cap or their booked slot, then the transcripts whose retention
has run out."""
from __future__ import annotations

from datetime import datetime

from chalicelib import powertools, wiring


def run() -> dict[str, int]:
    powertools.read_secrets_through_parameters()
    with powertools.tracer().provider.in_subsegment("## sweep"):
        return _sweep()


def _sweep() -> dict[str, int]:
    from chalicelib.domain.clock import iso
    from chalicelib.domain.sweep import sweep_tickets
    from chalicelib.events.outbox import sweep_outbox

    now = wiring.clock().now()
    callback_calls = _place_callbacks(now)  # first: a caller waits for these within the minute
    store = wiring.ticket_store()
    tickets = sweep_tickets(store.due_numbers(iso(now)), store, wiring.directory(), wiring.dispatcher(),
                            wiring.clock())
    outbox = sweep_outbox(now)
    report = {"tickets_due": tickets.looked_at, "ticket_changes": tickets.changes, "stale": tickets.stale,
              "outbox_resent": outbox.resent, "outbox_failed": outbox.failed, **callback_calls,
              **_end_video_calls(), **_forget_transcripts(now)}
    if any(report.values()):
        powertools.logger().info("sweep: %s", report)
    return report


def _forget_transcripts(now: datetime) -> dict[str, int]:
    """Transcripts whose district's retention has run out lose their words (operations/transcript_retention.py);
    last, and on its own: it waits for nobody, and a failure here must not keep the tickets from their sweep."""
    from chalicelib.operations.transcript_retention import forget_due_transcripts

    try:
        done = forget_due_transcripts(wiring.transcript_retention(), wiring.ticket_store(), wiring.search_index(),
                                      wiring.directory(), now)
    except Exception:
        powertools.logger().exception("retention: the sweep could not list what is due; the next sweep tries again")
        return {"transcripts_not_deleted": 1}
    return {"transcripts_deleted": done.deleted, "transcripts_not_deleted": done.failed}


def _end_video_calls() -> dict[str, int]:
    """Meetings past the district's cap are ended, bookings nobody came to are missed (operations/video_calls.py);
    on its own, like the others: a meeting service that fails must not keep the tickets from their sweep."""
    from chalicelib.handlers.api_video import work
    from chalicelib.operations.video_calls import sweep

    try:
        return {"video_calls_ended": sweep(work())}
    except Exception:
        powertools.logger().exception("video calls: the sweep could not end them; the next sweep tries again")
        return {"video_calls_not_ended": 1}


def _place_callbacks(now: datetime) -> dict[str, int]:
    """Missed-call and after-hours callback requests that are due (domain/callback_requests.py); a failure
    here must not keep the tickets from their sweep."""
    from chalicelib.domain.callback_requests import place_due_callbacks

    try:
        done = place_due_callbacks(wiring.callback_requests(), wiring.dialer(), now, directory=wiring.directory(),
                                   dispatcher=wiring.dispatcher())
    except Exception:
        powertools.logger().exception("callbacks: the sweep could not place them; the next sweep tries again")
        return {"callbacks_failed": 1}
    return {"callbacks_placed": done.placed, "callbacks_failed": done.failed, "callbacks_given_up": done.given_up}
