"""The state view: a state_admin's GET /api/dashboard without a district answers every district of its state
file side by side, from the counters kept on write (never a ticket), ranked only above the state file's
threshold, as JSON or CSV. Three districts: Raipur (its tickets registered and resolved through the API),
Bilaspur and Korba (Bilaspur's file on other lines; their counters as a month leaves them)."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from chalicelib import settings
from chalicelib.district_file import read_yaml
from chalicelib.domain.district import District, parse_district
from chalicelib.domain.figures import OPEN_PERIOD, day_period
from chalicelib.domain.state_line import StateConfigError, parse_state_line
from chalicelib.i18n import available_languages
from chalicelib.store.district_loader import load_district, load_state
from tests.support.demo import untranscribed
from tests.support.fixtures import ROOT
from tests.support.responses import ok, refused

BILASPUR = ROOT / "examples" / "bilaspur.yaml"


def state_file(ranking_min: int | None = 30) -> dict[str, Any]:
    data: dict[str, Any] = {
        "state": "CG181", "name": {"hi": "मुख्यमंत्री जनशिकायत हेल्पलाइन", "en": "Chief Minister's helpline"},
        "languages": ["hi", "en"], "lines": ["+917712181181"],
        "districts": [{"key": "01", "code": "RPR"},  # no name here: Raipur's own file names it
                      {"key": "02", "code": "BSP", "name": {"hi": "बिलासपुर", "en": "Bilaspur"}},
                      {"key": "03", "code": "KRB", "name": {"hi": "कोरबा", "en": "Korba"}}]}
    if ranking_min is not None:
        data["ranking_min_tickets"] = ranking_min
    return data


def add(aws: Any, code: str, period: str, **figures: int) -> None:
    names = {f"#f{i}": name for i, name in enumerate(figures)}
    values = {f":v{i}": {"N": str(n)} for i, n in enumerate(figures.values())}
    aws["dynamodb"].update_item(
        TableName=settings.table_name("counters"), Key={"pk": {"S": f"DISTRICT#{code}"}, "sk": {"S": period}},
        UpdateExpression="ADD " + ", ".join(f"#f{i} :v{i}" for i in range(len(figures))),
        ExpressionAttributeNames=names, ExpressionAttributeValues=values)


def korba() -> District:
    data = read_yaml(BILASPUR)
    data.update(code="KRB", name={"hi": "कोरबा", "en": "Korba"}, sms_sender={"from": "+919977224000"},
                transcription={"enabled": False})
    data["hotlines"][0]["lines"] = [f"+91997722400{n}" for n in range(1, 3)]
    return parse_district(data, available_languages())


@pytest.fixture
def three_districts(aws, api, clock):
    load_district(untranscribed(BILASPUR))
    load_district(korba())
    load_state(parse_state_line(state_file(), available_languages()))
    today = day_period(clock.now())
    add(aws, "BSP", today, registered=50, resolved=40, resolved_in_sla=36, closed=30, closed_satisfied=24,
        reopened=2, escalated=3)
    add(aws, "BSP", OPEN_PERIOD, open_L1_water=4, open_L2_roads=1, overdue_water=1)
    add(aws, "KRB", today, registered=12, resolved=10, resolved_in_sla=10, closed=10, closed_satisfied=10)
    add(aws, "KRB", OPEN_PERIOD, open_L1_health=2)
    # Raipur: three complaints through the console, one acknowledged and resolved by its officer.
    numbers = [ok(api.post("operator.rpr", "/api/tickets", {
        "caller_phone": f"+91981234560{i}", "category": "water", "description": "हैंडपंप खराब है"}), 201)
        ["complaint_number"] for i in range(3)]
    ok(api.post("officer.water.l1", f"/api/tickets/{numbers[0]}/acknowledge"))
    ok(api.post("officer.water.l1", f"/api/tickets/{numbers[0]}/resolve", {"remark": "नया हैंडपंप लगाया"}))
    return numbers


def by_code(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["code"]: d for d in view["districts"]}


def test_every_district_side_by_side_with_the_figures_of_its_own_dashboard(three_districts, api):
    view = ok(api.get("state.admin", "/api/dashboard"))
    assert view["state"] == "CG181" and view["ranking_min_tickets"] == 30 and view["days"] == 30
    assert [d["code"] for d in view["districts"]] == ["BSP", "RPR", "KRB"]  # the ranked one first
    districts = by_code(view)
    assert districts["RPR"]["name"]["hi"] == "रायपुर" and districts["KRB"]["name"]["en"] == "Korba"

    # Raipur's figures are its Collector's dashboard's, read from the same counters.
    own = ok(api.get("collector.rpr", "/api/dashboard"))
    raipur = districts["RPR"]
    assert raipur["totals"] == own["totals"]["month"] == {
        "registered": 3, "resolved": 1, "closed": 0, "reopened": 0, "escalated": 0}
    assert (raipur["open"], raipur["overdue"]) == (own["open_total"], own["open_overdue"]) == (2, 0)
    assert raipur["sla_compliance"] == own["sla_compliance"] == {"resolved": 1, "in_sla": 1, "percent": 100.0}
    assert raipur["reopen_rate"] == own["reopen_rate"]
    assert raipur["satisfaction"]["percent"] == own["closures"]["satisfied_percent"] is None
    assert raipur["grade"] == "A"

    bilaspur = districts["BSP"]
    assert (bilaspur["open"], bilaspur["overdue"], bilaspur["totals"]["registered"]) == (5, 1, 50)
    assert bilaspur["sla_compliance"]["percent"] == 90.0 and bilaspur["satisfaction"]["percent"] == 80.0
    assert bilaspur["reopen_rate"]["percent"] == 5.0 and bilaspur["grade"] == "A"
    # The state admin's own district dashboard is still there, by naming it.
    assert ok(api.get("state.admin", "/api/dashboard?district=BSP"))["district"] == "BSP"


def test_a_district_below_the_state_files_minimum_is_shown_not_ranked(three_districts, api):
    districts = by_code(ok(api.get("state.admin", "/api/dashboard")))
    assert (districts["BSP"]["ranked"], districts["BSP"]["rank"]) == (True, 1)
    assert [(districts[c]["ranked"], districts[c]["rank"]) for c in ("RPR", "KRB")] == [(False, None)] * 2

    load_state(parse_state_line(state_file(ranking_min=1), available_languages()))
    from chalicelib.handlers import api_common

    api_common.forget_cached_directory()
    view = ok(api.get("state.admin", "/api/dashboard"))
    # Korba: 100% in the SLA, every citizen satisfied, nothing overdue; Raipur: 100% in the SLA, no closures yet.
    assert [(d["code"], d["rank"]) for d in view["districts"]] == [("KRB", 1), ("RPR", 2), ("BSP", 3)]
    assert all(d["ranked"] for d in view["districts"])


def test_the_default_minimum_is_thirty_and_a_wrong_one_says_what_to_write():
    assert parse_state_line(state_file(ranking_min=None), available_languages()).ranking_min_tickets == 30
    for wrong in (-1, "many", True, 2.5):
        with pytest.raises(StateConfigError, match=r"ranking_min_tickets: .*a whole number like 30"):
            parse_state_line(state_file(ranking_min=wrong), available_languages())  # type: ignore[arg-type]


def test_the_state_view_as_csv(three_districts, api):
    response = api.get("state.admin", "/api/dashboard?format=csv", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-disposition"].startswith('attachment; filename="samvad-CG181-districts-')
    text = response.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [(r["rank"], r["code"], r["name"], r["ranked"]) for r in rows] == [
        ("1", "BSP", "Bilaspur", "yes"), ("", "RPR", "Raipur", "no"), ("", "KRB", "Korba", "no")]
    assert (rows[0]["open"], rows[0]["overdue"], rows[0]["sla_compliance"], rows[0]["satisfaction"],
            rows[0]["reopen_rate"], rows[0]["grade"]) == ("5", "1", "90.0", "80.0", "5.0", "A")
    hindi = api.get("state.admin", "/api/dashboard?format=csv").body.decode("utf-8")
    assert "बिलासपुर" in hindi and "कोरबा" in hindi


def test_only_a_state_admin_gets_the_state_view(three_districts, api, issuer):
    for user in ("operator.rpr", "officer.water.l1"):
        refused(api.get(user, "/api/dashboard"), 403, "role_not_allowed")
        refused(api.get(user, "/api/dashboard?format=csv"), 403, "role_not_allowed")
    own = ok(api.get("collector.rpr", "/api/dashboard"))  # a Collector gets their district, never the state's
    assert own["district"] == "RPR" and "districts" not in own
    refused(api.get("collector.rpr", "/api/dashboard?district=BSP"), 403, "other_district")
    refused(api.get("collector.rpr", "/api/dashboard?format=csv"), 400, "csv_state_view_only")

    # A state admin whose sign-in names no state, or a state not loaded: told in their language.
    api._tokens["state.admin"] = issuer.mint("state.admin", **{"custom:state": ""})
    hindi = refused(api.get("state.admin", "/api/dashboard"), 400, "state_needed")
    assert "राज्य" in hindi
    english = refused(api.get("state.admin", "/api/dashboard", headers={"Accept-Language": "en"}), 400,
                      "state_needed")
    assert "custom:state" in english and "?district=" in english
    api._tokens["state.admin"] = issuer.mint("state.admin", **{"custom:state": "MP181"})
    assert "MP181" in refused(api.get("state.admin", "/api/dashboard", headers={"Accept-Language": "en"}), 404,
                              "no_state")


def test_the_view_reads_counters_only_one_batch_for_three_districts(three_districts, api, monkeypatch):
    from chalicelib.store import connection as store_connection

    sent: list[str] = []
    real = store_connection.connection()
    dispatch = real.dispatch

    def counting(operation: str, body: dict[str, Any]) -> Any:
        sent.append(operation)
        return dispatch(operation, body)

    ok(api.get("state.admin", "/api/dashboard"))  # reads (and caches) the state file and Raipur's names
    monkeypatch.setattr(real, "dispatch", counting)
    ok(api.get("state.admin", "/api/dashboard"))
    assert sent == ["BatchGetItem"]  # 3 districts × 31 items: one BatchGet, no Query, no Scan, no ticket


def test_a_state_admin_works_only_on_its_state_files_districts(three_districts, api):
    """CG181's admin names Raipur, Bilaspur or Korba; another state's district (Gurugram, loaded beside them) is
    refused in the user's language, its lists and its tickets alike."""
    load_district(untranscribed(ROOT / "examples" / "gurugram.yaml"))
    gurugram = ok(api.post("operator.ggn", "/api/tickets", {
        "caller_phone": "+919812345699", "category": "food", "description": "राशन नहीं मिला"}), 201)
    assert ok(api.get("state.admin", "/api/tickets?view=recent&district=RPR"))["items"]
    refused(api.get("state.admin", "/api/tickets?view=recent&district=GGN"), 403, "district_not_of_state")
    refused(api.get("state.admin", "/api/dashboard?district=GGN"), 403, "district_not_of_state")
    refused(api.get("state.admin", f"/api/tickets/{gurugram['complaint_number']}"), 404, "no_ticket")
    ok(api.get("state.admin", f"/api/tickets/{three_districts[0]}"))
