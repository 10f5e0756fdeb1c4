// The Samvad console: one page, hash routes, the API with the user's ID token. No framework.
import { STRINGS } from "./strings.js";
import { groupedBars, legend, stackedBars } from "./charts.js";

const BASE = location.pathname.replace(/\/console(\/.*)?$/, ""); // keeps API Gateway's stage prefix
const state = {
  lang: localStorage.getItem("samvad.lang") || "hi",
  token: sessionStorage.getItem("samvad.token"),
  me: null, config: null, districts: {}, stateView: null,
};
const main = document.getElementById("main");
const t = (key) => STRINGS[state.lang][key] ?? STRINGS.en[key] ?? key;

// -- helpers ---------------------------------------------------------------------------------------
function h(tag, attrs = {}, ...children) {
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

function notice(message, ok = false) {
  const box = document.getElementById("notice");
  box.textContent = message || "";
  box.className = ok ? "ok" : "";
  box.hidden = !message;
}

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = { "Accept-Language": state.lang, Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${BASE}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) { signOut(); throw new ApiError(401, "unauthorized", t("sign_in")); }
  if (raw && response.ok) return response;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.error?.code || "error", data.error?.message || response.statusText);
  return data;
}

async function run(action) {
  notice("");
  try { return await action(); } catch (error) { notice(error.message); return undefined; }
}

const when = (iso) => (iso ? new Date(iso).toLocaleString(state.lang === "hi" ? "hi-IN" : "en-IN",
  { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Kolkata" }) : "—");
const name = (names) => (names ? names[state.lang] || names.en || Object.values(names)[0] : "");

async function district(code) {
  if (!state.districts[code]) state.districts[code] = await api(`/districts/${code}`);
  return state.districts[code];
}

function districtCode() {
  return state.me.district || localStorage.getItem("samvad.district") || "";
}

// A state admin, and a state number's executive (an operator of no district), name the district they work on.
const choosesDistrict = () => state.me.role === "state_admin" || (state.me.state && !state.me.district);

function districtQuery() {
  return choosesDistrict() ? `&district=${encodeURIComponent(districtCode())}` : "";
}

// -- sign-in -----------------------------------------------------------------------------------------
async function signIn(username, password) {
  const response = await fetch(state.config.auth_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: state.config.client_id,
                           AuthParameters: { USERNAME: username, PASSWORD: password } }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok || !data.AuthenticationResult) throw new Error(data.message || response.statusText);
  state.token = data.AuthenticationResult.IdToken;
  sessionStorage.setItem("samvad.token", state.token);
  state.me = await api("/me");
  go(home());
}

function signOut() {
  state.token = null; state.me = null; state.stateView = null;
  sessionStorage.removeItem("samvad.token");
  go("#/signin");
}

// A new hash renders through `hashchange`; the same hash must be rendered here. Rendering both ways would draw
// the page twice and wipe what someone had started typing into the first one (the sign-in form above all).
function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function home() {
  return { operator: "#/operator", officer: "#/inbox" }[state.me?.role] || "#/dashboard";
}

function signInPage() {
  const user = h("input", { id: "username", autocomplete: "username", required: true });
  const pass = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  return h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); run(() => signIn(user.value.trim(), pass.value)); } },
    h("h1", { text: t("sign_in") }), h("label", { for: "username", text: t("username") }), user,
    h("label", { for: "password", text: t("password") }), pass, h("button", { class: "primary", type: "submit", text: t("sign_in") }));
}

// -- lists -------------------------------------------------------------------------------------------
function statusBadges(item) {
  return [
    item.urgency && item.urgency !== "normal" ? h("span", { class: `badge urgency ${item.urgency === "emergency" ? "bad" : "warn"}`, text: t(`urgency_${item.urgency}`) }) : null,
    item.kind && item.kind !== "complaint" ? h("span", { class: "badge kind", text: t(`kind_${item.kind}`) }) : null,
    h("span", { class: "badge", text: t(`status_${item.status}`) }),
    item.overdue ? h("span", { class: "badge bad", text: t("overdue") }) : null,
    item.at_risk ? h("span", { class: "badge warn", text: t("at_risk") }) : null,
    item.flagged ? h("span", { class: "badge bad", text: t("flagged") }) : null,
  ];
}

// Open emergencies, then urgent ones, head the page; within each, the list's own order stays.
const URGENCY_ORDER = { emergency: 0, urgent: 1 };
const OPEN = ["registered", "acknowledged", "reopened"];
const headFirst = (item) => (OPEN.includes(item.status) ? URGENCY_ORDER[item.urgency] ?? 2 : 2);

function ticketTable(unsorted) {
  if (!unsorted.length) return h("p", { class: "muted", text: t("none") });
  const items = unsorted.map((item, i) => [item, i]).sort(([a, i], [b, j]) => headFirst(a) - headFirst(b) || i - j).map(([item]) => item);
  const found = items.some((item) => item.text !== undefined); // a search by words: each row says what was said
  const head = h("tr", {}, ...["complaint_number", "status", "category", "level", "due", "caller_phone", ...(found ? ["description"] : [])].map((k) => h("th", { text: t(k) })));
  const rows = items.map((item) => h("tr", { "data-number": item.complaint_number },
    h("td", { "data-label": t("complaint_number") }, h("a", { href: `#/ticket/${item.complaint_number}`, text: item.complaint_number })),
    h("td", { "data-label": t("status") }, ...statusBadges(item)),
    h("td", { "data-label": t("category"), text: item.category }),
    h("td", { "data-label": t("level"), text: item.level }),
    h("td", { "data-label": t("due"), text: when(item.level_due_at) }),
    h("td", { "data-label": t("caller_phone"), text: `${item.caller_phone}${item.caller_name ? ` (${item.caller_name})` : ""}` }),
    found ? h("td", { "data-label": t("description"), class: "said", text: item.text }) : null));
  return h("table", { class: "list" }, h("thead", {}, head), h("tbody", {}, rows));
}

