"""Every action the code can write on a ticket's timeline is said in words on the ticket page, in Hindi and in
English: chalicelib/domain/timeline_actions.py lists them, the code that writes the timeline is read here to
hold that list to what it writes, and strings.js must have `action_<name>` for each."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from chalicelib.domain.timeline_actions import timeline_actions

ROOT = Path(__file__).resolve().parents[2]
STRINGS = ROOT / "chalicelib" / "console" / "strings.js"


def _blocks() -> dict[str, set[str]]:
    text = STRINGS.read_text(encoding="utf-8")
    hindi, english = text[text.index("  hi: {"):text.index("  en: {")], text[text.index("  en: {"):]
    keys = lambda block: set(re.findall(r'(?:^|[{,]\s*|\n\s*)([a-z_]+): "', block))  # noqa: E731
    return {"hi": keys(hindi), "en": keys(english)}


def _written_actions() -> tuple[set[str], set[str]]:
    """The action names the code writes: literals (a TimelineEntry's action=, the lifecycle's _change's fourth
    argument, or a module constant either names), and the fixed start of those built in an f-string."""
    names: set[str] = set()
    prefixes: set[str] = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        if "local" in path.parts:
            continue  # the admin's machine: writes no timeline of its own
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Name)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            function = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if function == "TimelineEntry" and "AUDIT" not in ast.unparse(call):
                given = [k.value for k in call.keywords if k.arg == "action"]
            elif function == "_change" and len(call.args) >= 4:
                given = [call.args[3]]
            elif function == "_ask_above" and len(call.args) >= 4:
                given = [call.args[3]]
            else:
                continue
            for value in given:
                if isinstance(value, ast.Constant):
                    names.add(value.value)
                elif isinstance(value, ast.Name) and value.id in constants:
                    names.add(constants[value.id])
                elif isinstance(value, ast.JoinedStr):
                    prefixes.add("".join(p.value for p in value.values[:1] if isinstance(p, ast.Constant)))
                elif isinstance(value, ast.Name) and value.id == "action":
                    continue  # _ask_above passes its caller's literal, collected at that call
                else:
                    item = getattr(value, "attr", None) or getattr(value, "id", None) or ast.unparse(value)
                    if not (function == "TimelineEntry" and item in ("action",)):
                        raise AssertionError(f"{path}: an action name the test cannot read: {ast.unparse(value)}")
    return names, prefixes


def test_every_action_the_code_writes_is_in_the_list():
    listed = set(timeline_actions())
    names, prefixes = _written_actions()
    assert len(names) > 20  # the scan found the lifecycle's and the others' writes
    assert names <= listed, names - listed
    # Built names: each family has its entries in the list (a message's statuses, a placed call's).
    for prefix in prefixes:
        assert any(a.startswith(prefix) and a != prefix for a in listed) or prefix == "", prefix
    assert {"message_delivered", "feedback_call_no-answer", "officer_ring_completed", "extension_rejected",
            "closure_rejected"} <= listed


def test_every_timeline_action_has_words_in_both_languages():
    blocks = _blocks()
    for language, keys in blocks.items():
        missing = [a for a in timeline_actions() if "action_" + a.replace("-", "_") not in keys]
        assert not missing, (language, missing)


def test_every_message_line_of_the_timeline_has_words_too():
    # A "message" entry names, per notice, to whom, what kind, the channel and why not another (domain/delivery.py).
    from chalicelib.domain import delivery
    from chalicelib.domain.message_kinds import ALL_KINDS

    reasons = [getattr(delivery, name) for name in ("NO_CONSENT", "NOT_ON_WHATSAPP", "NO_TEMPLATE", "TEMPLATE_REFUSED",
                                                   "BOUNCED", "NO_SENDER", "REFUSED")]
    wanted = ([f"kind_{kind}" for kind in ALL_KINDS] + [f"skip_{reason}" for reason in reasons]
              + [f"to_{who.replace('-', '_')}" for who in ("citizen", "officer", "previous-officer", "approver",
                                                            "requester", "collector")]
              + ["channel_sms", "channel_whatsapp", "channel_ivr", "channel_console"])
    for language, keys in _blocks().items():
        assert not [k for k in wanted if k not in keys], language
