// The operator's pages: the complaint form, the incoming calls that ring the operators, and search.
import { api, choosesDistrict, district, districtCode, districtQuery, frame, h, name, notice, run, state, t, when } from "./core.js";
import { pagedList, searchBox } from "./lists.js";

// The complaint form. prefill: the caller's phone (and name, address) and the CallSid of the call they are on;
// more_on_call: one more complaint from that call (the API links it to the call, the first keeps the recording);
// registered: the numbers this call has had so far, shown under the form.
export async function complaintForm(prefill = {}) {
  const info = await district(districtCode());
  const registered = prefill.registered || [];
  let moreOnCall = Boolean(prefill.more_on_call);
  // The form's own id: posting it again (a retry after a lost answer) gives back its ticket, never a second one.
  const newSubmission = () => crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  let submission = newSubmission();
  const field = (id, label, input) => [h("label", { for: id, text: t(label) }), input];
  const phone = h("input", { id: "caller_phone", inputmode: "tel", required: true, placeholder: "+919812345678", value: prefill.phone || "",
    pattern: "\\+[1-9][0-9]{6,14}", "data-hint": t("hint_phone"), autocomplete: "off" });
  const callerName = h("input", { id: "caller_name", value: prefill.name || "", autocomplete: "off" });
  const address = h("input", { id: "address", value: prefill.address || "", autocomplete: "off" });
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
      h("input", { id: `form-${f.id}`, "data-field": f.id, required: f.required, inputmode: f.type === "phone" ? "tel" : "text",
        ...(f.type === "phone" ? { pattern: "\\+[1-9][0-9]{6,14}", "data-hint": t("hint_phone") } : {}) })]) : []));
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
  const result = h("div", { id: "register-result" });
  const submit = h("button", { class: "primary", type: "submit", text: t("register") });
  const callNumbers = h("p", { id: "call-complaints", hidden: true });
  const listCallNumbers = () => {
    callNumbers.replaceChildren(`${t("call_complaints")}: `, ...registered.flatMap((n, i) => [i ? ", " : "", h("a", { href: `#/ticket/${n}`, text: n })]));
    callNumbers.hidden = !registered.length;
  };
  listCallNumbers();
  // What comes after a complaint of a call: another from the same caller and call, or the call is over and the
  // form forgets it (a CallSid left in the form would be refused as the call's ticket again).
  const nextSteps = (another) => h("div", { class: "next-steps" },
    h("button", { type: "button", class: "primary", id: "more-from-call", text: t("more_from_call"), onclick: another }),
    h("button", { type: "button", class: "secondary", id: "end-call", text: t("end_call"), onclick: endCall }));
  const keep = () => ({ phone: phone.value.trim(), name: callerName.value, address: address.value, call_sid: prefill.call_sid });
  const form = h("form", { class: "card", id: "complaint-form", onsubmit: (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;  // one registration per press: a double click must not make two complaints
    run(async () => {
      const body = { caller_phone: phone.value.trim(), category: category.value, language: language.value,
                     description: description.value, caller_name: callerName.value, address: address.value, submission };
      if (whatsapp.checked) body.whatsapp_consent = true;  // unticked: no answer, the caller's stays as it was
      if (!urgencyField.hidden) body.urgency = urgency.value;
      if (kind.value !== "complaint") body.kind = kind.value;
      if (isRequest()) body.form = Object.fromEntries([...blanks.querySelectorAll("[data-field]")].filter((i) => i.value.trim()).map((i) => [i.dataset.field, i.value.trim()]));
      if (prefill.call_sid) body.call_sid = prefill.call_sid;
      if (prefill.call_sid && moreOnCall) body.more_on_call = true;
      if (choosesDistrict()) body.district = districtCode();
      let ticket;
      try {
        ticket = await api("/tickets", { method: "POST", body });
      } catch (error) {
        submit.disabled = false;
        // The call has its complaint already (the IVR's, or another desk's): this one can join it as another.
        if (error.code === "call_has_ticket") result.replaceChildren(nextSteps(() => { moreOnCall = true; form.requestSubmit(); }));
        throw error;
      }
      registered.push(ticket.complaint_number);
      notice(`${t("registered_as")} ${ticket.complaint_number}`, true); // in view, wherever the form was scrolled
      listCallNumbers();
      result.replaceChildren(...[h("p", { text: t("registered_as") }),
        h("p", { class: "big", id: "new-number" }, h("a", { href: `#/ticket/${ticket.complaint_number}`, text: ticket.complaint_number })),
        prefill.call_sid ? nextSteps(async () => form.replaceWith(await complaintForm({ ...keep(), more_on_call: true, registered }))) : null].filter(Boolean));
      if (prefill.call_sid) {
        result.querySelector("#more-from-call").focus();
        return;  // the call's form stays as sent until the operator says what comes next
      }
      submit.disabled = false;
      form.reset();
      submission = newSubmission();
      offerCategories();
    }).finally(() => { if (!prefill.call_sid) submit.disabled = false; });
  } },
  h("h2", { text: moreOnCall ? t("more_on_call_heading") : prefill.phone ? t("new_for_caller") : t("nav_new") }),
  h("div", { class: "row" }, h("div", {}, ...field("caller_phone", "caller_phone", phone)), h("div", {}, ...field("caller_name", "caller_name", callerName))),
  ...field("address", "address", address),
  kindField,
  h("div", { class: "row" }, h("div", {}, ...field("category", "category", category)), h("div", {}, ...field("language", "language", language))),
  urgencyField,
  blanks,
  ...field("description", "description", description),
  h("label", { for: "whatsapp_consent" }, whatsapp, ` ${t("whatsapp_consent")}`),
  prefill.call_sid ? h("p", { class: "muted", id: "form-call" }, `${t("call_sid")}: ${prefill.call_sid}`) : null,
  submit, result, callNumbers);
  if (moreOnCall) queueMicrotask(() => description.focus());
  return form;
}

