"""Every page of the console passes axe-core's rules with no serious or critical violation, in Hindi and in English,
each page as the person who uses it: the sign-in, the operator's incoming call, new complaint, a search with results
and the recent list, a ticket and the inbox (an officer), the Collector's dashboard and directory, and the state
admin's view of every district. axe-core is the npm registry's (`make axe`); tests/support/axe.py runs it."""
from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.test_console import SHOTS, browser, page, sign_in, stack  # noqa: F401 (fixtures)
from tests.support.axe import BLOCKING, describe, violations

CALLER = "+919812300099"


def _register(tab: Page, base: str) -> str:
    tab.goto(f"{base}/console/index.html#/new")
    tab.fill("#caller_phone", CALLER)
    tab.fill("#caller_name", "कमला देवी")
    tab.select_option("#category", "water")
    tab.fill("#description", "नल से गंदा पानी आ रहा है")
    tab.click("form.card button.primary >> nth=-1")
    return tab.locator("#new-number").inner_text().strip()


def _visit(tab: Page, base: str, route: str, ready: str) -> None:
    tab.wait_for_load_state("networkidle")  # the tab before has drawn: it must not draw over this one
    tab.goto(f"{base}/console/index.html{route}")
    tab.wait_for_load_state("networkidle")
    expect(tab.locator(ready).first).to_be_visible()


def _language(tab: Page, language: str) -> None:
    if tab.evaluate("document.documentElement.lang") != language:
        tab.click("#lang")
        tab.wait_for_load_state("networkidle")  # the tab drawn again in the other language
    expect(tab.locator("html")).to_have_attribute("lang", language)
    expect(tab.locator("#lang")).to_have_text("English" if language == "hi" else "हिंदी")


def test_every_page_in_hindi_and_english_has_no_serious_or_critical_violation(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.rpr", "demo-operator")
    number = _register(page, base)
    pages: list[tuple[str, str | None, str, str]] = [  # name, who, route, what shows it is drawn
        ("sign-in", None, "#/signin", "#username"),
        ("incoming", "operator.rpr", "#/operator", "main h1"),
        ("new-complaint", "operator.rpr", "#/new", "#description"),
        ("search-results", "operator.rpr", f"#/search?q=%2B{CALLER[1:]}", f"tr[data-number='{number}']"),
        ("recent", "operator.rpr", "#/queue", f"tr[data-number='{number}']"),
        ("ticket", "officer.water.l1", f"#/ticket/{number}", "#ticket-number"),
        ("inbox", "officer.water.l1", "#/inbox", f"tr[data-number='{number}']"),
        ("dashboard", "collector.rpr", "#/dashboard", "main h1"),
        ("directory", "collector.rpr", "#/directory", "#officers"),
        ("state-view", "state.admin", "#/dashboard", "main h1"),
    ]
    passwords = {"operator.rpr": "demo-operator", "officer.water.l1": "demo-officer",
                 "collector.rpr": "demo-collector", "state.admin": "demo-state"}
    failures: list[str] = []
    checked: list[str] = []
    minor: dict[str, int] = {}
    for language in ("hi", "en"):
        signed_in: str | None = None
        for name, who, route, ready in pages:
            if who is None:
                if page.locator("#signout").is_visible():
                    page.click("#signout")
                expect(page.locator("#username")).to_be_visible()
            elif who != signed_in:
                sign_in(page, who, passwords[who])
            signed_in = who
            _visit(page, base, route, ready)
            _language(page, language)
            expect(page.locator(ready).first).to_be_visible()
            found: list[dict[str, Any]] = violations(page)
            blocking = [v for v in found if v["impact"] in BLOCKING]
            for v in found:
                if v["impact"] not in BLOCKING:
                    minor[v["id"]] = minor.get(v["id"], 0) + 1
            if blocking:
                failures.append(f"{name} ({language}, {who or 'signed out'}):\n{describe(blocking)}")
                page.screenshot(path=str(SHOTS / f"16-a11y-{name}-{language}-failed.png"), full_page=True)
            checked.append(f"{name}/{language}")
    assert len(checked) == 2 * len(pages)
    # The check itself sees what it must: a box with no label planted on the last page is a critical violation.
    page.wait_for_load_state("networkidle")  # in the body, out of the way of a page drawn again
    page.evaluate("() => document.body.append(Object.assign(document.createElement('input'), {id: 'planted'}))")
    planted = [v for v in violations(page) if v["id"] == "label"]
    assert planted and planted[0]["impact"] == "critical" and "#planted" in planted[0]["nodes"][0]["target"]
    print("minor or moderate axe findings (rule: pages):", minor)
    assert not failures, "serious or critical accessibility violations:\n" + "\n".join(failures)
