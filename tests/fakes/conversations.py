"""The Conversations port in memory: saved conditional on their version, like store/conversations.py."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.conversation import Conversation
from chalicelib.domain.ports import ConversationMoved, Conversations


class MemoryConversations:
    def __init__(self) -> None:
        self.items: dict[str, Conversation] = {}
        self.saves = 0

    def get(self, key: str) -> Conversation | None:
        return self.items.get(key)

    def save(self, conversation: Conversation, expected_version: int) -> None:
        stored = self.items.get(conversation.key)
        if (stored.version if stored else 0) != expected_version:
            raise ConversationMoved(conversation.key)
        self.items[conversation.key] = conversation
        self.saves += 1


if TYPE_CHECKING:
    _: Conversations = MemoryConversations()