// The call is over: the form forgets it; an operator goes back to the incoming calls, anyone else to a new form.
function endCall() {
  const next = state.me.role === "operator" ? "#/operator" : "#/new";
  if (location.hash === next) frame.render();
  else location.hash = next;
}

export async function operatorPage(params) {
  const phone = params.get("phone");
  const parts = [h("h1", { text: t("nav_call") }), ringingCard(params)];
  const lookup = h("input", { id: "pop-phone", inputmode: "tel", placeholder: "+919812345678", value: phone || "", autocomplete: "off" });
  // A mobile number shows the caller's complaints and the form; a name (or anything else) is searched for.
  const lookFor = (typed) => {
    const phoneTyped = asPhone(typed);
    return phoneTyped ? `#/operator?phone=${encodeURIComponent(phoneTyped)}` : `#/search?q=${encodeURIComponent(typed.trim())}`;
  };
  parts.push(h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); location.hash = lookFor(lookup.value); } },
    h("label", { for: "pop-phone", text: t("caller_phone") }), lookup, h("button", { class: "primary", type: "submit", text: t("show") })));
  const callSid = params.get("call_sid") || "";
  // A sign-language video call's card (its module fetched only for one): join, the citizen, consent, time left.
  if (phone && isVideoCall(callSid)) parts.push(await (await import("./video_call.js")).videoCard(callSid));
  if (phone) {
    parts.push(pagedList(`view=caller&phone=${encodeURIComponent(phone)}&limit=10${districtQuery()}`, t("screen_pop")));
    parts.push(await complaintForm({ phone, call_sid: params.get("call_sid") }));
  }
  return parts;
}

// A sign-language video call's id beside the carriers' CallSids (domain/video_calls.py: "VC" + 32 hex).
const isVideoCall = (sid) => /^VC[0-9a-f]{32}$/.test(sid || "");
const isVideo = (c) => c.kind === "video";

// -- calls ringing the operators ---------------------------------------------------------------------------
// Operators-mode hotlines ring the operators on duty; the console learns of it by asking GET /api/calls/ringing.
// One poller for the whole console (not one per page): every 3 s at most, nothing while the tab is hidden and at
// once when it is shown again. A call that rings pops a banner on every page, changes the tab's title and beeps;
// the incoming-call page lists the calls and opens a new one itself when no caller is shown.
const POLL_MS = 3000;
const CALL_STATES = { ringing: "call_ringing", answered: "call_answered", ended: "call_ended", missed: "call_missed" };
const watch = { timer: null, last: 0, busy: false, session: 0, calls: [], page: null, opened: new Set(), heard: new Set() };
let plainTitle = null;

