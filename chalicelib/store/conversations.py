"""Citizens' WhatsApp/SMS intake conversations (domain/chat_intake.py): one item each, versioned, kept a day."""
from __future__ import annotations

from dataclasses import asdict, fields

from pynamodb.exceptions import PutError

from chalicelib.domain.clock import parse_iso
from chalicelib.domain.conversation import CHAT_TTL, Conversation
from chalicelib.domain.ports import ConversationMoved
from chalicelib.store.models import ConversationModel

_FIELDS = {f.name for f in fields(Conversation)}


class DynamoConversations:
    def get(self, key: str) -> Conversation | None:
        try:
            item = ConversationModel.get(key, consistent_read=True)
        except ConversationModel.DoesNotExist:
            return None
        state = {name: value for name, value in (item.state or {}).items() if name in _FIELDS}
        state["seen_sids"] = tuple(state.get("seen_sids") or ())
        return Conversation(**{**state, "key": key, "version": int(item.version)})

    def save(self, conversation: Conversation, expected_version: int) -> None:
        state = {name: value for name, value in asdict(conversation).items() if name not in ("key", "version")}
        # DynamoDB's TTL deletes it a day after the last message (the domain also treats it as over by then).
        expires_at = int((parse_iso(conversation.updated_at) + CHAT_TTL).timestamp())
        item = ConversationModel(conversation.key, version=conversation.version, state=state, expires_at=expires_at)
        condition = (ConversationModel.key.does_not_exist() if expected_version == 0
                     else ConversationModel.version == expected_version)
        try:
            item.save(condition=condition)
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConversationMoved(conversation.key) from error
            raise
