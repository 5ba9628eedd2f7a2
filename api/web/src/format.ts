// How numbers, times and durations read on the page.

const nf = new Intl.NumberFormat("en");

export function int(n: number): string {
  return nf.format(n);
}

export function percent(p: number): string {
  return (Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)) + "%";
}

export function rate(r: number): string {
  if (!r) return "–";
  return (r >= 100 ? r.toFixed(0) : r.toFixed(1)) + " rows/s";
}

// duration renders seconds as "45 s", "3 min 05 s", "2 h 10 min".
export function duration(s: number): string {
  s = Math.max(0, Math.round(s));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

// eta renders the estimate of a batch still running.
export function eta(seconds: number | null, finished: boolean): string {
  if (finished) return "–";
  if (seconds === null) return "estimating…";
  return duration(seconds);
}

export function time(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

// shortId is the start of a request id, enough to tell batches apart.
export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) + "…" : id;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
