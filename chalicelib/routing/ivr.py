"""The IVR's menu tree, one function per step, each returning TwiML.

State travels in the action URL path (/language/{attempt}, /category/{lang}/{attempt},
/record/{lang}/{category}/{attempt}, /consent/{lang}/{number}), so no step before the recording reads or
writes the database (what the new-complaint check learnt of the caller's WhatsApp answer travels as the
URLs' `consent` parameter, domain/consent.py). A Gather's action and the Redirect that follows it point at
the same URL: a request with no Digits there means the caller pressed nothing.
"""
from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.complaint_number import spoken_groups
from chalicelib.domain.district import COMPLAINT, Category, District, Hotline
from chalicelib.i18n import available_languages, catalog
from chalicelib.telephony.call_script import CallScript, say, url
from chalicelib.telephony.carriers import render

MAX_ATTEMPTS = 3
GATHER_TIMEOUT_SECONDS = 6
RECORD_SILENCE_SECONDS = 5
CONSENT_TIMEOUT_SECONDS = 4  # the WhatsApp question after the number: a caller who wants it presses at once
VOICE = "/voice"  # under each carrier's own prefix: /twilio/voice, /plivo/voice (call_script.url)
RECORDING_STATUS_PATH = f"{VOICE}/recording-status"


def unknown_number() -> str:
    vr = CallScript()
    for lang in ("hi", "en"):
        say(vr, catalog(lang).text("unknown_number"), catalog(lang))
    vr.hangup()
    return render(vr)


def technical_problem(language: str | None = None) -> str:
    vr = CallScript()
    for lang in [language] if language else ["hi", "en"]:
        say(vr, catalog(lang).text("technical_problem"), catalog(lang))
    vr.hangup()
    return render(vr)


def greeting(district: District, line: str) -> str:
    vr = CallScript()
    add_welcome(vr, district, district.hotline_for_line(line))
    intake_menu(vr, district)
    return render(vr)


def add_welcome(vr: CallScript, district: District, hotline: Hotline | None) -> None:
    """The Collector's recorded message where the hotline has one, else the spoken welcome."""
    if hotline and hotline.greeting_audio_url:
        vr.play(hotline.greeting_audio_url)
    else:
        lang = district.default_language
        say(vr, catalog(lang).text("welcome", district=district.name_in(lang)), catalog(lang))


def intake_menu(vr: CallScript, district: District) -> None:
    """The recorded intake's first menu (language, or category for a one-language district), appended to vr."""
    if len(district.languages) == 1:
        _main_menu(vr, district, district.default_language)
    else:
        add_language_menu(vr, district, attempt=1)


def language_step(district: District, attempt: int, digits: str | None) -> str:
    if digits and digits.isdigit() and 1 <= int(digits) <= len(district.languages):
        lang = district.languages[int(digits) - 1]
        vr = CallScript()
        _main_menu(vr, district, lang)
        return render(vr)
    lang = district.default_language
    return retry(district, lang, attempt, digits, lambda vr, n: add_language_menu(vr, district, n))


def _main_menu(vr: CallScript, district: District, lang: str) -> None:
    # New complaint or status by phone (routing/status_menu.py answers it), right after the language.
    add_main_menu(vr, lang, attempt=1, district=district)


VIDEO_KEY = "8"  # a sign-language video call: a key a relative can press for someone who cannot hear the menu


def offers_video(district: District) -> bool:
    """The main menu offers a video call where the district takes them and its roster has someone who signs."""
    from chalicelib.domain.video_calls import signers

    return district.video.enabled and bool(signers(district))