// The search box over every list: words, a complaint number or a mobile number (searchPage tells them apart).
function searchBox(q = "") {
  const input = h("input", { id: "q", type: "search", value: q, placeholder: t("search_words"), "aria-label": t("search_words") });
  return h("form", { class: "card search", role: "search", onsubmit: (e) => { e.preventDefault(); location.hash = `#/search?q=${encodeURIComponent(input.value.trim())}`; } },
    input, h("button", { class: "primary", type: "submit", id: "search", text: t("nav_search") }));
}

function pagedList(query, title, exportable = false, path = "/tickets") {
  const box = h("section", { class: "card" }, h("h2", { text: title }));
  const holder = h("div");
  box.append(holder);
  let cursor = null;
  const items = [];
  async function load() {
    const page = await api(`${path}?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.next_cursor;
    holder.replaceChildren(ticketTable(items));
    if (cursor) holder.append(h("button", { class: "secondary", type: "button", text: t("more"), onclick: () => run(load) }));
  }
  if (exportable) box.append(h("button", { class: "secondary", type: "button", text: t("export_csv"), onclick: () => run(() => exportCsv(query)) }));
  run(load);
  return box;
}

async function exportCsv(query) {
  const response = await api(`/tickets/export.csv?${query.replace(/&?limit=\d+/, "")}`, { raw: true });
  const blob = await response.blob();
  const link = h("a", { href: URL.createObjectURL(blob), download: `samvad-${Date.now()}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

// -- operator ----------------------------------------------------------------------------------------
async function complaintForm(prefill = {}) {
  const info = await district(districtCode());
  const field = (id, label, input) => [h("label", { for: id, text: t(label) }), input];
  const phone = h("input", { id: "caller_phone", inputmode: "tel", required: true, placeholder: "+919812345678", value: prefill.phone || "" });
  const callerName = h("input", { id: "caller_name" });
  const address = h("input", { id: "address" });
  const urgency = h("select", { id: "urgency" });
  const urgencyField = h("div", { id: "urgency-field" }, h("label", { for: "urgency", text: t("urgency") }), urgency);
  const kinds = info.kinds || ["complaint"];
  const kind = h("select", { id: "kind", onchange: () => offerCategories() }, kinds.map((k) => h("option", { value: k, text: t(`kind_${k}`) })));
  const kindField = h("div", { id: "kind-field", hidden: kinds.length < 2 }, h("label", { for: "kind", text: t("kind") }), kind);
  const blanks = h("div", { id: "request-form" });
  const isRequest = () => kind.value === "request";
  // Only the urgencies the chosen category has clocks for (a complaint's or a demand's; a suggestion and a request
  // are never urgent); a category with only normal ones shows no choice.
  const offerUrgencies = () => {
    const chosen = info.categories.find((c) => c.id === category.value) || {};
    const offered = ["complaint", "demand"].includes(kind.value) ? chosen.urgencies || ["normal"] : ["normal"];
    urgency.replaceChildren(...offered.map((u) => h("option", { value: u, text: t(`urgency_${u}`), selected: u === (kind.value === "complaint" ? chosen.urgency || "normal" : "normal") })));
    urgencyField.hidden = offered.length < 2;
    const form = (info.requests || []).find((r) => r.id === category.value);
    blanks.replaceChildren(...(isRequest() && form ? form.fields.flatMap((f) => [
      h("label", { for: `form-${f.id}`, text: name(f.names) }),
      h("input", { id: `form-${f.id}`, "data-field": f.id, required: f.required, inputmode: f.type === "phone" ? "tel" : "text" })]) : []));
    description.required = !isRequest();
  };
  const category = h("select", { id: "category", onchange: offerUrgencies });
  const offerCategories = () => {
    const choices = isRequest() ? info.requests || [] : info.categories;
    category.replaceChildren(...choices.map((c) => h("option", { value: c.id, text: name(c.names) })));
    offerUrgencies();
  };
  const language = h("select", { id: "language" }, info.languages.map((l) => h("option", { value: l, text: l === "hi" ? "हिंदी" : l === "en" ? "English" : l })));
  const description = h("textarea", { id: "description", required: true });
  offerCategories();
  const whatsapp = h("input", { id: "whatsapp_consent", type: "checkbox" });
  const result = h("div");
  const form = h("form", { class: "card", onsubmit: (e) => {
    e.preventDefault();
    run(async () => {
      const body = { caller_phone: phone.value.trim(), category: category.value, language: language.value,
                     description: description.value, caller_name: callerName.value, address: address.value };
      if (whatsapp.checked) body.whatsapp_consent = true;  // unticked: no answer, the caller's stays as it was
      if (!urgencyField.hidden) body.urgency = urgency.value;
      if (kind.value !== "complaint") body.kind = kind.value;
      if (isRequest()) body.form = Object.fromEntries([...blanks.querySelectorAll("[data-field]")].filter((i) => i.value.trim()).map((i) => [i.dataset.field, i.value.trim()]));
      if (prefill.call_sid) body.call_sid = prefill.call_sid;
      if (choosesDistrict()) body.district = districtCode();
      const ticket = await api("/tickets", { method: "POST", body });
      result.replaceChildren(h("p", { text: t("registered_as") }),
        h("p", { class: "big", id: "new-number" }, h("a", { href: `#/ticket/${ticket.complaint_number}`, text: ticket.complaint_number })));
      form.reset();
      offerCategories();
    });
  } },
  h("h2", { text: prefill.phone ? t("new_for_caller") : t("nav_new") }),
  h("div", { class: "row" }, h("div", {}, ...field("caller_phone", "caller_phone", phone)), h("div", {}, ...field("caller_name", "caller_name", callerName))),
  ...field("address", "address", address),
  kindField,
  h("div", { class: "row" }, h("div", {}, ...field("category", "category", category)), h("div", {}, ...field("language", "language", language))),
  urgencyField,
  blanks,
  ...field("description", "description", description),
  h("label", { for: "whatsapp_consent" }, whatsapp, ` ${t("whatsapp_consent")}`),
  prefill.call_sid ? h("p", { class: "muted", text: `${t("call_sid")}: ${prefill.call_sid}` }) : null,
  h("button", { class: "primary", type: "submit", text: t("register") }), result);
  return form;
}

async function operatorPage(params) {
  const phone = params.get("phone");
  const parts = [h("h1", { text: t("nav_call") }), ringingCard(params)];
  const lookup = h("input", { id: "pop-phone", inputmode: "tel", placeholder: "+919812345678", value: phone || "" });
  parts.push(h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); location.hash = `#/operator?phone=${encodeURIComponent(lookup.value.trim())}`; } },
    h("label", { for: "pop-phone", text: t("caller_phone") }), lookup, h("button", { class: "primary", type: "submit", text: t("show") })));
  if (phone) {
    parts.push(pagedList(`view=caller&phone=${encodeURIComponent(phone)}&limit=10${districtQuery()}`, t("screen_pop")));
    parts.push(await complaintForm({ phone, call_sid: params.get("call_sid") }));
  }
  return parts;
}

