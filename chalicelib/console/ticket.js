// One ticket: its facts, the recording and its transcript, the actions its user may take, the timeline.
import { STRINGS } from "./strings.js";
import { api, district, frame, h, name, notice, run, state, t, when } from "./core.js";
import { statusBadges } from "./lists.js";

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

export async function ticketPage(number) {
  const ticket = await api(`/tickets/${number}`);
  const info = await district(ticket.district);
  const reload = () => frame.render();
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
