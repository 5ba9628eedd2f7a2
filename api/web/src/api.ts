// The API client: every call the console makes, with the credentials of
// the session, and errors turned into messages a person can act on.

import type {
  AccessToken, BatchAccepted, BatchList, BatchStatus, ClaimSummary, DryRunReport, ErrorRows, ProviderInfo, ProviderList,
  WebhookDeliveries,
} from "./types";

// Credentials say how the console authenticates: client-id and x-api-key
// headers ("key"), or a JWT from /v1/authorize as a bearer token beside
// x-api-key ("jwt"), as the API's security schemes allow.
export interface Credentials {
  clientId: string;
  secret: string;
  mode: "key" | "jwt";
  token?: string;
  tokenExpires?: number; // unix ms
}

// ApiError is a failed call: the HTTP status, the envelope's sub_code (or
// UNAUTHORIZED/FORBIDDEN for the seeds' {"detail"} bodies) and its message.
export class ApiError extends Error {
  constructor(public status: number, public subCode: string, message: string) {
    super(message);
  }

  // authFailed says the credentials themselves were refused.
  get authFailed(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

const storageKey = "bulkverify-session";

// loadCredentials returns the credentials saved in this tab, if any.
export function loadCredentials(): Credentials | null {
  try {
    const c = JSON.parse(sessionStorage.getItem(storageKey) ?? "null");
    return c && typeof c.clientId === "string" && typeof c.secret === "string" ? (c as Credentials) : null;
  } catch {
    return null;
  }
}

function saveCredentials(c: Credentials | null): void {
  if (c) sessionStorage.setItem(storageKey, JSON.stringify(c));
  else sessionStorage.removeItem(storageKey);
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, q?: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q ?? {})) {
    if (v !== undefined && v !== "") p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

// authorize exchanges a client's id and secret for a JWT.
export async function authorize(clientId: string, secret: string): Promise<AccessToken> {
  const body = new URLSearchParams({ client_id: clientId, client_secret: secret });
  const res = await send("/v1/authorize", { method: "POST", body });
  return (await decode(res)) as unknown as AccessToken;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, credentials: "omit", cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, "NETWORK", `Cannot reach the server (${(e as Error).message}). Is it running?`);
  }
}

// decode returns a successful answer's JSON or throws its error.
async function decode(res: Response): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
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

// Api calls the /v1 routes as one signed-in client.
export class Api {
  private providerList: Promise<ProviderInfo[]> | null = null;

  constructor(public creds: Credentials) {}

  // signIn checks the credentials (getting a JWT first in "jwt" mode) and
  // keeps them for this tab.
  static async signIn(creds: Credentials): Promise<Api> {
    const api = new Api(creds);
    if (creds.mode === "jwt") await api.refreshToken();
    await api.listBatches({ per_page: 1 });
    saveCredentials(api.creds);
    return api;
  }

  signOut(): void {
    saveCredentials(null);
  }

  private async refreshToken(): Promise<void> {
    const t = await authorize(this.creds.clientId, this.creds.secret);
    this.creds = { ...this.creds, token: t.access_token, tokenExpires: Date.now() + t.expires_in * 1000 };
    saveCredentials(this.creds);
  }

  private headers(): Record<string, string> {
    if (this.creds.mode === "jwt") {
      return { Authorization: `Bearer ${this.creds.token ?? ""}`, "x-api-key": this.creds.secret };
    }
    return { "client-id": this.creds.clientId, "x-api-key": this.creds.secret };
  }

  // call sends a request and returns the envelope's data. In "jwt" mode an
  // expired token is renewed once, and the request sent again.
  async call<T>(method: string, path: string, q?: Query, body?: BodyInit): Promise<T> {
    const url = withQuery(path, q);
    if (this.creds.mode === "jwt" && (this.creds.tokenExpires ?? 0) < Date.now() + 10_000) {
      await this.refreshToken();
    }
    try {
      return (await decode(await send(url, { method, headers: this.headers(), body }))).data as T;
    } catch (e) {
      if (!(e instanceof ApiError) || this.creds.mode !== "jwt" || e.status !== 401) throw e;
      await this.refreshToken();
      return (await decode(await send(url, { method, headers: this.headers(), body }))).data as T;
    }
  }

  listBatches(q: { page?: number; per_page?: number; state?: string; provider?: string }): Promise<BatchList> {
    return this.call("GET", "/v1/verification/batches", q);
  }

  status(id: string): Promise<BatchStatus> {
    return this.call("GET", "/v1/verification/batch-processing-status", { request_id: id });
  }

  // upload sends a CSV with its options; dryRun checks it without storing.
  upload(provider: string, form: FormData, dryRun: boolean): Promise<BatchAccepted | DryRunReport> {
    return this.call("POST", "/v1/verification/batch", { provider, dry_run: dryRun ? "true" : undefined }, form);
  }

  cancel(id: string): Promise<BatchStatus> {
    return this.call("POST", `/v1/verification/batch/${encodeURIComponent(id)}/cancel`);
  }

  retry(id: string, codes: string[]): Promise<BatchAccepted> {
    return this.call("POST", `/v1/verification/batch/${encodeURIComponent(id)}/retry`, {
      codes: codes.length ? codes.join(",") : undefined,
    });
  }

  // providers returns the providers the server knows, sorted by name,
  // asked once for the session (again after a failure).
  providers(): Promise<ProviderInfo[]> {
    if (!this.providerList) {
      this.providerList = this.call<ProviderList>("GET", "/v1/providers").then((d) => d.providers);
      this.providerList.catch(() => (this.providerList = null));
    }
    return this.providerList;
  }

  claims(id: string, limit: number): Promise<ClaimSummary> {
    return this.call("GET", `/v1/verification/batch/${encodeURIComponent(id)}/claims`, { limit });
  }

  errors(id: string, limit: number): Promise<ErrorRows> {
    return this.call("GET", `/v1/verification/batch/${encodeURIComponent(id)}/errors`, { limit });
  }

  // webhooks returns the delivery log, or null where the server has no
  // such route (it answers 404).
  async webhooks(id: string): Promise<WebhookDeliveries | null> {
    try {
      return await this.call("GET", `/v1/verification/batch/${encodeURIComponent(id)}/webhooks`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }
}