// Operators are rung, a state's executives (operators of a state number, no district of their own) too.
const rung = () => state.me?.role === "operator";

export function watchCalls() {
  if (!rung()) { stopWatching(); return; }
  if (watch.timer) return;
  watch.timer = setInterval(pollCalls, POLL_MS);
  pollCalls();
}

export function stopWatching() {
  clearInterval(watch.timer);
  watch.timer = null;
  watch.session += 1; // an answer on its way for the signed-out user draws nothing
  watch.calls = [];
  watch.page = null;
  showBanner();
}

// A page is drawn anew: the incoming-call page listens again if it is the one drawn.
export function stopPolling() {
  watch.page = null;
}

async function pollCalls() {
  if (document.hidden || watch.busy || Date.now() - watch.last < POLL_MS - 200) return;
  watch.last = Date.now();
  watch.busy = true;
  const session = watch.session;
  let data;
  try { data = await api(`/calls/ringing?minutes=10${districtQuery()}`); } catch { return; } finally { watch.busy = false; }
  if (session !== watch.session) return;
  watch.calls = data.items;
  if (watch.page) watch.page(data.items);
  showBanner();
}

// A hidden tab asks nothing; shown again, it looks at once.
document.addEventListener("visibilitychange", () => { if (!document.hidden && watch.timer) pollCalls(); });

// The banner: a call still ringing, or one this operator picked up and has not opened yet.
const live = (c) => !c.complaint_number && !watch.opened.has(c.call_sid)
  && (c.state === "ringing" || (c.state === "answered" && c.answered_by === state.me?.username));
// The incoming-call page opens any call on the line with no complaint yet (whoever's phone picked it up: the
// desk's operators share the page).
const poppable = (c) => !c.complaint_number && !watch.opened.has(c.call_sid) && ["ringing", "answered"].includes(c.state);

function openCall(c) {
  watch.opened.add(c.call_sid);
  if (choosesDistrict() && c.district) localStorage.setItem("samvad.district", c.district); // the call's district
  showBanner();
  location.hash = `#/operator?phone=${encodeURIComponent(c.caller_phone)}&call_sid=${c.call_sid}`;
}

const askedPlaces = new Set();
function placeName(code) {
  if (!code) return "";
  const known = state.districts[code];
  if (known) return name(known.names) || code;
  if (!askedPlaces.has(code)) {
    askedPlaces.add(code); // read once, then the banner names it
    district(code).then(showBanner, () => {});
  }
  return code;
}

function showBanner() {
  const ringing = watch.calls.filter(live);
  let banner = document.getElementById("call-banner");
  if (!banner) {
    banner = h("div", { id: "call-banner", role: "alert", hidden: true });
    document.getElementById("notice").before(banner); // in the frame's sticky #alerts, above the notice line
  }
  if (plainTitle === null) plainTitle = document.title;
  document.title = ringing.length ? t("ringing_title") : plainTitle;
  if (!ringing.length) { banner.hidden = true; banner.replaceChildren(); return; }
  const c = ringing[0];
  const where = placeName(c.district);
  banner.replaceChildren(...[h("span", { class: "ring", "aria-hidden": "true", text: "☎" }),
    h("span", { class: "who", text: `${t(isVideo(c) ? "video_ringing_banner" : "ringing_banner")}: ${c.caller_phone}${where ? ` · ${where}` : ""}` }),
    isVideo(c) ? h("span", { class: "badge video", text: t("video_badge") }) : null,
    ringing.length > 1 ? h("span", { class: "badge", text: `+${ringing.length - 1}` }) : null,
    h("button", { type: "button", class: "primary", id: "call-banner-open", text: t("open_call"), onclick: () => openCall(c) })].filter(Boolean));
  banner.hidden = false;
  banner.dataset.kind = isVideo(c) ? "video" : "voice";
  for (const call of ringing) {
    if (watch.heard.has(call.call_sid)) continue;
    watch.heard.add(call.call_sid);
    banner.dataset.sound = beep() ? "played" : "refused";
  }
}

