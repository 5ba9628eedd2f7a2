// The web console's entry point: the session, the header and the router
// (#/ lists the batches, #/batch/<request_id> shows one).

import { Api, loadCredentials } from "./api";
import { byId, h, replace } from "./dom";
import { batchView } from "./batch";
import { listView } from "./list";
import { signInView } from "./signin";
import type { View } from "./view";

let api: Api | null = null;
let view: View | null = null;

function signedOut(why: string): void {
  api?.signOut();
  api = null;
  route(`You were signed out: ${why}.`);
}

function renderSession(): void {
  const box = byId("session");
  if (!api) {
    replace(box);
    return;
  }
  const how = api.creds.mode === "jwt" ? "JWT" : "API key";
  replace(box, h("span", { class: "muted" }, "Signed in as ", h("strong", { id: "signed-in-as" }, api.creds.clientId), ` (${how})`),
    h("button", { type: "button", id: "sign-out", class: "small", onclick: () => { api?.signOut(); api = null; route(); } }, "Sign out"));
}

function route(notice?: string): void {
  const first = view === null;
  view?.destroy();
  renderSession();
  if (!api) {
    view = signInView((a) => { api = a; route(); }, notice);
  } else {
    const m = location.hash.match(/^#\/batch\/([A-Za-z0-9_-]{1,64})$/);
    view = m ? batchView(api, m[1], signedOut) : listView(api, signedOut);
    document.title = m ? `Batch ${m[1].slice(0, 12)} · bulkverify` : "Batches · bulkverify";
  }
  replace(byId("main"), view.el);
  if (first && view.autofocus) view.autofocus.focus();
  else if (!first) view.heading.focus();
}

const saved = loadCredentials();
if (saved) api = new Api(saved);
window.addEventListener("hashchange", () => route());
route();
