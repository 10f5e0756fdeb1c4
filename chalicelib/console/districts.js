// Which district a state admin works on: picked from its state file's list, or the state view.
import { api, districtCode, frame, h, name, state, t } from "./core.js";

// A state admin picks a district from its state file's list (the state view's), or goes back to the state view.
export async function stateDistricts() {
  if (!state.stateView) state.stateView = await api("/dashboard").catch(() => null);
  return state.stateView?.districts || [];
}

export function chooseDistrict(code) {
  if (code) localStorage.setItem("samvad.district", code); else localStorage.removeItem("samvad.district");
  frame.render();
}

export async function districtPicker() {
  if (state.me.role !== "state_admin") return null;
  const districts = (await stateDistricts()).slice().sort((a, b) => a.code.localeCompare(b.code));
  if (!districts.length) {  // no state file for this sign-in: the code is typed, as before
    const input = h("input", { id: "district", value: districtCode(), placeholder: "RPR" });
    return h("form", { class: "card", onsubmit: (e) => { e.preventDefault(); chooseDistrict(input.value.trim().toUpperCase()); } },
      h("label", { for: "district", text: t("district") }), input, h("button", { class: "primary", type: "submit", text: t("show") }));
  }
  const current = districtCode();
  const select = h("select", { id: "district", onchange: (e) => chooseDistrict(e.target.value) },
    h("option", { value: "", text: t("all_districts"), selected: !current }),
    districts.map((d) => h("option", { value: d.code, text: `${name(d.name) || d.code} (${d.code})`, selected: d.code === current })));
  return h("div", { class: "card" }, h("label", { for: "district", text: t("district") }), select);
}
