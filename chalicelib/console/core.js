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
export const t = (key) => STRINGS[state.lang][key] ?? STRINGS.en[key] ?? key;

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export function notice(message, ok = false) {
  const box = document.getElementById("notice");
  box.textContent = message || "";
  box.className = ok ? "ok" : "";
  box.hidden = !message;
}

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

export async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = { "Accept-Language": state.lang, Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${BASE}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) { frame.signOut(); throw new ApiError(401, "unauthorized", t("sign_in")); }
  if (raw && response.ok) return response;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.error?.code || "error", data.error?.message || response.statusText);
  return data;
}

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
