// What every page of the console shares: the session's state, the strings, building nodes, the API with the
// user's ID token, the notice line and the district being worked on. app.js sets `frame`'s hooks.
import { STRINGS } from "./strings.js";

export const frame = { render: () => {}, signOut: () => {} };

export const BASE = location.pathname.replace(/\/console(\/.*)?$/, ""); // keeps API Gateway's stage prefix
export const state = {
  lang: localStorage.getItem("samvad.lang") || "hi",
  token: sessionStorage.getItem("samvad.token"),
  me: null, config: null, districts: {}, stateView: null,
};
export const main = document.getElementById("main");
// A string in the user's language with its {placeholders} filled from `values` ("—" for a missing one); a key with
// no string reads as `fallback` (a code the console has no words for yet is shown as it is).
export function t(key, values = null, fallback = key) {
  const text = STRINGS[state.lang][key] ?? STRINGS.en[key] ?? fallback;
  return values ? Object.entries(values).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, v ?? "—"), String(text)) : text;
}

// Text people typed or said (descriptions, names, addresses, transcripts, remarks) is in the language they used,
// not the console's: Hindi in the English console is marked lang="hi", so screen readers speak it as Hindi and
// the Devanagari font is chosen. h(tag, { said: text }) sets the text and marks it when it has any Devanagari;
// h() also marks a `text` or a string child that is mostly Devanagari (a description put in a table cell), and
// saidLang(text) gives the mark for a node built some other way.
export const saidLang = (text) => (/[\u0900-\u097F]/.test(String(text ?? "")) ? "hi" : null);
const mostlyHindi = (text) => (text.match(/[\u0900-\u097F]/g) || []).length > (text.match(/[A-Za-z]/g) || []).length;

function marked(node, text, strict) {
  if (state.lang !== "hi" && (strict ? saidLang(text) : mostlyHindi(text))) node.setAttribute("lang", "hi");
  return node;
}

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text" || k === "said") {
      node.textContent = v;
      marked(node, String(v), k === "said");
    } else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  const given = children.flat().filter((child) => child !== null && child !== undefined);
  for (const child of given) {
    // A Hindi string among other children is wrapped to carry its mark; alone, it marks its parent.
    const hindi = typeof child === "string" && state.lang !== "hi" && mostlyHindi(child);
    if (hindi && given.length === 1 && !attrs.lang) node.setAttribute("lang", "hi");
    node.append(hindi && given.length > 1 ? h("span", { lang: "hi" }, child) : child);
  }
  return node;
}

// The notice line sticks to the top of the window wherever the page is scrolled (style.css), is read out
// (aria-live), and has a close button; a success fades after a few seconds, an error stays until closed.
const NOTICE_FADES_MS = 6000;
let noticeTimer = null;

export function notice(message, ok = false) {
  const box = document.getElementById("notice");
  clearTimeout(noticeTimer);
  box.replaceChildren(...(message ? [h("span", { class: "message", text: message }),
    h("button", { type: "button", class: "close", "aria-label": t("close_notice"), title: t("close_notice"), text: "×",
      onclick: () => notice("") })] : []));
  box.className = ok ? "ok" : "";
  box.setAttribute("role", ok ? "status" : "alert");
  box.hidden = !message;
  if (message && ok) noticeTimer = setTimeout(() => { box.classList.add("fading"); noticeTimer = setTimeout(() => notice(""), 600); }, NOTICE_FADES_MS);
}

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

// The API words its refusals in the language asked for (Accept-Language), so its message is shown as it comes;
// what the browser would say in its own words (no network, a gateway's page) the console says in the user's.
export async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = { "Accept-Language": state.lang, Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`${BASE}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network", t("error_network"));
  }
  const data = raw && response.ok ? null : await response.json().catch(() => ({}));
  if (response.status === 401) { frame.signOut(); throw new ApiError(401, data?.error?.code || "unauthorized", data?.error?.message || t("error_signed_out")); }
  if (raw && response.ok) return response;
  if (!response.ok) throw new ApiError(response.status, data.error?.code || "error", data.error?.message || t("error_unknown"));
  return data;
}

// The browser's own "Please fill out this field" is in the browser's language: every required or patterned field
// says it in the console's instead (a field's data-hint, when it has one, says what form it takes).
document.addEventListener("invalid", (event) => {
  const field = event.target;
  if (!field.setCustomValidity) return;
  field.setCustomValidity("");
  const v = field.validity;
  const says = v.valueMissing ? (field.type === "checkbox" ? t("invalid_tick") : field.tagName === "SELECT" ? t("invalid_choose") : t("invalid_required"))
    : v.patternMismatch || v.typeMismatch ? field.dataset.hint || t("invalid_pattern")
    : v.tooLong ? t("invalid_too_long") : v.tooShort ? t("invalid_too_short")
    : v.rangeUnderflow || v.rangeOverflow || v.stepMismatch || v.badInput ? t("invalid_number") : "";
  if (says) field.setCustomValidity(says);
}, true);
const clearValidity = (event) => { if (event.target.setCustomValidity) event.target.setCustomValidity(""); };
document.addEventListener("input", clearValidity, true);
document.addEventListener("change", clearValidity, true);

export async function run(action) {
  notice("");
  try { return await action(); } catch (error) { notice(error.message); return undefined; }
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString(state.lang === "hi" ? "hi-IN" : "en-IN",
  { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Kolkata" }) : "—");
export const name = (names) => (names ? names[state.lang] || names.en || Object.values(names)[0] : "");

export async function district(code) {
  if (!state.districts[code]) state.districts[code] = await api(`/districts/${code}`);
  return state.districts[code];
}

export function districtCode() {
  return state.me.district || localStorage.getItem("samvad.district") || "";
}

// A state admin, and a state number's executive (an operator of no district), name the district they work on.
export const choosesDistrict = () => state.me.role === "state_admin" || (state.me.state && !state.me.district);

export function districtQuery() {
  return choosesDistrict() ? `&district=${encodeURIComponent(districtCode())}` : "";
}
