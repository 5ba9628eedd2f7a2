"use strict";
(() => {
  // src/api.ts
  var ApiError = class extends Error {
    constructor(status, subCode, message) {
      super(message);
      this.status = status;
      this.subCode = subCode;
    }
    // authFailed says the credentials themselves were refused.
    get authFailed() {
      return this.status === 401 || this.status === 403;
    }
  };
  var storageKey = "bulkverify-session";
  function loadCredentials() {
    try {
      const c = JSON.parse(sessionStorage.getItem(storageKey) ?? "null");
      return c && typeof c.clientId === "string" && typeof c.secret === "string" ? c : null;
    } catch {
      return null;
    }
  }
  function saveCredentials(c) {
    if (c) sessionStorage.setItem(storageKey, JSON.stringify(c));
    else sessionStorage.removeItem(storageKey);
  }
  function withQuery(path, q) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q ?? {})) {
      if (v !== void 0 && v !== "") p.set(k, String(v));
    }
    const s = p.toString();
    return s ? `${path}?${s}` : path;
  }
  async function authorize(clientId, secret) {
    const body = new URLSearchParams({ client_id: clientId, client_secret: secret });
    const res = await send("/v1/authorize", { method: "POST", body });
    return await decode(res);
  }
  async function send(url, init) {
    try {
      return await fetch(url, { ...init, credentials: "omit", cache: "no-store" });
    } catch (e) {
      throw new ApiError(0, "NETWORK", `Cannot reach the server (${e.message}). Is it running?`);
    }
  }
  async function decode(res) {
    let body = {};
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      if (!res.ok) throw new ApiError(res.status, "HTTP_" + res.status, text.trim() || res.statusText);
      throw new ApiError(res.status, "BAD_ANSWER", "The server answered something that is not JSON.");
    }
    if (res.ok) return body;
    if (typeof body.detail === "string") {
      throw new ApiError(res.status, res.status === 403 ? "FORBIDDEN" : "UNAUTHORIZED", body.detail);
    }
    const sub = typeof body.sub_code === "string" ? body.sub_code : "HTTP_" + res.status;
    const msg = typeof body.message === "string" ? body.message : res.statusText;
    throw new ApiError(res.status, sub, msg);
  }
  var Api = class _Api {
    constructor(creds) {
      this.creds = creds;
      this.providerList = null;
    }
    // signIn checks the credentials (getting a JWT first in "jwt" mode) and
    // keeps them for this tab.
    static async signIn(creds) {
      const api2 = new _Api(creds);
      if (creds.mode === "jwt") await api2.refreshToken();
      await api2.listBatches({ per_page: 1 });
      saveCredentials(api2.creds);
      return api2;
    }
    signOut() {
      saveCredentials(null);
    }
    async refreshToken() {
      const t = await authorize(this.creds.clientId, this.creds.secret);
      this.creds = { ...this.creds, token: t.access_token, tokenExpires: Date.now() + t.expires_in * 1e3 };
      saveCredentials(this.creds);
    }
    headers() {
      if (this.creds.mode === "jwt") {
        return { Authorization: `Bearer ${this.creds.token ?? ""}`, "x-api-key": this.creds.secret };
      }
      return { "client-id": this.creds.clientId, "x-api-key": this.creds.secret };
    }
    // call sends a request and returns the envelope's data. In "jwt" mode an
    // expired token is renewed once, and the request sent again.
    async call(method, path, q, body) {
      const url = withQuery(path, q);
      if (this.creds.mode === "jwt" && (this.creds.tokenExpires ?? 0) < Date.now() + 1e4) {
        await this.refreshToken();
      }
      try {
        return (await decode(await send(url, { method, headers: this.headers(), body }))).data;
      } catch (e) {
        if (!(e instanceof ApiError) || this.creds.mode !== "jwt" || e.status !== 401) throw e;
        await this.refreshToken();
        return (await decode(await send(url, { method, headers: this.headers(), body }))).data;
      }
    }
    listBatches(q) {
      return this.call("GET", "/v1/verification/batches", q);
    }
    status(id) {
      return this.call("GET", "/v1/verification/batch-processing-status", { request_id: id });
    }
    // upload sends a CSV with its options; dryRun checks it without storing.
    upload(provider, form, dryRun) {
      return this.call("POST", "/v1/verification/batch", { provider, dry_run: dryRun ? "true" : void 0 }, form);
    }
    cancel(id) {
      return this.call("POST", `/v1/verification/batch/${encodeURIComponent(id)}/cancel`);
    }
    retry(id, codes) {
      return this.call("POST", `/v1/verification/batch/${encodeURIComponent(id)}/retry`, {
        codes: codes.length ? codes.join(",") : void 0
      });
    }
    // providers returns the providers the server knows, sorted by name,
    // asked once for the session (again after a failure).
    providers() {
      if (!this.providerList) {
        this.providerList = this.call("GET", "/v1/providers").then((d) => d.providers);
        this.providerList.catch(() => this.providerList = null);
      }
      return this.providerList;
    }
    claims(id, limit) {
      return this.call("GET", `/v1/verification/batch/${encodeURIComponent(id)}/claims`, { limit });
    }
    errors(id, limit) {
      return this.call("GET", `/v1/verification/batch/${encodeURIComponent(id)}/errors`, { limit });
    }
    // webhooks returns the delivery log, or null where the server has no
    // such route (it answers 404).
    async webhooks(id) {
      try {
        return await this.call("GET", `/v1/verification/batch/${encodeURIComponent(id)}/webhooks`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    }
  };

  // src/dom.ts
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (v === null || v === void 0 || v === false) continue;
      if (typeof v === "function") {
        el.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (k === "value" || k === "checked") {
        el[k] = v;
      } else {
        el.setAttribute(k === "className" ? "class" : k, v === true ? "" : String(v));
      }
    }
    append(el, children);
    return el;
  }
  function append(el, children) {
    for (const c of children) {
      if (c === null || c === void 0 || c === false) continue;
      if (Array.isArray(c)) append(el, c);
      else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    }
  }
  function replace(el, ...children) {
    while (el.firstChild) el.removeChild(el.firstChild);
    append(el, children);
  }
  function byId(id) {
    const el = document.getElementById(id);
    if (!el) throw new Error(`no element #${id}`);
    return el;
  }
  function announce(msg) {
    const live = document.getElementById("announcer");
    if (live) live.textContent = msg;
  }
  var Poller = class {
    constructor(fn) {
      this.fn = fn;
      this.timer = 0;
      this.stopped = false;
      this.tick();
    }
    // now runs fn at once instead of at its next turn.
    now() {
      window.clearTimeout(this.timer);
      this.tick();
    }
    stop() {
      this.stopped = true;
      window.clearTimeout(this.timer);
    }
    async tick() {
      let delay = 5e3;
      try {
        delay = await this.fn();
      } catch {
      }
      if (this.stopped) return;
      if (document.hidden) delay = Math.max(delay, 15e3);
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.tick(), delay);
    }
  };

  // src/format.ts
  var nf = new Intl.NumberFormat("en");
  function int(n) {
    return nf.format(n);
  }
  function percent(p) {
    return (Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)) + "%";
  }
  function rate(r) {
    if (!r) return "–";
    return (r >= 100 ? r.toFixed(0) : r.toFixed(1)) + " rows/s";
  }
  function duration(s) {
    s = Math.max(0, Math.round(s));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
    return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
  }
  function eta(seconds, finished) {
    if (finished) return "–";
    if (seconds === null) return "estimating…";
    return duration(seconds);
  }
  function time(iso) {
    if (!iso) return "–";
    const d = new Date(iso);
    return d.toLocaleString(void 0, { dateStyle: "medium", timeStyle: "medium" });
  }
  function shortId(id) {
    return id.length > 12 ? id.slice(0, 12) + "…" : id;
  }
  function bytes(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
  }

  // src/api-types.ts
  var stateValues = ["queued", "processing", "finalizing", "completed", "cancelling", "cancelled", "failed", "expired"];
  var mismatchedRowDocument_number_matchValues = ["MATCH", "MISMATCH", "UNAVAILABLE", "NOT_CLAIMED"];

  // src/types.ts
  var states = stateValues;
  var endedStates = ["completed", "cancelled", "failed", "expired"];
  var matchValues = mismatchedRowDocument_number_matchValues;

  // src/widgets.ts
  function isFinished(st) {
    return endedStates.includes(st.state);
  }
  function stateBadge(state) {
    return h("span", { class: `badge state-${state}`, "data-state": state }, state);
  }
  var Progress = class {
    constructor(label) {
      this.bar = h("progress", { max: 100, value: 0, "aria-label": label });
      this.text = h("span", { class: "pct" });
      this.el = h("div", { class: "progress" }, this.bar, this.text);
    }
    update(st) {
      this.bar.value = st.percent_complete;
      this.bar.setAttribute("aria-valuetext", `${percent(st.percent_complete)}, ${st.state}`);
      this.el.dataset.state = st.state;
      this.el.classList.toggle("running", !isFinished(st));
      this.text.textContent = percent(st.percent_complete);
    }
  };
  function counts(st) {
    return h(
      "span",
      { class: "counts" },
      h("span", { class: "c-verified" }, `${int(st.verified)} verified`),
      " · ",
      h("span", { class: "c-not-verified" }, `${int(st.not_verified)} not verified`),
      " · ",
      h("span", { class: "c-failed" }, `${int(st.failed)} failed`)
    );
  }
  function errorBox() {
    return h("div", { class: "error", role: "alert" });
  }

  // src/batch.ts
  var rowsFirst = 20;
  var rowsMore = 100;
  var rowsMax = 1e3;
  var matchLabels = { MATCH: "Matched", MISMATCH: "Mismatched", UNAVAILABLE: "Unavailable", NOT_CLAIMED: "Not claimed" };
  var Section = class {
    constructor(id, title) {
      this.key = "";
      this.body = h("div");
      this.el = h("section", { class: "card", id, "aria-labelledby": `${id}-title` }, h("h3", { id: `${id}-title` }, title), this.body);
    }
    show(key, render) {
      const k = JSON.stringify(key);
      if (k === this.key) return;
      this.key = k;
      replace(this.body, render());
    }
  };
  function dl(items) {
    return h("dl", { class: "details" }, items.filter(([, v]) => v !== null && v !== "" && v !== void 0).map(([k, v]) => [h("dt", null, k), h("dd", null, v)]));
  }
  function matchOf(r, f) {
    return r[`${f}_match`] ?? "NOT_CLAIMED";
  }
  function matchCell(m) {
    return h("td", { class: `match-${m}` }, h("code", null, m));
  }
  function claimCounts(c, fields) {
    return h("div", { class: "table-wrap" }, h(
      "table",
      { id: "claims-table" },
      h("caption", null, "Rows by how each claim compared with the document"),
      h("thead", null, h(
        "tr",
        null,
        h("th", { scope: "col" }, "Claim"),
        matchValues.map((m) => h("th", { scope: "col", class: "num" }, matchLabels[m]))
      )),
      h("tbody", null, fields.map((f) => h(
        "tr",
        { "data-field": f },
        h("th", { scope: "row" }, h("code", null, f)),
        matchValues.map((m) => h("td", { class: "num", "data-match": m }, int(c.fields[f]?.[m] ?? 0)))
      )))
    ));
  }
  function mismatchedRows(c, fields) {
    const score = fields.includes("name");
    return h("div", { class: "table-wrap" }, h(
      "table",
      { id: "claims-mismatched", tabindex: -1 },
      h("caption", null, c.truncated ? `The first ${c.mismatched.length} rows with a mismatch (more follow)` : `All ${c.mismatched.length} rows with a mismatch`),
      h("thead", null, h(
        "tr",
        null,
        ["Row", "Reference", "Status", "Code"].map((t) => h("th", { scope: "col" }, t)),
        fields.map((f) => h("th", { scope: "col" }, h("code", null, f))),
        score ? h("th", { scope: "col", class: "num" }, "Name score") : null,
        h("th", { scope: "col" }, "Compared with")
      )),
      h("tbody", null, c.mismatched.map((r) => h(
        "tr",
        { "data-row": r.row_number },
        h("td", { class: "num" }, String(r.row_number)),
        h("td", null, r.reference_id || "–"),
        h("td", null, r.status),
        h("td", null, h("code", null, r.code)),
        fields.map((f) => matchCell(matchOf(r, f))),
        score ? h("td", { class: "num" }, r.name_score === null ? "–" : String(r.name_score)) : null,
        h("td", null, r.claims_source ? r.claims_source.split("|").join(", ") : "–")
      )))
    ));
  }
  function batchLink(id) {
    return h("a", { href: `#/batch/${id}`, title: id }, h("code", null, id));
  }
  function batchView(api2, id, onSignedOut) {
    let st = null;
    let children = [];
    let childrenAt = 0;
    let errors = null;
    let errorsFor = "";
    let errorsLimit = rowsFirst;
    let claims = null;
    let claimFields = [];
    let claimsError = "";
    let claimsFor = "";
    let claimsLimit = rowsFirst;
    let hooks;
    let hooksAt = 0;
    let confirming = false;
    let busy = false;
    const heading = h("h2", { tabindex: -1, id: "batch-title" }, "Batch ", h("code", null, id));
    const badge = h("span");
    const progress = new Progress("Progress of this batch");
    const progressText = h("p", { id: "batch-progress-text" });
    const countsLine = h("p");
    const err = errorBox();
    const actions = new Section("batch-actions", "Actions");
    const actionMsg = h("div", { id: "action-result", role: "status" });
    actions.el.appendChild(actionMsg);
    const details = new Section("batch-details", "Details");
    const codes = new Section("batch-codes", "Rows by result code");
    const claimsSec = new Section("batch-claims", "Claims checked against the documents");
    claimsSec.el.hidden = true;
    const errorsSec = new Section("batch-errors", "Failed rows (errors.csv)");
    const hooksSec = new Section("batch-webhooks", "Webhook deliveries");
    hooksSec.el.hidden = true;
    const el = h(
      "div",
      { class: "view", id: "batch-view", "data-request-id": id },
      h("p", null, h("a", { href: "#/", id: "back" }, "← All batches")),
      h("div", { class: "section-head" }, heading, badge),
      err,
      h("section", { class: "card", "aria-label": "Progress" }, progress.el, progressText, countsLine),
      actions.el,
      details.el,
      codes.el,
      claimsSec.el,
      errorsSec.el,
      hooksSec.el
    );
    const refresh = async () => {
      try {
        st = await api2.status(id);
        err.textContent = "";
      } catch (e) {
        if (e instanceof ApiError && e.authFailed) onSignedOut(e.message);
        else if (e instanceof ApiError && e.subCode === "INVALID_REQUEST_ID") {
          err.textContent = `No batch ${id} for this client: it was deleted, or the id is wrong.`;
          return 6e4;
        } else err.textContent = `Could not load the batch: ${e.message}`;
        return 5e3;
      }
      const finished = isFinished(st);
      await Promise.all([loadChildren(), loadErrors(), loadClaims(), loadHooks()]);
      render(st);
      return finished ? 1e4 : 1500;
    };
    const loadChildren = async () => {
      if (Date.now() - childrenAt < 1e4) return;
      childrenAt = Date.now();
      try {
        const list = await api2.listBatches({ per_page: 100 });
        children = list.batches.filter((b) => b.parent_request_id === id);
      } catch {
      }
    };
    const loadErrors = async () => {
      if (!st || !isFinished(st) || st.state === "expired" || errorsFor === st.state) return;
      try {
        errors = st.failed > 0 ? await api2.errors(id, errorsLimit) : { request_id: id, rows: [], truncated: false };
        errorsFor = st.state;
      } catch (e) {
        errors = null;
        replace(errorsSec.body, h("p", { class: "error" }, `Could not read errors.csv: ${e.message}`));
      }
    };
    const loadClaims = async () => {
      const s = st;
      if (!s || !isFinished(s) || s.state === "expired" || claimsFor === s.state) return;
      try {
        claimFields = (await api2.providers()).find((p) => p.name === s.product_id)?.claims ?? [];
        claims = claimFields.length ? await api2.claims(id, claimsLimit) : null;
        claimsError = "";
        claimsFor = s.state;
      } catch (e) {
        claims = null;
        claimsError = e.message;
      }
    };
    const loadHooks = async () => {
      if (hooks === null || Date.now() - hooksAt < (st && isFinished(st) ? 1e4 : 3e3)) return;
      hooksAt = Date.now();
      try {
        hooks = await api2.webhooks(id);
      } catch {
      }
    };
    const cancel = async () => {
      busy = true;
      render(st);
      try {
        st = await api2.cancel(id);
        confirming = false;
        replace(actionMsg, "Cancellation accepted: rows in flight finish or are cut; the rest will end CANCELLED.");
        announce("Batch cancellation accepted");
      } catch (e) {
        replace(actionMsg, h("span", { class: "error" }, e instanceof ApiError ? `${e.subCode}: ${e.message}` : e.message));
      } finally {
        busy = false;
        poller.now();
      }
    };
    const retry = async (codesInput) => {
      busy = true;
      render(st);
      const list = codesInput.value.split(/[\s,]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
      try {
        const acc = await api2.retry(id, list);
        childrenAt = 0;
        announce(`Retry batch ${acc.request_id} created with ${acc.total_rows} rows`);
        location.hash = `#/batch/${acc.request_id}`;
      } catch (e) {
        replace(actionMsg, h("span", { class: "error" }, e instanceof ApiError ? `${e.subCode}: ${e.message}` : e.message));
        busy = false;
        render(st);
      }
    };
    const renderActions = (s) => {
      const finished = isFinished(s);
      actions.show([s.state, s.failed, confirming, busy, !!s.batch_output_file_url, !!s.batch_error_file_url], () => {
        const items = [];
        if (s.batch_output_file_url) {
          items.push(h("a", { class: "button primary", id: "download-output", href: s.batch_output_file_url, download: `${id}.csv` }, "Download output.csv"));
        }
        if (s.batch_error_file_url) {
          items.push(h("a", { class: "button", id: "download-errors", href: s.batch_error_file_url, download: `${id}-errors.csv` }, "Download errors.csv"));
        }
        if (!finished && s.state !== "cancelling" && s.state !== "finalizing") {
          if (confirming) {
            const yes = h("button", { type: "button", id: "cancel-confirm", class: "danger", disabled: busy, onclick: cancel }, "Yes, cancel the batch");
            const no = h("button", { type: "button", id: "cancel-keep", disabled: busy, onclick: () => {
              confirming = false;
              render(s);
            } }, "Keep it running");
            items.push(h(
              "div",
              { class: "confirm", role: "group", "aria-labelledby": "cancel-question" },
              h("p", { id: "cancel-question" }, "Cancel this batch? Rows not verified yet will end FAILED/CANCELLED; you can retry them afterwards."),
              yes,
              no
            ));
            queueMicrotask(() => yes.focus());
          } else {
            items.push(h("button", { type: "button", id: "cancel", class: "danger", onclick: () => {
              confirming = true;
              render(s);
            } }, "Cancel batch"));
          }
        }
        if (finished && s.state !== "expired" && s.failed > 0) {
          const codesInput = h("input", {
            id: "retry-codes",
            name: "codes",
            placeholder: "e.g. CANCELLED, UPSTREAM_UNAVAILABLE",
            spellcheck: "false",
            "aria-describedby": "retry-hint"
          });
          items.push(h(
            "form",
            { class: "retry", onsubmit: (e) => {
              e.preventDefault();
              retry(codesInput);
            } },
            h(
              "div",
              { class: "field" },
              h("label", { for: "retry-codes" }, "Retry only these codes (optional)"),
              codesInput,
              h("p", { class: "hint", id: "retry-hint" }, "Empty: every retryable failed row. The new batch keeps each row's number and reference.")
            ),
            h("button", { type: "submit", id: "retry", disabled: busy }, "Retry failed rows")
          ));
        }
        if (!items.length) {
          items.push(h("p", { class: "muted" }, s.state === "expired" ? "The results expired: their files were deleted at the end of retention." : "Downloads appear here when the batch is finished."));
        }
        return h("div", { class: "actions wrap" }, items);
      });
      const output = actions.body.querySelector("#download-output");
      if (output && s.batch_output_file_url) output.href = s.batch_output_file_url;
      const errs = actions.body.querySelector("#download-errors");
      if (errs && s.batch_error_file_url) errs.href = s.batch_error_file_url;
    };
    const renderDetails = (s) => {
      details.show([
        s.state,
        s.created_at,
        s.started_at,
        s.completed_at,
        s.cancelled_at,
        s.failed_at,
        s.expires_at,
        s.failure_reason,
        s.metadata,
        s.callback_url,
        s.parent_request_id,
        s.max_failure_rate,
        children.map((c) => [c.request_id, c.state])
      ], () => {
        const meta = Object.entries(s.metadata ?? {});
        return dl([
          ["Provider", s.product_id],
          ["Created", time(s.created_at)],
          ["Started", s.started_at ? time(s.started_at) : null],
          ["Completed", s.completed_at ? time(s.completed_at) : null],
          ["Cancelled", s.cancelled_at ? time(s.cancelled_at) : null],
          ["Failed", s.failed_at ? time(s.failed_at) : null],
          ["Failure reason", s.failure_reason],
          ["Stops above", s.max_failure_rate !== null ? `${percent(s.max_failure_rate * 100)} failed rows` : null],
          ["Files deleted", s.expires_at ? time(s.expires_at) : null],
          ["Metadata", meta.length ? h("ul", { class: "plain" }, meta.map(([k, v]) => h("li", null, h("code", null, k), " = ", v))) : null],
          ["Webhook URL", s.callback_url ? h("code", null, s.callback_url) : null],
          ["Retry of", s.parent_request_id ? h("span", { id: "parent-link" }, batchLink(s.parent_request_id)) : null],
          ["Retried as", children.length ? h(
            "ul",
            { class: "plain", id: "child-links" },
            children.map((c) => h("li", null, batchLink(c.request_id), " ", stateBadge(c.state)))
          ) : null]
        ]);
      });
    };
    const renderCodes = (s) => {
      const entries = Object.entries(s.codes ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const total = entries.reduce((sum, [, n]) => sum + n, 0);
      codes.show(entries, () => entries.length === 0 ? h("p", { class: "muted" }, "No row has finished yet.") : h("div", { class: "table-wrap" }, h(
        "table",
        { id: "codes-table" },
        h("caption", { class: "visually-hidden" }, "Rows by result code"),
        h("thead", null, h(
          "tr",
          null,
          h("th", { scope: "col" }, "Code"),
          h("th", { scope: "col", class: "num" }, "Rows"),
          h("th", { scope: "col", class: "num" }, "Share")
        )),
        h("tbody", null, entries.map(([code, n]) => h(
          "tr",
          { "data-code": code },
          h("th", { scope: "row" }, h("code", null, code)),
          h("td", { class: "num" }, int(n)),
          h("td", { class: "num" }, percent(Math.round(n / total * 1e3) / 10))
        )))
      )));
    };
    const renderErrors = (s) => {
      errorsSec.el.hidden = !isFinished(s) || s.state === "expired";
      if (errorsSec.el.hidden || !errors) return;
      const e = errors;
      errorsSec.show([e.rows, e.truncated], () => e.rows.length === 0 ? h("p", { class: "muted", id: "no-errors" }, "No failed rows.") : [
        h("div", { class: "table-wrap" }, h(
          "table",
          { id: "errors-table", tabindex: -1 },
          h("caption", null, e.truncated ? `The first ${e.rows.length} of ${int(s.failed)} failed rows` : `All ${e.rows.length} failed rows`),
          h("thead", null, h("tr", null, ["Row", "Reference", "Code", "Message", "Retryable"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, e.rows.map((r) => h(
            "tr",
            null,
            h("td", { class: "num" }, String(r.row_number)),
            h("td", null, r.reference_id || "–"),
            h("td", null, h("code", null, r.code)),
            h("td", null, r.message),
            h("td", null, r.retryable ? "yes" : "no")
          )))
        )),
        e.truncated && e.rows.length < rowsMax ? h("button", { type: "button", id: "errors-more", class: "small", onclick: showMoreErrors }, `Show ${rowsMore} more`) : null
      ]);
    };
    const renderClaims = (s) => {
      claimsSec.el.hidden = !isFinished(s) || s.state === "expired" || !claims && !claimsError;
      if (claimsSec.el.hidden) return;
      const c = claims;
      if (!c) {
        claimsSec.show(claimsError, () => h("p", { class: "error" }, `Could not read the claims: ${claimsError}`));
        return;
      }
      claimsSec.show([c, claimFields], () => [
        claimCounts(c, claimFields),
        c.mismatched.length === 0 ? h("p", { class: "muted", id: "no-mismatch" }, "No claim mismatched.") : mismatchedRows(c, claimFields),
        c.truncated && c.mismatched.length < rowsMax ? h("button", { type: "button", id: "claims-more", class: "small", onclick: showMoreClaims }, `Show ${rowsMore} more`) : null,
        h(
          "p",
          { class: "hint" },
          "The values claimed and the documents' values are not shown: they are personal data. ",
          "Each row's results are in the output file's ",
          h("code", null, "*_match"),
          " columns."
        )
      ]);
    };
    const showMoreClaims = async () => {
      claimsLimit = Math.min(claimsLimit + rowsMore, rowsMax);
      claimsFor = "";
      await loadClaims();
      if (st) render(st);
      claimsSec.body.querySelector("#claims-more, #claims-mismatched")?.focus();
      announce(`Showing ${claims?.mismatched.length ?? 0} rows with a mismatch`);
    };
    const showMoreErrors = async () => {
      errorsLimit = Math.min(errorsLimit + rowsMore, rowsMax);
      errorsFor = "";
      await loadErrors();
      if (st) render(st);
      errorsSec.body.querySelector("#errors-more, #errors-table")?.focus();
      announce(`Showing ${errors?.rows.length ?? 0} failed rows`);
    };
    const renderHooks = () => {
      hooksSec.el.hidden = !hooks;
      if (!hooks) return;
      const d = hooks;
      hooksSec.show(d, () => [
        h("p", { class: "muted" }, d.callback_url ? ["Sent to ", h("code", null, d.callback_url), ", newest first."] : "This batch has no webhook URL."),
        d.deliveries.length === 0 ? d.callback_url ? h("p", { class: "muted" }, "Nothing sent yet.") : null : h("div", { class: "table-wrap" }, h(
          "table",
          { id: "webhooks-table" },
          h("caption", { class: "visually-hidden" }, "Webhook delivery attempts, newest first"),
          h("thead", null, h("tr", null, ["When", "Event", "Attempt", "HTTP", "Took", "Error", "Message id"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, d.deliveries.map((a) => h(
            "tr",
            { class: a.error ? "failed" : "" },
            h("td", null, time(a.at)),
            h("td", null, h("code", null, a.event)),
            h("td", { class: "num" }, String(a.attempt)),
            h("td", { class: "num" }, a.http_status === null ? "–" : String(a.http_status)),
            h("td", { class: "num" }, `${a.duration_ms} ms`),
            h("td", null, a.error ?? "delivered"),
            h("td", null, h("code", { class: "small" }, a.webhook_id))
          )))
        ))
      ]);
    };
    const render = (s) => {
      replace(badge, stateBadge(s.state));
      el.dataset.state = s.state;
      progress.update(s);
      const finished = isFinished(s);
      replace(
        progressText,
        `${int(s.processed_rows)} of ${int(s.total_rows)} rows done`,
        finished ? "" : ` · ${rate(s.rows_per_second)} · ETA ${eta(s.eta_seconds, false)}`,
        s.rejected_rows ? ` · ${int(s.rejected_rows)} rejected at upload` : "",
        s.duplicates ? ` · ${int(s.duplicates)} duplicates` : ""
      );
      replace(countsLine, counts(s));
      renderActions(s);
      renderDetails(s);
      renderCodes(s);
      renderClaims(s);
      renderErrors(s);
      renderHooks();
    };
    const poller = new Poller(refresh);
    return { el, heading, destroy: () => poller.stop() };
  }

  // src/upload.ts
  var maxMetadata = 16;
  var UploadPanel = class {
    constructor(api2, onUploaded) {
      this.api = api2;
      this.onUploaded = onUploaded;
      this.file = null;
      this.providers = /* @__PURE__ */ new Map();
      this.metaRows = 0;
      this.provider = h(
        "select",
        { id: "provider", name: "provider", "aria-describedby": "provider-columns", onchange: () => this.describe() },
        h("option", { value: "" }, "Loading the providers…")
      );
      this.columns = h("div", { id: "provider-columns", class: "hint", "aria-live": "polite" });
      this.input = h("input", {
        type: "file",
        id: "file",
        name: "file",
        accept: ".csv,text/csv",
        class: "file-input",
        "aria-describedby": "file-chosen",
        onchange: () => this.choose(this.input.files?.[0] ?? null)
      });
      this.chosen = h("span", { id: "file-chosen", class: "muted" }, "No file chosen.");
      this.zone = h(
        "div",
        { class: "dropzone", id: "dropzone" },
        h("label", { for: "file" }, h("strong", null, "Drop a CSV file here"), " or ", h("span", { class: "link" }, "choose a file")),
        this.input,
        h("div", null, this.chosen)
      );
      for (const type of ["dragenter", "dragover"]) {
        this.zone.addEventListener(type, (e) => {
          e.preventDefault();
          this.zone.classList.add("dragging");
        });
      }
      this.zone.addEventListener("dragleave", () => this.zone.classList.remove("dragging"));
      this.zone.addEventListener("drop", (e) => {
        e.preventDefault();
        this.zone.classList.remove("dragging");
        const f = e.dataTransfer?.files?.[0];
        if (f) this.choose(f);
      });
      this.meta = h("div", { id: "metadata-rows", class: "meta-rows" });
      this.callback = h("input", { id: "callback-url", name: "callback_url", type: "url", placeholder: "https://hooks.example.com/bulkverify", autocomplete: "off" });
      this.maxFail = h("input", { id: "max-failure", name: "max_failure_rate", type: "number", min: 0, max: 100, step: "any", inputmode: "decimal" });
      this.result = h("div", { id: "upload-result", role: "status" });
      this.err = errorBox();
      this.err.id = "upload-error";
      const dry = h("button", { type: "button", id: "dry-run", onclick: () => this.send(true) }, "Check file (dry run)");
      const up = h("button", { type: "submit", id: "upload", class: "primary" }, "Upload and start");
      this.buttons = [dry, up];
      const form = h(
        "form",
        { class: "card", id: "upload-form", "aria-labelledby": "upload-title" },
        h("h2", { id: "upload-title" }, "New batch"),
        h(
          "div",
          { class: "grid2" },
          h(
            "div",
            null,
            h("div", { class: "field" }, h("label", { for: "provider" }, "Provider"), this.provider, this.columns),
            this.zone
          ),
          h(
            "div",
            null,
            h(
              "fieldset",
              { class: "field" },
              h("legend", null, "Metadata (optional, returned with the status and webhooks)"),
              this.meta,
              h("button", { type: "button", id: "add-metadata", class: "small", onclick: () => this.addMeta() }, "Add a metadata field")
            ),
            h(
              "details",
              { class: "field" },
              h("summary", null, "More options"),
              h("div", { class: "field" }, h("label", { for: "callback-url" }, "Webhook URL (callback_url)"), this.callback),
              h(
                "div",
                { class: "field" },
                h("label", { for: "max-failure" }, "Stop the batch when more than this % of rows fail"),
                this.maxFail,
                h("p", { class: "hint" }, "Checked once 100 rows are done. Empty: never stop.")
              )
            )
          )
        ),
        this.err,
        h("div", { class: "actions" }, dry, up),
        this.result
      );
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        this.send(false);
      });
      this.el = form;
      this.addMeta();
      this.loadProviders();
    }
    // loadProviders fills the provider list from the server: the enabled
    // ones to choose from, the others shown but disabled.
    async loadProviders() {
      replace(this.columns);
      let list;
      try {
        list = await this.api.providers();
      } catch (e) {
        replace(
          this.columns,
          h("span", { class: "error" }, `Could not load the providers: ${e.message}`),
          " ",
          h("button", { type: "button", id: "providers-retry", class: "small", onclick: () => this.loadProviders() }, "Try again")
        );
        return;
      }
      this.providers = new Map(list.map((p) => [p.name, p]));
      const chosen = this.providers.get(this.provider.value)?.enabled ? this.provider.value : list.find((p) => p.enabled)?.name ?? "";
      replace(
        this.provider,
        list.length ? null : h("option", { value: "" }, "No provider"),
        list.map((p) => h("option", { value: p.name, disabled: !p.enabled }, p.enabled ? p.name : `${p.name} (not enabled here)`))
      );
      this.provider.value = chosen;
      this.describe();
    }
    // describe shows the chosen provider's columns and the claims it checks.
    describe() {
      const p = this.providers.get(this.provider.value);
      if (!p) {
        replace(this.columns, this.providers.size ? "No provider is enabled on this service." : null);
        return;
      }
      replace(
        this.columns,
        h("p", { class: "hint", id: "provider-required" }, "Required columns: ", codeList(p.required_columns), "."),
        h("p", { class: "hint", id: "provider-optional" }, "Optional: ", p.optional_columns.length ? codeList(p.optional_columns) : "none", "."),
        h(
          "p",
          { class: "hint", id: "provider-claims" },
          p.claims.length ? [
            "Claims checked against the document (optional columns, each reported in its ",
            h("code", null, "*_match"),
            " output column): ",
            codeList(p.claims),
            "."
          ] : "Checks no claims: a file with a claim column is refused.",
          p.secret_columns.length ? [" Also accepted, as secrets never compared or output: ", codeList(p.secret_columns), "."] : null
        )
      );
    }
    choose(f) {
      this.file = f;
      this.chosen.textContent = f ? `${f.name} (${bytes(f.size)})` : "No file chosen.";
      this.zone.classList.toggle("has-file", !!f);
      replace(this.result);
      this.err.textContent = "";
      if (f) announce(`Chosen ${f.name}`);
    }
    addMeta() {
      if (this.meta.children.length >= maxMetadata) return;
      const n = ++this.metaRows;
      const row = h(
        "div",
        { class: "meta-row" },
        h("input", { class: "meta-key", "aria-label": `Metadata key ${n}`, placeholder: "key", maxlength: 64, spellcheck: "false" }),
        h("input", { class: "meta-value", "aria-label": `Metadata value ${n}`, placeholder: "value", maxlength: 512 })
      );
      row.appendChild(h("button", {
        type: "button",
        class: "small quiet",
        "aria-label": `Remove metadata field ${n}`,
        onclick: () => {
          row.remove();
        }
      }, "Remove"));
      this.meta.appendChild(row);
    }
    // metadata returns the fields filled in, or throws naming what is wrong.
    metadata() {
      const out = {};
      for (const row of Array.from(this.meta.children)) {
        const k = row.querySelector(".meta-key").value.trim();
        const v = row.querySelector(".meta-value").value;
        if (!k && !v) continue;
        if (!k) throw new Error(`Metadata: the value "${v}" has no key.`);
        if (k in out) throw new Error(`Metadata: the key "${k}" is there twice.`);
        out[k] = v;
      }
      return Object.keys(out).length ? out : null;
    }
    form() {
      const fd = new FormData();
      const meta = this.metadata();
      if (meta) fd.append("metadata", JSON.stringify(meta));
      if (this.callback.value.trim()) fd.append("callback_url", this.callback.value.trim());
      if (this.maxFail.value !== "") {
        const pct = Number(this.maxFail.value);
        if (!(pct >= 0 && pct <= 100)) throw new Error("The failure threshold must be a percentage from 0 to 100.");
        fd.append("max_failure_rate", String(pct / 100));
      }
      fd.append("file", this.file, this.file.name);
      return fd;
    }
    async send(dryRun) {
      this.err.textContent = "";
      replace(this.result);
      if (!this.providers.get(this.provider.value)?.enabled) {
        this.err.textContent = "Choose a provider first.";
        this.provider.focus();
        return;
      }
      if (!this.file) {
        this.err.textContent = "Choose or drop a CSV file first.";
        this.input.focus();
        return;
      }
      let fd;
      try {
        fd = this.form();
      } catch (e) {
        this.err.textContent = e.message;
        return;
      }
      this.buttons.forEach((b) => b.disabled = true);
      replace(this.result, h("p", { class: "muted" }, dryRun ? "Checking…" : "Uploading…"));
      try {
        const d = await this.api.upload(this.provider.value, fd, dryRun);
        if (dryRun) this.showDryRun(d);
        else this.showAccepted(d);
      } catch (e) {
        replace(this.result);
        this.err.textContent = e instanceof ApiError ? `${e.subCode}: ${e.message}` : e.message;
      } finally {
        this.buttons.forEach((b) => b.disabled = false);
      }
    }
    showDryRun(r) {
      const name = this.file?.name ?? "the file";
      const summary = r.rejected_rows === 0 ? `No problems: all ${int(r.total_rows)} rows of ${name} can be verified.` : `${int(r.rejected_rows)} of ${int(r.total_rows)} rows of ${name} would be rejected (they would end FAILED/INVALID_ROW without reaching the provider).`;
      const dup = r.duplicates ? ` ${int(r.duplicates)} duplicate rows would be verified once.` : "";
      const parts = [h("p", { id: "dry-run-summary" }, h("strong", null, "Dry run: "), summary + dup, " Nothing was stored or queued.")];
      if (r.problems.length) {
        parts.push(h("div", { class: "table-wrap" }, h(
          "table",
          { id: "dry-run-problems" },
          h(
            "caption",
            null,
            r.problems.length < r.rejected_rows ? `The first ${r.problems.length} problems` : "Problems by line",
            h("span", { class: "muted small" }, " (line = the line in the file, the header being line 1)")
          ),
          h("thead", null, h(
            "tr",
            null,
            h("th", { scope: "col" }, "Line"),
            h("th", { scope: "col" }, "Row"),
            h("th", { scope: "col" }, "Column"),
            h("th", { scope: "col" }, "Problem")
          )),
          h("tbody", null, r.problems.map((p) => h(
            "tr",
            null,
            h("td", { class: "num" }, int(p.row_number + 1)),
            h("td", { class: "num" }, int(p.row_number)),
            h("td", null, p.column ? h("code", null, p.column) : "–"),
            h("td", null, p.reason)
          )))
        )));
      }
      replace(this.result, parts);
      announce(summary);
    }
    showAccepted(acc) {
      const rejected = acc.rejected_rows ? `, ${int(acc.rejected_rows)} of them rejected` : "";
      this.input.value = "";
      this.choose(null);
      replace(this.result, h(
        "p",
        { id: "upload-accepted" },
        "Batch ",
        h("a", { href: `#/batch/${acc.request_id}` }, h("code", null, acc.request_id)),
        ` accepted: ${int(acc.total_rows)} rows${rejected}. It is in the list below.`
      ));
      announce(`Batch accepted, ${acc.total_rows} rows`);
      this.onUploaded(acc);
    }
  };
  function codeList(names) {
    return names.map((n, i) => [i ? ", " : "", h("code", null, n)]);
  }

  // src/list.ts
  var perPage = 20;
  var BatchRow = class {
    constructor(st) {
      this.progress = new Progress(`Progress of batch ${shortId(st.request_id)}`);
      const link = h("a", {
        href: `#/batch/${st.request_id}`,
        title: st.request_id,
        class: "batch-link",
        "aria-label": `Batch ${st.request_id}`
      }, h("code", null, shortId(st.request_id)));
      this.created = h("div", { class: "muted small" });
      this.cells = Array.from({ length: 6 }, () => h("td"));
      this.tr = h(
        "tr",
        { "data-request-id": st.request_id },
        h("th", { scope: "row" }, link, this.created),
        this.cells[0],
        this.cells[1],
        h("td", null, this.progress.el),
        this.cells[2],
        this.cells[3],
        this.cells[4],
        this.cells[5]
      );
      this.cells[2].className = this.cells[4].className = this.cells[5].className = "num";
      this.update(st);
    }
    update(st) {
      this.tr.dataset.state = st.state;
      const meta = Object.entries(st.metadata ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
      replace(
        this.created,
        time(st.created_at),
        meta ? h("div", { class: "meta" }, meta) : null,
        st.parent_request_id ? h("div", null, "retry of ", h("code", null, shortId(st.parent_request_id))) : null
      );
      this.progress.update(st);
      replace(this.cells[0], st.product_id);
      replace(this.cells[1], stateBadge(st.state));
      replace(this.cells[2], `${int(st.processed_rows)} / ${int(st.total_rows)}`);
      replace(this.cells[3], counts(st));
      replace(this.cells[4], isFinished(st) ? "–" : rate(st.rows_per_second));
      replace(this.cells[5], eta(st.eta_seconds, isFinished(st)));
    }
  };
  function listView(api2, onSignedOut) {
    let page = 1;
    const rows = /* @__PURE__ */ new Map();
    const stateSel = h(
      "select",
      { id: "filter-state", name: "state", onchange: () => {
        page = 1;
        poller.now();
      } },
      h("option", { value: "" }, "All states"),
      states.map((s) => h("option", { value: s }, s))
    );
    const provSel = h(
      "select",
      { id: "filter-provider", name: "provider", onchange: () => {
        page = 1;
        poller.now();
      } },
      h("option", { value: "" }, "All providers")
    );
    let provAsked = false;
    const loadProviders = async () => {
      if (provAsked) return;
      provAsked = true;
      try {
        append(provSel, (await api2.providers()).map((p) => h("option", { value: p.name }, p.name)));
      } catch {
        provAsked = false;
      }
    };
    const tbody = h("tbody", { id: "batches" });
    const empty = h("p", { class: "muted", id: "batches-empty", hidden: true });
    const err = errorBox();
    const prev = h("button", { type: "button", id: "page-prev", class: "small", onclick: () => {
      page--;
      poller.now();
    } }, "Previous page");
    const next = h("button", { type: "button", id: "page-next", class: "small", onclick: () => {
      page++;
      poller.now();
    } }, "Next page");
    const pageInfo = h("span", { class: "muted", id: "page-info", "aria-live": "polite" });
    const table = h(
      "table",
      { id: "batch-table" },
      h("caption", { class: "visually-hidden" }, "Your batches, newest first"),
      h("thead", null, h(
        "tr",
        null,
        ["Batch", "Provider", "State", "Progress", "Rows done", "Results", "Rate", "ETA"].map((c) => h("th", { scope: "col" }, c))
      )),
      tbody
    );
    const render = (list) => {
      const seen = /* @__PURE__ */ new Set();
      const order = [];
      for (const st of list.batches) {
        seen.add(st.request_id);
        let row = rows.get(st.request_id);
        if (row) row.update(st);
        else rows.set(st.request_id, row = new BatchRow(st));
        order.push(row.tr);
      }
      for (const [id, row] of rows) {
        if (!seen.has(id)) {
          row.tr.remove();
          rows.delete(id);
        }
      }
      const current = Array.from(tbody.children);
      if (current.length !== order.length || order.some((tr, i) => current[i] !== tr)) replace(tbody, order);
      const p = list.pagination;
      empty.hidden = p.total_count > 0;
      empty.textContent = stateSel.value || provSel.value ? "No batch matches these filters." : "No batches yet: upload a CSV above.";
      table.hidden = p.total_count === 0;
      pageInfo.textContent = p.total_count ? `Page ${p.current_page} of ${Math.max(p.total_pages, 1)} · ${int(p.total_count)} batches` : "";
      prev.disabled = p.current_page <= 1;
      next.disabled = p.current_page >= p.total_pages;
    };
    const poller = new Poller(async () => {
      loadProviders();
      try {
        const list = await api2.listBatches({ page, per_page: perPage, state: stateSel.value, provider: provSel.value });
        if (page > 1 && list.batches.length === 0 && list.pagination.total_pages < page) {
          page = Math.max(list.pagination.total_pages, 1);
          return 0;
        }
        err.textContent = "";
        render(list);
        return list.batches.some((b) => !isFinished(b)) ? 1500 : 8e3;
      } catch (e) {
        if (e instanceof ApiError && e.authFailed) onSignedOut(e.message);
        else err.textContent = `Could not load the batches: ${e.message}`;
        return 5e3;
      }
    });
    const upload = new UploadPanel(api2, () => {
      page = 1;
      stateSel.value = provSel.value = "";
      poller.now();
    });
    const heading = h("h2", { tabindex: -1, id: "batches-title" }, "Batches");
    const el = h(
      "div",
      { class: "view", id: "list-view" },
      upload.el,
      h(
        "section",
        { class: "card", "aria-labelledby": "batches-title" },
        h(
          "div",
          { class: "section-head" },
          heading,
          h(
            "div",
            { class: "filters", role: "group", "aria-label": "Filter the batches" },
            h("label", { for: "filter-state" }, "State"),
            stateSel,
            h("label", { for: "filter-provider" }, "Provider"),
            provSel
          )
        ),
        err,
        empty,
        h("div", { class: "table-wrap" }, table),
        h("div", { class: "pager" }, prev, pageInfo, next)
      )
    );
    return { el, heading, destroy: () => poller.stop() };
  }

  // src/signin.ts
  function signInView(onSignedIn, notice) {
    const clientId = h("input", { id: "client-id", name: "client_id", autocomplete: "username", required: true, spellcheck: "false" });
    const secret = h("input", { id: "client-secret", name: "client_secret", type: "password", autocomplete: "current-password", required: true });
    const modeKey = h("input", { type: "radio", name: "mode", id: "mode-key", value: "key", checked: true });
    const modeJwt = h("input", { type: "radio", name: "mode", id: "mode-jwt", value: "jwt" });
    const err = errorBox();
    if (notice) err.textContent = notice;
    const submit = h("button", { type: "submit", id: "sign-in" }, "Sign in");
    const heading = h("h2", { tabindex: -1, id: "signin-title" }, "Sign in");
    const form = h(
      "form",
      { class: "card narrow", "aria-labelledby": "signin-title" },
      h(
        "p",
        { class: "muted" },
        "Use your API client's id and secret, as in the ",
        h("code", null, "client-id"),
        " and ",
        h("code", null, "x-api-key"),
        " headers. They stay in this browser tab only."
      ),
      h("div", { class: "field" }, h("label", { for: "client-id" }, "Client ID"), clientId),
      h("div", { class: "field" }, h("label", { for: "client-secret" }, "Client secret (API key)"), secret),
      h(
        "fieldset",
        { class: "field" },
        h("legend", null, "Authenticate each request with"),
        h("div", { class: "choice" }, modeKey, h("label", { for: "mode-key" }, "the client-id and x-api-key headers")),
        h("div", { class: "choice" }, modeJwt, h(
          "label",
          { for: "mode-jwt" },
          "a JWT from ",
          h("code", null, "POST /v1/authorize"),
          " (Authorization: Bearer, renewed when it expires)"
        ))
      ),
      err,
      h("div", { class: "actions" }, submit)
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      err.textContent = "";
      submit.disabled = true;
      submit.textContent = "Signing in…";
      try {
        const api2 = await Api.signIn({
          clientId: clientId.value.trim(),
          secret: secret.value,
          mode: modeJwt.checked ? "jwt" : "key"
        });
        onSignedIn(api2);
      } catch (e) {
        err.textContent = e instanceof ApiError && e.authFailed ? `Sign-in refused: ${e.message}. Check the client ID and secret.` : e.message;
        secret.focus();
      } finally {
        submit.disabled = false;
        submit.textContent = "Sign in";
      }
    });
    const el = h("section", { class: "view", id: "signin-view" });
    replace(el, heading, form, h(
      "p",
      { class: "muted small" },
      "Running ",
      h("code", null, "bulkverify dev"),
      "? Its demo client is ",
      h("code", null, "demo"),
      " with the secret ",
      h("code", null, "demo-secret"),
      "."
    ));
    return { el, heading, destroy() {
    }, autofocus: clientId };
  }

  // src/main.ts
  var api = null;
  var view = null;
  function signedOut(why) {
    api?.signOut();
    api = null;
    route(`You were signed out: ${why}.`);
  }
  function renderSession() {
    const box = byId("session");
    if (!api) {
      replace(box);
      return;
    }
    const how = api.creds.mode === "jwt" ? "JWT" : "API key";
    replace(
      box,
      h("span", { class: "muted" }, "Signed in as ", h("strong", { id: "signed-in-as" }, api.creds.clientId), ` (${how})`),
      h("button", { type: "button", id: "sign-out", class: "small", onclick: () => {
        api?.signOut();
        api = null;
        route();
      } }, "Sign out")
    );
  }
  function route(notice) {
    const first = view === null;
    view?.destroy();
    renderSession();
    if (!api) {
      view = signInView((a) => {
        api = a;
        route();
      }, notice);
    } else {
      const m = location.hash.match(/^#\/batch\/([A-Za-z0-9_-]{1,64})$/);
      view = m ? batchView(api, m[1], signedOut) : listView(api, signedOut);
      document.title = m ? `Batch ${m[1].slice(0, 12)} · bulkverify` : "Batches · bulkverify";
    }
    replace(byId("main"), view.el);
    if (first && view.autofocus) view.autofocus.focus();
    else if (!first) view.heading.focus();
  }
  var saved = loadCredentials();
  if (saved) api = new Api(saved);
  window.addEventListener("hashchange", () => route());
  route();
})();