// Calls ringing the operators (operators-mode hotlines): polled while the incoming-call page is open. A new
// call pops its caller's history and the form, prefilled with its CallSid, unless a caller is already shown.
const POLL_MS = 3000;
const CALL_STATES = { ringing: "call_ringing", answered: "call_answered", ended: "call_ended", missed: "call_missed" };
const popped = new Set();
let polling = 0; // the page whose polling is current: an answer that comes back after the page changed does nothing

function stopPolling() {
  if (state.poll) clearInterval(state.poll);
  state.poll = null;
  state.pollNow = null;
  polling += 1;
}

// A hidden tab asks nothing; shown again, it looks at once.
document.addEventListener("visibilitychange", () => { if (!document.hidden && state.pollNow) state.pollNow(); });

function ringingCard(params) {
  const list = h("div", { id: "ringing" }, h("p", { class: "muted", text: t("no_ringing") }));
  const showing = params.get("call_sid");
  if (showing) popped.add(showing);
  const open = (c) => {
    popped.add(c.call_sid);
    if (choosesDistrict() && c.district) localStorage.setItem("samvad.district", c.district); // the call's district
    location.hash = `#/operator?phone=${encodeURIComponent(c.caller_phone)}&call_sid=${c.call_sid}`;
  };
  const mine = polling;
  async function poll() {
    if (document.hidden) return;
    let data;
    try { data = await api(`/calls/ringing?minutes=10${districtQuery()}`); } catch { return; }
    if (mine !== polling) return; // the operator has moved on: no pop onto another page
    list.replaceChildren(...(data.items.length ? data.items.map((c) => h("div", { class: "call", "data-call": c.call_sid },
      h("span", { text: `${t("call_from")} ${c.caller_phone}${choosesDistrict() ? ` · ${c.district}` : ""} · ${when(c.ringing_at)}` }),
      h("span", { class: "badge", text: t(CALL_STATES[c.state]) }),
      c.answered_by ? h("span", { class: "muted", text: `${t("answered_by")} ${c.answered_by}` }) : null,
      c.complaint_number ? h("a", { href: `#/ticket/${c.complaint_number}`, text: c.complaint_number })
        : h("button", { type: "button", class: "open-call", text: t("open_call"), onclick: () => open(c) })))
      : [h("p", { class: "muted", text: t("no_ringing") })]));
    const live = data.items.find((c) => (c.state === "ringing" || c.state === "answered") && !c.complaint_number && !popped.has(c.call_sid));
    if (live && !params.get("phone")) open(live);
  }
  poll();
  state.poll = setInterval(poll, POLL_MS);
  state.pollNow = poll;
  return h("section", { class: "card" }, h("h2", { text: t("ringing_calls") }), list);
}

function searchPage(params) {
  const q = (params.get("q") || "").trim();
  const parts = [h("h1", { text: t("nav_search") }), searchBox(q)];
  const digits = q.replace(/[\s-]/g, "");
  if (/^[A-Z]{2,5}\d{10}$/.test(q.toUpperCase())) parts.push(pagedList(`view=number&number=${q.toUpperCase()}${districtQuery()}`, q.toUpperCase()));
  else if (/^\+?\d{10,15}$/.test(digits)) parts.push(pagedList(`view=caller&phone=${encodeURIComponent(digits.startsWith("+") ? digits : `+91${digits.slice(-10)}`)}${districtQuery()}`, q));
  else if (q) parts.push(pagedList(`q=${encodeURIComponent(q)}&limit=25${districtQuery()}`, `${t("found_by_words")}: ${q}`, false, "/tickets/search"));
  return parts;
}

// -- a ticket ----------------------------------------------------------------------------------------
function actionForm(action, number, fields, onDone) {
  const inputs = {};
  const body = fields.map(([key, kind, extra]) => {
    const id = `${action}-${key}`;
    let input;
    if (kind === "select") input = h("select", { id }, extra.map(([v, label]) => h("option", { value: v, text: label })));
    else if (kind === "number") input = h("input", { id, type: "number", min: 1, max: 30, value: 3 });
    else input = h("textarea", { id, required: true });
    inputs[key] = [kind, input];
    return [h("label", { for: id, text: t(key) }), input];
  });
  return h("details", { "data-action": action }, h("summary", { text: t(action) }),
    h("form", { onsubmit: (e) => {
      e.preventDefault();
      const submitter = e.submitter?.value;
      const payload = {};
      for (const [key, [kind, input]] of Object.entries(inputs)) payload[key] = kind === "number" ? Number(input.value) : input.value;
      if (action === "decide") payload.approve = submitter !== "reject";
      // The API names each action's path (config.json's action_paths); the console keeps no table of its own.
      run(async () => { await api(`/tickets/${number}/${state.config.action_paths[action]}`, { method: "POST", body: payload }); notice(t("done"), true); onDone(); });
    } }, ...body.flat(),
    action === "decide"
      ? [h("button", { class: "primary", type: "submit", value: "approve", text: t("approve") }), h("button", { class: "secondary", type: "submit", value: "reject", text: t("reject") })]
      : h("button", { class: "primary", type: "submit", text: t("send") })));
}

