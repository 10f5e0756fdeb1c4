// Lists of tickets: the rows, the search box over them, a page at a time, the filter bar and sort, the bulk bar,
// and the CSV export.
//
// A list's filters live in the URL hash, so a figure elsewhere (the dashboard) can open a filtered list:
//   #/queue?status=open&urgency=emergency         #/queue?view=overdue&department=water
//   #/inbox?urgency=emergency&sort=due_farthest
// Hash parameters (each optional; the API's GET /api/tickets takes the same names and values):
//   view       recent (default on #/queue), overdue, at_risk, department (with department=), kind (with kind=);
//              #/inbox is always the officer's own inbox
//   status     open, registered, acknowledged, reopened, resolved, closed
//   department a department id of the district      category  a category id
//   level      L1, L2, L3, L4                        kind      complaint, suggestion, demand, request
//   urgency    emergency, urgent, normal             from, to  YYYY-MM-DD, the days registered (IST)
//   sort       newest, oldest (recent, kind); due_nearest, due_farthest (every list of open tickets)
import { api, district, districtCode, districtQuery, h, name, notice, run, state, t, when } from "./core.js";
import { ago, timeLeft } from "./time_left.js";

export function statusBadges(item) {
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
export const OPEN = ["registered", "acknowledged", "reopened"]; // the statuses a ticket is open in
const headFirst = (item) => (OPEN.includes(item.status) ? URGENCY_ORDER[item.urgency] ?? 2 : 2);

// The category's name in the user's language, from the district (read once per district and kept).
const categoryName = (places, item) => {
  const found = places[item.district]?.categories?.find((c) => c.id === item.category)
    || places[item.district]?.requests?.find((c) => c.id === item.category);
  return found ? name(found.names) : item.category;
};

// The level's deadline in words and colour; once the final (SLA) due has passed, how late the complaint is.
function dueCell(item, now) {
  if (!OPEN.includes(item.status)) return h("td", { "data-label": t("due"), class: "muted", text: when(item.level_due_at) });
  const left = item.overdue ? timeLeft(item.sla_due_at, item.created_at, state.lang, now)
    : timeLeft(item.level_due_at, item.level_started_at || item.created_at, state.lang, now);
  return h("td", { "data-label": t("time_left") },
    h("span", { class: `due ${left.tone}`, text: left.text }), h("br"), h("small", { class: "muted", text: when(item.overdue ? item.sla_due_at : item.level_due_at) }));
}

// now: the server's time of the page (ms), so ages and times left do not hang on the PC's clock.
export function ticketTable(unsorted, places = {}, picked = null, now = Date.now()) {
  if (!unsorted.length) return h("p", { class: "muted", text: t("none") });
  const items = unsorted.map((item, i) => [item, i]).sort(([a, i], [b, j]) => headFirst(a) - headFirst(b) || i - j).map(([item]) => item);
  const says = (item) => item.excerpt ?? item.text ?? "";
  const all = picked ? h("input", { type: "checkbox", class: "pick-all", "aria-label": t("select_all"),
    onchange: (e) => { for (const box of e.target.closest("table").querySelectorAll("input.pick")) { box.checked = e.target.checked; box.dispatchEvent(new Event("change")); } } }) : null;
  const head = h("tr", {}, picked ? h("th", {}, h("label", { class: "check" }, all, h("span", { class: "sr-only", text: t("select_all") }))) : null,
    ...["complaint_number", "what", "status", "category", "level", "age", "time_left", "caller_phone"].map((k) => h("th", { text: t(k) })));
  const rows = items.map((item) => h("tr", { "data-number": item.complaint_number },
    picked ? h("td", { class: "pick-cell" }, h("input", { type: "checkbox", class: "pick", value: item.complaint_number,
      "aria-label": `${t("select_row")} ${item.complaint_number}`, checked: picked.has(item.complaint_number),
      onchange: (e) => { if (e.target.checked) picked.add(item.complaint_number); else picked.delete(item.complaint_number); picked.changed?.(); } })) : null,
    h("td", { "data-label": t("complaint_number") }, h("a", { href: `#/ticket/${item.complaint_number}`, text: item.complaint_number })),
    // What the caller said is in their language, whatever the console's (a screen reader reads it so).
    h("td", { "data-label": t("what"), class: "said" }, says(item) ? h("span", { class: "excerpt", lang: item.language, text: says(item) }) : null,
      item.address ? h("small", { class: "where", lang: item.language, text: item.address }) : null),
    h("td", { "data-label": t("status") }, ...statusBadges(item)),
    h("td", { "data-label": t("category"), text: categoryName(places, item) }),
    h("td", { "data-label": t("level"), text: item.level }),
    h("td", { "data-label": t("age"), class: "age", title: when(item.created_at), text: ago(item.created_at, state.lang, now) }),
    dueCell(item, now),
    h("td", { "data-label": t("caller_phone"), text: `${item.caller_phone}${item.caller_name ? ` (${item.caller_name})` : ""}` })));
  return h("table", { class: "list rows" }, h("thead", {}, head), h("tbody", {}, rows));
}

// The search box over every list: words, a complaint number or a mobile number (searchPage tells them apart).
export function searchBox(q = "") {
  const input = h("input", { id: "q", type: "search", value: q, placeholder: t("search_words"), "aria-label": t("search_words") });
  return h("form", { class: "card search", role: "search", onsubmit: (e) => { e.preventDefault(); location.hash = `#/search?q=${encodeURIComponent(input.value.trim())}`; } },
    input, h("button", { class: "primary", type: "submit", id: "search", text: t("nav_search") }));
}

async function namesFor(items, places) {
  for (const code of new Set(items.map((item) => item.district))) {
    if (code && !places[code]) places[code] = await district(code).catch(() => ({}));
  }
}

// picked: a Set of complaint numbers the rows' checkboxes fill (the bulk bar's), or null for no checkboxes.
export function pagedList(query, title, exportable = false, path = "/tickets", picked = null) {
  const box = h("section", { class: "card" }, h("h2", { text: title }));
  const holder = h("div");
  box.append(holder);
  let cursor = null;
  const items = [];
  const places = {};
  async function load() {
    const page = await api(`${path}?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.next_cursor;
    await namesFor(page.items, places);
    holder.replaceChildren(ticketTable(items, places, picked, page.now ? Date.parse(page.now) : Date.now()));
    // A filter the index does not hold may leave a page short: say so rather than look like the end.
    if (cursor && page.items.length < 25) holder.append(h("p", { class: "muted", text: t("list_short") }));
    if (cursor) holder.append(h("button", { class: "secondary", type: "button", text: t("more"), onclick: () => run(load) }));
  }
  if (exportable) box.append(h("button", { class: "secondary", type: "button", text: t("export_csv"), onclick: () => run(() => exportCsv(query)) }));
  run(load);
  return box;
}

export async function exportCsv(query) {
  const response = await api(`/tickets/export.csv?${query.replace(/&?limit=\d+/, "")}`, { raw: true });
  const blob = await response.blob();
  const link = h("a", { href: URL.createObjectURL(blob), download: `samvad-${Date.now()}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

// -- a list with its filters, sort and bulk bar (#/queue, #/inbox) ----------------------------------------------

const FILTERS = ["status", "department", "category", "level", "kind", "urgency", "from", "to", "sort"];
// What each list may be filtered and sorted by (the API refuses the rest: chalicelib/domain/list_filters.py).
const OFFERED = {
  recent: { filters: ["status", "department", "category", "level", "kind", "urgency"], sorts: ["newest", "oldest", "due_nearest", "due_farthest"] },
  inbox: { filters: ["status", "category", "kind", "urgency"], sorts: ["due_nearest", "due_farthest"] },
  department: { filters: ["status", "category", "level", "kind", "urgency"], sorts: ["due_nearest", "due_farthest"] },
  overdue: { filters: ["department", "category", "level", "kind", "urgency"], sorts: ["due_nearest", "due_farthest"] },
  at_risk: { filters: ["department", "category", "level", "kind", "urgency"], sorts: ["due_nearest", "due_farthest"] },
  kind: { filters: ["status", "department", "category", "level", "urgency"], sorts: ["newest", "oldest"] },
};
const OPEN_ONLY = ["inbox", "department", "overdue", "at_risk"];
const OWN = { department: ["department"], kind: ["kind"] }; // the view's own parameter: no filter to clear

function choices(field, view, place) {
  const all = [["", t("all")]];
  if (field === "status") {
    const statuses = OPEN_ONLY.includes(view) ? OPEN : [...OPEN, "resolved", "closed"];
    return [...all, ["open", t("status_open")], ...statuses.map((s) => [s, t(`status_${s}`)])];
  }
  if (field === "department") return [...all, ...(place.departments || []).map((d) => [d.id, name(d.names)])];
  if (field === "category") return [...all, ...(place.categories || []).map((c) => [c.id, name(c.names)])];
  if (field === "level") return [...all, ...["L1", "L2", "L3", "L4"].map((l) => [l, l])];
  if (field === "kind") return [...all, ...(place.kinds || ["complaint"]).map((k) => [k, t(`kind_${k}`)])];
  return [...all, ...["emergency", "urgent", "normal"].map((u) => [u, t(`urgency_${u}`)])];
}

function filterBar(route, view, params, place) {
  const offered = OFFERED[view];
  const go = (changes) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) { if (v) next.set(k, v); else next.delete(k); }
    location.hash = `#${route}${next.toString() ? `?${next}` : ""}`;
  };
  const field = (key, label, control) => h("div", { class: "field" }, h("label", { for: `f-${key}`, text: label }), control);
  const select = (key, options) => h("select", { id: `f-${key}`, name: key, onchange: (e) => go({ [key]: e.target.value }) },
    options.map(([value, label]) => h("option", { value, text: label, selected: (params.get(key) || "") === value })));
  const day = (key) => h("input", { id: `f-${key}`, type: "date", name: key, value: params.get(key) || "", onchange: (e) => go({ [key]: e.target.value }) });
  const fields = offered.filters.filter((f) => f !== "kind" || (place.kinds || []).length > 1)
    .map((f) => field(f, t(f === "urgency" ? "urgency" : f), select(f, choices(f, view, place))));
  fields.push(field("from", t("day_from"), day("from")), field("to", t("day_to"), day("to")),
    field("sort", t("sort"), select("sort", offered.sorts.map((s) => [s, t(`sort_${s}`)]))));
  const any = FILTERS.some((f) => params.get(f) && !OWN[view]?.includes(f));
  // On a phone the bar folds away (the rows come first) unless a filter is on; on a desk it stays open.
  const open = any || window.matchMedia("(min-width: 641px)").matches;
  return h("details", { class: "card filters", open },
    h("summary", { text: t("filters") }),
    h("form", { role: "search", "aria-label": t("filters"), onsubmit: (e) => e.preventDefault() },
      h("div", { class: "filter-row" }, fields),
      any ? h("button", { class: "secondary", type: "button", text: t("clear_filters"),
        onclick: () => go(Object.fromEntries(FILTERS.filter((f) => !OWN[view]?.includes(f)).map((f) => [f, ""]))) }) : null));
}

function bulkBar(place, picked, reload) {
  const count = h("span", { class: "muted", "aria-live": "polite", text: t("selected_n").replace("{n}", "0") });
  // The bar shows once a row is picked: until then it would only push the rows down.
  picked.changed = () => { count.textContent = t("selected_n").replace("{n}", String(picked.size)); bar.hidden = !picked.size; };
  const action = h("select", { id: "bulk-action", onchange: () => fill() },
    h("option", { value: "transfer", text: t("bulk_transfer") }), h("option", { value: "reroute", text: t("bulk_reroute") }));
  const target = h("select", { id: "bulk-target" });
  const fill = () => target.replaceChildren(...(action.value === "transfer" ? place.departments || [] : place.categories || [])
    .map((x) => h("option", { value: x.id, text: name(x.names) })));
  fill();
  const reason = h("input", { id: "bulk-reason", maxlength: 500 });
  async function send() {
    if (!picked.size) { notice(t("bulk_none")); return; }
    if (!reason.value.trim()) { reason.focus(); notice(`${t("reason")}?`); return; }
    const body = { action: action.value, numbers: [...picked].slice(0, 50), reason: reason.value.trim(),
      [action.value === "transfer" ? "department" : "category"]: target.value,
      ...(state.me.role === "state_admin" ? { district: districtCode() } : {}) };
    const answer = await api("/tickets/bulk", { method: "POST", body });
    const said = [t("bulk_done_n").replace("{n}", String(answer.done.length))];
    if (answer.refused.length) said.push(t("bulk_refused_n").replace("{n}", String(answer.refused.length)),
      ...answer.refused.map((r) => `${r.number}: ${r.message}`));
    picked.clear();
    reload();
    notice(said.join(" "), !answer.refused.length);
  }
  const field = (id, label, control) => h("div", { class: "field" }, h("label", { for: id, text: label }), control);
  const bar = h("form", { class: "card bulk", "aria-label": t("bulk_action"), hidden: true, onsubmit: (e) => { e.preventDefault(); run(send); } },
    h("h2", { text: t("bulk_action") }), count,
    h("div", { class: "filter-row" }, field("bulk-action", t("actions"), action), field("bulk-target", t("bulk_target"), target),
      field("bulk-reason", t("reason"), reason)),
    h("button", { class: "primary", type: "submit", id: "bulk-go", text: t("bulk_go") }));
  return bar;
}

// The page of one list: #/queue (recent, or the view asked) or #/inbox, its filters from the hash.
export async function listPage(route, params) {
  const inbox = route === "/inbox";
  const view = inbox ? "inbox" : (OFFERED[params.get("view")] && params.get("view") !== "inbox" ? params.get("view") : "recent");
  const place = await district(districtCode()).catch(() => ({}));
  const query = new URLSearchParams({ view, limit: "25" });
  for (const key of FILTERS) if (params.get(key)) query.set(key, params.get(key)); // department=, kind=: the view's own too
  const bulk = !inbox && ["operator", "collector", "state_admin"].includes(state.me.role) ? new Set() : null;
  const departmentName = (id) => name(place.departments?.find((d) => d.id === id)?.names) || id;
  const title = inbox ? `${departmentName(state.me.department)} · ${state.me.level}`
    : view === "department" ? departmentName(params.get("department"))
      : view === "kind" ? t(`week_of_${params.get("kind")}`)
        : t({ overdue: "overdue_list", at_risk: "at_risk_list" }[view] || "nav_queue");
  const holder = h("div");
  const draw = () => holder.replaceChildren(pagedList(`${query}${districtQuery()}`, title, !inbox && state.me.role !== "operator", "/tickets", bulk));
  draw();
  return [filterBar(route, view, params, place), bulk ? bulkBar(place, bulk, draw) : null, holder];
}
