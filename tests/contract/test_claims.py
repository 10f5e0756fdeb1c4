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


def test_a_held_claim_is_never_claimed_afresh_nor_released(claims: Claims):
    assert claims.claim("ev1#officer")
    claims.hold("ev1#officer", '{"channel": "sms"}')  # the carrier's answer never came
    assert not claims.claim("ev1#officer")
    assert claims.claim_all(["ev1#officer", "ev1#citizen"]) == {"ev1#citizen"}
    claims.release("ev1#officer")
    assert not claims.claim("ev1#officer")
    assert claims.take_unconfirmed(["ev1#officer"]) == {"ev1#officer": '{"channel": "sms"}'}


def test_a_held_claim_is_taken_once_with_its_attempt_and_stays_taken_until_settled(claims: Claims):
    claims.claim_all(["ev1#a", "ev1#b", "ev1#c"])
    claims.hold("ev1#a", "attempt-a")
    claims.confirm("ev1#b", "SM2")
    assert claims.take_unconfirmed(["ev1#a", "ev1#b", "ev1#c", "ev1#never"]) == {"ev1#a": "attempt-a"}
    assert claims.take_unconfirmed(["ev1#a"]) == {}  # a second consumer with the same redelivery: not again
    assert not claims.claim("ev1#a")
    claims.hold("ev1#a", "attempt-a")  # the carrier could not say: held again, with the same attempt
    assert claims.take_unconfirmed(["ev1#a"]) == {"ev1#a": "attempt-a"}
    claims.confirm("ev1#a", "SM1")  # found at the carrier
    assert claims.take_unconfirmed(["ev1#a"]) == {}
    assert not claims.claim("ev1#a")


def test_a_confirmed_claim_is_not_held_after_all(claims: Claims):
    assert claims.claim("ev1#sms")
    claims.confirm("ev1#sms", "SM1")
    claims.hold("ev1#sms", "late")
    assert claims.take_unconfirmed(["ev1#sms"]) == {}
    assert not claims.claim("ev1#sms")


def test_a_claim_carries_its_attempt_and_a_note_changes_it(claims: Claims):
    assert claims.claim_all(["ev1#a", "ev1#b"], {"ev1#a": "whatsapp-a", "ev1#b": "sms-b"}) == {"ev1#a", "ev1#b"}
    claims.note("ev1#a", "sms-a")  # WhatsApp refused: the SMS goes instead
    claims.hold("ev1#b", "sms-b")
    assert claims.take_unconfirmed(["ev1#a", "ev1#b"]) == {"ev1#b": "sms-b"}  # a is still being sent
    claims.release("ev1#a")  # refused outright
    assert claims.claim("ev1#a", "sms-a")
    claims.confirm("ev1#a", "SM1")
    claims.note("ev1#a", "late")  # confirmed: nothing to note
    assert not claims.claim("ev1#a") and claims.take_unconfirmed(["ev1#a"]) == {}
