// The sign-in form: a client's id and secret, sent as headers or swapped
// for a JWT from /v1/authorize.

import { Api, ApiError } from "./api";
import { h, replace } from "./dom";
import { errorBox } from "./widgets";
import type { View } from "./view";

export function signInView(onSignedIn: (api: Api) => void, notice?: string): View {
  const clientId = h("input", { id: "client-id", name: "client_id", autocomplete: "username", required: true, spellcheck: "false" });
  const secret = h("input", { id: "client-secret", name: "client_secret", type: "password", autocomplete: "current-password", required: true });
  const modeKey = h("input", { type: "radio", name: "mode", id: "mode-key", value: "key", checked: true });
  const modeJwt = h("input", { type: "radio", name: "mode", id: "mode-jwt", value: "jwt" });
  const err = errorBox();
  if (notice) err.textContent = notice;
  const submit = h("button", { type: "submit", id: "sign-in" }, "Sign in");
  const heading = h("h2", { tabindex: -1, id: "signin-title" }, "Sign in");

  const form = h("form", { class: "card narrow", "aria-labelledby": "signin-title" },
    h("p", { class: "muted" }, "Use your API client's id and secret, as in the ", h("code", null, "client-id"), " and ",
      h("code", null, "x-api-key"), " headers. They stay in this browser tab only."),
    h("div", { class: "field" }, h("label", { for: "client-id" }, "Client ID"), clientId),
    h("div", { class: "field" }, h("label", { for: "client-secret" }, "Client secret (API key)"), secret),
    h("fieldset", { class: "field" },
      h("legend", null, "Authenticate each request with"),
      h("div", { class: "choice" }, modeKey, h("label", { for: "mode-key" }, "the client-id and x-api-key headers")),
      h("div", { class: "choice" }, modeJwt, h("label", { for: "mode-jwt" },
        "a JWT from ", h("code", null, "POST /v1/authorize"), " (Authorization: Bearer, renewed when it expires)"))),
    err,
    h("div", { class: "actions" }, submit));

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      const api = await Api.signIn({
        clientId: clientId.value.trim(), secret: secret.value, mode: modeJwt.checked ? "jwt" : "key",
      });
      onSignedIn(api);
    } catch (e) {
      err.textContent = e instanceof ApiError && e.authFailed
        ? `Sign-in refused: ${e.message}. Check the client ID and secret.`
        : (e as Error).message;
      secret.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = "Sign in";
    }
  });

  const el = h("section", { class: "view", id: "signin-view" });
  replace(el, heading, form, h("p", { class: "muted small" }, "Running ", h("code", null, "bulkverify dev"),
    "? Its demo client is ", h("code", null, "demo"), " with the secret ", h("code", null, "demo-secret"), "."));
  return { el, heading, destroy() {}, autofocus: clientId };
}
