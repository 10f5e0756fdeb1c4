// The operator's pages: the complaint form, the incoming calls that ring the operators, and search.
import { api, choosesDistrict, district, districtCode, districtQuery, h, name, run, state, t, when } from "./core.js";
import { pagedList, searchBox } from "./lists.js";

export async function complaintForm(prefill = {}) {
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

export async function operatorPage(params) {
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

export function stopPolling() {
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

export function searchPage(params) {
  const q = (params.get("q") || "").trim();
  const parts = [h("h1", { text: t("nav_search") }), searchBox(q)];
  const digits = q.replace(/[\s-]/g, "");
  if (/^[A-Z]{2,5}\d{10}$/.test(q.toUpperCase())) parts.push(pagedList(`view=number&number=${q.toUpperCase()}${districtQuery()}`, q.toUpperCase()));
  else if (/^\+?\d{10,15}$/.test(digits)) parts.push(pagedList(`view=caller&phone=${encodeURIComponent(digits.startsWith("+") ? digits : `+91${digits.slice(-10)}`)}${districtQuery()}`, q));
  else if (q) parts.push(pagedList(`q=${encodeURIComponent(q)}&limit=25${districtQuery()}`, `${t("found_by_words")}: ${q}`, false, "/tickets/search"));
  return parts;
}
