// The Collector's dashboard and the state admin's view of every district.
import { api, district, districtCode, districtQuery, h, name, run, state, t, when } from "./core.js";
import { chartTable, groupedBars, legend, stackedBars } from "./charts.js";
import { chooseDistrict, districtPicker } from "./districts.js";
import { pagedList } from "./lists.js";
import { approvalsList } from "./ticket.js";

// -- the Collector -----------------------------------------------------------------------------------
const pct = (v) => (v === null || v === undefined ? "—" : `${v}%`);
const count = (v) => (v === null || v === undefined ? "—" : String(v));

function figure(label, value, id) {
  return h("div", { class: "figure", id }, h("b", { text: count(value) }), h("span", { text: label }));
}

// A figure that opens its list: the lists' filters live in #/queue's hash (lists.js), by the names agreed there.
function linkedFigure(label, value, id, href, warn) {
  return h("a", { class: `figure link${warn && value ? " warn" : ""}`, id, href, title: t("opens_list") },
    h("b", { text: count(value) }), h("span", { text: label }));
}

const head = (...keys) => h("thead", {}, h("tr", {}, keys.map((k) => h("th", { scope: "col", text: t(k) }))));

// First on the screen: what needs someone to act now. Each figure is the length of a list, and opens it.
function actionFigures(d) {
  return h("section", { class: "card", id: "needs-action" }, h("h2", { text: t("needs_action") }), h("div", { class: "figures" },
    linkedFigure(t("open_emergencies"), d.open_emergencies, "fig-emergencies", "#/queue?status=open&urgency=emergency", true),
    linkedFigure(t("open_overdue"), d.open_overdue, "fig-overdue", "#/queue?view=overdue", true),
    linkedFigure(t("waiting_decision"), d.waiting_decision, "fig-approvals", "#/queue?view=approvals", true),
    linkedFigure(t("open_at_risk"), d.open_at_risk, "fig-at-risk", "#/queue?view=at_risk", true)));
}

// On time said of both sides: of what closed in 30 days, and of what is open now.
function onTime(d) {
  const closed = d.on_time.closed, open = d.on_time.open;
  return h("section", { class: "card", id: "on-time" }, h("h2", { text: t("on_time") }), h("div", { class: "figures" },
    h("div", { class: "figure", id: "fig-closed-on-time" }, h("b", { text: closed.closed ? `${pct(closed.percent)} (${closed.in_sla}/${closed.closed})` : "—" }), h("span", { text: t("on_time_closed") })),
    h("a", { class: `figure link${open.overdue ? " warn" : ""}`, id: "fig-open-overdue", href: "#/queue?view=overdue", title: t("opens_list") },
      h("b", { text: `${open.overdue}/${open.open}` }), h("span", { text: t("on_time_open") })),
    linkedFigure(t("open_urgent"), d.open_urgent, "fig-urgent", "#/queue?status=open&urgency=urgent"),
    linkedFigure(t("open_total"), d.open_total, "fig-open", "#/queue?status=open"),
    figure(t("sla_compliance"), pct(d.sla_compliance.percent), "fig-sla"), figure(t("satisfaction"), pct(d.closures.satisfied_percent), "fig-satisfied"),
    figure(t("reopen_rate"), pct(d.reopen_rate.percent), "fig-reopen"), figure(t("median_hours"), d.median_hours_to_resolve, "fig-median")));
}

// The day's, week's and month's totals: after what needs action, one card.
function totalsTable(d) {
  return h("section", { class: "card print-break", id: "totals" }, ["today", "week", "month"].flatMap((span) => [h("h3", { text: t(span) }),
    h("div", { class: "figures" }, ["registered", "resolved", "closed", "reopened", "escalated"].map((k) => figure(t(k), d.totals[span][k], `fig-${span}-${k}`)))]));
}

function chartCard(title, id, first, series, chart, rows) {
  return h("section", { class: "card", id }, h("h2", { text: title }), legend(series), chart, chartTable(title, [first, ...series], rows));
}

