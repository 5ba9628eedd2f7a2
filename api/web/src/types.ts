// The API's JSON shapes that the console reads (see /openapi.json).

// ProviderInfo is a provider as GET /v1/providers describes it: the
// columns of its files, the claims it compares with the document and
// whether this service is configured for it.
export interface ProviderInfo {
  name: string;
  required_columns: string[];
  optional_columns: string[];
  claims: string[];
  secret_columns: string[];
  enabled: boolean;
}

export interface ProviderList {
  providers: ProviderInfo[];
}

export const states = [
  "queued", "processing", "finalizing", "completed", "cancelling", "cancelled", "failed", "expired",
] as const;
export type State = (typeof states)[number];

// finishedStates change no more but to expire.
export const finishedStates: readonly string[] = ["completed", "cancelled", "failed", "expired"];

export interface BatchStatus {
  request_id: string;
  status: number;
  product_id: string;
  message: string;
  batch_output_file_url?: string | null;
  batch_error_file_url?: string | null;
  state: State;
  total_rows: number;
  processed_rows: number;
  rejected_rows: number;
  verified: number;
  not_verified: number;
  failed: number;
  duplicates: number;
  codes: Record<string, number>;
  percent_complete: number;
  rows_per_second: number;
  eta_seconds: number | null;
  chunks: number;
  done_chunks: number;
  created_at: string | null;
  started_at: string | null;
  finalizing_at: string | null;
  completed_at: string | null;
  cancelling_at: string | null;
  cancelled_at: string | null;
  failed_at: string | null;
  expired_at: string | null;
  expires_at: string | null;
  failure_reason: string | null;
  max_failure_rate: number | null;
  parent_request_id: string | null;
  metadata: Record<string, string>;
  callback_url: string | null;
}

export interface BatchList {
  batches: BatchStatus[];
  pagination: { returned_count: number; total_count: number; current_page: number; total_pages: number };
}

export interface BatchAccepted {
  request_id: string;
  state: State;
  product_id: string;
  total_rows: number;
  rejected_rows: number;
  duplicates: number;
  chunks: number;
}

export interface RowProblem {
  row_number: number;
  column: string;
  reason: string;
}

export interface DryRunReport {
  dry_run: boolean;
  total_rows: number;
  rejected_rows: number;
  duplicates: number;
  problems: RowProblem[];
}

export interface ErrorRow {
  row_number: number;
  reference_id: string;
  code: string;
  message: string;
  retryable: boolean;
}

export interface ErrorRows {
  request_id: string;
  rows: ErrorRow[];
  truncated: boolean;
}

export interface WebhookAttempt {
  event: string;
  webhook_id: string;
  attempt: number;
  at: string;
  http_status: number | null;
  duration_ms: number;
  error: string | null;
}

export interface WebhookDeliveries {
  request_id: string;
  callback_url: string | null;
  deliveries: WebhookAttempt[];
}

export interface AccessToken {
  access_token: string;
  token_type: string;
  expires_in: number;
}

// matchValues are the values of a row's <claim>_match output columns.
export const matchValues = ["MATCH", "MISMATCH", "UNAVAILABLE", "NOT_CLAIMED"] as const;
export type Match = (typeof matchValues)[number];

// MismatchedRow is a row with a MISMATCH claim: its outcome and how each
// claim compared, never a claimed or document value.
export interface MismatchedRow {
  row_number: number;
  reference_id: string;
  status: string;
  code: string;
  document_number_match: Match;
  name_match: Match;
  name_score: number | null;
  dob_match: Match;
  gender_match: Match;
  claims_source: string;
}

export interface ClaimSummary {
  request_id: string;
  fields: Record<string, Record<Match, number>>;
  mismatched: MismatchedRow[];
  truncated: boolean;
}
