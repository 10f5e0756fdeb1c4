"""The emergency's ring to its officer: the complaint read out, then "press 1 to acknowledge"."""
from __future__ import annotations

from chalicelib.domain.complaint_number import spoken_groups
from chalicelib.domain.officer_rings import ring_answer_path
from chalicelib.i18n import catalog
from chalicelib.operations.officer_ring_answer import RingReply
from chalicelib.telephony.call_script import CallScript, say, url
from chalicelib.telephony.carriers import render


def question(number: str, level: str, reply: RingReply) -> str:
    speech = catalog(reply.language)
    vr = CallScript()
    if reply.retry_key:
        say(vr, speech.text(reply.retry_key), speech)
    action = url(ring_answer_path(number, level, reply.ask_attempt))
    gather = vr.gather(action, timeout=8, num_digits=1)
    say(gather, speech.text("ring_intro", district=reply.district_name, category=reply.category_name), speech)
    if reply.summary:
        say(gather, speech.text("ring_complaint", summary=reply.summary), speech)
    if reply.address:
        say(gather, speech.text("ring_address", address=reply.address), speech)
    say(gather, speech.text("ring_number", number=", ".join(spoken_groups(number))), speech)
    say(gather, speech.text("ring_question"), speech)
    vr.redirect(action)
    return render(vr)
