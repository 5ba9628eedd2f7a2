// The batches view: the upload panel and the server's list of the
// client's batches, polled while any of them runs.

import { Api, ApiError } from "./api";
import { append, h, Poller, replace } from "./dom";
import * as fmt from "./format";
import { states, type BatchList, type BatchSummary } from "./types";
import { UploadPanel } from "./upload";
import type { View } from "./view";
import { counts, errorBox, isFinished, Progress, stateBadge } from "./widgets";

const perPage = 20;

// BatchRow is one batch's table row, updated in place.
class BatchRow {
  readonly tr: HTMLTableRowElement;
  private progress: Progress;
  private cells: HTMLTableCellElement[];
  private created: HTMLElement;

  constructor(st: BatchSummary) {
    this.progress = new Progress(`Progress of batch ${fmt.shortId(st.request_id)}`);
    const link = h("a", { href: `#/batch/${st.request_id}`, title: st.request_id, class: "batch-link",
      "aria-label": `Batch ${st.request_id}` }, h("code", null, fmt.shortId(st.request_id)));
    this.created = h("div", { class: "muted small" });
    this.cells = Array.from({ length: 6 }, () => h("td"));
    this.tr = h("tr", { "data-request-id": st.request_id },
      h("th", { scope: "row" }, link, this.created),
      this.cells[0], this.cells[1], h("td", null, this.progress.el), this.cells[2], this.cells[3], this.cells[4], this.cells[5]);
    this.cells[2].className = this.cells[4].className = this.cells[5].className = "num";
    this.update(st);
  }

  update(st: BatchSummary): void {
    this.tr.dataset.state = st.state;
    const meta = Object.entries(st.metadata ?? {}).map(([k, v]) => `${k}=${v}`).join(", ");
    replace(this.created, fmt.time(st.created_at), meta ? h("div", { class: "meta" }, meta) : null,
      st.parent_request_id ? h("div", null, "retry of ", h("code", null, fmt.shortId(st.parent_request_id))) : null);
    this.progress.update(st);
    replace(this.cells[0], st.product_id);
    replace(this.cells[1], stateBadge(st.state));
    replace(this.cells[2], `${fmt.int(st.processed_rows)} / ${fmt.int(st.total_rows)}`);
    replace(this.cells[3], counts(st));
    replace(this.cells[4], isFinished(st) ? "–" : fmt.rate(st.rows_per_second));
    replace(this.cells[5], fmt.eta(st.eta_seconds, isFinished(st)));
  }
}

export function listView(api: Api, onSignedOut: (why: string) => void): View {
  let page = 1;
  const rows = new Map<string, BatchRow>();
  const stateSel = h("select", { id: "filter-state", name: "state", onchange: () => { page = 1; poller.now(); } },
    h("option", { value: "" }, "All states"), states.map((s) => h("option", { value: s }, s)));
  const provSel = h("select", { id: "filter-provider", name: "provider", onchange: () => { page = 1; poller.now(); } },
    h("option", { value: "" }, "All providers"));
  // The providers come from the server; until they do, the filter offers
  // "All providers" alone, and each poll asks again.
  let provAsked = false;
  const loadProviders = async () => {
    if (provAsked) return;
    provAsked = true;
    try {
      append(provSel, (await api.providers()).map((p) => h("option", { value: p.name }, p.name)));
    } catch {
      provAsked = false; // The upload panel shows why; the next poll asks again.
    }
  };
  const tbody = h("tbody", { id: "batches" });
  const empty = h("p", { class: "muted", id: "batches-empty", hidden: true });
  const err = errorBox();
  const prev = h("button", { type: "button", id: "page-prev", class: "small", onclick: () => { page--; poller.now(); } }, "Previous page");
  const next = h("button", { type: "button", id: "page-next", class: "small", onclick: () => { page++; poller.now(); } }, "Next page");
  const pageInfo = h("span", { class: "muted", id: "page-info", "aria-live": "polite" });
  const table = h("table", { id: "batch-table" },
    h("caption", { class: "visually-hidden" }, "Your batches, newest first"),
    h("thead", null, h("tr", null,
      ["Batch", "Provider", "State", "Progress", "Rows done", "Results", "Rate", "ETA"].map((c) => h("th", { scope: "col" }, c)))),
    tbody);

  const render = (list: BatchList) => {
    const seen = new Set<string>();
    const order: HTMLTableRowElement[] = [];
    for (const st of list.batches) {
      seen.add(st.request_id);
      let row = rows.get(st.request_id);
      if (row) row.update(st);
      else rows.set(st.request_id, (row = new BatchRow(st)));
      order.push(row.tr);
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.tr.remove();
        rows.delete(id);
      }
    }
    // Move rows only when the order changed, so that focus stays put.
    const current = Array.from(tbody.children);
    if (current.length !== order.length || order.some((tr, i) => current[i] !== tr)) replace(tbody, order);
    const p = list.pagination;
    empty.hidden = p.total_count > 0;
    empty.textContent = stateSel.value || provSel.value ? "No batch matches these filters." : "No batches yet: upload a CSV above.";
    table.hidden = p.total_count === 0;
    pageInfo.textContent = p.total_count ? `Page ${p.current_page} of ${Math.max(p.total_pages, 1)} · ${fmt.int(p.total_count)} batches` : "";
    prev.disabled = p.current_page <= 1;
    next.disabled = p.current_page >= p.total_pages;
  };

  const poller = new Poller(async () => {
    loadProviders();
    try {
      const list = await api.listBatches({ page, per_page: perPage, state: stateSel.value, provider: provSel.value });
      if (page > 1 && list.batches.length === 0 && list.pagination.total_pages < page) {
        page = Math.max(list.pagination.total_pages, 1);
        return 0;
      }
      err.textContent = "";
      render(list);
      return list.batches.some((b) => !isFinished(b)) ? 1500 : 8000;
    } catch (e) {
      if (e instanceof ApiError && e.authFailed) onSignedOut(e.message);
      else err.textContent = `Could not load the batches: ${(e as Error).message}`;
      return 5000;
    }
  });

  const upload = new UploadPanel(api, () => {
    page = 1;
    stateSel.value = provSel.value = "";
    poller.now();
  });
  const heading = h("h2", { tabindex: -1, id: "batches-title" }, "Batches");
  const el = h("div", { class: "view", id: "list-view" },
    upload.el,
    h("section", { class: "card", "aria-labelledby": "batches-title" },
      h("div", { class: "section-head" }, heading,
        h("div", { class: "filters", role: "group", "aria-label": "Filter the batches" },
          h("label", { for: "filter-state" }, "State"), stateSel,
          h("label", { for: "filter-provider" }, "Provider"), provSel)),
      err, empty, h("div", { class: "table-wrap" }, table),
      h("div", { class: "pager" }, prev, pageInfo, next)));
  return { el, heading, destroy: () => poller.stop() };
}
