// The Collector's office's directory: the district file's officers, categories, hotlines and roster, the
// blocklist, and the officers' IVR PINs.
import { api, BASE, districtCode, frame, h, name, notice, run, state, t, when } from "./core.js";
import { districtPicker } from "./districts.js";
import { ownPinCard, pinResetSection } from "./pins.js";

const LEVELS = ["L1", "L2", "L3", "L4"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
// A district file names a thing once for all languages ("water") or per language ({hi, en}).
const called = (names, id) => (typeof names === "string" ? names : name(names)) || id;

// An input whose place in the file is `path`: the API's field errors come back by that place (data-path).
function field(path, attrs, onChange) {
  return h("input", { ...attrs, "data-path": path.join("."), oninput: (e) => { onChange(e.target); settled(e.target); } });
}

// Once typed into again, a field's error is the next save's to say: its message and mark go.
function settled(input) {
  if (!input.hasAttribute("aria-invalid")) return;
  document.getElementById(input.getAttribute("aria-describedby"))?.remove();
  input.removeAttribute("aria-invalid");
  input.removeAttribute("aria-describedby");
}

function officersSection(draft) {
  const cards = draft.departments.map((dep, i) => {
    const depName = called(dep.name, dep.id);
    const officer = (level) => dep.officers?.[level] || {};
    const edit = (level, key, value) => {
      dep.officers = dep.officers || {};
      const now = { ...officer(level) };
      if (value === "" || value === false) delete now[key]; else now[key] = value;
      if (!now.name && !now.phone) delete dep.officers[level]; else dep.officers[level] = now;
    };
    const rows = LEVELS.map((level) => {
      const at = ["departments", i, "officers", level];
      const who = t("officer_of", { department: depName, level });
      const wa = officer(level).whatsapp;
      return h("tr", {}, h("th", { scope: "row", text: level }),
        h("td", { "data-label": t("name") }, field([...at, "name"], { id: `officer-${dep.id}-${level}-name`, "aria-label": `${who} ${t("name")}`,
          value: officer(level).name || "", autocomplete: "off" }, (el) => edit(level, "name", el.value.trim()))),
        h("td", { "data-label": t("phone") }, field([...at, "phone"], { id: `officer-${dep.id}-${level}-phone`, "aria-label": `${who} ${t("phone")}`,
          value: officer(level).phone || "", type: "tel", inputmode: "tel", placeholder: "+91…", autocomplete: "off" }, (el) => edit(level, "phone", el.value.trim()))),
        // The box has its own label: a phone's data-label before it would say "WhatsApp" twice.
        h("td", {}, h("label", { class: "check" }, h("input", { type: "checkbox", id: `officer-${dep.id}-${level}-whatsapp`,
          "data-path": [...at, "whatsapp"].join("."), checked: Boolean(wa), onchange: (e) => edit(level, "whatsapp", e.target.checked ? (typeof wa === "string" ? wa : true) : false) }),
          h("span", { text: t("whatsapp") }))));
    });
    return h("fieldset", { class: "department" }, h("legend", { text: depName }),
      h("table", { class: "list form" }, h("thead", {}, h("tr", {}, h("th", { text: t("level") }), h("th", { text: t("name") }), h("th", { text: t("phone") }), h("th", { text: t("whatsapp") }))),
        h("tbody", {}, rows)));
  });
  return h("section", { class: "card", id: "officers" }, h("h2", { text: t("officers") }), h("p", { class: "muted", text: t("dir_officers_help") }), cards);
}

function hoursInput(path, attrs, set) {
  return field(path, { type: "number", min: 1, max: 720, step: "any", inputmode: "numeric", ...attrs }, (el) => set(el.value === "" ? null : Number(el.value)));
}

function categoriesSection(draft) {
  const defaults = draft.level_hours || {};
  const rows = draft.categories.map((c, i) => {
    const catName = called(c.name, c.id);
    const setClock = (level, hours) => {
      const clocks = { ...(c.level_hours || {}) };
      if (hours === null) delete clocks[level]; else clocks[level] = hours;
      if (Object.keys(clocks).length) c.level_hours = clocks; else delete c.level_hours;
    };
    return h("tr", { "data-category": c.id }, h("th", { scope: "row", text: catName }),
      h("td", { "data-label": t("department") }, h("select", { id: `category-${c.id}-department`, "data-path": `categories.${i}.department`,
        "aria-label": `${catName}: ${t("department")}`, onchange: (e) => { c.department = e.target.value; } },
        draft.departments.map((d) => h("option", { value: d.id, text: called(d.name, d.id), selected: d.id === c.department })))),
      h("td", { "data-label": t("sla_hours") }, hoursInput(["categories", i, "sla_hours"], { id: `sla-${c.id}`, "aria-label": `${catName}: ${t("sla_hours")}`, value: c.sla_hours ?? "" },
        (hours) => { c.sla_hours = hours; })),
      LEVELS.map((level) => h("td", { "data-label": t("level_hours_col", { level }) }, hoursInput(["categories", i, "level_hours", level], {
        id: `clock-${c.id}-${level}`, "aria-label": `${catName}: ${t("level_hours_col", { level })}`, value: c.level_hours?.[level] ?? "",
        placeholder: defaults[level] ?? "" }, (hours) => setClock(level, hours)))));
  });
  return h("section", { class: "card", id: "categories" }, h("h2", { text: t("categories") }), h("p", { class: "muted", text: t("categories_help") }),
    h("table", { class: "list form" }, h("thead", {}, h("tr", {}, h("th", { text: t("category") }), h("th", { text: t("department") }), h("th", { text: t("sla_hours") }),
      LEVELS.map((level) => h("th", { text: t("level_hours_col", { level }) })))), h("tbody", {}, rows)));
}

function hotlinesSection(draft) {
  const rows = draft.hotlines.map((hl, i) => h("tr", {}, h("th", { scope: "row", text: hl.id }),
    h("td", { "data-label": t("lines") }, field(["hotlines", i, "lines"], { "aria-label": `${hl.id}: ${t("lines")}`, value: hl.lines.join(", ") }, (el) => {
      hl.lines = el.value.split(",").map((s) => s.trim()).filter(Boolean); })),
    h("td", { "data-label": t("short_code") }, field(["hotlines", i, "short_code"], { id: `short-${hl.id}`, "aria-label": `${hl.id}: ${t("short_code")}`, inputmode: "numeric",
      placeholder: "1950", value: hl.short_code ?? "" }, (el) => {
      const code = el.value.trim();
      if (code) hl.short_code = code; else delete hl.short_code; }))));
  return h("section", { class: "card", id: "hotlines" }, h("h2", { text: t("hotlines") }), h("table", { class: "list form" },
    h("thead", {}, h("tr", {}, h("th", { text: t("id") }), h("th", { text: t("lines") }), h("th", { text: t("short_code") }))), h("tbody", {}, rows)));
}

// The operators on the roster: their console sign-in (typed once, for a new one: the sign-in itself is made in the
// user pool), name, the phone the hotline rings (none: console only) and the languages they take calls in. A change
// redraws the week grid below (`onChange`), so a new operator can be put on a shift before the save.
function operatorsSection(draft, onChange) {
  draft.operators = draft.operators || [];
  const operators = draft.operators;
  const languages = draft.languages || ["hi"];
  const box = h("section", { class: "card", id: "operators" });
  const draw = () => {
    const rows = operators.map((o, i) => {
      const at = ["operators", i];
      const who = o.name || o.username || t("new_operator");
      const sign = o.saved ? h("span", { text: o.username }) : field([...at, "username"], { id: `operator-${i}-username`, "aria-label": `${who} ${t("username")}`,
        value: o.username || "", placeholder: "operator.rpr.day", autocomplete: "off", autocapitalize: "none" }, (el) => { o.username = el.value.trim(); onChange(); });
      return h("tr", { "data-operator": String(i) }, h("td", { "data-label": t("username") }, sign),
        h("td", { "data-label": t("name") }, field([...at, "name"], { id: `operator-${i}-name`, "aria-label": `${who} ${t("name")}`, value: o.name || "", autocomplete: "off" },
          (el) => { o.name = el.value.trim(); onChange(); })),
        h("td", { "data-label": t("phone") }, field([...at, "phone"], { id: `operator-${i}-phone`, "aria-label": `${who} ${t("phone")}`, value: o.phone || "",
          type: "tel", inputmode: "tel", placeholder: "+91…", autocomplete: "off" }, (el) => { if (el.value.trim()) o.phone = el.value.trim(); else delete o.phone; })),
        h("td", { "data-label": t("languages") }, languages.map((l) => h("label", { class: "check" }, h("input", { type: "checkbox", id: `operator-${i}-lang-${l}`,
          checked: (o.languages || languages).includes(l), onchange: (e) => {
            const now = new Set(o.languages || languages);
            if (e.target.checked) now.add(l); else now.delete(l);
            o.languages = languages.filter((x) => now.has(x));
          } }), h("span", { text: l === "hi" ? "हिंदी" : l === "en" ? "English" : l })))),
        // Who signs: the roster's sign_language skill, for the sign-language video calls only they see.
        h("td", { "data-label": t("sign_language") }, h("label", { class: "check" }, h("input", { type: "checkbox", id: `operator-${i}-sign`,
          "aria-label": `${who}: ${t("sign_language")}`, checked: (o.skills || []).includes("sign_language"), onchange: (e) => {
            const others = (o.skills || []).filter((x) => x !== "sign_language");
            if (e.target.checked) o.skills = [...others, "sign_language"];
            else if (others.length) o.skills = others;
            else delete o.skills;
          } }), h("span", { text: t("signs") }))),
        h("td", {}, h("button", { class: "secondary", type: "button", id: `operator-${i}-remove`, text: t("remove"),
          "aria-label": `${t("remove")}: ${who}`, onclick: () => { operators.splice(i, 1); draw(); onChange(); } })));
    });
    box.replaceChildren(h("h2", { text: t("operators") }), h("p", { class: "muted", text: t("operators_help") }),
      operators.length ? h("table", { class: "list form" }, h("thead", {}, h("tr", {}, ["username", "name", "phone", "languages", "sign_language"].map((k) => h("th", { text: t(k) })), h("th", { text: "" }))),
        h("tbody", {}, rows)) : h("p", { class: "muted", text: t("none") }),
      h("button", { class: "secondary", type: "button", id: "add-operator", text: t("add_operator"), onclick: () => {
        operators.push({ username: "", name: "", languages: [...languages], shifts: [] });
        draw();
        onChange();
        box.querySelector(`#operator-${operators.length - 1}-username`).focus();
      } }));
  };
  // Who is in the file already: their sign-in is kept as it is (a changed one would be another person's).
  for (const o of operators) Object.defineProperty(o, "saved", { value: true, enumerable: false });
  draw();
  return box;
}

// The roster as a week grid: a row per shift (its start and end), a column per day, a tick per operator on duty.
// Each operator's shifts are written back grouped by their hours, as the district file has them.
function rosterSection(draft) {
  const operators = draft.operators || [];
  const key = (s) => `${s.start}-${s.end}`;
  const shifts = [];
  for (const o of operators) for (const s of o.shifts || []) if (!shifts.some((x) => key(x) === key(s))) shifts.push({ start: s.start, end: s.end });
  const onDuty = (o, shift, day) => (o.shifts || []).some((s) => key(s) === key(shift) && (s.days || DAYS).includes(day));
  const set = (o, shift, day, on) => {
    const days = new Set((o.shifts || []).filter((s) => key(s) === key(shift)).flatMap((s) => s.days || DAYS));
    if (on) days.add(day); else days.delete(day);
    const others = (o.shifts || []).filter((s) => key(s) !== key(shift));
    o.shifts = days.size ? [...others, { days: DAYS.filter((d) => days.has(d)), start: shift.start, end: shift.end }] : others;
  };
  const box = h("section", { class: "card", id: "roster" });
  box.redraw = () => draw();
  const draw = () => {
    const head = h("tr", {}, h("th", { text: t("shift") }), DAYS.map((d) => h("th", { text: t(`day_${d}`) })));
    const rows = shifts.map((shift) => h("tr", { "data-shift": key(shift) }, h("th", { scope: "row", text: `${shift.start}–${shift.end}` }),
      DAYS.map((day) => h("td", { "data-label": t(`day_${day}`) }, operators.map((o) => h("label", { class: "check" },
        h("input", { type: "checkbox", id: `duty-${o.username}-${key(shift)}-${day}`, checked: onDuty(o, shift, day),
          "aria-label": `${o.name || o.username}, ${t(`day_${day}`)} ${shift.start}–${shift.end}`, onchange: (e) => set(o, shift, day, e.target.checked) }),
        h("span", { text: o.name || o.username })))))));
    const start = h("input", { type: "time", id: "new-shift-start", value: "08:00" });
    const end = h("input", { type: "time", id: "new-shift-end", value: "20:00" });
    const add = () => {
      const shift = { start: start.value, end: end.value };
      if (start.value && end.value && start.value !== end.value && !shifts.some((x) => key(x) === key(shift))) { shifts.push(shift); draw(); }
    };
    box.replaceChildren(h("h2", { text: t("roster") }), h("p", { class: "muted", text: t("roster_help") }),
      operators.length ? h("div", { class: "scroll" }, h("table", { class: "list grid" }, h("thead", {}, head), h("tbody", {}, rows))) : h("p", { class: "muted", text: t("none") }),
      h("div", { class: "row add" }, h("div", {}, h("label", { for: "new-shift-start", text: t("shift_start") }), start),
        h("div", {}, h("label", { for: "new-shift-end", text: t("shift_end") }), end),
        h("div", {}, h("button", { class: "secondary", type: "button", id: "add-shift", text: t("add_shift"), onclick: add }))));
  };
  draw();
  return box;
}

function hoursSection(draft) {
  const office = draft.office_hours;
  const box = h("section", { class: "card", id: "hours" });
  const draw = () => {
    const days = office ? h("fieldset", { class: "days" }, h("legend", { text: t("office_days") }), DAYS.map((d) => h("label", { class: "check" },
      h("input", { type: "checkbox", id: `office-day-${d}`, checked: (office.days || DAYS).includes(d), onchange: (e) => {
        const now = new Set(office.days || DAYS);
        if (e.target.checked) now.add(d); else now.delete(d);
        office.days = DAYS.filter((x) => now.has(x));
      } }), h("span", { text: t(`day_${d}`) })))) : null;
    const time = (k, label) => h("div", {}, h("label", { for: `office-${k}`, text: t(label) }),
      field(["office_hours", k], { id: `office-${k}`, type: "time", value: office[k] || "" }, (el) => { office[k] = el.value; }));
    const holidays = draft.holidays || [];
    const added = h("input", { type: "date", id: "new-holiday", "aria-label": t("add_holiday") });
    const clocks = h("div", { class: "row" }, LEVELS.map((level) => h("div", {}, h("label", { for: `level-hours-${level}`, text: t("level_hours_col", { level }) }),
      hoursInput(["level_hours", level], { id: `level-hours-${level}`, value: draft.level_hours?.[level] ?? "" }, (hours) => {
        draft.level_hours = { ...(draft.level_hours || {}) };
        if (hours === null) delete draft.level_hours[level]; else draft.level_hours[level] = hours;
      }))));
    box.replaceChildren(h("h2", { text: t("hours_and_holidays") }),
      h("h3", { text: t("district_level_hours") }), clocks,
      ...(office ? [days, h("div", { class: "row" }, time("open", "office_open"), time("close", "office_close"))] : []),
      h("h3", { text: t("holidays") }),
      holidays.length ? h("ul", { class: "holidays" }, holidays.map((day, i) => h("li", { "data-path": `holidays.${i}` }, h("span", { text: day }),
        h("button", { class: "secondary", type: "button", text: t("remove"), "aria-label": `${t("remove")} ${day}`,
          onclick: () => { draft.holidays = holidays.filter((_, j) => j !== i); draw(); } })))) : h("p", { class: "muted", text: t("no_holidays") }),
      h("div", { class: "row add" }, h("div", {}, added), h("div", {}, h("button", { class: "secondary", type: "button", id: "add-holiday", text: t("add_holiday"),
        onclick: () => { if (added.value && !holidays.includes(added.value)) { draft.holidays = [...holidays, added.value].sort(); draw(); } } }))));
  };
  draw();
  return box;
}

// The API answers a wrong field with its place in the file: its message goes beside that input (or, for a place no
// input shows, in the list by the save button).
function showFieldErrors(fields, list) {
  document.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  document.querySelectorAll(".field-error").forEach((el) => el.remove());
  list.replaceChildren();
  let first = null;
  fields.forEach((f, n) => {
    const input = document.querySelector(`[data-path="${CSS.escape(f.path.join("."))}"]`);
    const id = `field-error-${n}`;
    const message = h("p", { class: "field-error", id, text: f.message });
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
      input.after(message);
      first = first || input;
    } else list.append(h("li", { text: f.message }));
  });
  list.parentElement.hidden = !list.children.length;
  if (first) { first.focus(); first.scrollIntoView({ block: "center" }); }
}

