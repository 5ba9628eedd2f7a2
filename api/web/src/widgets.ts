// Pieces several views share: state badges, progress bars, result counts.

import { h } from "./dom";
import * as fmt from "./format";
import { endedStates, type BatchSummary } from "./types";

export function isFinished(st: { state: string }): boolean {
  return (endedStates as readonly string[]).includes(st.state);
}

// stateBadge shows a state in words; its colour only repeats them.
export function stateBadge(state: string): HTMLElement {
  return h("span", { class: `badge state-${state}`, "data-state": state }, state);
}

// Progress is a labelled progress bar that updates in place, so that a
// screen reader or keyboard focus near it is not disturbed by polling.
export class Progress {
  readonly el: HTMLElement;
  private bar: HTMLProgressElement;
  private text: HTMLElement;

  constructor(label: string) {
    this.bar = h("progress", { max: 100, value: 0, "aria-label": label });
    this.text = h("span", { class: "pct" });
    this.el = h("div", { class: "progress" }, this.bar, this.text);
  }

  update(st: BatchSummary): void {
    this.bar.value = st.percent_complete;
    this.bar.setAttribute("aria-valuetext", `${fmt.percent(st.percent_complete)}, ${st.state}`);
    this.el.dataset.state = st.state;
    this.el.classList.toggle("running", !isFinished(st));
    this.text.textContent = fmt.percent(st.percent_complete);
  }
}

// counts renders how the processed rows ended.
export function counts(st: BatchSummary): HTMLElement {
  return h("span", { class: "counts" },
    h("span", { class: "c-verified" }, `${fmt.int(st.verified)} verified`), " · ",
    h("span", { class: "c-not-verified" }, `${fmt.int(st.not_verified)} not verified`), " · ",
    h("span", { class: "c-failed" }, `${fmt.int(st.failed)} failed`));
}

// errorBox shows an error message where the action was taken.
export function errorBox(): HTMLElement {
  return h("div", { class: "error", role: "alert" });
}
