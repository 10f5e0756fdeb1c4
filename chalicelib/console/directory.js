// The Collector's office's directory: the district file's officers, categories, hotlines and roster, the
// blocklist, and the officers' IVR PINs.
import { api, districtCode, frame, h, name, notice, run, state, t, when } from "./core.js";
import { districtPicker } from "./districts.js";

export async function directoryPage() {
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
    frame.render();
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
    frame.render();
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

export function ownPinCard() {
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
    frame.render();  // the change record shows the reset
  });
  return h("section", { class: "card", id: "pin-reset" }, h("h2", { text: t("ivr_pin_reset") }), h("p", { text: t("ivr_pin_reset_help") }),
    phone, pin, h("button", { type: "button", id: "reset-pin-button", text: t("save"), onclick: reset }));
}
