"""The SearchIndex port on DynamoDB: one item per term of a ticket's text in the search table.

A page is one Query on the first term's partition (`<DISTRICT>#<term>`, newest first, the page and one more),
then, for a many-word search, one BatchGetItem per other term on the keys that Query found (the same sort key
under the other term's partition): DynamoDB's items read stay the page's size, however many tickets the
district has. Writing a ticket's terms is BatchWriteItem, 25 at a time.
"""
from __future__ import annotations

from chalicelib.domain.hindi_search import entry_key, search_page
from chalicelib.domain.ports import SearchPage
from chalicelib.store.models import SearchModel


def _pk(district: str, term: str) -> str:
    return f"{district}#{term}"


class DynamoSearchIndex:
    def index(self, district: str, complaint_number: str, created_at: str, terms: set[str],
              expires_at: int | None = None) -> None:
        sk = entry_key(created_at, complaint_number)
        with SearchModel.batch_write() as batch:
            for term in sorted(terms):
                batch.save(SearchModel(_pk(district, term), sk, expires_at=expires_at))

    def unindex(self, district: str, complaint_number: str, created_at: str, terms: set[str]) -> None:
        sk = entry_key(created_at, complaint_number)
        with SearchModel.batch_write() as batch:
            for term in sorted(terms):
                batch.delete(SearchModel(_pk(district, term), sk))

    def find(self, district: str, terms: list[str], limit: int, cursor: str | None = None) -> SearchPage:
        if not terms or limit < 1:
            return SearchPage([], None, 0)
        first, others = _pk(district, terms[0]), [_pk(district, t) for t in terms[1:]]

        def read_keys(after: str | None, size: int) -> list[str]:
            start = {"pk": {"S": first}, "sk": {"S": after}} if after else None
            return [item.sk for item in SearchModel.query(first, scan_index_forward=False, limit=size,
                                                          last_evaluated_key=start, attributes_to_get=["pk", "sk"])]

        def having(keys: list[str]) -> tuple[set[str], int]:
            left, read = set(keys), 0
            for pk in others:
                if not left:
                    break
                found = {item.sk for item in SearchModel.batch_get([(pk, sk) for sk in sorted(left)],
                                                                   attributes_to_get=["pk", "sk"])}
                read, left = read + len(found), left & found
            return left, read

        return search_page(read_keys, having, limit, cursor)
