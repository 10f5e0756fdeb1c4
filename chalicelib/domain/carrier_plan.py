"""What the district's carriers can carry in India, checked before a district file is loaded or saved.

A file can be well formed and still promise citizens and officers what the carriers will not do in India:
Twilio calls India only from an international caller ID and takes no SMS replies from Indian phones; Plivo's
Indian numbers call from an Indian number but take no SMS at all; every SMS to India over DLT must match a
registered template. `load-district` and the console's directory save refuse such a file, each refusal saying
why and what to change. Pure: it reads the parsed District only.
"""
from __future__ import annotations

from chalicelib.domain.district import District, DistrictConfigError, Hotline
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
    return [*_caller_id(district), *_sms_replies(district), *_dlt(district)]


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
            f"officer_assignment template), or accept that they act in the console: "
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
    forwards_by_whatsapp = bool(whatsapp and "officer_assignment" in whatsapp.templates)
    people = [o for dep in district.departments.values() for o in dep.officers.values()]
    people += [district.collector] if district.collector else []
    return list(dict.fromkeys(o.phone for o in people if not (forwards_by_whatsapp and o.whatsapp)))


def _dlt(district: District) -> list[str]:
    if district.dlt is None:
        return []
    needed = sms_messages(district)
    missing = [f"{key}.{language}" for key, language in needed if not district.dlt.template_id(key, language)]
    unknown = sorted(set(district.dlt.templates) - {key for key, _ in needed})
    found = []
    if missing:
        found.append(
            f"sms_sender.dlt_templates: no DLT template id for {_named(missing)}: every SMS to India on this "
            f"route must match a registered template (register each as domain/notices.py dlt_template gives it, "
            f"then add its id under sms_sender.dlt_templates.<message>.<language>)")
    if unknown:
        found.append(f"sms_sender.dlt_templates: {', '.join(unknown)} is no SMS the district sends "
                     f"(a typo? the messages are {', '.join(dict.fromkeys(k for k, _ in needed))})")
    return found


def _named(items: list[str]) -> str:
    more = len(items) - _MOST_NAMED
    return ", ".join(items[:_MOST_NAMED]) + (f" and {more} more" if more > 0 else "")
