// The Samvad console: one page, hash routes, the API with the user's ID token. No framework.
// This file is the frame: sign-in, the navigation, which page a route draws, and drawing it.
import { api, frame, h, main, notice, run, state, t } from "./core.js";
import { listPage, searchBox } from "./lists.js";
import { complaintForm, operatorPage, searchPage, stopPolling, stopWatching, watchCalls } from "./operator.js";
import { ownPinCard } from "./pins.js";

// The pages a role may never open are not fetched with the frame: each is imported the first time its route is
// drawn (an operator's console loads no dashboard, directory or ticket page until one is opened).
const dashboard = () => import("./dashboard.js");
const directory = () => import("./directory.js");
const ticket = () => import("./ticket.js");

// -- sign-in -----------------------------------------------------------------------------------------
async function signIn(username, password) {
  const response = await fetch(state.config.auth_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: state.config.client_id,
                           AuthParameters: { USERNAME: username, PASSWORD: password } }),
  });
  const data = await response.json().catch(() => ({}));
  // The sign-in service answers in English: a wrong name or password is said in the user's language.
  if (!response.ok || !data.AuthenticationResult) {
    throw new Error(["NotAuthorizedException", "UserNotFoundException"].includes(data.__type) ? t("sign_in_wrong") : t("error_unknown"));
  }
  state.token = data.AuthenticationResult.IdToken;
  sessionStorage.setItem("samvad.token", state.token);
  state.me = await api("/me");
  go(home());
}

function signOut() {
  stopWatching();
  state.token = null; state.me = null; state.stateView = null;
  sessionStorage.removeItem("samvad.token");
  go("#/signin");
}

// A new hash renders through `hashchange`; the same hash must be rendered here. Rendering both ways would draw
// the page twice and wipe what someone had started typing into the first one (the sign-in form above all).
function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function home() {
  return { operator: "#/operator", officer: "#/inbox" }[state.me?.role] || "#/dashboard";
}

function signInPage() {
  const user = h("input", { id: "username", autocomplete: "username", required: true });
  const pass = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
  return h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); run(() => signIn(user.value.trim(), pass.value)); } },
    h("h1", { text: t("sign_in") }), h("label", { for: "username", text: t("username") }), user,
    h("label", { for: "password", text: t("password") }), pass, h("button", { class: "primary", type: "submit", text: t("sign_in") }));
}

// -- frame -------------------------------------------------------------------------------------------
function navigation() {
  const links = {
    operator: [["#/operator", "nav_call"], ["#/new", "nav_new"], ["#/search", "nav_search"], ["#/queue", "nav_queue"]],
    officer: [["#/inbox", "nav_inbox"], ["#/search", "nav_search"]],
    collector: [["#/dashboard", "nav_dashboard"], ["#/queue", "nav_queue"], ["#/search", "nav_search"], ["#/new", "nav_new"], ["#/directory", "nav_directory"]],
  };
  const items = links[state.me?.role] || (state.me ? links.collector : []);
  document.getElementById("nav").replaceChildren(...items.map(([href, key]) => h("a", { href, text: t(key) })),
    state.me ? h("span", { class: "who", text: `${t("signed_in_as")} ${state.me.name} (${t(state.me.role)})` }) : "");
}

async function page() {
  const [path, query] = location.hash.slice(1).split("?");
  const params = new URLSearchParams(query || "");
  if (!state.me) return [signInPage()];
  if (path.startsWith("/ticket/")) return (await ticket()).ticketPage(path.slice(8));
  switch (path) {
    case "/operator": return operatorPage(params);
    case "/new": return [h("h1", { text: t("nav_new") }), await complaintForm({})];
    case "/search": return searchPage(params);
    case "/queue": return [h("h1", { text: t("nav_queue") }), searchBox(), ...await listPage(path, params)];
    case "/inbox": return [h("h1", { text: t("nav_inbox") }), searchBox(), (await ticket()).approvalsList(), ...await listPage(path, params), ownPinCard()];
    case "/dashboard": return (await dashboard()).dashboardPage();
    case "/directory": return (await directory()).directoryPage();
    default: location.hash = home(); return [];
  }
}

let renders = 0; // the latest render: a slower one that started before it must not draw over it

async function render() {
  const mine = ++renders;
  stopPolling();
  document.documentElement.lang = state.lang;
  document.getElementById("lang").textContent = t("other_language");
  document.getElementById("signout").hidden = !state.me;
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  navigation();
  watchCalls(); // the ringing call reaches an operator on every page (operator.js)
  let content;
  try {
    content = (await page()).filter(Boolean);
  } catch (error) {
    content = [h("p", { class: "muted", text: error.message })];
  }
  if (mine === renders) main.replaceChildren(...content);
}

async function start() {
  frame.render = render;
  frame.signOut = signOut;
  document.getElementById("lang").addEventListener("click", () => {
    state.lang = state.lang === "hi" ? "en" : "hi";
    localStorage.setItem("samvad.lang", state.lang);
    render();
  });
  document.getElementById("signout").addEventListener("click", signOut);
  window.addEventListener("hashchange", () => { notice(""); render(); });
  state.config = await (await fetch("config.json")).json();
  if (state.token) {
    try { state.me = await api("/me"); } catch { state.me = null; }
  }
  if (!state.me && location.hash !== "#/signin") location.hash = "#/signin";
  render();
}

start();
