"""The Claims port: tests/fakes/claims.py and store/claims.py claim, confirm and release alike."""
from __future__ import annotations

import pytest

from chalicelib.domain.ports import Claims
from tests.fakes.claims import MemoryClaims


@pytest.fixture
def claims(backend: str) -> Claims:
    if backend == "memory":
        return MemoryClaims()
    from chalicelib.store.claims import DynamoClaims

    return DynamoClaims()


def test_a_key_is_claimed_once(claims: Claims):
    assert claims.claim("ev1#sms_citizen")
    assert not claims.claim("ev1#sms_citizen")
    assert claims.claim("ev1#sms_officer")


def test_a_released_claim_can_be_claimed_again_but_a_confirmed_one_cannot(claims: Claims):
    assert claims.claim("ev1#sms")
    claims.release("ev1#sms")  # the send failed: the redelivery tries again
    assert claims.claim("ev1#sms")
    claims.confirm("ev1#sms", "SM1")
    claims.release("ev1#sms")  # too late: the message went
    assert not claims.claim("ev1#sms")


def test_releasing_what_was_never_claimed_changes_nothing(claims: Claims):
    claims.release("ev9#sms")
    assert claims.claim("ev9#sms")


def test_claim_all_claims_the_new_keys_only(claims: Claims):
    assert claims.claim_all(["ev1#a", "ev1#b"]) == {"ev1#a", "ev1#b"}
    assert claims.claim_all(["ev1#a", "ev1#b"]) == set()
    assert claims.claim_all(["ev1#b", "ev1#c", "ev1#d"]) == {"ev1#c", "ev1#d"}  # a partial redelivery
    assert claims.claim_all(["ev2#a"]) == {"ev2#a"}


def test_confirmed_results_stay_claimed(claims: Claims):
    claims.confirm_all({"ev1#a": "SM1", "ev1#b": "SM2"})
    assert claims.claim_all(["ev1#a", "ev1#b"]) == set()
    assert not claims.claim("ev1#a")