// A short double beep made by the Web Audio API (no sound file to fetch). Browsers refuse sound until the person
// has clicked or typed on the page: then the banner and the title say it alone.
let sound = null;
function beep() {
  try {
    sound ??= new AudioContext();
    if (sound.state !== "running") return false;
    const at = sound.currentTime;
    for (const start of [0, 0.3]) {
      const tone = sound.createOscillator();
      const gain = sound.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.25, at + start);
      gain.gain.exponentialRampToValueAtTime(0.001, at + start + 0.22);
      tone.connect(gain).connect(sound.destination);
      tone.start(at + start);
      tone.stop(at + start + 0.22);
    }
    return true;
  } catch {
    return false;
  }
}
// The first click or key lets the page make sound from then on.
const unlock = () => { try { sound ??= new AudioContext(); sound.resume(); } catch { /* no Web Audio: no sound */ } };
document.addEventListener("pointerdown", unlock, { once: true, capture: true });
document.addEventListener("keydown", unlock, { once: true, capture: true });

function ringingCard(params) {
  const list = h("div", { id: "ringing" }, h("p", { class: "muted", text: t("no_ringing") }));
  const showing = params.get("call_sid");
  if (showing) watch.opened.add(showing);
  const draw = (items) => {
    list.replaceChildren(...(items.length ? items.map((c) => h("div", { class: "call", "data-call": c.call_sid, "data-kind": isVideo(c) ? "video" : "voice" },
      h("span", { text: `${t(isVideo(c) ? "video_call_from" : "call_from")} ${c.caller_phone}${choosesDistrict() ? ` · ${placeName(c.district)}` : ""} · ${when(c.ringing_at)}` }),
      h("span", { class: "badge", text: isVideo(c) ? t(`video_state_${c.video?.state || c.state}`, null, t(CALL_STATES[c.state])) : t(CALL_STATES[c.state]) }),
      c.answered_by ? h("span", { class: "muted", text: `${t("answered_by")} ${c.answered_by}` }) : null,
      ...(c.complaint_numbers?.length ? c.complaint_numbers : c.complaint_number ? [c.complaint_number] : [])
        .map((n) => h("a", { href: `#/ticket/${n}`, text: n })),
      c.complaint_number ? null : h("button", { type: "button", class: "open-call", text: t("open_call"), onclick: () => openCall(c) })))
      : [h("p", { class: "muted", text: t("no_ringing") })]));
    const next = items.find(poppable);
    if (next && !params.get("phone")) openCall(next);
  };
  watch.page = draw;
  if (watch.calls.length) draw(watch.calls);
  pollCalls();
  return h("section", { class: "card" }, h("h2", { text: t("ringing_calls") }), list);
}

// A mobile number as typed (spaces, dashes, the 10 digits alone) in E.164; null for anything else, a name above all.
function asPhone(typed) {
  const digits = String(typed || "").replace(/[\s-]/g, "");
  if (!/^\+?\d{10,15}$/.test(digits)) return null;
  return digits.startsWith("+") ? digits : `+91${digits.slice(-10)}`;
}

// The search box takes a complaint number, a mobile number, or words: of the complaint or the caller's name.
export function searchPage(params) {
  const q = (params.get("q") || "").trim();
  const parts = [h("h1", { text: t("nav_search") }), searchBox(q)];
  const number = q.toUpperCase().replace(/\s/g, "");
  if (/^[A-Z]{2,5}\d{10}$/.test(number)) parts.push(pagedList(`view=number&number=${number}${districtQuery()}`, number));
  else if (asPhone(q)) parts.push(pagedList(`view=caller&phone=${encodeURIComponent(asPhone(q))}${districtQuery()}`, q));
  else if (q) parts.push(pagedList(`q=${encodeURIComponent(q)}&limit=25${districtQuery()}`, `${t(/\d/.test(q) ? "found_by_words" : "found_by_name_or_words")}: ${q}`, false, "/tickets/search"));
  return parts;
}