def add_main_menu(vr: CallScript, lang: str, attempt: int, district: District | None = None) -> None:
    """1 a new complaint, 2 the status of my complaints, and (`district` permitting) 8 a sign-language video call;
    the answer goes to /menu (handlers/voice_status.py)."""
    speech = catalog(lang)
    action = url(f"{VOICE}/menu/{lang}/{attempt}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=1)
    say(gather, speech.text("main_menu"), speech)
    if district is not None and offers_video(district):
        say(gather, speech.text("video_menu_offer"), speech)
    vr.redirect(action)


def category_menu(district: District, lang: str) -> str:
    """A new complaint chosen from the main menu: the category menu, or first "a complaint, a suggestion or a
    demand?" where the district takes more than complaints."""
    vr = CallScript()
    if len(district.kinds) > 1:
        add_kind_menu(vr, district, lang, attempt=1)
    else:
        add_category_menu(vr, district, lang, attempt=1)
    return render(vr)


def add_kind_menu(vr: CallScript, district: District, lang: str, attempt: int) -> None:
    """The district's kinds (its file's `kinds`, in order), keyed 1, 2, …; requests are the console's forms."""
    speech = catalog(lang)
    action = url(f"{VOICE}/kind/{lang}/{attempt}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=1)
    options = " ".join(speech.text("kind_option", name=speech.text(f"kind_{kind}").lower(), key=key)
                       for key, kind in enumerate(district.kinds, start=1))
    say(gather, f"{speech.text('kind_intro')} {options}", speech)
    vr.redirect(action)


def kind_step(district: District, lang: str, attempt: int, digits: str | None) -> str:
    key = int(digits) if digits and digits.isascii() and digits.isdigit() else 0
    if 1 <= key <= len(district.kinds):
        vr = CallScript()
        kind = district.kinds[key - 1]
        add_category_menu(vr, district, lang, attempt=1, kind=None if kind == COMPLAINT else kind)
        return render(vr)
    return retry(district, lang, attempt, digits, lambda vr, n: add_kind_menu(vr, district, lang, n))


# An emergency is offered first in the category menu, on the key after the categories' own (they use 1 to 8):
# "for an emergency — food, medicine, treatment — press 9". Its categories are those with emergency clocks.
EMERGENCY_KEY = "9"
EMERGENCY = "emergency"


def emergency_categories(district: District) -> list[Category]:
    return [c for c in district.categories if EMERGENCY in c.clocks]


def offers_emergency_key(district: District) -> bool:
    return bool(emergency_categories(district)) and district.category_by_key(EMERGENCY_KEY) is None


def category_step(district: District, line: str, lang: str, attempt: int, digits: str | None,
                  urgency: str | None = None, kind: str | None = None) -> str:
    """`urgency` emergency: the answer to the emergency menu (its categories, keyed 1, 2, …); `kind` a suggestion
    or a demand (None: a complaint), which has no emergency key."""
    if kind:
        chosen = district.category_by_key(digits or "")
        if chosen:
            return _recording(district, line, lang, chosen, None, kind)
        return retry(district, lang, attempt, digits, lambda vr, n: add_category_menu(vr, district, lang, n, kind))
    if urgency == EMERGENCY:
        found = emergency_categories(district)
        key = int(digits) if digits and digits.isascii() and digits.isdigit() else 0
        if 1 <= key <= len(found):
            return _recording(district, line, lang, found[key - 1], EMERGENCY)
        return retry(district, lang, attempt, digits, lambda vr, n: add_emergency_menu(vr, district, lang, n))
    if digits == EMERGENCY_KEY and offers_emergency_key(district):
        found = emergency_categories(district)
        if len(found) == 1:  # nothing to choose: straight to the recording
            return _recording(district, line, lang, found[0], EMERGENCY)
        vr = CallScript()
        add_emergency_menu(vr, district, lang, attempt=1)
        return render(vr)
    category = district.category_by_key(digits or "")
    if category:
        return _recording(district, line, lang, category, None)
    return retry(district, lang, attempt, digits, lambda vr, n: add_category_menu(vr, district, lang, n))


def _recording(district: District, line: str, lang: str, category: Category, urgency: str | None,
               kind: str | None = None) -> str:
    vr = CallScript()
    _record_prompt(vr, district, line, lang, category.id, attempt=1, urgency=urgency, kind=kind)
    return render(vr)


def record_retry(district: District, line: str, lang: str, category_id: str, attempt: int,
                 urgency: str | None = None, kind: str | None = None) -> str:
    """The Record ended with no audio (or the recording was empty)."""
    speech = catalog(lang)
    if attempt >= MAX_ATTEMPTS:
        return give_up(district, lang)
    vr = CallScript()
    say(vr, speech.text("not_heard"), speech)
    _record_prompt(vr, district, line, lang, category_id, attempt + 1, urgency=urgency, kind=kind)
    return render(vr)


def registered(lang: str, complaint_number: str, ask_consent: bool = False, kind: str = COMPLAINT) -> str:
    """The number, twice, and that it comes by SMS; then, for a caller who never answered it, whether they want
    updates on WhatsApp: asked after the complaint is safe, so a caller who hangs up loses nothing."""
    speech = catalog(lang)
    spoken = ", ".join(spoken_groups(complaint_number))
    vr = CallScript()
    said = "registered" if kind == COMPLAINT else f"registered_{kind}"
    say(vr, f"{speech.text(said)} {spoken}.", speech)
    vr.pause(1)
    say(vr, f"{speech.text('repeat')} {spoken}.", speech)
    say(vr, speech.text("sms_coming"), speech)
    if ask_consent:
        # No key by the timeout is no: the redirect brings the answer step no Digits.
        action = url(f"{VOICE}/consent/{lang}/{complaint_number}")
        gather = vr.gather(action, timeout=CONSENT_TIMEOUT_SECONDS, num_digits=1)
        say(gather, speech.text("consent_ask"), speech)
        vr.redirect(action)
        return render(vr)
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()
    return render(vr)


def closing(lang: str, key: str) -> str:
    """One message in the caller's language, then the call ends (every flow's last word)."""
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text(key), speech)
    vr.hangup()
    return render(vr)


def consent_answered(lang: str, given: bool) -> str:
    """What the caller hears after the WhatsApp question, then the call ends."""
    return closing(lang, "consent_yes" if given else "consent_no")


def retry(district: District, lang: str, attempt: int, digits: str | None,
          menu: Callable[[CallScript, int], None]) -> str:
    """A menu asked again after a wrong key or none (`menu` adds it to the answer); the last try says goodbye."""
    if attempt >= MAX_ATTEMPTS:
        return give_up(district, lang)
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("wrong_key" if digits else "no_input"), speech)
    menu(vr, attempt + 1)
    return render(vr)


