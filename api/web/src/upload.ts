// The upload panel: a CSV dropped or chosen, a provider (from the
// server's GET /v1/providers, with its columns and claims), metadata and
// options; a dry run that lists row problems by line before anything is
// spent; the upload itself.

import { Api, ApiError } from "./api";
import { announce, h, replace, type Child } from "./dom";
import * as fmt from "./format";
import type { BatchAccepted, DryRunReport, ProviderInfo } from "./types";
import { errorBox } from "./widgets";

const maxMetadata = 16;

export class UploadPanel {
  readonly el: HTMLElement;
  private file: File | null = null;
  private providers = new Map<string, ProviderInfo>();
  private provider: HTMLSelectElement;
  private columns: HTMLElement;
  private input: HTMLInputElement;
  private chosen: HTMLElement;
  private zone: HTMLElement;
  private meta: HTMLElement;
  private callback: HTMLInputElement;
  private maxFail: HTMLInputElement;
  private result: HTMLElement;
  private err: HTMLElement;
  private buttons: HTMLButtonElement[];
  private metaRows = 0;

  constructor(private api: Api, private onUploaded: (acc: BatchAccepted) => void) {
    this.provider = h("select", { id: "provider", name: "provider", "aria-describedby": "provider-columns", onchange: () => this.describe() },
      h("option", { value: "" }, "Loading the providers…"));
    this.columns = h("div", { id: "provider-columns", class: "hint", "aria-live": "polite" });
    this.input = h("input", { type: "file", id: "file", name: "file", accept: ".csv,text/csv", class: "file-input",
      "aria-describedby": "file-chosen", onchange: () => this.choose(this.input.files?.[0] ?? null) });
    this.chosen = h("span", { id: "file-chosen", class: "muted" }, "No file chosen.");
    this.zone = h("div", { class: "dropzone", id: "dropzone" },
      h("label", { for: "file" }, h("strong", null, "Drop a CSV file here"), " or ", h("span", { class: "link" }, "choose a file")),
      this.input, h("div", null, this.chosen));
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
      const f = (e as DragEvent).dataTransfer?.files?.[0];
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

    const form = h("form", { class: "card", id: "upload-form", "aria-labelledby": "upload-title" },
      h("h2", { id: "upload-title" }, "New batch"),
      h("div", { class: "grid2" },
        h("div", null,
          h("div", { class: "field" }, h("label", { for: "provider" }, "Provider"), this.provider, this.columns),
          this.zone),
        h("div", null,
          h("fieldset", { class: "field" }, h("legend", null, "Metadata (optional, returned with the status and webhooks)"),
            this.meta,
            h("button", { type: "button", id: "add-metadata", class: "small", onclick: () => this.addMeta() }, "Add a metadata field")),
          h("details", { class: "field" }, h("summary", null, "More options"),
            h("div", { class: "field" }, h("label", { for: "callback-url" }, "Webhook URL (callback_url)"), this.callback),
            h("div", { class: "field" }, h("label", { for: "max-failure" }, "Stop the batch when more than this % of rows fail"),
              this.maxFail, h("p", { class: "hint" }, "Checked once 100 rows are done. Empty: never stop.")))),
      ),
      this.err,
      h("div", { class: "actions" }, dry, up),
      this.result);
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
  private async loadProviders(): Promise<void> {
    replace(this.columns);
    let list: ProviderInfo[];
    try {
      list = await this.api.providers();
    } catch (e) {
      replace(this.columns, h("span", { class: "error" }, `Could not load the providers: ${(e as Error).message}`), " ",
        h("button", { type: "button", id: "providers-retry", class: "small", onclick: () => this.loadProviders() }, "Try again"));
      return;
    }
    this.providers = new Map(list.map((p) => [p.name, p]));
    const chosen = this.providers.get(this.provider.value)?.enabled ? this.provider.value : list.find((p) => p.enabled)?.name ?? "";
    replace(this.provider, list.length ? null : h("option", { value: "" }, "No provider"),
      list.map((p) => h("option", { value: p.name, disabled: !p.enabled }, p.enabled ? p.name : `${p.name} (not enabled here)`)));
    this.provider.value = chosen;
    this.describe();
  }

  // describe shows the chosen provider's columns and the claims it checks.
  private describe(): void {
    const p = this.providers.get(this.provider.value);
    if (!p) {
      replace(this.columns, this.providers.size ? "No provider is enabled on this service." : null);
      return;
    }
    replace(this.columns,
      h("p", { class: "hint", id: "provider-required" }, "Required columns: ", codeList(p.required_columns), "."),
      h("p", { class: "hint", id: "provider-optional" }, "Optional: ", p.optional_columns.length ? codeList(p.optional_columns) : "none", "."),
      h("p", { class: "hint", id: "provider-claims" }, p.claims.length
        ? ["Claims checked against the document (optional columns, each reported in its ", h("code", null, "*_match"), " output column): ",
          codeList(p.claims), "."]
        : "Checks no claims: a file with a claim column is refused.",
      p.secret_columns.length ? [" Also accepted, as secrets never compared or output: ", codeList(p.secret_columns), "."] : null));
  }

  private choose(f: File | null): void {
    this.file = f;
    this.chosen.textContent = f ? `${f.name} (${fmt.bytes(f.size)})` : "No file chosen.";
    this.zone.classList.toggle("has-file", !!f);
    replace(this.result);
    this.err.textContent = "";
    if (f) announce(`Chosen ${f.name}`);
  }

  private addMeta(): void {
    if (this.meta.children.length >= maxMetadata) return;
    const n = ++this.metaRows;
    const row = h("div", { class: "meta-row" },
      h("input", { class: "meta-key", "aria-label": `Metadata key ${n}`, placeholder: "key", maxlength: 64, spellcheck: "false" }),
      h("input", { class: "meta-value", "aria-label": `Metadata value ${n}`, placeholder: "value", maxlength: 512 }));
    row.appendChild(h("button", { type: "button", class: "small quiet", "aria-label": `Remove metadata field ${n}`,
      onclick: () => { row.remove(); } }, "Remove"));
    this.meta.appendChild(row);
  }

  // metadata returns the fields filled in, or throws naming what is wrong.
  private metadata(): Record<string, string> | null {
    const out: Record<string, string> = {};
    for (const row of Array.from(this.meta.children)) {
      const k = (row.querySelector(".meta-key") as HTMLInputElement).value.trim();
      const v = (row.querySelector(".meta-value") as HTMLInputElement).value;
      if (!k && !v) continue;
      if (!k) throw new Error(`Metadata: the value "${v}" has no key.`);
      if (k in out) throw new Error(`Metadata: the key "${k}" is there twice.`);
      out[k] = v;
    }
    return Object.keys(out).length ? out : null;
  }

  private form(): FormData {
    const fd = new FormData();
    const meta = this.metadata();
    if (meta) fd.append("metadata", JSON.stringify(meta));
    if (this.callback.value.trim()) fd.append("callback_url", this.callback.value.trim());
    if (this.maxFail.value !== "") {
      const pct = Number(this.maxFail.value);
      if (!(pct >= 0 && pct <= 100)) throw new Error("The failure threshold must be a percentage from 0 to 100.");
      fd.append("max_failure_rate", String(pct / 100));
    }
    fd.append("file", this.file as File, (this.file as File).name);
    return fd;
  }

  private async send(dryRun: boolean): Promise<void> {
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
    let fd: FormData;
    try {
      fd = this.form();
    } catch (e) {
      this.err.textContent = (e as Error).message;
      return;
    }
    this.buttons.forEach((b) => (b.disabled = true));
    replace(this.result, h("p", { class: "muted" }, dryRun ? "Checking…" : "Uploading…"));
    try {
      const d = await this.api.upload(this.provider.value, fd, dryRun);
      if (dryRun) this.showDryRun(d as DryRunReport);
      else this.showAccepted(d as BatchAccepted);
    } catch (e) {
      replace(this.result);
      this.err.textContent = e instanceof ApiError ? `${e.subCode}: ${e.message}` : (e as Error).message;
    } finally {
      this.buttons.forEach((b) => (b.disabled = false));
    }
  }

  private showDryRun(r: DryRunReport): void {
    const name = this.file?.name ?? "the file";
    const summary = r.rejected_rows === 0
      ? `No problems: all ${fmt.int(r.total_rows)} rows of ${name} can be verified.`
      : `${fmt.int(r.rejected_rows)} of ${fmt.int(r.total_rows)} rows of ${name} would be rejected (they would end FAILED/INVALID_ROW without reaching the provider).`;
    const dup = r.duplicates ? ` ${fmt.int(r.duplicates)} duplicate rows would be verified once.` : "";
    const parts: HTMLElement[] = [h("p", { id: "dry-run-summary" }, h("strong", null, "Dry run: "), summary + dup, " Nothing was stored or queued.")];
    if (r.problems.length) {
      parts.push(h("div", { class: "table-wrap" }, h("table", { id: "dry-run-problems" },
        h("caption", null, r.problems.length < r.rejected_rows ? `The first ${r.problems.length} problems` : "Problems by line",
          h("span", { class: "muted small" }, " (line = the line in the file, the header being line 1)")),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Line"), h("th", { scope: "col" }, "Row"),
          h("th", { scope: "col" }, "Column"), h("th", { scope: "col" }, "Problem"))),
        h("tbody", null, r.problems.map((p) => h("tr", null,
          h("td", { class: "num" }, fmt.int(p.row_number + 1)), h("td", { class: "num" }, fmt.int(p.row_number)),
          h("td", null, p.column ? h("code", null, p.column) : "–"), h("td", null, p.reason)))))));
    }
    replace(this.result, parts);
    announce(summary);
  }

  private showAccepted(acc: BatchAccepted): void {
    const rejected = acc.rejected_rows ? `, ${fmt.int(acc.rejected_rows)} of them rejected` : "";
    this.input.value = "";
    this.choose(null);
    replace(this.result, h("p", { id: "upload-accepted" }, "Batch ",
      h("a", { href: `#/batch/${acc.request_id}` }, h("code", null, acc.request_id)),
      ` accepted: ${fmt.int(acc.total_rows)} rows${rejected}. It is in the list below.`));
    announce(`Batch accepted, ${acc.total_rows} rows`);
    this.onUploaded(acc);
  }
}

// codeList renders names as code, comma-separated.
function codeList(names: string[]): Child[] {
  return names.map((n, i) => [i ? ", " : "", h("code", null, n)]);
}