// The save goes through fetch here, not core.js's api(): a refusal's per-field list must reach the form.
async function putConfig(code, body) {
  const response = await fetch(`${BASE}/api/districts/${code}/config`, { method: "PUT", body: JSON.stringify(body),
    headers: { "Accept-Language": state.lang, Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" } });
  if (response.status === 401) { frame.signOut(); throw new Error(t("sign_in")); }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.error?.message || response.statusText), { fields: data.error?.fields || [] });
  return data;
}

function auditSection(items) {
  const entry = (a) => h("li", { class: "audit-entry" },
    h("div", {}, h("b", { text: when(a.at) }), ` · ${a.by} · ${t("version")} ${a.version}`, a.summary ? h("span", { text: ` · ${a.summary}` }) : null),
    a.changes?.length ? h("ul", { class: "changes" }, a.changes.map((c) => h("li", {}, h("span", { text: `${c.what}: ` }),
      h("del", { text: c.before ?? t("empty_value") }), " → ", h("ins", { text: c.after ?? t("empty_value") })))) : null);
  return h("section", { class: "card", id: "audit" }, h("h2", { text: t("audit") }),
    items.length ? h("ol", { class: "audit" }, items.map(entry)) : h("p", { class: "muted", text: t("none") }));
}

function operatorsAndRoster(draft) {
  let roster = null;
  const operators = operatorsSection(draft, () => roster?.redraw());
  roster = rosterSection(draft);
  return [operators, roster];
}

export async function directoryPage() {
  if (!districtCode()) return [await districtPicker()];
  const code = districtCode();
  const { config, version } = await api(`/districts/${code}/config`);
  const draft = structuredClone(config);
  const summary = h("input", { id: "summary" });
  const problems = h("ul", { class: "field-errors", id: "field-errors" });
  const save = () => run(async () => {
    try {
      const saved = await putConfig(code, { version, summary: summary.value, config: draft });
      delete state.districts[code];
      notice(`${t("saved")} ${t("version")} ${saved.version}`, true);
      frame.render();
    } catch (error) {
      showFieldErrors(error.fields || [], problems);
      throw error;
    }
  });
  const [audit, blocked] = await Promise.all([api(`/districts/${code}/audit?limit=20`), blocklistSection(code)]);
  return [await districtPicker(), h("h1", { text: `${t("nav_directory")} — ${code} (${t("version")} ${version})` }),
    officersSection(draft), categoriesSection(draft), ...operatorsAndRoster(draft), hoursSection(draft), hotlinesSection(draft),
    h("section", { class: "card", id: "save-card" }, h("label", { for: "summary", text: t("summary") }), summary,
      h("div", { hidden: true }, h("p", { class: "field-error-title", text: t("fix_fields") }), problems),
      h("button", { class: "primary", type: "button", id: "save", text: t("save_directory"), onclick: save })),
    auditSection(audit.items),
    blocked,
    pinResetSection(code),
    state.me.role === "collector" ? ownPinCard() : null,
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
    h("td", {}, h("button", { class: "secondary", type: "button", text: t("unblock"), onclick: () => change("DELETE", b.phone) }))));
  return h("section", { class: "card", id: "blocklist" }, h("h2", { text: t("blocklist") }), h("p", { text: t("blocklist_help") }),
    items.length ? h("table", { class: "list" }, h("tbody", {}, rows)) : h("p", { text: t("blocklist_empty") }),
    phone, reason, h("button", { class: "primary", type: "button", id: "block", text: t("block"),
      onclick: () => change("PUT", phone.value.trim(), { reason: reason.value.trim() }) }));
}
