"""What the district's carriers can carry in India, checked before a district file is loaded or saved.

A file can be well formed and still promise citizens and officers what the carriers will not do in India:
Twilio calls India only from an international caller ID and takes no SMS replies from Indian phones; Plivo's
Indian numbers call from an Indian number but take no SMS at all; every SMS to India over DLT must match a
registered template. The channel plan must name only channels the district can send on, and leave every
person a channel that reaches them. `load-district` and the console's directory save refuse such a file, each
refusal saying why and what to change. Pure: it reads the parsed District only.
"""
from __future__ import annotations

from chalicelib.domain.district import District, DistrictConfigError, Hotline, Officer
from chalicelib.domain.message_kinds import CITIZEN_KINDS, KIND_OF, OFFICER_KINDS
from chalicelib.domain.notices import sms_messages

# Why nobody in India can text back to an SMS sender of this carrier.
_NO_SMS_REPLIES = {
    "twilio": "Twilio has no two-way SMS in India (its SMS reach Indian phones from changing short codes)",
    "plivo": "Plivo's Indian numbers and DLT headers receive no SMS",
}
_MOST_NAMED = 6  # a refusal lists this many missing items, then how many more


class CarrierPlanError(DistrictConfigError):
    """The file asks a carrier for what it cannot do in India; one line per refusal."""

    def __init__(self, refusals: list[str]) -> None:
        super().__init__("\n".join(refusals))
        self.refusals = refusals


def check_carrier_plan(district: District) -> None:
    """Raise CarrierPlanError listing every refusal; return when the carriers can do all the file asks."""
    found = refusals(district)
    if found:
        raise CarrierPlanError(found)


def refusals(district: District) -> list[str]:
    return [*_caller_id(district), *_sms_replies(district), *_dlt(district), *_channel_plan(district)]


def _caller_id(district: District) -> list[str]:
    found = []
    for index, hotline in enumerate(district.hotlines):
        calls = _calls_to_citizens(district, index, hotline)
        if hotline.carrier == "twilio" and calls and not hotline.accept_international_caller_id:
            found.append(
                f"hotlines[{index}] ({hotline.id}): {' and '.join(calls)} ring citizens' Indian numbers through "
                f"Twilio, which can call India only from an international caller ID (the citizen sees a foreign "
                f"number). Put the hotline on Plivo (carrier: plivo, with its Indian numbers), or accept the "
                f"foreign caller ID on it: accept_international_caller_id: true")
    return found


def _calls_to_citizens(district: District, index: int, hotline: Hotline) -> list[str]:
    calls = []
    if hotline.mode == "missed_call":
        calls.append("its missed-call callbacks")
    if hotline.hours is not None and "callback" in hotline.after_hours:
        calls.append("its after-hours callbacks")
    if index == 0 and district.follow_up.feedback_call_hours:
        calls.append("the feedback calls (placed from the first hotline's first line)")
    return calls


def _sms_replies(district: District) -> list[str]:
    if district.accept_no_sms_replies:
        return []
    why = _NO_SMS_REPLIES[district.sms_carrier]
    found = []
    by_sms = _officers_by_sms(district)
    if by_sms:
        found.append(
            f"officers {_named(by_sms)} get their forwards by SMS and are asked to answer ACK/DONE by SMS, but "
            f"{why}. Give them WhatsApp (whatsapp: true on the officer, the district's whatsapp.sender and its "
            f"forward template), or accept that they act in the console: "
            f"sms_sender: {{…, accept_no_sms_replies: true}}")
    if district.whatsapp is None:
        found.append(
            f"citizens are asked to answer 1/2 (and 2 to reopen) by SMS, but {why}. Add a WhatsApp sender "
            f"(whatsapp.sender: Twilio's WhatsApp is two-way in India), or accept that they answer the feedback "
            f"call only: sms_sender: {{…, accept_no_sms_replies: true}}")
    return found


def _officers_by_sms(district: District) -> list[str]:
    """Officers' and the Collector's phones whose messages go by SMS only (no WhatsApp carries them)."""
    whatsapp = district.whatsapp
    forwards_by_whatsapp = bool(whatsapp and "forward" in whatsapp.templates
                                and "whatsapp" in district.channel_plan.channels_for("forward"))
    people = [o for dep in district.departments.values() for o in dep.officers.values()]
    people += [district.collector] if district.collector else []
    return list(dict.fromkeys(o.phone for o in people if not (forwards_by_whatsapp and o.whatsapp)))


