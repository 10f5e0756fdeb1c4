// One ticket: its facts, the recording and its transcript, the actions its user may take, the timeline.
import { api, district, frame, h, name, notice, run, state, t, when } from "./core.js";
import { OPEN, statusBadges } from "./lists.js";
import { timeLeft } from "./time_left.js";

// Where the user opened this ticket from: after an action that takes it out of their sight (a transfer) they go
// back there, never to a reload that fails.
let cameFrom = null;
window.addEventListener("hashchange", (e) => {
  const old = new URL(e.oldURL).hash;
  if (old && !old.startsWith("#/ticket/")) cameFrom = old;
});

const word = (key, fallback) => t(key, null, fallback);
const closureWords = (closure) => (closure ? word(`closure_${String(closure).replace(/^special:/, "")}`, closure) : "");

function actionForm(action, number, fields, onDone) {
  const inputs = {};
  const body = fields.map(([key, kind, extra]) => {
    const id = `${action}-${key}`;
    let input;
    if (kind === "select") input = h("select", { id }, extra.map(([v, label]) => h("option", { value: v, text: label })));
    else if (kind === "number") input = h("input", { id, type: "number", min: 1, max: 30, value: 3 });
    else input = h("textarea", { id, required: kind !== "optional" });
    inputs[key] = [kind, input];
    return [h("label", { for: id, text: t(key) }), input];
  });
  const choice = CHOICES[action];
  return h("details", { "data-action": action, open: Boolean(choice) }, h("summary", { text: t(action) }),
    h("form", { onsubmit: (e) => {
      e.preventDefault();
      const submitter = e.submitter?.value;
      const payload = {};
      for (const [key, [kind, input]] of Object.entries(inputs)) payload[key] = kind === "number" ? Number(input.value) : input.value;
      if (choice) payload[choice.field] = submitter !== choice.no;
      // The API names each action's path (config.json's action_paths); the console keeps no table of its own.
      run(async () => onDone(action, await api(`/tickets/${number}/${state.config.action_paths[action]}`, { method: "POST", body: payload })));
    } }, ...body.flat(),
    choice
      ? [h("button", { class: "primary", type: "submit", value: choice.yes, text: t(choice.yes) }), h("button", { class: "secondary", type: "submit", value: choice.no, text: t(choice.no) })]
      : h("button", { class: "primary", type: "submit", text: t("send") })));
}

// The actions answered yes or no with a button each (the body's boolean): a decision, and the citizen's answer to
// "was it solved?" that an operator records (told on a sign-language video call, or a call).
const CHOICES = { decide: { field: "approve", yes: "approve", no: "reject" },
  feedback: { field: "satisfied", yes: "feedback_yes", no: "feedback_no" } };

// After an action: the ticket again with "done", or, when the user may no longer see it (an officer's transfer to
// another department), back to the list they came from, saying where it went.
async function afterAction(action, after, info) {
  const gone = action === "transfer" || (state.me.role === "officer" && after.department !== state.me.department);
  if (!gone) {
    notice(t("done"), true);
    return frame.render();
  }
  const department = name(info.departments.find((d) => d.id === after.department)?.names) || after.department;
  const back = cameFrom || ({ officer: "#/inbox", operator: "#/queue" }[state.me.role] || "#/dashboard");
  history.pushState(null, "", back); // no hashchange: the notice below must outlive the list's first render
  await frame.render();
  notice(action === "transfer" || after.department !== state.me.department
    ? t("sent_to_department", { department }) : t("moved_out_of_view", { number: after.complaint_number }), true);
}

// -- a request waiting for the level above, in words ----------------------------------------------------------
export function pendingWords(pending) {
  return pending.kind === "extension"
    ? t("pending_extension", { days: pending.days, reason: pending.reason || "—" })
    : t("pending_closure", { code: closureWords(pending.code), reason: pending.reason || "—" });
}

function pendingBy(pending) {
  return t("pending_by", { who: pending.by, level: pending.level, when: when(pending.at) });
}

function waitsFor(pending) {
  const above = { L1: "L2", L2: "L3", L3: "L4" }[pending.level];
  return above ? t("waits_for", { level: above }) : t("waits_for_collector");
}

function pendingBox(pending) {
  return h("div", { class: "pending", id: "pending-request" }, h("b", { text: `${t("pending_request")}: ` }),
    h("span", { class: "pending-words", text: pendingWords(pending) }),
    h("div", { class: "muted", text: `${pendingBy(pending)} · ${waitsFor(pending)}` }));
}