// A message's timeline entry (domain/delivery.py), one line per person: "Citizen · resolution → SMS (WhatsApp: no consent)".
function noticeLine(n) {
  const word = (prefix, key) => t(`${prefix}_${String(key).replaceAll("-", "_")}`);
  const skipped = (n.skipped || []).map((s) => `${word("channel", s.channel)}: ${word("skip", s.reason)}`).join(", ");
  return `${word("to", n.to)} · ${word("kind", n.kind)} → ${n.channel ? word("channel", n.channel) : t("not_sent")}${skipped ? ` (${skipped})` : ""}`;
}

function entryDetail(e) {
  const d = e.detail || {};
  if (d.text_deleted_at && (e.action === "transcript_corrected" || e.action === "transcribed")) return h("div", { class: "muted", text: t("words_deleted") });
  if (e.action === "transcript_deleted") return h("div", { class: "muted", text: t("retention_days").replace("{days}", d.retention_days ?? "—") });
  if (e.action === "transcript_corrected") return h("div", { class: "said" }, h("del", { text: d.before || "—" }), " → ", h("ins", { text: d.after }));
  if (e.action === "transcribed") return h("div", { class: "said", text: [t(`state_${d.status}`), d.text].filter(Boolean).join(" — ") });
  const said = d.remark || d.reason || d.text;
  return said ? h("div", { text: said }) : null;
}

// What the machine heard, said plainly: its status (low confidence: listen first; none: why), the text, who
// corrected it, and the editor. The machine's own text stays readable under a correction.
function transcriptStatus(tr) {
  const percent = tr.confidence === null || tr.confidence === undefined ? "—" : `${Math.round(tr.confidence * 100)}%`;
  return t(`transcript_${tr.status}`).replace("{percent}", percent).replace("{reason}", tr.reason || "—");
}

function transcriptBox(ticket, onSaved) {
  const tr = ticket.transcript;
  const box = h("div", { id: "transcript" }, h("h3", { text: t("transcript") }));
  if (!tr) {
    box.append(h("p", { class: "muted", id: "transcript-status", text: t("transcript_pending") }));
    return box;
  }
  if (tr.deleted_at) { // the district's retention ran out: the words are gone, and nothing is left to correct
    box.append(h("p", { class: "muted", id: "transcript-status", "data-status": "deleted", text: t("transcript_deleted").replace("{date}", when(tr.deleted_at)) }));
    return box;
  }
  const best = tr.corrected_text ?? tr.text;
  const corrected = tr.corrected_text !== null && tr.corrected_text !== undefined; // a person has listened: no alarm
  const warn = corrected || tr.status === "done" ? "" : tr.status === "low_confidence" || tr.status === "empty" ? "warn" : "bad";
  box.append(h("p", { id: "transcript-status", class: `status ${warn}`, "data-status": tr.status, text: transcriptStatus(tr) }));
  if (best) box.append(h("blockquote", { id: "transcript-text", lang: (tr.language || ticket.language || "").slice(0, 2) || undefined, text: best }));
  if (corrected) {
    box.append(h("p", { class: "muted", id: "transcript-corrected", text: `${t("transcript_corrected_by")} ${tr.corrected_by} · ${when(tr.corrected_at)}` }));
    if (tr.text) box.append(h("details", {}, h("summary", { text: t("machine_text") }), h("p", { id: "machine-text", text: tr.text })));
  }
  const open = h("button", { class: "secondary", type: "button", id: "correct-transcript", text: t(best ? "correct_transcript" : "write_transcript"), onclick: () => {
    const editor = h("textarea", { id: "transcript-editor", maxlength: 2000, "aria-label": t("transcript") }, best || "");
    const save = () => run(async () => {
      await api(`/tickets/${ticket.complaint_number}/transcript`, { method: "PUT", body: { text: editor.value } });
      notice(t("saved"), true);
      onSaved();
    });
    open.replaceWith(h("form", { onsubmit: (e) => { e.preventDefault(); save(); } }, editor,
      h("button", { class: "primary", type: "submit", id: "save-transcript", text: t("save") }),
      h("button", { class: "secondary", type: "button", text: t("cancel"), onclick: onSaved })));
    editor.focus();
  } });
  box.append(open);
  return box;
}

// The category the transcript's words point to, beside the existing reroute action (opened and filled in).
function categoryHint(ticket, info) {
  if (!ticket.category_hint) return null;
  const category = info.categories.find((c) => c.id === ticket.category_hint);
  const apply = ticket.allowed_actions.includes("reroute") ? h("button", { class: "secondary", type: "button", id: "apply-hint", text: t("apply_hint"), onclick: () => {
    const form = document.querySelector("details[data-action=reroute]");
    form.open = true;
    form.querySelector("#reroute-category").value = ticket.category_hint;
    const reason = form.querySelector("#reroute-reason");
    if (!reason.value) reason.value = t("hint_reason");
    form.scrollIntoView({ block: "center" });
  } }) : null;
  return h("p", { class: "hint", id: "category-hint" }, `${t("category_hint")} `, h("b", { text: category ? name(category.names) : ticket.category_hint }), " ", apply);
}