def _dlt(district: District) -> list[str]:
    if district.dlt is None:
        return []
    every = sms_messages(district)
    needed = [(key, language) for key, language in every if _by_sms(district, key)]
    missing = [f"{key}.{language}" for key, language in needed if not district.dlt.template_id(key, language)]
    unknown = sorted(set(district.dlt.templates) - {key for key, _ in every})
    found = []
    if missing:
        found.append(
            f"sms_sender.dlt_templates: no DLT template id for {_named(missing)}: every SMS to India on this "
            f"route must match a registered template (register each as domain/notices.py dlt_template gives it, "
            f"then add its id under sms_sender.dlt_templates.<message>.<language>)")
    if unknown:
        found.append(f"sms_sender.dlt_templates: {', '.join(unknown)} is no SMS the district sends "
                     f"(a typo? the messages are {', '.join(dict.fromkeys(k for k, _ in every))})")
    return found


def _named(items: list[str]) -> str:
    more = len(items) - _MOST_NAMED
    return ", ".join(items[:_MOST_NAMED]) + (f" and {more} more" if more > 0 else "")


def _by_sms(district: District, key: str) -> bool:
    """Whether the plan can send this catalog message on the `sms` route (a message of no known kind: yes)."""
    kind = KIND_OF.get(key)
    return kind is None or "sms" in district.channel_plan.channels_for(kind)


def _channel_plan(district: District) -> list[str]:
    """What the file's own plan entries name that cannot work; the defaults are what the district did before."""
    plan = district.channel_plan
    found = []
    for key in plan.given:
        kinds = _kinds_of(district, key)
        channels = plan.channels_for(kinds[0]) if kinds else ()
        where = f"channel_plan.{key}"
        if "whatsapp" in channels and district.whatsapp is None:
            found.append(f"{where} names whatsapp, but the district has no WhatsApp sender: add whatsapp: "
                         f"{{sender: \"whatsapp:+91…\", templates: {{<kind>: HX…}}}}, or take whatsapp out of {where}")
        elif "whatsapp" in channels and district.whatsapp is not None:
            untemplated = [kind for kind in kinds if kind not in district.whatsapp.templates]
            if untemplated:
                found.append(f"{where} sends {_named(untemplated)} by WhatsApp, but whatsapp.templates has no "
                             f"template for {'it' if len(untemplated) == 1 else 'them'}: add each one's approved "
                             f"Content SID (whatsapp.templates.<kind>: HX…), or take whatsapp out of {where}")
        if "international_sms" in channels and not district.international_sms_sender:
            found.append(f"{where} names international_sms, but international_sms_sender is not set: add "
                         f"international_sms_sender: \"+1…\" (a Twilio number or Messaging Service SID, MG…), "
                         f"or take international_sms out of {where}")
        if channels == ("whatsapp",) and set(kinds) & set(CITIZEN_KINDS):
            found.append(f"{where} sends {_named(kinds)} by WhatsApp only, which reaches a citizen only with "
                         f"their consent: a citizen who said no would hear nothing. Add sms after whatsapp")
        elif channels == ("whatsapp",):
            unreached = _without_whatsapp(district, kinds)
            if unreached:
                found.append(f"{where} sends {_named(kinds)} by WhatsApp only, but {_named(unreached)} "
                             f"{'has' if len(unreached) == 1 else 'have'} no WhatsApp number: add sms after "
                             f"whatsapp, or give them one (whatsapp: true on the officer)")
    return found


def _kinds_of(district: District, key: str) -> list[str]:
    """The kinds a plan entry decides: its own kind, or its group's kinds that have no entry of their own."""
    group = {"citizen": CITIZEN_KINDS, "officer": OFFICER_KINDS}.get(key)
    if group is None:
        return [key]
    # A district that takes no video calls sends no video link: its plan needs no template for one.
    return [kind for kind in group if kind not in district.channel_plan.kinds
            and (kind != "video_link" or district.video.enabled)]


def _without_whatsapp(district: District, kinds: list[str]) -> list[str]:
    people: list[Officer] = []
    if set(kinds) - {"alert"}:
        people += [o for dep in district.departments.values() for o in dep.officers.values()]
    if "alert" in kinds and district.collector:
        people.append(district.collector)
    return list(dict.fromkeys(o.phone for o in people if not o.whatsapp))
