"""The Conversations port: tests/fakes/conversations.py and store/conversations.py save on the version alike."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain.clock import iso
from chalicelib.domain.conversation import Conversation, conversation_key
from chalicelib.domain.ports import ConversationMoved, Conversations
from tests.fakes.conversations import MemoryConversations
from tests.support.demo import CALLER

KEY = conversation_key("RPR", CALLER, "whatsapp")
STARTED = Conversation(key=KEY, conversation_id="SM1", district="RPR", phone=CALLER, channel="whatsapp",
                       step="category", updated_at=iso(datetime.now(UTC).replace(microsecond=0)), version=1,
                       language="hi", last_sid="SM1", last_reply="1 पानी", seen_sids=("SM1",))


@pytest.fixture
def conversations(backend: str) -> Conversations:
    if backend == "memory":
        return MemoryConversations()
    from chalicelib.store.conversations import DynamoConversations

    return DynamoConversations()


def test_a_conversation_reads_back_as_it_was_saved(conversations: Conversations):
    assert conversations.get(KEY) is None
    conversations.save(STARTED, expected_version=0)
    assert conversations.get(KEY) == STARTED
    assert conversations.get(conversation_key("RPR", CALLER, "sms")) is None


def test_a_save_over_the_version_it_read_wins_and_a_stale_one_moves_nothing(conversations: Conversations):
    conversations.save(STARTED, expected_version=0)
    described = replace(STARTED, version=2, step="name", category="water", description="हैंडपंप खराब है",
                        media_url="https://api.twilio.com/ME1", media_type="image/jpeg", last_sid="SM2",
                        seen_sids=("SM1", "SM2"))
    conversations.save(described, expected_version=1)
    assert conversations.get(KEY) == described
    with pytest.raises(ConversationMoved):
        conversations.save(replace(STARTED, version=2, last_sid="SM3"), expected_version=1)
    with pytest.raises(ConversationMoved):
        conversations.save(STARTED, expected_version=0)  # a second "first" message
    assert conversations.get(KEY) == described