// The approvers' queue (GET /api/tickets?view=approvals): what waits for this officer's decision, or for the
// Collector every request waiting in the district, oldest first; each row opens the ticket, whose decide form acts.
export function approvalsList(query = "") {
  if (state.me.role === "operator" || (state.me.role === "officer" && state.me.level === "L1")) return null; // nobody asks L1
  const box = h("section", { class: "card", id: "approvals" },
    h("h2", { text: t(state.me.role === "officer" ? "approvals_list" : "approvals_district") }));
  const holder = h("div");
  box.append(holder);
  let cursor = null;
  const items = [];
  async function load() {
    const page = await api(`/tickets?view=approvals&limit=25${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.next_cursor;
    const info = items.length ? await district(items[0].district) : null;
    holder.replaceChildren(items.length ? approvalsTable(items, info) : h("p", { class: "muted", text: t("none") }));
    if (cursor) holder.append(h("button", { class: "secondary", type: "button", text: t("more"), onclick: () => run(load) }));
  }
  run(load);
  return box;
}

function approvalsTable(items, info) {
  const label = (list, id) => name(list.find((x) => x.id === id)?.names) || id;
  const head = ["complaint_number", "request", "category", "due"].map((k) => h("th", { scope: "col", text: t(k) }));
  return h("table", { class: "list approvals" }, h("thead", {}, h("tr", {}, head)), h("tbody", {}, items.map((item) => h("tr", { "data-number": item.complaint_number },
    h("td", { "data-label": t("complaint_number") }, h("a", { href: `#/ticket/${item.complaint_number}`, text: item.complaint_number }),
      h("div", {}, h("a", { href: `#/ticket/${item.complaint_number}`, class: "decide-link", text: t("open_to_decide") }))),
    h("td", { "data-label": t("request") }, h("div", { class: "pending-words", text: pendingWords(item.pending) }),
      h("div", { class: "muted", text: `${pendingBy(item.pending)} · ${waitsFor(item.pending)}` })),
    h("td", { "data-label": t("category"), text: `${label(info.categories, item.category)} · ${label(info.departments, item.department)}` }),
    h("td", { "data-label": t("due"), text: when(item.level_due_at) })))));
}

// -- the timeline, every line in words ------------------------------------------------------------------------
function actionWords(action) {
  return word(`action_${action.replaceAll("-", "_")}`, action.replaceAll("_", " "));
}

// "स्वचालित (Twilio)", "अधिकारी officer.water.l1": the system's parts by name, people by their user name or phone.
function actorWords(e) {
  const kind = word(`actor_${e.actor_type}`, e.actor_type);
  return e.actor_type === "system" ? `${kind} (${word(`by_${e.actor_id}`, e.actor_id)})` : `${kind} ${e.actor_id}`;
}

function entryLine(e) {
  const channel = e.channel && e.channel !== "system" ? word(`channel_${e.channel}`, e.channel) : null;
  return [when(e.at), actorWords(e), channel].filter(Boolean).join(" · ");
}

// A message's timeline entry (domain/delivery.py), one line per person: "Citizen · resolution → SMS (WhatsApp: no consent)".
function noticeLine(n) {
  const word = (prefix, key) => t(`${prefix}_${String(key).replaceAll("-", "_")}`);
  const skipped = (n.skipped || []).map((s) => `${word("channel", s.channel)}: ${word("skip", s.reason)}`).join(", ");
  return `${word("to", n.to)} · ${word("kind", n.kind)} → ${n.channel ? word("channel", n.channel) : t("not_sent")}${skipped ? ` (${skipped})` : ""}`;
}

