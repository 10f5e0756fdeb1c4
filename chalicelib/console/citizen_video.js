// The citizen's sign-language video call page (/video/<id>, video.html): for someone who cannot speak or hear, on a
// cheap Android phone's browser. Hindi first (the call's own language once known; an English switch), very large
// buttons with an icon and a few words. Screens: the slot is later (its time in words, "come back then"; the page
// looks again every 30 s), ready (start), on the call (camera, the interpreter's tile, the recording question, time
// left, end), over, missed. The JSON is handlers/api_video.py's; its refusals come worded in the call's language.
// Its own words live here, not in the console's strings.js: the page loads no more than it shows.
import { startMedia } from "./video_media.js";

const WORDS = {
  hi: {
    title: "सांकेतिक भाषा वीडियो कॉल", loading: "लोड हो रहा है…", other_language: "English",
    bad_link: "यह लिंक सही नहीं है। संदेश में आया पूरा लिंक खोलें।",
    wait_title: "आपकी वीडियो कॉल का समय", wait_back: "तब इस पेज पर वापस आएँ।",
    wait_checks: "यह पेज खुद देखता रहता है: समय होने पर बटन यहीं आ जाएगा।",
    today: "आज", tomorrow: "कल", morning: "सुबह", afternoon: "दोपहर", evening: "शाम", night: "रात", oclock: "बजे",
    ready_title: "सांकेतिक भाषा के दुभाषिया से बात करें", start: "वीडियो कॉल शुरू करें",
    camera_hint: "पूछे जाने पर कैमरा और माइक की अनुमति दें।", connecting: "जुड़ रहे हैं…",
    ringing: "दुभाषिया को बुलाया जा रहा है। रुकिए।", answered: "दुभाषिया जुड़ गए हैं।",
    you: "आप", interpreter: "दुभाषिया",
    local_note: "इस परीक्षण सर्वर पर केवल आपका अपना कैमरा दिखता है।",
    consent_question: "क्या यह कॉल रिकॉर्ड की जाए?", yes: "हाँ", no: "नहीं",
    consent_yes: "आपका जवाब: हाँ। कॉल रिकॉर्ड होगी। बदलना हो तो नहीं दबाएँ।",
    consent_no: "आपका जवाब: नहीं। कॉल रिकॉर्ड नहीं होगी। बदलना हो तो हाँ दबाएँ।",
    consent_none: "जब तक आप हाँ नहीं दबाते, कुछ भी रिकॉर्ड नहीं होगा।",
    time_left: "बचा समय: {n} मिनट", end: "कॉल समाप्त करें",
    over_title: "कॉल समाप्त हो गई। धन्यवाद।", missed_title: "इस वीडियो कॉल का समय निकल गया।",
    hotline: "फिर बात करनी हो तो हेल्पलाइन पर कॉल करें (कोई परिजन भी कर सकते हैं):", call_hotline: "हेल्पलाइन पर कॉल करें",
    no_camera: "कैमरा नहीं मिला। फ़ोन का कैमरा देखकर फिर कोशिश करें।",
    camera_refused: "कैमरा चालू नहीं हुआ। ब्राउज़र में कैमरा की अनुमति दें और फिर कोशिश करें।",
    network: "नेटवर्क नहीं मिला। इंटरनेट देखकर फिर कोशिश करें।", unknown: "कुछ गड़बड़ हुई। फिर कोशिश करें।",
    try_again: "फिर कोशिश करें",
  },
  en: {
    title: "Sign-language video call", loading: "Loading…", other_language: "हिंदी",
    bad_link: "This link is not right. Open the whole link from the message.",
    wait_title: "Your video call is at", wait_back: "Come back to this page then.",
    wait_checks: "This page keeps checking by itself: the button comes here when it is time.",
    today: "today", tomorrow: "tomorrow", morning: "am", afternoon: "pm", evening: "pm", night: "pm", oclock: "",
    ready_title: "Talk to a sign-language interpreter", start: "Start the video call",
    camera_hint: "Allow the camera and microphone when asked.", connecting: "Connecting…",
    ringing: "Calling an interpreter. Please wait.", answered: "The interpreter has joined.",
    you: "You", interpreter: "Interpreter",
    local_note: "On this test server only your own camera is shown.",
    consent_question: "May this call be recorded?", yes: "Yes", no: "No",
    consent_yes: "Your answer: yes. The call will be recorded. Press No to change it.",
    consent_no: "Your answer: no. The call will not be recorded. Press Yes to change it.",
    consent_none: "Nothing is recorded unless you press Yes.",
    time_left: "Time left: {n} min", end: "End the call",
    over_title: "The call is over. Thank you.", missed_title: "The time for this video call has passed.",
    hotline: "To talk again, call the helpline (a relative can call for you):", call_hotline: "Call the helpline",
    no_camera: "No camera found. Check the phone's camera and try again.",
    camera_refused: "The camera did not start. Allow the camera in the browser and try again.",
    network: "No network. Check the internet and try again.", unknown: "Something went wrong. Try again.",
    try_again: "Try again",
  },
};

