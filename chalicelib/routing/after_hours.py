"""What a caller hears when the hotline is closed, when a missed call is rejected, and when we call back.

Hours are spoken the way people say them ("सोमवार से शुक्रवार, सुबह 10 बजे से शाम 6 बजे तक"), from the
catalogs, so a new language needs no code. State travels in the path: /after-hours/{lang}/{attempt}.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.clock import IST
from chalicelib.domain.district import District, Hotline, OfficeHours
from chalicelib.i18n import Catalog, catalog
from chalicelib.routing import ivr
from chalicelib.telephony.call_script import CallScript, say, url
from chalicelib.telephony.carriers import render

RECORD, CALLBACK = "1", "2"  # the keys stay the same whichever choices a hotline offers


def path(lang: str, attempt: int) -> str:
    return f"{ivr.VOICE}/after-hours/{lang}/{attempt}"


def spoken_clock(minute_of_day: int, speech: Catalog) -> str:
    """14:30 -> "दोपहर 2 बजकर 30 मिनट" / "2:30 PM"."""
    hour, minute = divmod(minute_of_day % (24 * 60), 60)
    twelve = hour % 12 or 12
    clock = (speech.text("clock_hour", hour=twelve) if minute == 0
             else speech.text("clock_hour_minute", hour=twelve, minute=f"{minute:02d}"))
    part = ("time_small_hours" if hour < 4 else "time_morning" if hour < 12 else "time_afternoon" if hour < 16
            else "time_evening" if hour < 20 else "time_night")
    return speech.text(part, clock=clock)


def spoken_days(days: tuple[int, ...], speech: Catalog) -> str:
    """Consecutive days as a range ("सोमवार से शुक्रवार"), others as a list ("सोमवार, बुधवार और शुक्रवार")."""
    ordered = sorted(set(days))
    names = [speech.text(f"weekday_{d}") for d in ordered]
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return speech.text("day_range", first=names[0], last=names[-1])
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {speech.text('list_and')} {names[-1]}"


def spoken_hours(hours: OfficeHours, speech: Catalog) -> str:
    return speech.text("hours_span", days=spoken_days(hours.days, speech),
                       open=spoken_clock(hours.open_minute, speech), close=spoken_clock(hours.close_minute, speech))


def spoken_when(at: datetime, speech: Catalog) -> str:
    """A callback's time: "सोमवार, 7 दिसंबर को सुबह 10 बजे" / "Monday 7 December at 10 AM"."""
    local = at.astimezone(IST)
    return speech.text("callback_when", day=speech.text(f"weekday_{local.weekday()}"), date=local.day,
                       month=speech.text(f"month_{local.month}"),
                       time=spoken_clock(local.hour * 60 + local.minute, speech))


LANGUAGE_STEP = "after-hours-language"


def closed_greeting(district: District, hotline: Hotline) -> str:
    """A closed hotline: the welcome, then the language (where the district has several), then the hours in it."""
    if len(district.languages) == 1:
        return closed(district, hotline, district.default_language)
    vr = CallScript()
    ivr.add_welcome(vr, district, hotline)
    ivr.add_language_menu(vr, district, attempt=1, step=LANGUAGE_STEP)
    return render(vr)


def language_retry(district: District, attempt: int, digits: str | None) -> str:
    return ivr.retry(district, district.default_language, attempt, digits,
                     lambda vr, n: ivr.add_language_menu(vr, district, n, step=LANGUAGE_STEP))


def closed(district: District, hotline: Hotline, lang: str, attempt: int = 1, retry_key: str | None = None,
           welcome: bool = True) -> str:
    """The hours, then the choices the hotline offers (1: record now, 2: a callback when it opens)."""
    speech = catalog(lang)
    vr = CallScript()
    if retry_key:
        say(vr, speech.text(retry_key), speech)
    elif welcome and hotline.greeting_audio_url:
        vr.play(hotline.greeting_audio_url)
    elif welcome:
        say(vr, speech.text("welcome", district=district.name_in(lang)), speech)
    if hotline.hours is not None:
        say(vr, speech.text("after_hours_closed", hours=spoken_hours(hotline.hours, speech)), speech)
    if hotline.after_hours == ("record",):
        ivr.add_category_menu(vr, district, lang, attempt=1)  # one choice: straight on, no key to press
        return render(vr)
    action = url(path(lang, attempt))
    gather = vr.gather(action, timeout=ivr.GATHER_TIMEOUT_SECONDS, num_digits=1)
    options = []
    if "record" in hotline.after_hours:
        options.append(speech.text("after_hours_record_option"))
    if "callback" in hotline.after_hours:
        options.append(speech.text("after_hours_callback_option"))
    say(gather, " ".join(options), speech)
    vr.redirect(action)
    return render(vr)


def record_now(district: District, lang: str) -> str:
    return ivr.category_menu(district, lang)


def callback_scheduled(lang: str, due_at: datetime) -> str:
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("callback_scheduled", when=spoken_when(due_at, speech)), speech)
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()
    return render(vr)


def callback_refused(district: District, hotline: Hotline, lang: str) -> str:
    """No callback (a withheld number, or the day's callbacks used): record now where allowed, else goodbye."""
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("callback_not_possible"), speech)
    if "record" in hotline.after_hours:
        ivr.add_category_menu(vr, district, lang, attempt=1)
    else:
        say(vr, speech.text("goodbye"), speech)
        vr.hangup()
    return render(vr)


def goodbye(lang: str) -> str:
    return ivr.closing(lang, "goodbye")


def reject() -> str:
    """A missed call: rejected unanswered with a busy tone, so the caller pays nothing; we call back."""
    vr = CallScript()
    vr.reject("busy")
    return render(vr)
