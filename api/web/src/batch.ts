// The batch page: progress, counts by code, how the claims compared with
// the documents, the first rows of errors.csv, downloads, cancel and
// retry, parent and child batches, and the webhook delivery log.

import { Api, ApiError } from "./api";
import { announce, h, Poller, replace, type Child } from "./dom";
import * as fmt from "./format";
import { matchValues, type BatchStatus, type BatchSummary, type ClaimSummary, type ErrorRows, type Match, type MismatchedRow, type WebhookDeliveries } from "./types";
import type { View } from "./view";
import { counts, errorBox, isFinished, Progress, stateBadge } from "./widgets";

// rowsFirst rows of errors.csv, and of the rows with a mismatched claim,
// are shown at first, rowsMore more at each "Show more", up to rowsMax.
const rowsFirst = 20;
const rowsMore = 100;
const rowsMax = 1000;

// matchLabels head the columns of the claim counts.
const matchLabels: Record<Match, string> = { MATCH: "Matched", MISMATCH: "Mismatched", UNAVAILABLE: "Unavailable", NOT_CLAIMED: "Not claimed" };

// Section re-renders its body only when what it shows changed, so that
// polling does not take the focus away from a link or button in it.
class Section {
  readonly el: HTMLElement;
  readonly body: HTMLElement;
  private key = "";

  constructor(id: string, title: string) {
    this.body = h("div");
    this.el = h("section", { class: "card", id, "aria-labelledby": `${id}-title` }, h("h3", { id: `${id}-title` }, title), this.body);
  }

  show(key: unknown, render: () => Child): void {
    const k = JSON.stringify(key);
    if (k === this.key) return;
    this.key = k;
    replace(this.body, render());
  }
}

function dl(items: [string, Child][]): HTMLElement {
  return h("dl", { class: "details" }, items.filter(([, v]) => v !== null && v !== "" && v !== undefined)
    .map(([k, v]) => [h("dt", null, k), h("dd", null, v)]));
}

// matchOf returns how row r's claim f compared.
function matchOf(r: MismatchedRow, f: string): Match {
  return (r as unknown as Record<string, Match | undefined>)[`${f}_match`] ?? "NOT_CLAIMED";
}

function matchCell(m: Match): HTMLElement {
  return h("td", { class: `match-${m}` }, h("code", null, m));
}

// claimCounts is the table of how each claim field compared over every row.
function claimCounts(c: ClaimSummary, fields: string[]): HTMLElement {
  return h("div", { class: "table-wrap" }, h("table", { id: "claims-table" },
    h("caption", null, "Rows by how each claim compared with the document"),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, "Claim"),
      matchValues.map((m) => h("th", { scope: "col", class: "num" }, matchLabels[m])))),
    h("tbody", null, fields.map((f) => h("tr", { "data-field": f }, h("th", { scope: "row" }, h("code", null, f)),
      matchValues.map((m) => h("td", { class: "num", "data-match": m }, fmt.int(c.fields[f]?.[m] ?? 0))))))));
}

// mismatchedRows is the table of the rows with a mismatched claim: their
// outcome and each claim's result, never a claimed or document value.
function mismatchedRows(c: ClaimSummary, fields: string[]): HTMLElement {
  const score = fields.includes("name");
  return h("div", { class: "table-wrap" }, h("table", { id: "claims-mismatched", tabindex: -1 },
    h("caption", null, c.truncated ? `The first ${c.mismatched.length} rows with a mismatch (more follow)` : `All ${c.mismatched.length} rows with a mismatch`),
    h("thead", null, h("tr", null, ["Row", "Reference", "Status", "Code"].map((t) => h("th", { scope: "col" }, t)),
      fields.map((f) => h("th", { scope: "col" }, h("code", null, f))), score ? h("th", { scope: "col", class: "num" }, "Name score") : null,
      h("th", { scope: "col" }, "Compared with"))),
    h("tbody", null, c.mismatched.map((r) => h("tr", { "data-row": r.row_number },
      h("td", { class: "num" }, String(r.row_number)), h("td", null, r.reference_id || "–"), h("td", null, r.status),
      h("td", null, h("code", null, r.code)), fields.map((f) => matchCell(matchOf(r, f))),
      score ? h("td", { class: "num" }, r.name_score === null ? "–" : String(r.name_score)) : null,
      h("td", null, r.claims_source ? r.claims_source.split("|").join(", ") : "–"))))));
}