const RECHECK_MS = 30_000; // waiting for the slot
const POLL_MS = 5_000; // on the call: the interpreter joining, the call ending
const EARLY_MS = 10 * 60_000; // the API lets the citizen in this long before the slot (domain/video_calls.py)
const ID = (location.pathname.match(/\/video\/(VC[0-9a-f]{32})\/?$/) || [])[1];
const BASE = location.pathname.replace(/\/video\/[^/]*\/?$/, ""); // keeps API Gateway's stage prefix
const SDK = `${BASE}/console/vendor/chime-sdk.js`;
const main = document.getElementById("main");

const page = {
  lang: localStorage.getItem("samvad.video.lang"), // chosen on this phone; else the call's language
  screen: "loading", call: null, skew: 0, error: "", busy: false, joined: false, media: null, timer: null, ui: null,
};
const words = () => WORDS[page.lang] || WORDS.hi;
const say = (key, values = {}) => Object.entries(values).reduce((s, [k, v]) => s.replace(`{${k}}`, v), words()[key] ?? key);
const serverNow = () => Date.now() + page.skew; // the API's clock (the local stack's moves on `manage.py advance`)

// -- nodes -------------------------------------------------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
}

// Icons drawn inline (no image to fetch; script-src and img-src stay 'self'), hidden from screen readers: the
// button's words say it.
const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  camera: ["M3 7h12v10H3z", "M15 10.5l6-3.5v10l-6-3.5"],
  end: ["M2.5 14.5c5.5-5 13.5-5 19 0l-2.8 2.8-3.7-1.6v-3c-2.6-.9-5.4-.9-8 0v3l-3.7 1.6z"],
  yes: ["M5 12.5l4.5 4.5L19 7.5"],
  no: ["M6.5 6.5l11 11M17.5 6.5l-11 11"],
  clock: ["M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18", "M12 7v5l3.5 2.5"],
  phone: ["M6.5 3.5l3 3.5-2 2.5c1.3 2.7 3.3 4.7 6 6l2.5-2 3.5 3-2 3c-7.5-.5-13.5-6.5-14-14z"],
};
function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", name === "end" || name === "phone" ? "icon solid" : "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

// Made once, moved between screens: a <video> keeps its camera stream when redrawn around it.
const selfVideo = h("video", { id: "self-video", class: "self", autoplay: true, muted: true, playsinline: true });
const remoteVideo = h("video", { id: "remote-video", class: "remote", autoplay: true, playsinline: true });
const remoteSound = h("audio", { id: "remote-sound", autoplay: true });
selfVideo.muted = true; // the attribute alone does not mute a video made by script

