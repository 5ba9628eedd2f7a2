// A few DOM helpers. Everything the console shows is built with h(), which
// sets text as text: no HTML string is ever parsed, so nothing an upload or
// the server returns can inject markup.

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined | ((ev: Event) => void);
export type Attrs = Record<string, AttrValue>;

// h creates an element with attributes, listeners (on<event>) and children.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === "value" || k === "checked") {
      (el as unknown as Record<string, unknown>)[k] = v;
    } else {
      el.setAttribute(k === "className" ? "class" : k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

// append adds children to el, skipping empty ones.
export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

// replace sets el's children.
export function replace(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

// byId returns the element with id, which must exist.
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no element #${id}`);
  return el as T;
}

// announce tells assistive technology about a change it cannot see.
export function announce(msg: string): void {
  const live = document.getElementById("announcer");
  if (live) live.textContent = msg;
}

// Poller calls fn now and then again after the delay it returns, slower
// while the page is hidden, until stopped.
export class Poller {
  private timer = 0;
  private stopped = false;

  constructor(private fn: () => Promise<number>) {
    this.tick();
  }

  // now runs fn at once instead of at its next turn.
  now(): void {
    window.clearTimeout(this.timer);
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    let delay = 5000;
    try {
      delay = await this.fn();
    } catch {
      // fn shows its own errors; keep polling.
    }
    if (this.stopped) return;
    if (document.hidden) delay = Math.max(delay, 15000);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.tick(), delay);
  }
}
