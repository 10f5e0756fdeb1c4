"""The CallbackRequests port: tests/fakes/callback_requests.py and store/callback_requests.py count, take and
finish callback requests alike, each write conditional on the request's state."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib.domain.callback_requests import ANSWERED, CALLING, MISSED_CALL, UNANSWERED, WAITING, CallbackRequest
from chalicelib.domain.clock import IST
from chalicelib.domain.ports import CallbackRequests
from tests.fakes.callback_requests import MemoryCallbackRequests

NOW = datetime(2026, 12, 1, 11, 0, tzinfo=IST)
CALLER = "+919812345678"


@pytest.fixture
def requests(backend: str) -> CallbackRequests:
    if backend == "memory":
        return MemoryCallbackRequests()
    from chalicelib.store.callback_requests import DynamoCallbackRequests

    return DynamoCallbackRequests()


def _request(n: int = 1, caller: str = CALLER, due_at: datetime = NOW) -> CallbackRequest:
    return CallbackRequest(id=f"CA{n:032d}", caller_phone=caller, line="+919977222600", district="RPR",
                           hotline="missed", reason=MISSED_CALL, due_at=due_at, tries=3, retry_minutes=10,
                           created_at=NOW)


def _essentials(request: CallbackRequest | None) -> tuple:
    assert request is not None
    return (request.id, request.caller_phone, request.line, request.district, request.hotline, request.reason,
            request.due_at, request.tries, request.retry_minutes, request.tries_made, request.state)


def test_a_request_is_written_once_and_counted_within_the_callers_day(requests: CallbackRequests):
    assert requests.add(_request(1), "2026-12-01", per_day=2) == "added"
    assert requests.add(_request(1), "2026-12-01", per_day=2) == "exists"  # a retried webhook: counted before
    assert requests.add(_request(2), "2026-12-01", per_day=2) == "added"
    assert requests.add(_request(3), "2026-12-01", per_day=2) == "over_cap"
    assert requests.get(_request(3).id) is None
    assert requests.add(_request(4), "2026-12-02", per_day=2) == "added"  # the next IST day
    assert requests.add(_request(5, caller="+919800000001"), "2026-12-01", per_day=2) == "added"
    assert _essentials(requests.get(_request(1).id)) == _essentials(_request(1))


def test_due_requests_are_those_whose_time_has_come(requests: CallbackRequests):
    requests.add(_request(1), "2026-12-01", 5)
    requests.add(_request(2, due_at=NOW + timedelta(hours=1)), "2026-12-01", 5)
    assert [r.id for r in requests.due(NOW, limit=10)] == [_request(1).id]
    assert sorted(r.id for r in requests.due(NOW + timedelta(hours=1), limit=10)) == [_request(1).id, _request(2).id]
    assert len(requests.due(NOW + timedelta(hours=1), limit=1)) == 1


def test_a_try_is_taken_once_and_its_status_moves_it_on(requests: CallbackRequests):
    requests.add(_request(1), "2026-12-01", 5)
    waiting = requests.get(_request(1).id)
    taken = replace(waiting, tries_made=1, state=CALLING, due_at=NOW + timedelta(minutes=30))
    assert requests.start_try(waiting, taken)
    assert not requests.start_try(waiting, taken)  # a second sweep read it before the first took it
    assert _essentials(requests.get(waiting.id)) == _essentials(taken)
    assert not requests.retry_at(waiting, NOW + timedelta(minutes=10))  # the try it read is gone
    assert requests.retry_at(taken, NOW + timedelta(minutes=10))
    again = requests.get(waiting.id)
    assert (again.state, again.due_at, again.tries_made) == (WAITING, NOW + timedelta(minutes=10), 1)
    assert not requests.retry_at(again, NOW + timedelta(minutes=20))  # only a try under way is retried


def test_a_finished_request_is_never_due_again(requests: CallbackRequests):
    requests.add(_request(1), "2026-12-01", 5)
    waiting = requests.get(_request(1).id)
    taken = replace(waiting, tries_made=1, state=CALLING, due_at=NOW + timedelta(minutes=30))
    requests.start_try(waiting, taken)
    assert not requests.finish(waiting, UNANSWERED)  # a stale status of an earlier read
    assert requests.finish(taken, ANSWERED)
    done = requests.get(waiting.id)
    assert (done.state, done.due_at) == (ANSWERED, None)
    assert requests.due(NOW + timedelta(days=1), limit=10) == []
    assert not requests.finish(taken, UNANSWERED)  # finished already: its state moved on