// -- the API -----------------------------------------------------------------------------------------------
class Refused extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function ask(step, { method = "GET", body, keepalive = false } = {}) {
  let response;
  try {
    response = await fetch(`${BASE}/video/${ID}/${step}`, {
      method, keepalive, headers: { "Accept-Language": page.lang || "hi", ...(method === "POST" ? { "Content-Type": "application/json" } : {}) },
      body: method === "POST" ? JSON.stringify(body || {}) : undefined,
    });
  } catch {
    throw new Refused(0, "network", say("network"));
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Refused(response.status, data.error?.code || "error", data.error?.message || say("unknown"));
  return data;
}

// A state from the API: its clock, its language, which screen it means.
function take(call) {
  page.call = call;
  if (call.now) page.skew = Date.parse(call.now) - Date.now();
  if (!page.lang) page.lang = WORDS[call.language] ? call.language : "hi";
  if (call.state === "ended" || call.state === "missed") {
    page.screen = call.state === "ended" ? "over" : "missed";
    page.joined = false;  // nothing left to leave
  }
  else if (page.joined) page.screen = "call";
  else page.screen = Date.parse(call.slot_at) - EARLY_MS > serverNow() ? "waiting" : "ready";
}

function failed(error) {
  if (error.code === "no_video_call") { page.screen = "bad_link"; page.error = error.message; }
  else if (error.code === "video_over") {
    page.screen = page.call?.state === "missed" ? "missed" : "over";
    page.error = "";
    page.joined = false;
  }
  else page.error = error.message;
}

async function refresh() {
  try { take(await ask("state")); page.error = ""; } catch (error) { failed(error); }
  draw();
}

// -- what the person does ----------------------------------------------------------------------------------
async function join() {
  if (page.busy) return;
  page.busy = true; page.error = "";
  draw();
  try {
    const seat = await ask("join", { method: "POST" });
    page.joined = true;
    take(seat);
    draw();  // the call screen first: the preview has its <video> in the page
    page.media = await startMedia({ sdkUrl: SDK, meeting: seat.meeting, attendee: seat.attendee, media: seat.media,
      self: selfVideo, remote: remoteVideo, sound: remoteSound, onRemote: (on) => page.ui?.setRemote(on) });
  } catch (error) {
    if (error.code === "video_not_yet") { await refresh(); return; }
    page.error = error.code === "no_camera" || error.code === "camera_refused" ? say(error.code) : error.message;
    failed(error.status !== undefined ? error : { code: "media", message: page.error });
  } finally {
    page.busy = false;
    draw();
  }
}

async function answer(agreed) {
  try { take(await ask("consent", { method: "POST", body: { recording: agreed } })); page.error = ""; } catch (error) { failed(error); }
  draw();
}

async function stopMedia() {
  const media = page.media;
  page.media = null;
  if (media) await media.stop();
}

async function leave() {
  if (page.busy) return;
  page.busy = true;
  try {
    take(await ask("leave", { method: "POST" }));
  } catch (error) { failed(error); }
  page.joined = false;
  await stopMedia();
  if (page.screen === "call" || page.screen === "ready") page.screen = "over";
  page.busy = false;
  draw();
}

// Closing the tab or going away is leaving the call (the page cannot come back to it as it was).
window.addEventListener("pagehide", () => {
  if (!page.joined || !ID) return;
  page.joined = false;
  fetch(`${BASE}/video/${ID}/leave`, { method: "POST", keepalive: true, headers: { "Content-Type": "application/json" }, body: "{}" }).catch(() => {});
});

// -- time in words, in IST ---------------------------------------------------------------------------------
const IST = "Asia/Kolkata";
const istDay = (ms) => new Date(ms).toLocaleDateString("en-CA", { timeZone: IST });
function slotWords(iso) {
  const at = Date.parse(iso);
  const lang = page.lang === "en" ? "en" : "hi";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: IST, hour: "numeric", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour);
  const clock = `${hour % 12 || 12}:${parts.minute}`;
  const period = hour < 4 ? "night" : hour < 12 ? "morning" : hour < 16 ? "afternoon" : hour < 20 ? "evening" : "night";
  const today = istDay(serverNow());
  const tomorrow = istDay(serverNow() + 86_400_000);
  const day = istDay(at) === today ? say("today") : istDay(at) === tomorrow ? say("tomorrow")
    : new Date(at).toLocaleDateString(lang === "hi" ? "hi-IN" : "en-IN", { timeZone: IST, weekday: "long", day: "numeric", month: "long" });
  return lang === "hi" ? `${day}, ${say(period)} ${clock} ${say("oclock")}` : `${day}, ${clock} ${say(period)}`;
}

function minutesLeft() {
  const ends = Date.parse(page.call?.ends_at || "");
  if (!Number.isFinite(ends)) return null;
  return Math.max(0, Math.floor((ends - serverNow()) / 60_000));
}

// -- screens -----------------------------------------------------------------------------------------------
const alertBox = () => (page.error ? h("p", { class: "alert", role: "alert", id: "video-error", text: page.error }) : null);

function hotlineBlock() {
  const number = page.call?.hotline;
  if (!number) return null;
  return [h("p", { class: "say", text: say("hotline") }), h("p", { class: "phone-number", text: number }),
    h("a", { class: "big phone", href: `tel:${number}`, id: "call-hotline" }, icon("phone"), h("span", { text: say("call_hotline") }))];
}

function waitingScreen() {
  return [h("h1", { text: say("wait_title") }), h("p", { class: "big-time", id: "slot-time" }, icon("clock"), " ", slotWords(page.call.slot_at)),
    h("p", { class: "say", text: say("wait_back") }), h("p", { class: "small", text: say("wait_checks") }), alertBox()];
}

function readyScreen() {
  return [h("h1", { text: say("ready_title") }), alertBox(),
    h("button", { type: "button", class: "big", id: "start-call", disabled: page.busy, onclick: join },
      icon("camera"), h("span", { text: page.busy ? say("connecting") : say("start") })),
    h("p", { class: "small", text: say("camera_hint") })];
}

