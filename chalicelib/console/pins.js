import { api, frame, h, notice, run, t } from "./core.js";

// The officers' IVR PIN: one's own (an officer's post, the Collector), and the Collector's office's reset of any
// officer's. Only its hash is kept; nothing here shows a PIN back.
function pinInput(id) {
  return h("input", { id, type: "password", inputmode: "numeric", autocomplete: "off", pattern: "[0-9]{4,8}",
    maxlength: 8, "aria-label": t("ivr_pin") });
}

export function ownPinCard() {
  const pin = pinInput("own-pin");
  const save = () => run(async () => {
    await api("/me/pin", { method: "PUT", body: { pin: pin.value.trim() } });
    pin.value = "";
    notice(t("ivr_pin_set"), true);
  });
  return h("section", { class: "card", id: "ivr-pin" }, h("h2", { text: t("ivr_pin") }), h("p", { text: t("ivr_pin_help") }),
    pin, h("button", { class: "primary", type: "button", id: "set-pin", text: t("save"), onclick: save }));
}

export function pinResetSection(code) {
  const phone = h("input", { id: "pin-phone", placeholder: "+91…", "aria-label": t("phone") });
  const pin = pinInput("reset-pin");
  const reset = () => run(async () => {
    await api(`/districts/${code}/officer-pins/${phone.value.trim().replace(/^\+/, "")}`, { method: "PUT", body: { pin: pin.value.trim() } });
    notice(t("ivr_pin_set"), true);
    frame.render();  // the change record shows the reset
  });
  return h("section", { class: "card", id: "pin-reset" }, h("h2", { text: t("ivr_pin_reset") }), h("p", { text: t("ivr_pin_reset_help") }),
    phone, pin, h("button", { class: "primary", type: "button", id: "reset-pin-button", text: t("save"), onclick: reset }));
}
