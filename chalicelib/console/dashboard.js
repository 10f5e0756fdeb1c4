// The Collector's dashboard and the state admin's view of every district.
import { api, district, districtCode, districtQuery, h, name, run, state, t } from "./core.js";
import { groupedBars, legend, stackedBars } from "./charts.js";
import { chooseDistrict, districtPicker } from "./districts.js";
import { pagedList } from "./lists.js";

// -- the Collector -----------------------------------------------------------------------------------
function figure(label, value, id) {
  return h("div", { class: "figure", id }, h("b", { text: value === null || value === undefined ? "—" : String(value) }), h("span", { text: label }));
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

export async function dashboardPage() {
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