// The call screen is built once per language and then only updated, so a poll never moves focus or the videos.
function callScreen() {
  const status = h("p", { class: "status", id: "call-status", role: "status" });
  const left = h("p", { class: "left", id: "time-left" });
  const videos = h("div", { class: "videos alone", id: "videos" },
    remoteVideo, selfVideo, h("span", { class: "who", id: "who-you", text: say("you") }));
  const note = page.call.media === "local" ? h("p", { class: "small", id: "local-note", text: say("local_note") }) : null;
  const yes = h("button", { type: "button", id: "consent-yes", "aria-pressed": "false", onclick: () => answer(true) }, icon("yes"), h("span", { text: say("yes") }));
  const no = h("button", { type: "button", id: "consent-no", "aria-pressed": "false", onclick: () => answer(false) }, icon("no"), h("span", { text: say("no") }));
  const consentAnswer = h("p", { class: "answer", id: "consent-answer", "aria-live": "polite" });
  const errorSlot = h("div", { id: "error-slot" });
  const end = h("button", { type: "button", class: "big end", id: "end-call", onclick: leave }, icon("end"), h("span", { text: say("end") }));
  const node = h("section", { id: "call-screen", "aria-labelledby": "call-title" },
    h("h1", { id: "call-title", text: say("title") }), status, videos, note, left,
    h("div", { class: "consent", role: "group", "aria-labelledby": "consent-question" },
      h("p", { class: "q", id: "consent-question", text: say("consent_question") }), h("div", { class: "pair" }, yes, no), consentAnswer),
    errorSlot, end);
  const update = () => {
    const c = page.call;
    status.replaceChildren(h("span", { text: say(c.state === "answered" ? "answered" : "ringing") }));
    status.className = c.state === "answered" ? "status on" : "status";
    const minutes = minutesLeft();
    left.textContent = minutes === null ? "" : say("time_left", { n: minutes });
    yes.setAttribute("aria-pressed", String(c.recording_consent === true));
    no.setAttribute("aria-pressed", String(c.recording_consent === false));
    consentAnswer.textContent = say(c.recording_consent === true ? "consent_yes" : c.recording_consent === false ? "consent_no" : "consent_none");
    consentAnswer.dataset.consent = c.recording_consent === true ? "yes" : c.recording_consent === false ? "no" : "none";
    errorSlot.replaceChildren(...[alertBox()].filter(Boolean));
  };
  const setRemote = (on) => videos.classList.toggle("alone", !on);
  return { node, update, setRemote, lang: page.lang };
}

function endedScreen(key) {
  return [h("h1", { id: key === "over_title" ? "call-over" : "call-missed", text: say(key) }), alertBox(), hotlineBlock()];
}

function draw() {
  document.documentElement.lang = page.lang || "hi";
  document.title = `संवाद — ${say("title")}`;
  const lang = document.getElementById("lang");
  lang.textContent = say("other_language");
  lang.setAttribute("lang", page.lang === "en" ? "hi" : "en");
  const names = page.call?.district_names;
  document.getElementById("place").textContent = names ? names[page.lang] || names.hi || names.en || "" : "";
  schedule();
  if (page.screen === "call") {
    if (!page.ui || page.ui.lang !== page.lang || !page.ui.node.isConnected) {
      page.ui = callScreen();
      main.replaceChildren(page.ui.node);
      if (selfVideo.srcObject) selfVideo.play().catch(() => {});
      if (remoteVideo.srcObject) remoteVideo.play().catch(() => {});
    }
    page.ui.update();
    return;
  }
  page.ui = null;
  const screens = {
    loading: () => [h("p", { class: "say", text: say("loading") })],
    bad_link: () => [h("h1", { text: say("title") }), h("p", { class: "alert", role: "alert", text: page.error || say("bad_link") })],
    waiting: waitingScreen, ready: readyScreen,
    over: () => endedScreen("over_title"), missed: () => endedScreen("missed_title"),
  };
  main.replaceChildren(...(screens[page.screen] || screens.loading)().flat().filter(Boolean));
  if (page.screen === "over" || page.screen === "missed") stopMedia();
}

// One timer: every 30 s while waiting for the slot, every 5 s on the call, none otherwise.
function schedule() {
  const every = page.screen === "waiting" ? RECHECK_MS : page.screen === "call" ? POLL_MS : 0;
  if (page.timer?.every === every) return;
  clearInterval(page.timer?.id);
  page.timer = every ? { every, id: setInterval(() => { if (!document.hidden && !page.busy) refresh(); }, every) } : null;
}

document.getElementById("lang").addEventListener("click", () => {
  page.lang = page.lang === "en" ? "hi" : "en";
  localStorage.setItem("samvad.video.lang", page.lang);
  draw();
});
document.addEventListener("visibilitychange", () => { if (!document.hidden && page.timer) refresh(); });

if (ID) refresh();
else { page.screen = "bad_link"; draw(); }