async function ticketPage(number) {
  const ticket = await api(`/tickets/${number}`);
  const info = await district(ticket.district);
  const reload = () => render();
  const label = (list, id) => name(list.find((x) => x.id === id)?.names) || id;
  const formRows = Object.entries(ticket.form || {}).map(([id, value]) => [name((info.requests || []).find((r) => r.id === ticket.category)?.fields.find((f) => f.id === id)?.names) || id, value, true]);
  const rows = [["status", statusBadges(ticket)], ["kind", ticket.kind !== "complaint" ? t(`kind_${ticket.kind}`) : null],
    ["category", label([...info.categories, ...(info.requests || [])], ticket.category)], ...formRows,
    ["department", label(info.departments, ticket.department)], ["level", ticket.level],
    ["caller_phone", ticket.caller_phone], ["caller_name", ticket.caller_name], ["address", ticket.address], ["description", ticket.kind === "request" ? null : ticket.description],
    ["created", when(ticket.created_at)], ["due", when(ticket.level_due_at)], ["sla_due", when(ticket.sla_due_at)],
    ["remark", ticket.resolution_remark], ["closure", ticket.closure && (STRINGS[state.lang][`closure_${ticket.closure}`] || ticket.closure)],
    ["whatsapp_updates", t(ticket.whatsapp_consent ? "yes" : "no")]].filter(([, v]) => v !== null && v !== undefined && v !== "");
  const facts = h("table", { class: "list" }, h("tbody", {}, rows.map(([k, v, named]) => h("tr", {}, h("th", { text: named ? k : t(k) }), h("td", { "data-label": named ? k : t(k) }, v)))));
  const player = h("div");
  if (ticket.has_recording) {
    player.append(h("button", { class: "secondary", type: "button", id: "play", text: t("play"), onclick: () => run(async () => {
      const audio = await api(`/tickets/${number}/recording`);
      player.replaceChildren(h("audio", { controls: true, src: `data:${audio.content_type};base64,${audio.data}` }));
    }) }));
  } else player.append(h("p", { class: "muted", text: t("no_recording") }));
  const departments = info.departments.map((d) => [d.id, name(d.names)]);
  const categories = info.categories.map((c) => [c.id, name(c.names)]);
  const forms = {
    acknowledge: [], resolve: [["remark", "text"]], decline: [["reason", "text"]], more_time: [["days", "number"], ["reason", "text"]],
    transfer: [["department", "select", departments.filter(([id]) => id !== ticket.department)], ["reason", "text"]],
    decide: [["note", "text"]], note: [["text", "text"]], reroute: [["category", "select", categories.filter(([id]) => id !== ticket.category)], ["reason", "text"]],
    escalate: [["reason", "text"]],
  };
  const actions = ticket.allowed_actions.map((a) => actionForm(a, number, forms[a] || [], reload));
  const pending = ticket.pending ? h("p", { class: "badge warn", text: `${t("pending_request")}: ${ticket.pending.kind} — ${ticket.pending.reason || ""}` }) : null;
  const timeline = h("ol", { class: "timeline" }, ticket.timeline.map((e) => h("li", {},
    h("b", { text: STRINGS[state.lang][`action_${e.action}`] || e.action.replaceAll("_", " ") }), " · ", h("span", { class: "muted", text: `${when(e.at)} · ${e.actor_type} ${e.actor_id} · ${e.channel}` }),
    entryDetail(e),
    e.detail && Array.isArray(e.detail.notices) ? e.detail.notices.map((n) => h("div", { class: "muted", text: noticeLine(n) })) : null)));
  const heard = ticket.transcript || ticket.has_recording ? transcriptBox(ticket, reload) : null;
  return [h("h1", {}, `${t("complaint_number")}: `, h("span", { id: "ticket-number", text: ticket.complaint_number })),
    h("section", { class: "card" }, facts, pending, categoryHint(ticket, info)),
    h("section", { class: "card" }, h("h2", { text: t(heard ? "recording_and_transcript" : "recording") }),
      h("div", { class: "row heard" }, player, heard)),
    h("section", { class: "card actions" }, h("h2", { text: t("actions") }), actions),
    h("section", { class: "card" }, h("h2", { text: t("timeline") }), timeline)];
}

// -- the Collector -----------------------------------------------------------------------------------
function figure(label, value, id) {
  return h("div", { class: "figure", id }, h("b", { text: value === null || value === undefined ? "—" : String(value) }), h("span", { text: label }));
}

// A state admin picks a district from its state file's list (the state view's), or goes back to the state view.
async function stateDistricts() {
  if (!state.stateView) state.stateView = await api("/dashboard").catch(() => null);
  return state.stateView?.districts || [];
}

function chooseDistrict(code) {
  if (code) localStorage.setItem("samvad.district", code); else localStorage.removeItem("samvad.district");
  render();
}

async function districtPicker() {
  if (state.me.role !== "state_admin") return null;
  const districts = (await stateDistricts()).slice().sort((a, b) => a.code.localeCompare(b.code));
  if (!districts.length) {  // no state file for this sign-in: the code is typed, as before
    const input = h("input", { id: "district", value: districtCode(), placeholder: "RPR" });
    return h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); chooseDistrict(input.value.trim().toUpperCase()); } },
      h("label", { for: "district", text: t("district") }), input, h("button", { class: "primary", type: "submit", text: t("show") }));
  }
  const current = districtCode();
  const select = h("select", { id: "district", onchange: (e) => chooseDistrict(e.target.value) },
    h("option", { value: "", text: t("all_districts"), selected: !current }),
    districts.map((d) => h("option", { value: d.code, text: `${name(d.name) || d.code} (${d.code})`, selected: d.code === current })));
  return h("div", { class: "card" }, h("label", { for: "district", text: t("district") }), select);
}

