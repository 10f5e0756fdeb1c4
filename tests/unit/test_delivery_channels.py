"""Every notice walks its kind's channels in the district's plan (domain/delivery.py), with the in-memory ports:
WhatsApp only with consent, a number and a template; a refusal passes to the next channel, an unknown outcome
never does; a bounced WhatsApp message walks on from its status callback; one timeline entry per delivery."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.delivery import BOUNCE_EVENT, OLD_BOUNCE_EVENT, deliver
from chalicelib.domain.delivery_status import record_delivery
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import OutcomeUnknown
from chalicelib.domain.ticket import TimelineEntry, snapshot
from tests.fakes.claims import MemoryClaims
from tests.fakes.messaging import MemoryMessenger, links
from tests.unit.test_lifecycle import CITIZEN, DISTRICT, WATER, World

WHATSAPP_L1 = "+919111100301"
INTERNATIONAL = "+14155550100"  # the demo's international_sms_sender
TEMPLATES = DISTRICT.whatsapp.templates if DISTRICT.whatsapp else {}


def _world(whatsapp_officer: bool = False) -> World:
    if not whatsapp_officer:
        return World()
    water = DISTRICT.departments["water"]
    l1 = replace(water.officers["L1"], whatsapp=WHATSAPP_L1)
    return World(replace(DISTRICT, departments={**DISTRICT.departments,
                                                "water": replace(water, officers={**water.officers, "L1": l1})}))


def _created(world: World, consent: bool) -> DomainEvent:
    return DomainEvent("ticket.created", world.number, 1, world.ticket.created_at,
                       {**snapshot(world.ticket), "actor": CITIZEN, "whatsapp_consent": consent})


def _deliver(world: World, event: DomainEvent, messenger: MemoryMessenger, claims: MemoryClaims) -> list[str]:
    return deliver(event, world.directory, messenger, claims, links, timeline=world.store, clock=world.clock)


def _messages(world: World) -> list[TimelineEntry]:
    return [e for e in world.store.timelines[world.number] if e.action == "message"]


def _said(entry: TimelineEntry, to: str) -> dict:
    return next(n for n in entry.detail["notices"] if n["to"] == to)


def test_a_citizen_who_said_yes_gets_the_acknowledgement_on_whatsapp():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    assert _deliver(world, _created(world, consent=True), messenger, claims) == ["officer: SM1", "citizen: SM2"]
    [whatsapp] = messenger.to(CITIZEN)
    assert whatsapp["channel"] == "whatsapp" and whatsapp["content_sid"] == TEMPLATES["acknowledgement"]
    assert whatsapp["variables"]["1"] == world.number
    # The status callback names the event and the notice, so a bounce repeats this very message.
    assert whatsapp["status_callback"] == f"/messaging/status/{world.number}?event=ticket.created&notice=citizen"
    [entry] = _messages(world)
    assert (entry.actor_type, entry.channel) == ("system", "sms")  # the officer's forward, the first notice
    assert _said(entry, "citizen") == {"to": "citizen", "kind": "acknowledgement", "channel": "whatsapp",
                                       "skipped": []}
    assert _said(entry, "officer") == {"to": "officer", "kind": "forward", "channel": "sms",
                                       "skipped": [{"channel": "whatsapp", "reason": "not_on_whatsapp"}]}


def test_without_consent_the_citizen_gets_the_dlt_sms_and_the_timeline_says_why():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    _deliver(world, _created(world, consent=False), messenger, claims)
    [sms] = messenger.to(CITIZEN)
    assert (sms["channel"], sms["sender"], sms["carrier"]) == ("sms", "RPRCOL", "plivo")
    assert sms["dlt"].template_id == "DEMO1107RPR00000201"  # sms_ticket_registered.hi
    assert _said(_messages(world)[0], "citizen")["skipped"] == [{"channel": "whatsapp", "reason": "no_consent"}]


def test_a_whatsapp_template_refused_goes_by_sms_and_the_claim_says_so():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    messenger.refuse_whatsapp_to = {CITIZEN}
    event = _created(world, consent=True)
    _deliver(world, event, messenger, claims)
    assert [m["channel"] for m in messenger.to(CITIZEN)] == ["sms"]
    assert _said(_messages(world)[0], "citizen") == {
        "to": "citizen", "kind": "acknowledgement", "channel": "sms",
        "skipped": [{"channel": "whatsapp", "reason": "template_refused"}]}
    assert claims.state[f"notice#{event.id}#citizen"] == "done:SM2"


def test_every_route_refused_but_the_last_reaches_the_citizen_by_international_sms():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    messenger.refuse_whatsapp_to = {CITIZEN}
    messenger.refuse_sms_from = {"RPRCOL"}  # the DLT route refuses
    with pytest.raises(ConnectionError):  # the officer's forward has no channel after sms: the queue retries it
        _deliver(world, _created(world, consent=True), messenger, claims)
    world2, messenger2, claims2 = _world(whatsapp_officer=True), MemoryMessenger(), MemoryClaims()
    messenger2.refuse_whatsapp_to = {CITIZEN}
    messenger2.refuse_sms_from = {"RPRCOL"}
    _deliver(world2, _created(world2, consent=True), messenger2, claims2)
    [international] = messenger2.to(CITIZEN)
    assert (international["sender"], international["carrier"], international["dlt"]) == (INTERNATIONAL, "twilio",
                                                                                         None)
    assert _said(_messages(world2)[0], "citizen") == {
        "to": "citizen", "kind": "acknowledgement", "channel": "international_sms",
        "skipped": [{"channel": "whatsapp", "reason": "template_refused"}, {"channel": "sms", "reason": "refused"}]}


def test_a_refused_last_channel_is_retried_and_the_sent_ones_are_not():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    messenger.refuse_sms_from = {"RPRCOL"}
    event = _created(world, consent=True)
    with pytest.raises(ConnectionError):
        _deliver(world, event, messenger, claims)
    assert claims.state == {}  # the officer's forward refused first: nothing sent, nothing claimed
    messenger.refuse_sms_from = set()
    assert _deliver(world, event, messenger, claims) == ["officer: SM1", "citizen: SM2"]
    assert len(_messages(world)) == 1


def test_an_officer_with_whatsapp_gets_the_forward_template_of_the_kind():
    world, messenger, claims = _world(whatsapp_officer=True), MemoryMessenger(), MemoryClaims()
    _deliver(world, _created(world, consent=False), messenger, claims)
    [forward] = messenger.to(WHATSAPP_L1)
    assert forward["content_sid"] == TEMPLATES["forward"] and messenger.to(WATER["L1"]) == []
    assert _messages(world)[0].channel == "whatsapp"


def test_a_citizens_whatsapp_without_an_answer_gets_no_sms_copy_and_is_found_at_the_carrier():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    event = _created(world, consent=True)
    messenger.answer_late_to = {CITIZEN}  # WhatsApp took it and never said so
    with pytest.raises(OutcomeUnknown):
        _deliver(world, event, messenger, claims)
    assert [m["channel"] for m in messenger.to(CITIZEN)] == ["whatsapp"]  # no SMS: WhatsApp may have it
    assert claims.state[f"notice#{event.id}#citizen"] == "unconfirmed"
    messenger.answer_late_to = set()
    assert _deliver(world, event, messenger, claims) == ["officer: sent before", "citizen: SM2 (the carrier had it)"]
    assert [m["channel"] for m in messenger.to(CITIZEN)] == ["whatsapp"]
    # The first delivery's entry tells the officer's forward; the retry's the citizen's, carried by WhatsApp.
    officer_entry, citizen_entry = _messages(world)
    assert [n["to"] for n in officer_entry.detail["notices"]] == ["officer"]
    assert citizen_entry.detail["notices"] == [{"to": "citizen", "kind": "acknowledgement", "channel": "whatsapp",
                                                "skipped": []}]


def test_a_replayed_event_writes_no_second_timeline_entry():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    event = _created(world, consent=False)
    _deliver(world, event, messenger, claims)
    assert _deliver(world, event, messenger, claims) == ["officer: sent before", "citizen: sent before"]
    assert len(_messages(world)) == 1 and len(messenger.sent) == 2


def _bounce(world: World, sid: str, to: str, sent_for: str, notice: str) -> DomainEvent:
    before = len(world.dispatcher.sent)
    assert record_delivery(world.number, sid, "failed", f"whatsapp:{to}", "63024", world.store, world.dispatcher,
                           world.clock, sent_for=sent_for, notice=notice)
    [bounced] = world.dispatcher.sent[before:]
    return bounced


def test_a_citizens_bounced_whatsapp_goes_on_by_sms_once():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    _deliver(world, _created(world, consent=True), messenger, claims)
    bounced = _bounce(world, "SMwa1", CITIZEN, "ticket.created", "citizen")
    assert bounced.type == BOUNCE_EVENT and bounced.data["notice"] == "citizen" and bounced.data["phone"] == CITIZEN
    assert _deliver(world, bounced, messenger, claims) == ["citizen: SM3"]
    assert _deliver(world, _bounce(world, "SMwa1", CITIZEN, "ticket.created", "citizen"), messenger, claims) == [
        "citizen: sent before"]  # Twilio posting "failed" again
    assert [m["channel"] for m in messenger.to(CITIZEN)] == ["whatsapp", "sms"]
    entry = _messages(world)[-1]
    assert entry.detail["bounced"] is True and entry.detail["notices"] == [
        {"to": "citizen", "kind": "acknowledgement", "channel": "sms",
         "skipped": [{"channel": "whatsapp", "reason": "bounced"}]}]


def test_an_officers_bounced_whatsapp_event_from_before_still_goes_by_sms():
    world, messenger, claims = _world(whatsapp_officer=True), MemoryMessenger(), MemoryClaims()
    _deliver(world, _created(world, consent=False), messenger, claims)
    old = DomainEvent(OLD_BOUNCE_EVENT, world.number, world.ticket.version, world.clock.now().isoformat(),
                      {**snapshot(world.ticket), "phone": WHATSAPP_L1, "message_sid": "SMold",
                       "failed_event": "ticket.created", "remark": ""}, id="whatsapp-failed-SMold")
    [outcome] = _deliver(world, old, messenger, claims)
    assert outcome.endswith(": SM3")
    [sms] = messenger.to(WATER["L1"])
    assert sms["channel"] == "sms" and sms["body"].startswith(f"शिकायत {world.number}")


def test_an_approvers_bounced_whatsapp_goes_on_by_sms_with_the_request_it_was_for():
    water = DISTRICT.departments["water"]
    l2 = replace(water.officers["L2"], whatsapp="+919111100302")
    world = World(replace(DISTRICT, departments={**DISTRICT.departments,
                                                 "water": replace(water, officers={**water.officers, "L2": l2})}))
    messenger, claims = MemoryMessenger(), MemoryClaims()
    before = len(world.dispatcher.sent)
    world.text(WATER["L1"], f"TIME {world.number} 3 the road is dug up")
    [asked] = [e for e in world.dispatcher.sent[before:] if e.type == "ticket.extension_requested"]
    _deliver(world, asked, messenger, claims)
    [whatsapp] = messenger.to("+919111100302")
    assert whatsapp["channel"] == "whatsapp"
    # The bounce comes from the ticket as it is now: the request still waits, so the message can be said again.
    bounced = _bounce(world, "SMwa2", "+919111100302", "ticket.extension_requested", "approver")
    assert _deliver(world, bounced, messenger, claims)[0].startswith("approver: SM")
    [sms] = messenger.to(WATER["L2"])
    assert sms["channel"] == "sms" and "3" in sms["body"] and "the road is dug up" in sms["body"]


def test_a_citizens_bounced_closure_goes_on_by_sms():
    world, messenger, claims = _world(), MemoryMessenger(), MemoryClaims()
    world.store.tickets[world.number] = replace(world.ticket, status="closed", closure="satisfied")
    closed = DomainEvent("ticket.closed", world.number, world.ticket.version, world.ticket.created_at,
                         {**snapshot(world.ticket), "closure": "satisfied", "whatsapp_consent": True})
    _deliver(world, closed, messenger, claims)
    assert [m["channel"] for m in messenger.to(CITIZEN)] == ["whatsapp"]
    bounced = _bounce(world, "SMwa3", CITIZEN, "ticket.closed", "citizen")
    assert _deliver(world, bounced, messenger, claims)[0].startswith("citizen: SM")
    assert [m["channel"] for m in messenger.to(CITIZEN)] == ["whatsapp", "sms"]
