// Times in words beside their dates: how long until a deadline or how late it is ("5 घंटे में" / "due in 5 h",
// "2 दिन देर से" / "2 days late"), and how long ago something happened ("3 दिन पहले" / "3 days ago").
// No state of its own (the language and the time are passed in), so any page can use it: lists.js's rows and
// ticket.js's due line. Exports: timeLeft(dueIso, startIso, lang, now) → { text, tone }, ago(iso, lang, now).
import { STRINGS } from "./strings.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SOON = 0.25; // the last quarter of a deadline's clock: amber

function words(lang, key, n) {
  const table = STRINGS[lang] || STRINGS.en;
  const text = (n === 1 && table[`${key}_one`]) || table[key] || STRINGS.en[key];
  return text.replace("{n}", String(n));
}

// The largest unit that says it in a whole number: minutes under an hour, hours under two days, then days.
// Whole units gone by, never rounded up: "due in 2 days" with 2 days 22 hours left promises no more time than there is.
function span(ms) {
  if (ms < HOUR) return ["minutes", Math.max(1, Math.floor(ms / MINUTE))];
  if (ms < 2 * DAY) return ["hours", Math.floor(ms / HOUR)];
  return ["days", Math.floor(ms / DAY)];
}

// tone: "late" past the deadline, "soon" in the last quarter of its clock (from startIso), "ok" before that.
export function timeLeft(dueIso, startIso, lang, now = Date.now()) {
  if (!dueIso) return { text: "", tone: "ok" };
  const due = Date.parse(dueIso);
  const left = due - now;
  if (left <= 0) {
    const [unit, n] = span(-left);
    return { text: words(lang, `late_${unit}`, n), tone: "late" };
  }
  const start = startIso ? Date.parse(startIso) : NaN;
  const clock = Number.isFinite(start) && due > start ? due - start : NaN;
  const [unit, n] = span(left);
  return { text: words(lang, `due_in_${unit}`, n), tone: Number.isFinite(clock) && left <= clock * SOON ? "soon" : "ok" };
}

export function ago(iso, lang, now = Date.now()) {
  if (!iso) return "";
  const past = now - Date.parse(iso);
  if (past < MINUTE) return words(lang, "just_now", 0);
  const [unit, n] = span(past);
  return words(lang, `ago_${unit}`, n);
}