function stateTable(view) {
  const pct = (v) => (v === null ? "—" : `${v}%`);
  const columns = ["rank", "district", "registered", "resolved", "open_total", "open_overdue", "sla_compliance", "satisfaction", "reopen_rate", "grade"];
  const row = (d) => h("tr", { id: `state-${d.code}`, class: d.ranked ? "ranked" : "unranked" },
    h("td", { "data-label": t("rank"), text: d.ranked ? String(d.rank) : t("not_ranked") }),
    h("td", { "data-label": t("district") }, h("a", { href: "#/dashboard", text: `${name(d.name) || d.code} (${d.code})`,
      onclick: (e) => { e.preventDefault(); chooseDistrict(d.code); } })),
    h("td", { "data-label": t("registered"), text: String(d.totals.registered) }),
    h("td", { "data-label": t("resolved"), text: String(d.totals.resolved) }),
    h("td", { "data-label": t("open_total"), text: String(d.open) }),
    h("td", { "data-label": t("open_overdue"), text: String(d.overdue) }),
    h("td", { "data-label": t("sla_compliance"), text: pct(d.sla_compliance.percent) }),
    h("td", { "data-label": t("satisfaction"), text: pct(d.satisfaction.percent) }),
    h("td", { "data-label": t("reopen_rate"), text: pct(d.reopen_rate.percent) }),
    h("td", { "data-label": t("grade") }, d.ranked ? h("span", { class: `grade grade-${d.grade}`, text: d.grade }) : h("span", { class: "muted", text: "—" })));
  const ranked = view.districts.filter((d) => d.ranked);
  const unranked = view.districts.filter((d) => !d.ranked);
  return h("table", { class: "list", id: "state-view" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { text: t(c) })))),
    h("tbody", {}, ranked.map(row)),
    unranked.length ? h("tbody", { class: "unranked" }, h("tr", {}, h("th", { colspan: columns.length,
      text: t("unranked_below").replace("{n}", view.ranking_min_tickets) })), unranked.map(row)) : null);
}