function entryDetail(e, info) {
  const d = e.detail || {};
  if (d.text_deleted_at && (e.action === "transcript_corrected" || e.action === "transcribed")) return h("div", { class: "muted", text: t("words_deleted") });
  if (e.action === "transcript_deleted") return h("div", { class: "muted", text: t("retention_days").replace("{days}", d.retention_days ?? "—") });
  if (e.action === "transcript_corrected") return h("div", { class: "said" }, h("del", { text: d.before || "—" }), " → ", h("ins", { text: d.after }));
  if (e.action === "transcribed") return h("div", { class: "said", text: [t(`state_${d.status}`), d.text].filter(Boolean).join(" — ") });
  // Departments and categories by name, levels as they are, the machine's reasons in words, people's as typed.
  const department = (id) => name(info.departments.find((x) => x.id === id)?.names) || id;
  const category = (id) => name([...info.categories, ...(info.requests || [])].find((x) => x.id === id)?.names) || id;
  const facts = [];
  if (e.action === "transferred") facts.push(`${department(d.from)} → ${department(d.to)}`);
  if (e.action === "rerouted") facts.push(`${category(d.from_category)} → ${category(d.to_category)}`);
  if (e.action === "registered" && d.category) facts.push(`${category(d.category)} · ${department(d.department)}`);
  if (e.action === "escalated" && d.from) facts.push(`${d.from} → ${d.to}`);
  if (e.action === "reopened" && d.to) facts.push(`→ ${d.to}`);
  if (d.days !== undefined) facts.push(t("days_more", { days: d.days }));
  if (d.code) facts.push(closureWords(d.code));
  if (d.closure) facts.push(closureWords(d.closure));
  if (d.outcome) facts.push(closureWords(d.outcome));
  if (e.action === "whatsapp_consent") facts.push(t(d.given ? "yes" : "no"));
  const said = d.remark || d.note || d.text || (d.reason ? word(`reason_${d.reason}`, d.reason) : "");
  if (!facts.length && !said) return null;
  return h("div", { class: "entry-detail" }, facts.join(" · "), said ? h("span", { class: "said" }, facts.length ? " — " : "", said) : null);
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

// A deadline as its date and, while the ticket is open, how long is left or how late it is, counted from the
// server's time (a PC's clock may be wrong): "4 दिस॰, 5:00 pm · 5 घंटे में".
function dueLine(dueIso, startIso, ticket) {
  if (!dueIso) return null;
  if (!OPEN.includes(ticket.status)) return when(dueIso);
  const left = timeLeft(dueIso, startIso, state.lang, Date.parse(ticket.now) || Date.now());
  return h("span", {}, `${when(dueIso)} · `, h("span", { class: `due ${left.tone}`, text: left.text }));
}

export async function ticketPage(number) {
  const ticket = await api(`/tickets/${number}`);
  const info = await district(ticket.district);
  const reload = () => frame.render();
  const done = (action, after) => afterAction(action, after, info);
  const label = (list, id) => name(list.find((x) => x.id === id)?.names) || id;
  const formRows = Object.entries(ticket.form || {}).map(([id, value]) => [name((info.requests || []).find((r) => r.id === ticket.category)?.fields.find((f) => f.id === id)?.names) || id, value, true]);
  const rows = [["status", statusBadges(ticket)], ["kind", ticket.kind !== "complaint" ? t(`kind_${ticket.kind}`) : null],
    ["category", label([...info.categories, ...(info.requests || [])], ticket.category)], ...formRows,
    ["department", label(info.departments, ticket.department)], ["level", ticket.level],
    ["caller_phone", ticket.caller_phone], ["caller_name", ticket.caller_name], ["address", ticket.address], ["description", ticket.kind === "request" ? null : ticket.description],
    ["created", when(ticket.created_at)], ["due", dueLine(ticket.level_due_at, ticket.level_started_at, ticket)], ["sla_due", dueLine(ticket.sla_due_at, ticket.created_at, ticket)],
    ["remark", ticket.resolution_remark], ["closure", closureWords(ticket.closure)],
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
    decide: [["note", "optional"]], note: [["text", "text"]], reroute: [["category", "select", categories.filter(([id]) => id !== ticket.category)], ["reason", "text"]],
    escalate: [["reason", "text"]],
  };
  const actions = ticket.allowed_actions.map((a) => actionForm(a, number, forms[a] || [], done));
  const pending = ticket.pending ? pendingBox(ticket.pending) : null;
  const timeline = h("ol", { class: "timeline", id: "timeline" }, ticket.timeline.map((e) => h("li", { "data-action": e.action },
    h("b", { text: actionWords(e.action) }), " · ", h("span", { class: "muted", text: entryLine(e) }),
    entryDetail(e, info),
    e.detail && Array.isArray(e.detail.notices) ? e.detail.notices.map((n) => h("div", { class: "muted", text: noticeLine(n) })) : null)));
  const heard = ticket.transcript || ticket.has_recording ? transcriptBox(ticket, reload) : null;
  return [h("h1", {}, `${t("complaint_number")}: `, h("span", { id: "ticket-number", text: ticket.complaint_number })),
    h("section", { class: "card" }, pending, facts, categoryHint(ticket, info)),
    h("section", { class: "card" }, h("h2", { text: t(heard ? "recording_and_transcript" : "recording") }),
      h("div", { class: "row heard" }, player, heard)),
    h("section", { class: "card actions" }, h("h2", { text: t("actions") }), actions),
    h("section", { class: "card" }, h("h2", { text: t("timeline") }), timeline)];
}