export async function dashboardPage() {
  if (state.me.role === "state_admin" && !districtCode()) {
    try { return await statePage(); } catch { return [await districtPicker()]; }
  }
  if (!districtCode()) return [await districtPicker()];
  const d = await api(`/dashboard?${districtQuery().slice(1)}`);
  const info = await district(districtCode());
  const levels = ["L1", "L2", "L3", "L4"];
  const hours = Array.from({ length: 24 }, (_, hour) => ({ label: String(hour),
    values: [d.calls_by_hour.reduce((n, l) => n + l.hours[hour].answered, 0), d.calls_by_hour.reduce((n, l) => n + l.hours[hour].abandoned, 0)] }));
  const days = d.daily.map((day) => ({ label: day.date.slice(8), values: [day.registered, day.resolved] }));
  const pending = d.pending.map((p) => ({ label: name(p.names), values: levels.map((l) => p[l]) }));
  const picker = await districtPicker();
  return [
    picker ? h("div", { class: "no-print" }, picker) : null,
    h("div", { class: "title-row" }, h("h1", { text: `${t("nav_dashboard")} — ${name(info.names) || d.district} (${d.district})` }),
      h("button", { class: "secondary", type: "button", id: "print", text: t("print"), onclick: () => window.print() })),
    h("p", { class: "muted as-of", text: when(d.as_of) }),
    actionFigures(d), onTime(d),
    approvalsList(districtQuery()),
    h("section", { class: "card", id: "grades" }, h("h2", { text: t("grades") }), h("table", { class: "list" },
      head("department", "grade", "sla_compliance", "open_overdue"),
      h("tbody", {}, d.grades.map((g) => h("tr", {},
        h("td", { "data-label": t("department") }, h("a", { href: `#/queue?status=open&department=${encodeURIComponent(g.department)}`, text: name(g.names) })),
        h("td", { "data-label": t("grade") }, h("span", { class: `grade grade-${g.grade}`, text: g.grade })),
        h("td", { "data-label": t("sla_compliance"), text: pct(g.in_sla_percent) }),
        h("td", { "data-label": t("open_overdue"), text: String(g.open_overdue) })))))),
    totalsTable(d),
    chartCard(t("daily"), "daily", t("date"), [t("registered"), t("resolved")], groupedBars(days, [t("registered"), t("resolved")], t("daily"), 3), days),
    h("section", { class: "card", id: "pending" }, h("h2", { text: t("pending") }), legend(levels),
      stackedBars(pending, levels, t("pending")), chartTable(t("pending"), [t("department"), ...levels], pending)),
    chartCard(t("calls_by_hour"), "calls-by-hour", t("hour"), [t("answered"), t("abandoned")], groupedBars(hours, [t("answered"), t("abandoned")], t("calls_by_hour"), 2),
      hours.map((x) => ({ ...x, label: `${x.label}:00` }))),
    h("section", { class: "card", id: "lines" }, h("h2", { text: t("calls_by_line") }), h("table", { class: "list", id: "calls-by-line" },
      head("line", "answered", "abandoned"), h("tbody", {}, d.calls_by_hour.map((l) => h("tr", {},
        h("td", { "data-label": t("line"), text: `${l.line} (${l.hotline})` }),
        h("td", { "data-label": t("answered"), text: String(l.hours.reduce((n, x) => n + x.answered, 0)) }),
        h("td", { "data-label": t("abandoned"), text: String(l.hours.reduce((n, x) => n + x.abandoned, 0)) })))))),
    h("div", { class: "print-break" }, pagedList(`view=overdue&limit=10${districtQuery()}`, t("overdue_list"), true)),
    pagedList(`view=at_risk&limit=10${districtQuery()}`, t("at_risk_list"), true),
    ...(info.kinds || []).filter((k) => k !== "complaint").map((k) =>
      pagedList(`view=kind&kind=${k}&limit=10${districtQuery()}`, t(`week_of_${k}`), true)),
  ];
}

function stateTable(view) {
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