def give_up(district: District, lang: str) -> str:
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("give_up", contact=district.fallback_contact.get(lang, "")), speech)
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()
    return render(vr)


def add_language_menu(vr: CallScript, district: District, attempt: int, step: str = "language") -> None:
    """Each language offered in its own language; the answer goes to `step` (the IVR's, or after hours')."""
    action = url(f"{VOICE}/{step}/{attempt}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=1)
    for key, lang in enumerate(district.languages, start=1):
        say(gather, catalog(lang).text("language_option", key=key), catalog(lang))
    vr.redirect(action)


def add_category_menu(vr: CallScript, district: District, lang: str, attempt: int, kind: str | None = None) -> None:
    speech = catalog(lang)
    action = url(f"{VOICE}/category/{lang}/{attempt}{_marked(kind=kind)}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=1)
    options = " ".join(speech.text("category_option", name=c.names.get(lang, c.id), key=key)
                       for key, c in enumerate(district.categories, start=1))
    if kind:  # a suggestion's or a demand's subject: no emergency key
        say(gather, f"{speech.text(f'category_intro_{kind}')} {options}", speech)
        vr.redirect(action)
        return
    if offers_emergency_key(district):  # first, so a caller in trouble need not wait through the list
        names = ", ".join(c.names.get(lang, c.id) for c in emergency_categories(district))
        say(gather, speech.text("emergency_option", names=names, key=EMERGENCY_KEY), speech)
    say(gather, f"{speech.text('category_intro')} {options}", speech)
    vr.redirect(action)


def add_emergency_menu(vr: CallScript, district: District, lang: str, attempt: int) -> None:
    """The emergency's categories, keyed 1, 2, …: the answer goes to the category step, marked emergency."""
    speech = catalog(lang)
    action = url(f"{VOICE}/category/{lang}/{attempt}{_marked(urgency=EMERGENCY)}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=1)
    options = " ".join(speech.text("category_option", name=c.names.get(lang, c.id), key=key)
                       for key, c in enumerate(emergency_categories(district), start=1))
    say(gather, f"{speech.text('emergency_intro')} {options}", speech)
    vr.redirect(action)


def _marked(urgency: str | None = None, kind: str | None = None) -> str:
    """The caller's choices so far, in the next step's URL: signed with it, so they arrive untouched."""
    marks = [f"{name}={value}" for name, value in (("urgency", urgency), ("kind", kind)) if value]
    return "?" + "&".join(marks) if marks else ""


def _record_prompt(vr: CallScript, district: District, line: str, lang: str, category_id: str,
                   attempt: int, urgency: str | None = None, kind: str | None = None) -> None:
    speech = catalog(lang)
    action = url(f"{VOICE}/record/{lang}/{category_id}/{attempt}{_marked(urgency, kind)}")
    hotline = district.hotline_for_line(line)
    say(vr, speech.text("record_prompt" if not kind else f"record_prompt_{kind}"), speech)
    max_length = hotline.record_max_seconds if hotline else 120
    vr.record(action, max_seconds=max_length, silence_seconds=RECORD_SILENCE_SECONDS,
              status_callback=url(RECORDING_STATUS_PATH))
    vr.redirect(action)


# -- an outage (handlers/outage.py): AWS is unreachable, the caller still records a complaint ------------

# In a record step's URL, a choice the caller had not made when the outage began: the record step reads it
# as the district's first language or catch-all category. Never an id (ids start with a letter).
UNCHOSEN = "-"


def _outage_languages(lang: str) -> list[str]:
    """The caller's language where the call chose one, else Hindi then English (as the fallback documents)."""
    return [lang] if lang in available_languages() else ["hi", "en"]


# The outage's own recording step knows no hotline (the directory may be out of reach): the fallback's length.
OUTAGE_RECORD_SECONDS = 120


def outage_recording(lang: str, category_id: str, attempt: int) -> str:
    """The fallback document's apology and <Record>, from within the call: its action is the IVR's record
    step with what was chosen so far, so a database that is back by then registers the ticket at once."""
    vr = CallScript()
    for language in _outage_languages(lang):
        speech = catalog(language)
        say(vr, f"{speech.text('fallback_apology')} {speech.text('fallback_record_prompt')}", speech)
    action = url(f"{VOICE}/record/{lang if lang in available_languages() else UNCHOSEN}/{category_id}/{attempt}")
    vr.record(action, max_seconds=OUTAGE_RECORD_SECONDS, silence_seconds=RECORD_SILENCE_SECONDS,
              status_callback=url(RECORDING_STATUS_PATH))
    vr.redirect(action)  # nothing recorded: the record step asks again
    return render(vr)


def recorded_during_outage(lang: str) -> str:
    """The recording is the carrier's; the reconciler registers it and the SMS brings the number."""
    vr = CallScript()
    for language in _outage_languages(lang):
        say(vr, catalog(language).text("fallback_thanks"), catalog(language))
    vr.hangup()
    return render(vr)


def not_heard_during_outage(lang: str) -> str:
    vr = CallScript()
    for language in _outage_languages(lang):
        say(vr, catalog(language).text("fallback_not_heard"), catalog(language))
    vr.hangup()
    return render(vr)
