// Lists of tickets: the rows, the search box over them, a page at a time, and the CSV export.
import { api, h, run, t, when } from "./core.js";

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
const OPEN = ["registered", "acknowledged", "reopened"];
const headFirst = (item) => (OPEN.includes(item.status) ? URGENCY_ORDER[item.urgency] ?? 2 : 2);

export function ticketTable(unsorted) {
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
export function searchBox(q = "") {
  const input = h("input", { id: "q", type: "search", value: q, placeholder: t("search_words"), "aria-label": t("search_words") });
  return h("form", { class: "card search", role: "search", onsubmit: (e) => { e.preventDefault(); location.hash = `#/search?q=${encodeURIComponent(input.value.trim())}`; } },
    input, h("button", { class: "primary", type: "submit", id: "search", text: t("nav_search") }));
}

export function pagedList(query, title, exportable = false, path = "/tickets") {
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

export async function exportCsv(query) {
  const response = await api(`/tickets/export.csv?${query.replace(/&?limit=\d+/, "")}`, { raw: true });
  const blob = await response.blob();
  const link = h("a", { href: URL.createObjectURL(blob), download: `samvad-${Date.now()}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}
