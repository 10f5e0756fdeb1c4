// The operator's card for a sign-language video call (operator.js imports it only when the call opened is one): join
// the citizen's meeting, see them (and this operator's own camera), their answer on recording as it changes, the
// time left before the district's cap, and end the call. The complaint form below it registers with the call's id
// as any call's does (the ticket is linked to the call). Exports: videoCard(callSid).
import { api, BASE, h, notice, run, t } from "./core.js";
import { startMedia } from "./video_media.js";

const POLL_MS = 5000; // the call item (GET /api/calls/{sid}) while the card is shown: consent, state, the cap
const SDK = `${BASE}/console/vendor/chime-sdk.js`;

// The call this console is on: kept across a redraw of the page (a language switch, the next complaint's form),
// so its meeting and videos go on; another call's card ends it here.
const on = { sid: null, media: null, kind: null, joined: false, busy: false, call: null, skew: 0, nodes: null };

function nodes() {
  const self = h("video", { id: "video-self", class: "self", autoplay: true, muted: true, playsinline: true });
  self.muted = true;
  return { self, remote: h("video", { id: "video-remote", class: "remote", autoplay: true, playsinline: true }),
           sound: h("audio", { id: "video-sound", autoplay: true }) };
}

async function stopMedia() {
  const media = on.media;
  on.media = null;
  if (media) await media.stop();
}

// The item as the API gives it: a video call's own state under `video` (api_calls.render).
const videoOf = (call) => ({ ...(call || {}), ...(call?.video || {}) });

export async function videoCard(callSid) {
  if (on.sid !== callSid) {
    await stopMedia();
    Object.assign(on, { sid: callSid, kind: null, joined: false, busy: false, call: null, nodes: nodes() });
  }
  const { self, remote, sound } = on.nodes;
  const status = h("p", { id: "video-status", class: "big-status", role: "status" });
  const consent = h("p", { id: "video-consent" });
  const left = h("p", { id: "video-time-left" });
  const note = h("p", { id: "video-local-note", class: "muted", hidden: !(on.joined && on.kind === "local"), text: t("video_local_note") });
  const stage = h("div", { class: "video-stage alone", id: "video-stage" }, remote, self,
    h("span", { class: "who", text: t("video_you") }));
  const join = h("button", { type: "button", class: "primary", id: "video-join", text: t("video_join") });
  const leave = h("button", { type: "button", class: "danger", id: "video-leave", text: t("video_leave") });
  const card = h("section", { class: "card video-card", id: "video-card", "data-call": callSid, "aria-labelledby": "video-card-title" },
    h("h2", { id: "video-card-title", text: t("video_card_title") }), status, consent, left, stage, note,
    h("div", { class: "actions" }, join, leave));

  const draw = () => {
    const v = videoOf(on.call);
    const state = v.state || "ringing";
    status.textContent = `${t(`video_state_${state}`, null, t("video_state_ringing"))}${v.answered_by ? ` · ${t("answered_by")} ${v.answered_by}` : ""}`;
    const said = v.recording_consent === true ? "yes" : v.recording_consent === false ? "no" : "none";
    consent.dataset.consent = said;
    consent.replaceChildren(`${t("video_consent")}: `, h("b", { text: t(`video_consent_${said}`) }));
    const ends = Date.parse(v.ends_at || "");
    const minutes = Number.isFinite(ends) ? Math.max(0, Math.floor((ends - (Date.now() + on.skew)) / 60_000)) : null;
    left.textContent = minutes === null ? "" : `${t("video_time_left")}: ${t("video_minutes", { n: minutes })}`;
    const over = ["ended", "missed"].includes(state);
    join.hidden = on.joined || over;
    join.disabled = on.busy;
    join.textContent = on.busy ? t("video_joining") : t("video_join");
    leave.hidden = !on.joined || over;
    stage.hidden = !on.joined;
    if (over && on.joined) { on.joined = false; stopMedia(); draw(); }
  };

  const take = (data) => {
    on.call = data;
    if (data?.now) on.skew = Date.parse(data.now) - Date.now();  // the API's clock, where it says it
    draw();
  };

  join.addEventListener("click", () => run(async () => {
    if (on.busy) return;
    on.busy = true;
    draw();
    try {
      const seat = await api(`/video-calls/${encodeURIComponent(callSid)}/join`, { method: "POST" });
      on.joined = true;
      take(seat.call);
      on.kind = seat.media;
      note.hidden = seat.media !== "local";
      on.media = await startMedia({ sdkUrl: SDK, meeting: seat.meeting, attendee: seat.attendee, media: seat.media,
        self, remote, sound, onRemote: (shown) => stage.classList.toggle("alone", !shown) });
    } catch (error) {
      if (error.code === "no_camera" || error.code === "camera_refused") throw new Error(t(`video_${error.code}`));
      throw error;
    } finally {
      on.busy = false;
      draw();
    }
  }));

  leave.addEventListener("click", () => run(async () => {
    const left = await api(`/video-calls/${encodeURIComponent(callSid)}/leave`, { method: "POST" });
    on.joined = false;
    await stopMedia();
    take(left.call);
    notice(t("video_state_ended"), true);
  }));

  // Polled while the card is in the page; once it is gone (another page, another call) the poll stops, and the
  // camera with it unless the same call's card was drawn again.
  const poll = async () => {
    if (!card.isConnected) {
      clearInterval(timer);
      const again = document.getElementById("video-card")?.dataset.call === callSid;
      if (!again && on.sid === callSid) { on.joined = false; await stopMedia(); }
      return;
    }
    if (document.hidden) return;
    try { take(await api(`/calls/${encodeURIComponent(callSid)}`)); } catch { /* the next look tries again */ }
  };
  const timer = setInterval(poll, POLL_MS);
  try { take(await api(`/calls/${encodeURIComponent(callSid)}`)); } catch (error) { notice(error.message); }
  draw();
  if (on.joined) {
    self.play?.().catch(() => {});
    remote.play?.().catch(() => {});
  }
  return card;
}

// Closing the console's tab while on the call leaves it (an answered call then ends for both, as on the button).
window.addEventListener("pagehide", () => {
  if (!on.joined || !on.sid) return;
  on.joined = false;
  const token = sessionStorage.getItem("samvad.token");
  fetch(`${BASE}/api/video-calls/${encodeURIComponent(on.sid)}/leave`, { method: "POST", keepalive: true,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: "{}" }).catch(() => {});
});