async function exportStateCsv() {
  const response = await api("/dashboard?format=csv", { raw: true });
  const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `samvad-${state.stateView?.state || "state"}-districts.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

async function statePage() {
  state.stateView = null;  // fresh figures on every visit
  const view = await api("/dashboard");
  state.stateView = view;
  return [h("h1", { text: `${t("state_view")} — ${view.state}` }), await districtPicker(),
    h("section", { class: "card" }, h("p", { class: "muted", text: t("state_view_help").replace("{n}", view.ranking_min_tickets) }),
      stateTable(view), h("button", { class: "secondary", type: "button", id: "state-csv", text: t("export_csv"), onclick: () => run(exportStateCsv) }))];
}

async function dashboardPage() {
  if (state.me.role === "state_admin" && !districtCode()) {
    try { return await statePage(); } catch { return [await districtPicker()]; }
  }
  if (!districtCode()) return [await districtPicker()];
  const d = await api(`/dashboard?${districtQuery().slice(1)}`);
  const pct = (v) => (v === null ? "—" : `${v}%`);
  const totals = ["today", "week", "month"].map((span) => h("section", { class: "card" }, h("h2", { text: t(span) }),
    h("div", { class: "figures" }, ...["registered", "resolved", "closed", "reopened", "escalated"].map((k) => figure(t(k), d.totals[span][k], `fig-${span}-${k}`)))));
  const levels = ["L1", "L2", "L3", "L4"];
  const hours = Array.from({ length: 24 }, (_, hour) => ({ label: String(hour),
    values: [d.calls_by_hour.reduce((n, l) => n + l.hours[hour].answered, 0), d.calls_by_hour.reduce((n, l) => n + l.hours[hour].abandoned, 0)] }));
  return [
    await districtPicker(), h("h1", { text: `${t("nav_dashboard")} — ${d.district}` }), ...totals,
    h("section", { class: "card" }, h("div", { class: "figures" },
      figure(t("open_emergencies"), d.open_emergencies, "fig-emergencies"), figure(t("open_urgent"), d.open_urgent, "fig-urgent"),
      figure(t("open_total"), d.open_total, "fig-open"), figure(t("open_overdue"), d.open_overdue, "fig-overdue"),
      figure(t("sla_compliance"), pct(d.sla_compliance.percent), "fig-sla"), figure(t("satisfaction"), pct(d.closures.satisfied_percent), "fig-satisfied"),
      figure(t("reopen_rate"), pct(d.reopen_rate.percent), "fig-reopen"), figure(t("median_hours"), d.median_hours_to_resolve, "fig-median"))),
    h("section", { class: "card" }, h("h2", { text: t("daily") }), legend([t("registered"), t("resolved")]),
      groupedBars(d.daily.map((day) => ({ label: day.date.slice(8), values: [day.registered, day.resolved] })), [t("registered"), t("resolved")], t("daily"), 3)),
    h("section", { class: "card" }, h("h2", { text: t("pending") }), legend(levels),
      stackedBars(d.pending.map((p) => ({ label: name(p.names), values: levels.map((l) => p[l]) })), levels, t("pending"))),
    h("section", { class: "card" }, h("h2", { text: t("calls_by_hour") }), legend([t("answered"), t("abandoned")]),
      groupedBars(hours, [t("answered"), t("abandoned")], t("calls_by_hour"), 2)),
    h("section", { class: "card" }, h("h2", { text: t("calls_by_line") }), h("table", { class: "list", id: "calls-by-line" }, h("tbody", {}, d.calls_by_hour.map((l) => h("tr", {},
      h("td", { "data-label": t("line"), text: `${l.line} (${l.hotline})` }),
      h("td", { "data-label": t("answered"), text: String(l.hours.reduce((n, x) => n + x.answered, 0)) }),
      h("td", { "data-label": t("abandoned"), text: String(l.hours.reduce((n, x) => n + x.abandoned, 0)) })))))),
    h("section", { class: "card" }, h("h2", { text: t("grades") }), h("table", { class: "list" }, h("tbody", {}, d.grades.map((g) => h("tr", {},
      h("td", { "data-label": t("department"), text: name(g.names) }), h("td", { "data-label": t("grade") }, h("span", { class: `grade grade-${g.grade}`, text: g.grade })),
      h("td", { "data-label": t("sla_compliance"), text: pct(g.in_sla_percent) }), h("td", { "data-label": t("open_overdue"), text: String(g.open_overdue) })))))),
    pagedList(`view=overdue&limit=10${districtQuery()}`, t("overdue_list"), true),
    pagedList(`view=at_risk&limit=10${districtQuery()}`, t("at_risk_list"), true),
    ...((await district(districtCode())).kinds || []).filter((k) => k !== "complaint").map((k) =>
      pagedList(`view=kind&kind=${k}&limit=10${districtQuery()}`, t(`week_of_${k}`), true)),
  ];
}

// -- directory admin ---------------------------------------------------------------------------------
async function directoryPage() {
  if (!districtCode()) return [await districtPicker()];
  const code = districtCode();
  const { config, version } = await api(`/districts/${code}/config`);
  const draft = structuredClone(config);
  const levels = ["L1", "L2", "L3", "L4"];
  const officerRows = draft.departments.map((dep, i) => h("tr", {}, h("td", { "data-label": t("department"), text: name(dep.name) || dep.id }),
    ...levels.map((level) => h("td", { "data-label": level }, h("input", { id: `officer-${dep.id}-${level}`, "aria-label": `${dep.id} ${level} ${t("phone")}`,
      value: dep.officers?.[level]?.phone || "", placeholder: "+91…", oninput: (e) => {
        draft.departments[i].officers = draft.departments[i].officers || {};
        const phone = e.target.value.trim();
        if (phone) draft.departments[i].officers[level] = { ...(draft.departments[i].officers[level] || { name: `${dep.id} ${level}` }), phone };
        else delete draft.departments[i].officers[level];
      } })))));
  const categoryRows = draft.categories.map((c, i) => h("tr", {}, h("td", { "data-label": t("category"), text: `${c.id} — ${name(c.name)}` }),
    h("td", { "data-label": t("department") }, h("select", { "aria-label": `${c.id} ${t("department")}`, onchange: (e) => { draft.categories[i].department = e.target.value; } },
      draft.departments.map((d) => h("option", { value: d.id, text: d.id, selected: d.id === c.department })))),
    h("td", { "data-label": t("sla_hours") }, h("input", { id: `sla-${c.id}`, type: "number", min: 1, value: c.sla_hours, oninput: (e) => { draft.categories[i].sla_hours = Number(e.target.value); } }))));
  const hotlineRows = draft.hotlines.map((hl, i) => h("tr", {}, h("td", { "data-label": t("id"), text: hl.id }),
    h("td", { "data-label": t("lines") }, h("input", { "aria-label": `${hl.id} ${t("lines")}`, value: hl.lines.join(", "), oninput: (e) => {
      draft.hotlines[i].lines = e.target.value.split(",").map((s) => s.trim()).filter(Boolean); } })),
    h("td", { "data-label": t("short_code") }, h("input", { id: `short-${hl.id}`, "aria-label": `${hl.id} ${t("short_code")}`, inputmode: "numeric",
      placeholder: "1950", value: hl.short_code ?? "", oninput: (e) => {
        const code = e.target.value.trim();
        if (code) draft.hotlines[i].short_code = code; else delete draft.hotlines[i].short_code; } }))));
  const operators = h("textarea", { class: "code", id: "operators-json" }, JSON.stringify(draft.operators || [], null, 2));
  const rest = Object.fromEntries(Object.entries(draft).filter(([k]) => !["departments", "categories", "hotlines", "operators"].includes(k)));
  const restBox = h("textarea", { class: "code", id: "rest-json" }, JSON.stringify(rest, null, 2));
  const summary = h("input", { id: "summary" });
  const save = () => run(async () => {
    let others, roster;
    try { others = JSON.parse(restBox.value); roster = JSON.parse(operators.value); } catch (error) { throw new Error(`JSON: ${error.message}`); }
    const body = { version, summary: summary.value, config: { ...others, departments: draft.departments, categories: draft.categories, hotlines: draft.hotlines, operators: roster } };
    const saved = await api(`/districts/${code}/config`, { method: "PUT", body });
    delete state.districts[code];
    notice(`${t("saved")} ${t("version")} ${saved.version}`, true);
    render();
  });
  const [audit, blocked] = await Promise.all([api(`/districts/${code}/audit?limit=20`), blocklistSection(code)]);
  return [await districtPicker(), h("h1", { text: `${t("nav_directory")} — ${code} (${t("version")} ${version})` }),
    h("section", { class: "card" }, h("h2", { text: t("officers") }), h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", { text: t("department") }), levels.map((l) => h("th", { text: l })))), h("tbody", {}, officerRows))),
    h("section", { class: "card" }, h("h2", { text: t("categories") }), h("table", { class: "list" }, h("tbody", {}, categoryRows))),
    h("section", { class: "card" }, h("h2", { text: t("hotlines") }), h("table", { class: "list" }, h("tbody", {}, hotlineRows))),
    h("section", { class: "card" }, h("h2", { text: t("operators") }), operators),
    h("section", { class: "card" }, h("h2", { text: t("other_sections") }), restBox),
    h("section", { class: "card" }, h("label", { for: "summary", text: t("summary") }), summary, h("button", { class: "primary", type: "button", id: "save", text: t("save"), onclick: save })),
    blocked,
    pinResetSection(code),
    state.me.role === "collector" ? ownPinCard() : null,
    h("section", { class: "card" }, h("h2", { text: t("audit") }), h("table", { class: "list" }, h("tbody", {}, audit.items.map((a) => h("tr", {},
      h("td", { "data-label": t("created"), text: when(a.at) }), h("td", { text: a.by }), h("td", { text: `${t("version")} ${a.version}` }), h("td", { text: a.summary })))))),
  ];
}

// The Collector's office's blocklist (its own API: a save here does not touch the district file's version).
async function blocklistSection(code) {
  const { items } = await api(`/districts/${code}/blocklist`);
  const phone = h("input", { id: "block-phone", placeholder: "+91…", "aria-label": t("phone") });
  const reason = h("input", { id: "block-reason", "aria-label": t("block_reason"), placeholder: t("block_reason") });
  const change = (method, number, body) => run(async () => {
    await api(`/districts/${code}/blocklist/${number.replace(/^\+/, "")}`, { method, body });
    notice(t("saved"), true);
    render();
  });
  const rows = items.map((b) => h("tr", {}, h("td", { "data-label": t("phone"), text: b.phone }),
    h("td", { "data-label": t("block_reason"), text: b.reason }), h("td", { text: `${b.by} · ${when(b.at)}` }),
    h("td", {}, h("button", { type: "button", text: t("unblock"), onclick: () => change("DELETE", b.phone) }))));
  return h("section", { class: "card", id: "blocklist" }, h("h2", { text: t("blocklist") }), h("p", { text: t("blocklist_help") }),
    items.length ? h("table", { class: "list" }, h("tbody", {}, rows)) : h("p", { text: t("blocklist_empty") }),
    phone, reason, h("button", { type: "button", id: "block", text: t("block"),
      onclick: () => change("PUT", phone.value.trim(), { reason: reason.value.trim() }) }));
}

// The officers' IVR PIN: one's own (an officer's post, the Collector), and the Collector's office's reset of any
// officer's. Only its hash is kept; nothing here shows a PIN back.
function pinInput(id) {
  return h("input", { id, type: "password", inputmode: "numeric", autocomplete: "off", pattern: "[0-9]{4,8}",
    maxlength: 8, "aria-label": t("ivr_pin") });
}

function ownPinCard() {
  const pin = pinInput("own-pin");
  const save = () => run(async () => {
    await api("/me/pin", { method: "PUT", body: { pin: pin.value.trim() } });
    pin.value = "";
    notice(t("ivr_pin_set"), true);
  });
  return h("section", { class: "card", id: "ivr-pin" }, h("h2", { text: t("ivr_pin") }), h("p", { text: t("ivr_pin_help") }),
    pin, h("button", { type: "button", id: "set-pin", text: t("save"), onclick: save }));
}

function pinResetSection(code) {
  const phone = h("input", { id: "pin-phone", placeholder: "+91…", "aria-label": t("phone") });
  const pin = pinInput("reset-pin");
  const reset = () => run(async () => {
    await api(`/districts/${code}/officer-pins/${phone.value.trim().replace(/^\+/, "")}`, { method: "PUT", body: { pin: pin.value.trim() } });
    notice(t("ivr_pin_set"), true);
    render();  // the change record shows the reset
  });
  return h("section", { class: "card", id: "pin-reset" }, h("h2", { text: t("ivr_pin_reset") }), h("p", { text: t("ivr_pin_reset_help") }),
    phone, pin, h("button", { type: "button", id: "reset-pin-button", text: t("save"), onclick: reset }));
}

// -- frame -------------------------------------------------------------------------------------------
function navigation() {
  const links = {
    operator: [["#/operator", "nav_call"], ["#/new", "nav_new"], ["#/search", "nav_search"], ["#/queue", "nav_queue"]],
    officer: [["#/inbox", "nav_inbox"], ["#/search", "nav_search"]],
    collector: [["#/dashboard", "nav_dashboard"], ["#/queue", "nav_queue"], ["#/search", "nav_search"], ["#/new", "nav_new"], ["#/directory", "nav_directory"]],
  };
  const items = links[state.me?.role] || (state.me ? links.collector : []);
  document.getElementById("nav").replaceChildren(...items.map(([href, key]) => h("a", { href, text: t(key) })),
    state.me ? h("span", { class: "who", text: `${t("signed_in_as")} ${state.me.name} (${t(state.me.role)})` }) : "");
}

async function page() {
  const [path, query] = location.hash.slice(1).split("?");
  const params = new URLSearchParams(query || "");
  if (!state.me) return [signInPage()];
  if (path.startsWith("/ticket/")) return ticketPage(path.slice(8));
  switch (path) {
    case "/operator": return operatorPage(params);
    case "/new": return [h("h1", { text: t("nav_new") }), await complaintForm({})];
    case "/search": return searchPage(params);
    case "/queue": return [h("h1", { text: t("nav_queue") }), searchBox(), pagedList(`view=recent&limit=25${districtQuery()}`, t("nav_queue"), state.me.role !== "operator")];
    case "/inbox": return [h("h1", { text: t("nav_inbox") }), searchBox(), pagedList("view=inbox&limit=25", `${state.me.department} ${state.me.level}`), ownPinCard()];
    case "/dashboard": return dashboardPage();
    case "/directory": return directoryPage();
    default: location.hash = home(); return [];
  }
}

let renders = 0; // the latest render: a slower one that started before it must not draw over it

async function render() {
  const mine = ++renders;
  stopPolling();
  document.documentElement.lang = state.lang;
  document.getElementById("lang").textContent = t("other_language");
  document.getElementById("signout").hidden = !state.me;
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  navigation();
  let content;
  try {
    content = (await page()).filter(Boolean);
  } catch (error) {
    content = [h("p", { class: "muted", text: error.message })];
  }
  if (mine === renders) main.replaceChildren(...content);
}

async function start() {
  document.getElementById("lang").addEventListener("click", () => {
    state.lang = state.lang === "hi" ? "en" : "hi";
    localStorage.setItem("samvad.lang", state.lang);
    render();
  });
  document.getElementById("signout").addEventListener("click", signOut);
  window.addEventListener("hashchange", () => { notice(""); render(); });
  state.config = await (await fetch("config.json")).json();
  if (state.token) {
    try { state.me = await api("/me"); } catch { state.me = null; }
  }
  if (!state.me && location.hash !== "#/signin") location.hash = "#/signin";
  render();
}

start();