function batchLink(id: string): HTMLElement {
  return h("a", { href: `#/batch/${id}`, title: id }, h("code", null, id));
}

export function batchView(api: Api, id: string, onSignedOut: (why: string) => void): View {
  let st: BatchStatus | null = null;
  let children: BatchSummary[] = [];
  let childrenAt = 0;
  let errors: ErrorRows | null = null;
  let errorsFor = "";
  let errorsLimit = rowsFirst;
  let claims: ClaimSummary | null = null;
  let claimFields: string[] = [];
  let claimsError = "";
  let claimsFor = "";
  let claimsLimit = rowsFirst;
  let hooks: WebhookDeliveries | null | undefined;
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

  const el = h("div", { class: "view", id: "batch-view", "data-request-id": id },
    h("p", null, h("a", { href: "#/", id: "back" }, "← All batches")),
    h("div", { class: "section-head" }, heading, badge),
    err,
    h("section", { class: "card", "aria-label": "Progress" }, progress.el, progressText, countsLine),
    actions.el, details.el, codes.el, claimsSec.el, errorsSec.el, hooksSec.el);

  const refresh = async (): Promise<number> => {
    try {
      st = await api.status(id);
      err.textContent = "";
    } catch (e) {
      if (e instanceof ApiError && e.authFailed) onSignedOut(e.message);
      else if (e instanceof ApiError && e.subCode === "INVALID_REQUEST_ID") {
        err.textContent = `No batch ${id} for this client: it was deleted, or the id is wrong.`;
        return 60000;
      } else err.textContent = `Could not load the batch: ${(e as Error).message}`;
      return 5000;
    }
    const finished = isFinished(st);
    await Promise.all([loadChildren(), loadErrors(), loadClaims(), loadHooks()]);
    render(st);
    return finished ? 10000 : 1500;
  };

  const loadChildren = async () => {
    if (Date.now() - childrenAt < 10000) return;
    childrenAt = Date.now();
    try {
      const list = await api.listBatches({ per_page: 100 });
      children = list.batches.filter((b) => b.parent_request_id === id);
    } catch {
      // The children are a nicety; the next poll tries again.
    }
  };

  const loadErrors = async () => {
    if (!st || !isFinished(st) || st.state === "expired" || errorsFor === st.state) return;
    try {
      errors = st.failed > 0 ? await api.errors(id, errorsLimit) : { request_id: id, rows: [], truncated: false };
      errorsFor = st.state;
    } catch (e) {
      errors = null;
      replace(errorsSec.body, h("p", { class: "error" }, `Could not read errors.csv: ${(e as Error).message}`));
    }
  };

  // loadClaims reads, once the batch is finished, how its claims compared,
  // if its provider checks any.
  const loadClaims = async () => {
    const s = st;
    if (!s || !isFinished(s) || s.state === "expired" || claimsFor === s.state) return;
    try {
      claimFields = (await api.providers()).find((p) => p.name === s.product_id)?.claims ?? [];
      claims = claimFields.length ? await api.claims(id, claimsLimit) : null;
      claimsError = "";
      claimsFor = s.state;
    } catch (e) {
      claims = null;
      claimsError = (e as Error).message;
    }
  };

  const loadHooks = async () => {
    if (hooks === null || Date.now() - hooksAt < (st && isFinished(st) ? 10000 : 3000)) return;
    hooksAt = Date.now();
    try {
      hooks = await api.webhooks(id);
    } catch {
      // Shown again at the next poll, if the route answers then.
    }
  };

  const cancel = async () => {
    busy = true;
    render(st!);
    try {
      st = await api.cancel(id);
      confirming = false;
      replace(actionMsg, "Cancellation accepted: rows in flight finish or are cut; the rest will end CANCELLED.");
      announce("Batch cancellation accepted");
    } catch (e) {
      replace(actionMsg, h("span", { class: "error" }, e instanceof ApiError ? `${e.subCode}: ${e.message}` : (e as Error).message));
    } finally {
      busy = false;
      poller.now();
    }
  };

  const retry = async (codesInput: HTMLInputElement) => {
    busy = true;
    render(st!);
    const list = codesInput.value.split(/[\s,]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
    try {
      const acc = await api.retry(id, list);
      childrenAt = 0;
      announce(`Retry batch ${acc.request_id} created with ${acc.total_rows} rows`);
      location.hash = `#/batch/${acc.request_id}`;
    } catch (e) {
      replace(actionMsg, h("span", { class: "error" }, e instanceof ApiError ? `${e.subCode}: ${e.message}` : (e as Error).message));
      busy = false;
      render(st!);
    }
  };

  const renderActions = (s: BatchStatus) => {
    const finished = isFinished(s);
    // The URLs are presigned afresh at each poll: set them in place below
    // rather than rebuild the buttons, which would take the focus away.
    actions.show([s.state, s.failed, confirming, busy, !!s.batch_output_file_url, !!s.batch_error_file_url], () => {
      const items: Child[] = [];
      if (s.batch_output_file_url) {
        items.push(h("a", { class: "button primary", id: "download-output", href: s.batch_output_file_url, download: `${id}.csv` }, "Download output.csv"));
      }
      if (s.batch_error_file_url) {
        items.push(h("a", { class: "button", id: "download-errors", href: s.batch_error_file_url, download: `${id}-errors.csv` }, "Download errors.csv"));
      }
      if (!finished && s.state !== "cancelling" && s.state !== "finalizing") {
        if (confirming) {
          const yes = h("button", { type: "button", id: "cancel-confirm", class: "danger", disabled: busy, onclick: cancel }, "Yes, cancel the batch");
          const no = h("button", { type: "button", id: "cancel-keep", disabled: busy, onclick: () => { confirming = false; render(s); } }, "Keep it running");
          items.push(h("div", { class: "confirm", role: "group", "aria-labelledby": "cancel-question" },
            h("p", { id: "cancel-question" }, "Cancel this batch? Rows not verified yet will end FAILED/CANCELLED; you can retry them afterwards."),
            yes, no));
          queueMicrotask(() => yes.focus());
        } else {
          items.push(h("button", { type: "button", id: "cancel", class: "danger", onclick: () => { confirming = true; render(s); } }, "Cancel batch"));
        }
      }
      if (finished && s.state !== "expired" && s.failed > 0) {
        const codesInput = h("input", { id: "retry-codes", name: "codes", placeholder: "e.g. CANCELLED, UPSTREAM_UNAVAILABLE",
          spellcheck: "false", "aria-describedby": "retry-hint" });
        items.push(h("form", { class: "retry", onsubmit: (e: Event) => { e.preventDefault(); retry(codesInput); } },
          h("div", { class: "field" }, h("label", { for: "retry-codes" }, "Retry only these codes (optional)"), codesInput,
            h("p", { class: "hint", id: "retry-hint" }, "Empty: every retryable failed row. The new batch keeps each row's number and reference.")),
          h("button", { type: "submit", id: "retry", disabled: busy }, "Retry failed rows")));
      }
      if (!items.length) {
        items.push(h("p", { class: "muted" }, s.state === "expired"
          ? "The results expired: their files were deleted at the end of retention."
          : "Downloads appear here when the batch is finished."));
      }
      return h("div", { class: "actions wrap" }, items);
    });
    const output = actions.body.querySelector<HTMLAnchorElement>("#download-output");
    if (output && s.batch_output_file_url) output.href = s.batch_output_file_url;
    const errs = actions.body.querySelector<HTMLAnchorElement>("#download-errors");
    if (errs && s.batch_error_file_url) errs.href = s.batch_error_file_url;
  };

  const renderDetails = (s: BatchStatus) => {
    details.show([s.state, s.created_at, s.started_at, s.completed_at, s.cancelled_at, s.failed_at, s.expires_at,
      s.failure_reason, s.metadata, s.callback_url, s.parent_request_id, s.max_failure_rate, children.map((c) => [c.request_id, c.state])], () => {
      const meta = Object.entries(s.metadata ?? {});
      return dl([
        ["Provider", s.product_id],
        ["Created", fmt.time(s.created_at)],
        ["Started", s.started_at ? fmt.time(s.started_at) : null],
        ["Completed", s.completed_at ? fmt.time(s.completed_at) : null],
        ["Cancelled", s.cancelled_at ? fmt.time(s.cancelled_at) : null],
        ["Failed", s.failed_at ? fmt.time(s.failed_at) : null],
        ["Failure reason", s.failure_reason],
        ["Stops above", s.max_failure_rate !== null ? `${fmt.percent(s.max_failure_rate * 100)} failed rows` : null],
        ["Files deleted", s.expires_at ? fmt.time(s.expires_at) : null],
        ["Metadata", meta.length ? h("ul", { class: "plain" }, meta.map(([k, v]) => h("li", null, h("code", null, k), " = ", v))) : null],
        ["Webhook URL", s.callback_url ? h("code", null, s.callback_url) : null],
        ["Retry of", s.parent_request_id ? h("span", { id: "parent-link" }, batchLink(s.parent_request_id)) : null],
        ["Retried as", children.length ? h("ul", { class: "plain", id: "child-links" },
          children.map((c) => h("li", null, batchLink(c.request_id), " ", stateBadge(c.state)))) : null],
      ]);
    });
  };

  const renderCodes = (s: BatchStatus) => {
    const entries = Object.entries(s.codes ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const total = entries.reduce((sum, [, n]) => sum + n, 0);
    codes.show(entries, () => entries.length === 0
      ? h("p", { class: "muted" }, "No row has finished yet.")
      : h("div", { class: "table-wrap" }, h("table", { id: "codes-table" },
        h("caption", { class: "visually-hidden" }, "Rows by result code"),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Code"), h("th", { scope: "col", class: "num" }, "Rows"),
          h("th", { scope: "col", class: "num" }, "Share"))),
        h("tbody", null, entries.map(([code, n]) => h("tr", { "data-code": code },
          h("th", { scope: "row" }, h("code", null, code)), h("td", { class: "num" }, fmt.int(n)),
          h("td", { class: "num" }, fmt.percent(Math.round((n / total) * 1000) / 10))))))));
  };

  const renderErrors = (s: BatchStatus) => {
    errorsSec.el.hidden = !isFinished(s) || s.state === "expired";
    if (errorsSec.el.hidden || !errors) return;
    const e = errors;
    errorsSec.show([e.rows, e.truncated], () => e.rows.length === 0
      ? h("p", { class: "muted", id: "no-errors" }, "No failed rows.")
      : [h("div", { class: "table-wrap" }, h("table", { id: "errors-table", tabindex: -1 },
        h("caption", null, e.truncated ? `The first ${e.rows.length} of ${fmt.int(s.failed)} failed rows` : `All ${e.rows.length} failed rows`),
        h("thead", null, h("tr", null, ["Row", "Reference", "Code", "Message", "Retryable"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, e.rows.map((r) => h("tr", null,
          h("td", { class: "num" }, String(r.row_number)), h("td", null, r.reference_id || "–"), h("td", null, h("code", null, r.code)),
          h("td", null, r.message), h("td", null, r.retryable ? "yes" : "no")))))),
      e.truncated && e.rows.length < rowsMax
        ? h("button", { type: "button", id: "errors-more", class: "small", onclick: showMoreErrors }, `Show ${rowsMore} more`)
        : null]);
  };

  const renderClaims = (s: BatchStatus) => {
    claimsSec.el.hidden = !isFinished(s) || s.state === "expired" || (!claims && !claimsError);
    if (claimsSec.el.hidden) return;
    const c = claims;
    if (!c) {
      claimsSec.show(claimsError, () => h("p", { class: "error" }, `Could not read the claims: ${claimsError}`));
      return;
    }
    claimsSec.show([c, claimFields], () => [
      claimCounts(c, claimFields),
      c.mismatched.length === 0 ? h("p", { class: "muted", id: "no-mismatch" }, "No claim mismatched.") : mismatchedRows(c, claimFields),
      c.truncated && c.mismatched.length < rowsMax
        ? h("button", { type: "button", id: "claims-more", class: "small", onclick: showMoreClaims }, `Show ${rowsMore} more`)
        : null,
      h("p", { class: "hint" }, "The values claimed and the documents' values are not shown: they are personal data. ",
        "Each row's results are in the output file's ", h("code", null, "*_match"), " columns."),
    ]);
  };

  const showMoreClaims = async () => {
    claimsLimit = Math.min(claimsLimit + rowsMore, rowsMax);
    claimsFor = "";
    await loadClaims();
    if (st) render(st);
    claimsSec.body.querySelector<HTMLElement>("#claims-more, #claims-mismatched")?.focus();
    announce(`Showing ${claims?.mismatched.length ?? 0} rows with a mismatch`);
  };

  const showMoreErrors = async () => {
    errorsLimit = Math.min(errorsLimit + rowsMore, rowsMax);
    errorsFor = "";
    await loadErrors();
    if (st) render(st);
    errorsSec.body.querySelector<HTMLElement>("#errors-more, #errors-table")?.focus();
    announce(`Showing ${errors?.rows.length ?? 0} failed rows`);
  };

  const renderHooks = () => {
    hooksSec.el.hidden = !hooks;
    if (!hooks) return;
    const d = hooks;
    hooksSec.show(d, () => [
      h("p", { class: "muted" }, d.callback_url ? ["Sent to ", h("code", null, d.callback_url), ", newest first."] : "This batch has no webhook URL."),
      d.deliveries.length === 0 ? (d.callback_url ? h("p", { class: "muted" }, "Nothing sent yet.") : null)
        : h("div", { class: "table-wrap" }, h("table", { id: "webhooks-table" },
          h("caption", { class: "visually-hidden" }, "Webhook delivery attempts, newest first"),
          h("thead", null, h("tr", null, ["When", "Event", "Attempt", "HTTP", "Took", "Error", "Message id"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", null, d.deliveries.map((a) => h("tr", { class: a.error ? "failed" : "" },
            h("td", null, fmt.time(a.at)), h("td", null, h("code", null, a.event)), h("td", { class: "num" }, String(a.attempt)),
            h("td", { class: "num" }, a.http_status === null ? "–" : String(a.http_status)), h("td", { class: "num" }, `${a.duration_ms} ms`),
            h("td", null, a.error ?? "delivered"), h("td", null, h("code", { class: "small" }, a.webhook_id))))))),
    ]);
  };

  const render = (s: BatchStatus) => {
    replace(badge, stateBadge(s.state));
    el.dataset.state = s.state;
    progress.update(s);
    const finished = isFinished(s);
    replace(progressText, `${fmt.int(s.processed_rows)} of ${fmt.int(s.total_rows)} rows done`,
      finished ? "" : ` · ${fmt.rate(s.rows_per_second)} · ETA ${fmt.eta(s.eta_seconds, false)}`,
      s.rejected_rows ? ` · ${fmt.int(s.rejected_rows)} rejected at upload` : "",
      s.duplicates ? ` · ${fmt.int(s.duplicates)} duplicates` : "");
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
