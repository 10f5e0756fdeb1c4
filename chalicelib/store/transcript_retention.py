"""The TranscriptRetention port on DynamoDB: one item per transcribed ticket in the search table, under one
partition (`#retention`, which no district's `<DISTRICT>#<term>` can be), sorted by when its words go.

The sweeper's minute asks one Query for the entries whose time has come (`sk <= now`); a handled entry is
deleted, so the partition holds only what is still to come and a sweeper that was down a week catches up on
its next run. The entry has no TTL of its own: were DynamoDB to remove it first, the words would stay.
"""
from __future__ import annotations

from chalicelib.domain.ports import RetentionDue
from chalicelib.store.models import SearchModel

PARTITION = "#retention"


def _sk(due: RetentionDue) -> str:
    return f"{due.expires_at}#{due.complaint_number}"


class DynamoTranscriptRetention:
    def keep_until(self, complaint_number: str, expires_at: str) -> None:
        SearchModel(PARTITION, _sk(RetentionDue(complaint_number, expires_at))).save()

    def due(self, now: str, limit: int) -> list[RetentionDue]:
        # Every sort key of a time before `now` sorts below `now` followed by "~" (after "#" and digits).
        items = SearchModel.query(PARTITION, SearchModel.sk <= f"{now}~", limit=limit)
        return [RetentionDue(complaint_number=number, expires_at=at)
                for at, number in (item.sk.rsplit("#", 1) for item in items)]

    def done(self, due: RetentionDue) -> None:
        SearchModel(PARTITION, _sk(due)).delete()
