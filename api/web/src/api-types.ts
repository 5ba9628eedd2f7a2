// Generated from api/openapi.json by openapi-typescript (node types.mjs,
// run by `make web`): do not edit. Change the document and regenerate.

export interface paths {
    "/v1/authorize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a JWT
         * @description Exchanges client credentials for a JWT to send as `Authorization: Bearer`, together with `x-api-key`, on the other `/v1` routes.
         */
        post: operations["authorize"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a batch
         * @description Checks the CSV against the provider's columns, stores it, splits it into chunks and queues them. Rows that fail validation are counted in `rejected_rows` and end `FAILED`/`INVALID_ROW`; a file that cannot be accepted at all is refused and nothing is queued. Duplicate rows are verified once.
         */
        post: operations["createBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/{provider}/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload a batch, Deepvue's shape
         * @description Deepvue's bulk upload shape (CSV in multipart field `batch_file`, answer 201 with Deepvue's body), so that a Deepvue client switches host and keys only. The same intake, options and errors as `POST /v1/verification/batch?provider=`; `file` is accepted too and `webhook_url` is an alias of `callback_url`. A repeated `Idempotency-Key` with the same file answers 201 with the first batch's `request_id`.
         */
        post: operations["createBatchDeepvue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batch-processing-status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A batch's status
         * @description Drop-in compatible with Deepvue's `batch-processing-status`: `data.status` 200 when finished (or expired), 201 while in progress, and a freshly presigned `batch_output_file_url` once finished; the other fields go beside them.
         */
        get: operations["getBatchStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's batches
         * @description The caller's batches, newest first unless `order=asc`, paginated like `seeds/001`. Each is the status data without URLs.
         */
        get: operations["listBatches"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batch/{request_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a batch
         * @description Stops queuing at once; rows in flight finish or are cut; the output is assembled from what was done and the rest ends `FAILED`/`CANCELLED`. The batch goes `cancelling`, then `cancelled`. Cancelling a cancelling or cancelled batch answers the same.
         */
        post: operations["cancelBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batch/{request_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a finished batch's retryable rows
         * @description Makes a new batch of the parent's `retryable=true` rows (optionally only those with the given codes), linked by `parent_request_id`, with the parent's provider, metadata, callback URL and failure threshold. Its output keeps the parent's `row_number` and `reference_id`.
         */
        post: operations["retryBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batch/{request_id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A batch's webhook delivery attempts
         * @description Every delivery attempt of the batch's webhooks (Standard Webhooks 1.0, see `webhooks` in this document), newest first, the newest 1000 kept: which event and message, the attempt's number (a retry of a message keeps its `webhook_id`), when, the receiver's HTTP status and how long it took, and why it did not deliver. A batch without `callback_url`, or whose events are not sent yet, answers an empty list.
         */
        get: operations["listBatchWebhooks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batch/{request_id}/errors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The first rows of a batch's errors.csv
         * @description The first `limit` rows of a finished batch's `errors.csv` (its `FAILED` rows, in row order), as JSON, read from the object store by the API. For clients that cannot fetch `batch_error_file_url` themselves, such as a browser when the bucket sends no CORS headers; the whole file is at `batch_error_file_url`.
         */
        get: operations["getBatchErrors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["getOpenAPI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The web console
         * @description The web console: sign in with a client's id and secret (as headers, or swapped for a JWT from `/v1/authorize`), upload a CSV (drag and drop, provider, metadata, options) after a dry run that lists row problems by line, follow the client's batches (`GET /v1/verification/batches`) with live progress, rate and ETA, and open a batch: counts by code, the first failed rows, downloads, cancel, retry of the failed rows, parent and child batches, webhook deliveries. It calls the same API as a backend. Served with a strict Content-Security-Policy (no inline script or style, no other origin). Any other unknown path answers 404.
         */
        get: operations["getWebUI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The web console's script and style sheet
         * @description The files of the web console (`app.js`, `app.css`), built from `api/web/src` and embedded in the binary. `ETag` and `Cache-Control: no-cache`, so a browser revalidates them and never runs a stale script. Any other name answers 404.
         */
        get: operations["getWebAsset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description Pings each dependency (Redis, S3) with a 3-second deadline.
         */
        get: operations["getReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Request latency by route pattern and status, error answers by `sub_code`, intake rows, cancels, retries, batches by state, and the queue's metrics.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batch/{request_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Erase a finished batch now
         * @description Deletes every trace of a finished (or expired) batch at once instead of at the end of `BV_RETENTION`: the sealed input, the parts, output.csv and errors.csv, the checkpoints, the data key (which alone makes any copy of the input unreadable) and the state.
         */
        delete: operations["deleteBatch"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/monitoring/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The queue monitor (asynqmon), read-only, for operators
         * @description asynqmon's web UI and its read API under `/monitoring/`: queues, tasks, workers. It shows every tenant's tasks, so only clients listed in `BV_OPERATORS` may open it, signed in with HTTP Basic auth (client id and secret, as a browser asks for them) or the API's `client-id` and `x-api-key` headers. Read-only: nothing can be changed from it.
         */
        get: operations["queueMonitor"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The providers, their columns and the claims they check
         * @description Every provider the service knows, sorted by name: the columns a file for it must have (`required_columns`) and may have (`optional_columns`), the claim columns it compares with the document (`claims`, each reported in its `<claim>_match` output column), the claim columns that carry a secret instead of a declared value (`secret_columns`: `refresh_token`, sealed like `access_token`, used to refresh an expired token, never compared or output), and whether this service is configured for it (`enabled`; an upload for a provider that is not enabled answers 400 `INVALID_PROVIDER`). A file may have any of these columns; a claim column the provider does not check answers 400 `UNSUPPORTED_COLUMN`, other unknown columns are ignored. The web console and `bulkverify submit --help` read this list.
         */
        get: operations["listProviders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verification/batch/{request_id}/claims": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How a batch's claims compared with the documents
         * @description For a finished batch, read from its `output.csv` by the API: for each claim column the batch's provider checks (see `GET /v1/providers`), how many rows compared `MATCH`, `MISMATCH`, `UNAVAILABLE` (claimed, but no value to compare with could be had) or `NOT_CLAIMED` (the row left it empty), over every row; and the first `limit` rows with a `MISMATCH`, in row order, with their outcome and each `*_match` and `name_score`. The claimed values and the document's values are never answered: they are personal data. A provider that checks no claim answers empty `fields` and `mismatched`. The whole file, with the evidence columns, is at `batch_output_file_url`.
         */
        get: operations["getBatchClaims"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    batchEvent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A batch's event, sent to its callback_url
         * @description Sent by the workers through the queue (a restart loses nothing) to the batch's `callback_url`, signed with the client's secret from `BV_WEBHOOK_SECRETS` (`whsec_` + Base64 key). Events: `batch.completed`, `batch.cancelled`, `batch.failed` (once the output is assembled), `batch.expired` (retention deleted the files) and `batch.progress` (while running, at most every `BV_WEBHOOK_PROGRESS_INTERVAL`). Verify: the HMAC-SHA256, under the Base64-decoded key, of `webhook-id` + "." + `webhook-timestamp` + "." + the raw body, Base64-encoded, must equal one of the space-separated `v1,` signatures (compare in constant time), and the timestamp must be within 5 minutes. A 2xx delivers; 410 Gone stops every later message of the batch; anything else, or no answer within 10 s, is retried with exponential backoff and jitter (from `BV_WEBHOOK_BACKOFF`, 4 times longer each time, up to `BV_WEBHOOK_MAX_ATTEMPTS` attempts: about a day with the defaults). Redirects are not followed. The URL is checked again before each attempt and the address connected to is checked when dialling.
         */
        post: operations["batchEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /**
         * @description Where the batch is in its life. `queued`: accepted, stored and split, no chunk started. `processing`: at least one chunk started. `finalizing`: every chunk done, the output is being assembled. `completed`: `output.csv` and `errors.csv` are ready. `cancelling`: cancelled by its owner, no chunk is queued any more and rows in flight are finishing or cut. `cancelled`: the output is ready, rows never processed are `FAILED`/`CANCELLED`. `failed`: stopped because its failure threshold was crossed (or it could not be assembled); the output is ready, rows never processed are `FAILED`/`BATCH_ABORTED`. `expired`: its files were deleted at the end of retention. `completed`, `cancelled` and `failed` are finished.
         * @enum {string}
         */
        State: "queued" | "processing" | "finalizing" | "completed" | "cancelling" | "cancelled" | "failed" | "expired";
        /** @description The answer of every `/v1` route but `/v1/authorize` and the Deepvue-shaped upload, as in the seeds. */
        Envelope: {
            /** @description The HTTP status, repeated. */
            code: number;
            /**
             * Format: int64
             * @description When the answer was made, in unix milliseconds.
             */
            timestamp: number;
            /** @description A fresh id of this answer: 32 hex digits. */
            transaction_id: string;
            /** @description `SUCCESS`, or the error code (see `Error`). */
            sub_code: string;
            /** @description What happened, for a person. */
            message: string;
            /** @description The route's answer; absent on errors. */
            data?: unknown;
        };
        /** @description An error in the envelope, without `data`. `sub_code` → HTTP status: `INVALID_PROVIDER`, `MISSING_COLUMN`, `INVALID_FILE`, `EMPTY_FILE`, `INVALID_REQUEST`, `INVALID_CALLBACK_URL`, `NOTHING_TO_RETRY` → 400; `FILE_TOO_LARGE` → 413; `INVALID_REQUEST_ID` → 422; `CONFLICT`, `IDEMPOTENCY_KEY_REUSED`, `BATCH_FINISHED`, `BATCH_NOT_FINISHED` → 409; `PROVIDER_NOT_ENABLED` → 403; `REQUEST_TIMEOUT` → 408; `TOO_MANY_ATTEMPTS`, `RATE_LIMITED` → 429; `SERVICE_BUSY` → 503; `INTERNAL` → 500. */
        Error: {
            /** @description The HTTP status, repeated. */
            code: number;
            /**
             * Format: int64
             * @description When the answer was made, in unix milliseconds.
             */
            timestamp: number;
            /** @description A fresh id of this answer: 32 hex digits. */
            transaction_id: string;
            /**
             * @description A stable error code.
             * @enum {string}
             */
            sub_code: "INVALID_PROVIDER" | "MISSING_COLUMN" | "UNSUPPORTED_COLUMN" | "TOO_MANY_COLUMNS" | "LINE_TOO_LONG" | "INVALID_FILE" | "EMPTY_FILE" | "INVALID_REQUEST" | "INVALID_CALLBACK_URL" | "NOTHING_TO_RETRY" | "FILE_TOO_LARGE" | "TOO_MANY_ROWS" | "INVALID_REQUEST_ID" | "CONFLICT" | "IDEMPOTENCY_KEY_REUSED" | "BATCH_FINISHED" | "BATCH_NOT_FINISHED" | "BATCH_EXPIRED" | "PROVIDER_NOT_ENABLED" | "REQUEST_TIMEOUT" | "TOO_MANY_ATTEMPTS" | "RATE_LIMITED" | "SERVICE_BUSY" | "INTERNAL";
            /** @description What went wrong and what to do; upload errors name the line and column. `internal error` for anything unexpected. */
            message: string;
        };
        /** @description The seeds' authentication error body. */
        AuthDetail: {
            /**
             * @description `Not authenticated`: no credentials. `Invalid client_id, access Denied`: unknown client or wrong `x-api-key`. `Could not validate credentials`: bad or expired JWT. `Incorrect client_id or client_secret`: `/v1/authorize` refused.
             * @enum {string}
             */
            detail: "Not authenticated" | "Invalid client_id, access Denied" | "Could not validate credentials" | "Incorrect client_id or client_secret";
        };
        /** @description A JWT for `Authorization: Bearer`, always used together with `x-api-key`. */
        AccessToken: {
            /** @description The JWT (HS256); its subject is the client_id. */
            access_token: string;
            /**
             * @description Always `bearer`.
             * @constant
             */
            token_type: "bearer";
            /** @description Seconds until the token expires. */
            expires_in: number;
        };
        /** @description A batch that was accepted: stored, split and queued. */
        BatchAccepted: {
            /** @description The batch's id: pass it to the status, cancel and retry routes. */
            request_id: string;
            state: components["schemas"]["State"];
            /** @description The batch's provider. */
            product_id: string;
            /** @description Data rows in the input. */
            total_rows: number;
            /** @description Rows that failed validation; they will end `FAILED`/`INVALID_ROW`. */
            rejected_rows: number;
            /** @description Copies beyond the first of repeated rows; verified once. */
            duplicates: number;
            /** @description Chunks the batch was split into. */
            chunks: number;
            /** @description For a retry batch, the batch whose rows it retries; absent otherwise. */
            parent_request_id?: string;
            /** @description The file's columns the provider does not read, in file order (see `GET /v1/providers`); absent when there are none, and from the answer to a replayed `Idempotency-Key`. */
            ignored_columns?: string[];
        };
        /** @description Why one row cannot be verified. */
        RowProblem: {
            /** @description The row's 1-based position among the data rows. */
            row_number: number;
            /** @description The column at fault; empty when the row as a whole is (e.g. a wrong number of fields). */
            column: string;
            /** @description What is wrong with it. */
            reason: string;
        };
        /** @description What a real upload of the file would give; nothing was stored or queued. */
        DryRunReport: {
            /**
             * @description Always true.
             * @constant
             */
            dry_run: true;
            /** @description The provider the file was checked for. */
            product_id: string;
            /** @description Data rows in the file. */
            total_rows: number;
            /** @description Rows that would end `FAILED`/`INVALID_ROW`. */
            rejected_rows: number;
            /** @description Copies beyond the first of repeated rows. */
            duplicates: number;
            /** @description The first 100 rejected rows and why; `[]` when none. */
            problems: components["schemas"]["RowProblem"][];
            /** @description The file's columns the provider does not read, in file order (see `GET /v1/providers`); empty when there are none. */
            ignored_columns: string[];
        };
        /** @description A batch in the list: the status data without the two URL fields (`batch_output_file_url`, `batch_error_file_url`); get them from the status route. */
        BatchSummary: {
            /** @description The batch's id (32 hex digits), as returned by the upload. */
            request_id: string;
            /**
             * @description The seed's status: 200 when the batch is finished (completed, cancelled, failed) or expired, 201 while it is in progress.
             * @enum {integer}
             */
            status: 200 | 201;
            /** @description The batch's provider (see `GET /v1/providers`). */
            product_id: string;
            /**
             * @description The seed's message, by state: in progress (queued, processing, finalizing, cancelling), completed, cancelled, failed, expired.
             * @enum {string}
             */
            message: "batch processing in progress" | "batch processing completed" | "batch processing cancelled" | "batch processing failed" | "batch results expired";
            state: components["schemas"]["State"];
            /** @description Data rows in the input (the header is not counted). */
            total_rows: number;
            /** @description Rows that have a result so far. */
            processed_rows: number;
            /** @description Rows that failed validation at intake; they end `FAILED`/`INVALID_ROW` without an upstream call. */
            rejected_rows: number;
            /** @description Rows whose result is `VERIFIED`. */
            verified: number;
            /** @description Rows whose result is `NOT_VERIFIED`. */
            not_verified: number;
            /** @description Rows whose result is `FAILED`. */
            failed: number;
            /** @description Copies beyond the first of rows with the same values in every column that reaches the upstream; each is verified once and every copy gets the result. */
            duplicates: number;
            /** @description Finished rows by result code (`OK`, `DOCUMENT_NOT_FOUND`, `UPSTREAM_UNAVAILABLE`, ...); `{}` before any. */
            codes: {
                [key: string]: number;
            };
            /** @description Share of rows processed, 0 to 100, one decimal; 100 once finished. */
            percent_complete: number;
            /** @description Processing pace over the last minute. */
            rows_per_second: number;
            /** @description Estimated seconds left, from the last minute's pace, never faster than the provider's global rate limit; null until the pace is known (and once expired), 0 once finished. */
            eta_seconds: number | null;
            /** @description Chunks the batch was split into. */
            chunks: number;
            /** @description Chunks whose results are stored. */
            done_chunks: number;
            /**
             * Format: date-time
             * @description When the batch was accepted (RFC 3339).
             */
            created_at: string | null;
            /**
             * Format: date-time
             * @description When its first chunk started; null until then.
             */
            started_at: string | null;
            /**
             * Format: date-time
             * @description When every chunk was done and assembly began; null until then.
             */
            finalizing_at: string | null;
            /**
             * Format: date-time
             * @description When it became `completed`; null otherwise.
             */
            completed_at: string | null;
            /**
             * Format: date-time
             * @description When it was cancelled by its owner; null otherwise.
             */
            cancelling_at: string | null;
            /**
             * Format: date-time
             * @description When it became `cancelled`; null otherwise.
             */
            cancelled_at: string | null;
            /**
             * Format: date-time
             * @description When it became `failed`; null otherwise.
             */
            failed_at: string | null;
            /**
             * Format: date-time
             * @description When its files were deleted at the end of retention; null otherwise.
             */
            expired_at: string | null;
            /**
             * Format: date-time
             * @description When a finished batch's files will be deleted (`BV_RETENTION` after it finished); null before.
             */
            expires_at: string | null;
            /** @description Why a `failed` batch was stopped (the failure rate crossed and the commonest code, or why it could not be assembled); null otherwise. */
            failure_reason: string | null;
            /** @description The upload's `max_failure_rate`; null when none was set. */
            max_failure_rate: number | null;
            /** @description For a retry batch, the batch whose rows it retries; null otherwise. */
            parent_request_id: string | null;
            /** @description The upload's `metadata`, as given; `{}` when none. */
            metadata: {
                [key: string]: string;
            };
            /**
             * Format: uri
             * @description Where this batch's webhooks go (the upload's `callback_url` or `webhook_url`); null when none.
             */
            callback_url: string | null;
        };
        /** @description The status data: the seed's five fields (`request_id`, `status`, `product_id`, `message`, `batch_output_file_url`) with their meaning kept, then the batch's state, counts, pace, times and options. */
        BatchStatus: {
            /** @description The batch's id (32 hex digits), as returned by the upload. */
            request_id: string;
            /**
             * @description The seed's status: 200 when the batch is finished (completed, cancelled, failed) or expired, 201 while it is in progress.
             * @enum {integer}
             */
            status: 200 | 201;
            /** @description The batch's provider (see `GET /v1/providers`). */
            product_id: string;
            /**
             * @description The seed's message, by state: in progress (queued, processing, finalizing, cancelling), completed, cancelled, failed, expired.
             * @enum {string}
             */
            message: "batch processing in progress" | "batch processing completed" | "batch processing cancelled" | "batch processing failed" | "batch results expired";
            /**
             * Format: uri
             * @description A freshly presigned URL of `output.csv` (every input row exactly once, ordered by `row_number`: `row_number,reference_id,status,code,message,retryable`, then evidence columns) once the batch is finished; null while in progress and once expired.
             */
            batch_output_file_url: string | null;
            state: components["schemas"]["State"];
            /**
             * Format: uri
             * @description A freshly presigned URL of `errors.csv` (the `FAILED` rows: `row_number,reference_id,code,message,retryable`) once the batch is finished; null otherwise.
             */
            batch_error_file_url: string | null;
            /** @description Data rows in the input (the header is not counted). */
            total_rows: number;
            /** @description Rows that have a result so far. */
            processed_rows: number;
            /** @description Rows that failed validation at intake; they end `FAILED`/`INVALID_ROW` without an upstream call. */
            rejected_rows: number;
            /** @description Rows whose result is `VERIFIED`. */
            verified: number;
            /** @description Rows whose result is `NOT_VERIFIED`. */
            not_verified: number;
            /** @description Rows whose result is `FAILED`. */
            failed: number;
            /** @description Copies beyond the first of rows with the same values in every column that reaches the upstream; each is verified once and every copy gets the result. */
            duplicates: number;
            /** @description Finished rows by result code (`OK`, `DOCUMENT_NOT_FOUND`, `UPSTREAM_UNAVAILABLE`, ...); `{}` before any. */
            codes: {
                [key: string]: number;
            };
            /** @description Share of rows processed, 0 to 100, one decimal; 100 once finished. */
            percent_complete: number;
            /** @description Processing pace over the last minute. */
            rows_per_second: number;
            /** @description Estimated seconds left, from the last minute's pace, never faster than the provider's global rate limit; null until the pace is known (and once expired), 0 once finished. */
            eta_seconds: number | null;
            /** @description Chunks the batch was split into. */
            chunks: number;
            /** @description Chunks whose results are stored. */
            done_chunks: number;
            /**
             * Format: date-time
             * @description When the batch was accepted (RFC 3339).
             */
            created_at: string | null;
            /**
             * Format: date-time
             * @description When its first chunk started; null until then.
             */
            started_at: string | null;
            /**
             * Format: date-time
             * @description When every chunk was done and assembly began; null until then.
             */
            finalizing_at: string | null;
            /**
             * Format: date-time
             * @description When it became `completed`; null otherwise.
             */
            completed_at: string | null;
            /**
             * Format: date-time
             * @description When it was cancelled by its owner; null otherwise.
             */
            cancelling_at: string | null;
            /**
             * Format: date-time
             * @description When it became `cancelled`; null otherwise.
             */
            cancelled_at: string | null;
            /**
             * Format: date-time
             * @description When it became `failed`; null otherwise.
             */
            failed_at: string | null;
            /**
             * Format: date-time
             * @description When its files were deleted at the end of retention; null otherwise.
             */
            expired_at: string | null;
            /**
             * Format: date-time
             * @description When a finished batch's files will be deleted (`BV_RETENTION` after it finished); null before.
             */
            expires_at: string | null;
            /** @description Why a `failed` batch was stopped (the failure rate crossed and the commonest code, or why it could not be assembled); null otherwise. */
            failure_reason: string | null;
            /** @description The upload's `max_failure_rate`; null when none was set. */
            max_failure_rate: number | null;
            /** @description For a retry batch, the batch whose rows it retries; null otherwise. */
            parent_request_id: string | null;
            /** @description The upload's `metadata`, as given; `{}` when none. */
            metadata: {
                [key: string]: string;
            };
            /**
             * Format: uri
             * @description Where this batch's webhooks go (the upload's `callback_url` or `webhook_url`); null when none.
             */
            callback_url: string | null;
        };
        /** @description Where this page is, like `seeds/001`. */
        Pagination: {
            /** @description Batches on this page. */
            returned_count: number;
            /** @description Batches that match the filters, on all pages. */
            total_count: number;
            /** @description This page's number, from 1. */
            current_page: number;
            /** @description Pages of `per_page` batches; 0 when nothing matches. */
            total_pages: number;
        };
        /** @description A page of the caller's batches. */
        BatchList: {
            /** @description The batches of this page, in the order asked. */
            batches: components["schemas"]["BatchSummary"][];
            pagination: components["schemas"]["Pagination"];
        };
        /** @description Deepvue's answer to a bulk upload, word for word (no envelope `data`). */
        DeepvueCreated: {
            /**
             * @description Always 201.
             * @constant
             */
            code: 201;
            /**
             * Format: int64
             * @description When the answer was made, in unix milliseconds.
             */
            timestamp: number;
            /** @description A fresh id of this answer: 32 hex digits. */
            transaction_id: string;
            /** @description The batch's id: poll `/v1/verification/batch-processing-status?request_id=`. */
            request_id: string;
            /**
             * @description Always "batch processing in progress".
             * @constant
             */
            message: "batch processing in progress";
            /**
             * @description Always `SUCCESS`.
             * @constant
             */
            sub_code: "SUCCESS";
            /**
             * @description Always empty, as Deepvue's: the output comes from the status route.
             * @constant
             */
            output_batch_file: "";
        };
        Health: {
            /**
             * @description Always `ok`: the process serves HTTP.
             * @constant
             */
            status: "ok";
        };
        /** @description Each dependency (e.g. `redis`, `s3`) and whether it answered within 3 seconds. */
        Readiness: {
            [key: string]: "ok" | "unavailable";
        };
        BatchErased: {
            /** @description The erased batch. */
            request_id: string;
            /**
             * @description Always true.
             * @constant
             */
            erased: true;
        };
        /** @description A batch's webhook delivery log. */
        WebhookDeliveries: {
            /** @description The batch's id. */
            request_id: string;
            /**
             * Format: uri
             * @description Where the batch's webhooks go; null when it has none (then nothing is ever sent).
             */
            callback_url: string | null;
            /** @description The attempts, newest first (the newest 1000). */
            deliveries: components["schemas"]["WebhookDelivery"][];
        };
        /** @description One delivery attempt of a webhook message. */
        WebhookDelivery: {
            /**
             * @description The message's event.
             * @enum {string}
             */
            event: "batch.completed" | "batch.cancelled" | "batch.failed" | "batch.expired" | "batch.progress";
            /** @description The message's `webhook-id` header: the same on every attempt of one message, so receivers can drop repeats. */
            webhook_id: string;
            /** @description The attempt's number for this message, from 1 (at most `BV_WEBHOOK_MAX_ATTEMPTS`). */
            attempt: number;
            /**
             * Format: date-time
             * @description When the attempt started.
             */
            at: string;
            /** @description The receiver's HTTP status; null when there was no answer (refused URL, connection error, no answer within 10 s). */
            http_status: number | null;
            /** @description Milliseconds from sending to the answer (or giving up). */
            duration_ms: number;
            /** @description Why the attempt did not deliver (not 2xx, no answer, URL refused, 410 Gone, last attempt); null when it delivered. */
            error: string | null;
        };
        /** @description The body of a webhook message (Standard Webhooks 1.0). */
        WebhookMessage: {
            /**
             * @description The event.
             * @enum {string}
             */
            type: "batch.completed" | "batch.cancelled" | "batch.failed" | "batch.expired" | "batch.progress";
            /**
             * Format: date-time
             * @description When the event happened (RFC 3339, milliseconds, UTC); the same on every attempt.
             */
            timestamp: string;
            /** @description The batch's status data as of the attempt, with freshly presigned URLs once finished (null URLs for `batch.expired`). */
            data: components["schemas"]["BatchStatus"];
        };
        /** @description The first rows of a batch's errors.csv. */
        ErrorRows: {
            /** @description The batch's id. */
            request_id: string;
            /** @description The rows, in row order, at most `limit`. */
            rows: components["schemas"]["ErrorRow"][];
            /** @description True when errors.csv has more rows than those returned. */
            truncated: boolean;
        };
        /** @description A `FAILED` row of errors.csv, its cells as in the file (a cell that starts like a formula keeps its `'` guard). */
        ErrorRow: {
            /** @description The row's 1-based position among the input's data rows. */
            row_number: number;
            /** @description The input's `reference_id`, empty when it had none. */
            reference_id: string;
            /** @description The result code, e.g. `UPSTREAM_UNAVAILABLE`. */
            code: string;
            /** @description Why the row failed and what to do. */
            message: string;
            /** @description True when a retry batch takes the row again. */
            retryable: boolean;
        };
        /** @description The providers the service knows. */
        ProviderList: {
            /** @description Every known provider, sorted by name. */
            providers: components["schemas"]["Provider"][];
        };
        /** @description A provider: the columns of its files and the claims it checks. `required_columns`, `optional_columns`, `claims` and `secret_columns` together are every column it reads. */
        Provider: {
            /**
             * @description The provider's name, as given in `?provider=`.
             * @example digilocker
             */
            name: string;
            /** @description The columns a file must have, each with a value in every row. */
            required_columns: string[];
            /** @description Other columns the provider reads, besides its claims (`reference_id`, echoed in the output, is one). */
            optional_columns: string[];
            /** @description The claim columns compared with the document, in the order of their output columns (`document_number`, `name`, `dob`, `gender`); each is optional, and its result is the row's `<claim>_match` column. Empty when the provider checks none: a file for it with a claim column answers 400 `UNSUPPORTED_COLUMN`. */
            claims: string[];
            /** @description Claim columns that carry a secret instead of a declared value: accepted, sealed like `access_token` and never compared or output. `refresh_token` (DigiLocker) lets a worker refresh an access token that has expired. */
            secret_columns: string[];
            /** @description True when this service is configured for the provider; an upload for one that is not answers 400 `INVALID_PROVIDER`. */
            enabled: boolean;
        };
        /** @description How a finished batch's claims compared with the documents; never a claimed or document value. */
        ClaimSummary: {
            /** @description The batch's id. */
            request_id: string;
            /** @description For each claim column the batch's provider checks (`document_number`, `name`, `dob`, `gender`), how its rows compared, over every row of output.csv. */
            fields: {
                [key: string]: components["schemas"]["ClaimCounts"];
            };
            /** @description The rows with at least one `MISMATCH`, in row order, at most `limit`. */
            mismatched: components["schemas"]["MismatchedRow"][];
            /** @description True when more rows have a `MISMATCH` than those returned. */
            truncated: boolean;
        };
        /** @description How many rows had each value in one claim's `<claim>_match` column. */
        ClaimCounts: {
            /** @description The document says what the row claims. */
            MATCH: number;
            /** @description The document says something else. */
            MISMATCH: number;
            /** @description The row claims it, but no value to compare with could be had (the upstream did not give it, or the row failed first). */
            UNAVAILABLE: number;
            /** @description The row left it empty. */
            NOT_CLAIMED: number;
        };
        /** @description A row of output.csv with a `MISMATCH`: its outcome and how each claim compared. Its cells are as in the file (a cell that starts like a formula keeps its `'` guard); the claimed and the document's values are never included. */
        MismatchedRow: {
            /** @description The row's 1-based position among the input's data rows. */
            row_number: number;
            /** @description The input's `reference_id`, empty when it had none. */
            reference_id: string;
            /**
             * @description The row's status.
             * @enum {string}
             */
            status: "VERIFIED" | "NOT_VERIFIED" | "FAILED";
            /** @description The row's result code, e.g. `NAME_MISMATCH`. */
            code: string;
            /**
             * @description How `document_number` compared.
             * @enum {string}
             */
            document_number_match: "MATCH" | "MISMATCH" | "UNAVAILABLE" | "NOT_CLAIMED";
            /**
             * @description How `name` compared.
             * @enum {string}
             */
            name_match: "MATCH" | "MISMATCH" | "UNAVAILABLE" | "NOT_CLAIMED";
            /** @description The name matcher's score, 0 to 100; null unless a name was compared. */
            name_score: number | null;
            /**
             * @description How `dob` compared.
             * @enum {string}
             */
            dob_match: "MATCH" | "MISMATCH" | "UNAVAILABLE" | "NOT_CLAIMED";
            /**
             * @description How `gender` compared.
             * @enum {string}
             */
            gender_match: "MATCH" | "MISMATCH" | "UNAVAILABLE" | "NOT_CLAIMED";
            /** @description Where the compared values came from: `certificate`, `eaadhaar`, `uri` or `profile`, `|`-separated when mixed; empty when nothing was compared. */
            claims_source: string;
        };
    };
    responses: {
        /** @description No credentials (`Not authenticated`), or a bad or expired JWT (`Could not validate credentials`). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["AuthDetail"];
            };
        };
        /** @description Unknown client, or an `x-api-key` that is not its secret. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["AuthDetail"];
            };
        };
        /** @description `INVALID_REQUEST_ID`: no batch of the caller has this id (unknown, or another client's), with the seed's body. */
        InvalidRequestID: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    /** @constant */
                    code?: 422;
                    /** @enum {unknown} */
                    sub_code?: "INVALID_REQUEST_ID";
                };
            };
        };
        /** @description `INTERNAL`: something unexpected failed (e.g. Redis or S3 unavailable); the message is "internal error" and details are only logged. */
        Internal: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    /** @constant */
                    code?: 500;
                    /** @enum {unknown} */
                    sub_code?: "INTERNAL";
                };
            };
        };
        /** @description `TOO_MANY_ATTEMPTS`: more than `BV_AUTH_FAILURES_PER_MINUTE` (default 10) failed authentications in a minute for this client id or from this address (the peer address of the connection, not `X-Forwarded-For`); every request of that client id or address gets this answer, the right secret included, until `Retry-After`. `RATE_LIMITED`: the client sent more than `BV_API_RATE` requests/s. Both answer in the envelope, not with `{"detail"}`. */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait before trying again. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    /** @constant */
                    code?: 429;
                    /** @enum {unknown} */
                    sub_code?: "TOO_MANY_ATTEMPTS" | "RATE_LIMITED";
                };
            };
        };
        /** @description `TOO_MANY_ATTEMPTS`: more than `BV_AUTH_FAILURES_PER_MINUTE` (default 10) failed authentications in a minute for this client_id or from this address; the right secret gets this answer too until `Retry-After`. In the envelope, not with `{"detail"}`. */
        TooManyAttempts: {
            headers: {
                /** @description Seconds to wait before trying again. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    /** @constant */
                    code?: 429;
                    /** @enum {unknown} */
                    sub_code?: "TOO_MANY_ATTEMPTS";
                };
            };
        };
        /** @description Unknown client, or an `x-api-key` that is not its secret (`{"detail"}`, as on every route); or `PROVIDER_NOT_ENABLED` (envelope): `BV_TENANT_PROVIDERS` does not let this client upload to the provider (for a retry: the parent's provider); the message names the providers it may use. Nothing is stored or queued. */
        ForbiddenOrProviderNotEnabled: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["AuthDetail"] | (components["schemas"]["Error"] & {
                    /** @constant */
                    code?: 403;
                    /** @enum {unknown} */
                    sub_code?: "PROVIDER_NOT_ENABLED";
                });
            };
        };
        /** @description `REQUEST_TIMEOUT`: the body sent nothing for `BV_UPLOAD_IDLE_TIMEOUT` (default 30 s), or brought less than `BV_UPLOAD_MIN_BYTES_PER_SECOND` (default 16384) bytes/s on average over such a stretch; the connection is closed. Send the file again from a steadier or faster connection. */
        UploadTimeout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    /** @constant */
                    code?: 408;
                    /** @enum {unknown} */
                    sub_code?: "REQUEST_TIMEOUT";
                };
            };
        };
        /** @description `SERVICE_BUSY`: this server reads `BV_MAX_CONCURRENT_UPLOADS` (default 8) uploads at once and all are taken, or this client holds half of them already; retry after `Retry-After`. */
        ServiceBusy: {
            headers: {
                /** @description Seconds to wait before trying again. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] & {
                    /** @constant */
                    code?: 503;
                    /** @enum {unknown} */
                    sub_code?: "SERVICE_BUSY";
                };
            };
        };
        /** @description The request's headers are larger than the API server accepts (its MaxHeaderBytes, 64 KiB, plus Go's 4 KiB of slack): Go's HTTP server answers this plain text before any route runs, and closes the connection. Any route can get it. */
        HeadersTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/plain": "431 Request Header Fields Too Large";
            };
        };
    };
    parameters: {
        /** @description The batch's id. An unknown id, or another client's, answers 422 `INVALID_REQUEST_ID`. */
        RequestIDPath: string;
        /** @description Makes the upload safe to repeat (per client, for 24 hours): the same key with the same file (same SHA-256) answers the first batch again (same `request_id`); the same key with another file answers 409 `IDEMPOTENCY_KEY_REUSED`; while the first request with the key is still running, 409 `CONFLICT`. Ignored by a dry run. */
        IdempotencyKey: string;
        /** @description `true`: check the file exactly as for a real upload and answer 200 with a `DryRunReport`; nothing is stored or queued. In a multipart body this field must come before the file. May also be sent as a multipart field. */
        DryRun: boolean;
        /** @description A JSON object of at most 16 string values (keys 1 to 64, values at most 512 characters), returned in every status and webhook. May also be sent as a multipart field. */
        Metadata: string;
        /** @description Where the batch's webhooks go (Standard Webhooks 1.0, see `webhooks`). Must be https and resolve to a public address unless its host is in `BV_WEBHOOK_ALLOW_HOSTS`, and the client must have a signing secret in `BV_WEBHOOK_SECRETS`; otherwise 400 `INVALID_CALLBACK_URL`. May also be sent as a multipart field. */
        CallbackURL: string;
        /** @description Deepvue's name of `callback_url`; when both are given they must be equal. May also be sent as a multipart field. */
        WebhookURL: string;
        /** @description 0 to 1. Once at least 100 rows are processed and the share of `FAILED` rows among them exceeds it, the batch is stopped: state `failed`, unprocessed rows `FAILED`/`BATCH_ABORTED`. 0 or absent: no threshold. May also be sent as a multipart field. */
        MaxFailureRate: number;
    };
    requestBodies: {
        /** @description The CSV, as `multipart/form-data` (the first field named `file` or `batch_file`; the option fields beside it, `dry_run` before the file), or as the raw body (`text/csv`, or any type but multipart). Larger than `BV_MAX_UPLOAD_MB` answers 413 `FILE_TOO_LARGE`. */
        BatchUpload: {
            content: {
                "multipart/form-data": {
                    /** @description `true`: check the file exactly as for a real upload and answer 200 with a `DryRunReport`; nothing is stored or queued. In a multipart body this field must come before the file. */
                    dry_run?: boolean;
                    /**
                     * @description A JSON object of at most 16 string values (keys 1 to 64, values at most 512 characters), returned in every status and webhook.
                     * @example {"team":"ops","source":"crm"}
                     */
                    metadata?: string;
                    /**
                     * Format: uri
                     * @description Where the batch's webhooks go (Standard Webhooks 1.0, see `webhooks`). Must be https and resolve to a public address unless its host is in `BV_WEBHOOK_ALLOW_HOSTS`, and the client must have a signing secret in `BV_WEBHOOK_SECRETS`; otherwise 400 `INVALID_CALLBACK_URL`.
                     */
                    callback_url?: string;
                    /**
                     * Format: uri
                     * @description Deepvue's name of `callback_url`; when both are given they must be equal.
                     */
                    webhook_url?: string;
                    /** @description 0 to 1. Once at least 100 rows are processed and the share of `FAILED` rows among them exceeds it, the batch is stopped: state `failed`, unprocessed rows `FAILED`/`BATCH_ABORTED`. 0 or absent: no threshold. */
                    max_failure_rate?: number;
                    /**
                     * Format: binary
                     * @description The CSV: UTF-8 (a BOM is accepted), comma-separated, a header row, RFC 4180 quoting. Header names match case-insensitively; unknown columns are ignored.
                     */
                    file?: string;
                    /**
                     * Format: binary
                     * @description The CSV, when it is not in `file`. The first of `file` and `batch_file` is taken.
                     */
                    batch_file?: string;
                } | unknown | unknown;
                /**
                 * @example reference_id,application_id,document_types
                 *     A-1,app_123,passport|bank_statement
                 */
                "text/csv": string;
            };
        };
        /** @description The CSV, as `multipart/form-data` (the first field named `file` or `batch_file`; the option fields beside it, `dry_run` before the file), or as the raw body (`text/csv`, or any type but multipart). Larger than `BV_MAX_UPLOAD_MB` answers 413 `FILE_TOO_LARGE`. */
        DeepvueBatchUpload: {
            content: {
                "multipart/form-data": {
                    /** @description `true`: check the file exactly as for a real upload and answer 200 with a `DryRunReport`; nothing is stored or queued. In a multipart body this field must come before the file. */
                    dry_run?: boolean;
                    /**
                     * @description A JSON object of at most 16 string values (keys 1 to 64, values at most 512 characters), returned in every status and webhook.
                     * @example {"team":"ops","source":"crm"}
                     */
                    metadata?: string;
                    /**
                     * Format: uri
                     * @description Where the batch's webhooks go (Standard Webhooks 1.0, see `webhooks`). Must be https and resolve to a public address unless its host is in `BV_WEBHOOK_ALLOW_HOSTS`, and the client must have a signing secret in `BV_WEBHOOK_SECRETS`; otherwise 400 `INVALID_CALLBACK_URL`.
                     */
                    callback_url?: string;
                    /**
                     * Format: uri
                     * @description Deepvue's name of `callback_url`; when both are given they must be equal.
                     */
                    webhook_url?: string;
                    /** @description 0 to 1. Once at least 100 rows are processed and the share of `FAILED` rows among them exceeds it, the batch is stopped: state `failed`, unprocessed rows `FAILED`/`BATCH_ABORTED`. 0 or absent: no threshold. */
                    max_failure_rate?: number;
                    /**
                     * Format: binary
                     * @description The CSV: UTF-8 (a BOM is accepted), comma-separated, a header row, RFC 4180 quoting. Header names match case-insensitively; unknown columns are ignored.
                     */
                    batch_file?: string;
                    /**
                     * Format: binary
                     * @description The CSV, when it is not in `batch_file`. The first of `file` and `batch_file` is taken.
                     */
                    file?: string;
                } | unknown | unknown;
                /**
                 * @example reference_id,application_id,document_types
                 *     A-1,app_123,passport|bank_statement
                 */
                "text/csv": string;
            };
        };
    };
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    authorize: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    /** @description The client's id. */
                    client_id: string;
                    /** @description The client's secret (its `x-api-key`). */
                    client_secret: string;
                };
            };
        };
        responses: {
            /** @description The token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessToken"];
                };
            };
            /** @description Unknown client, wrong secret, or an unreadable form. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthDetail"];
                };
            };
            /** @description `REQUEST_TIMEOUT`: the form did not arrive within `BV_BODY_READ_TIMEOUT` (default 10 s) of the request; the connection is closed. */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 408;
                        /** @enum {unknown} */
                        sub_code?: "REQUEST_TIMEOUT";
                    };
                };
            };
            429: components["responses"]["TooManyAttempts"];
            500: components["responses"]["Internal"];
        };
    };
    createBatch: {
        parameters: {
            query: {
                /** @description The provider to verify with, one of those `GET /v1/providers` lists as `enabled` (e.g. `digilocker`). */
                provider: string;
                /** @description `true`: check the file exactly as for a real upload and answer 200 with a `DryRunReport`; nothing is stored or queued. In a multipart body this field must come before the file. May also be sent as a multipart field. */
                dry_run?: components["parameters"]["DryRun"];
                /** @description A JSON object of at most 16 string values (keys 1 to 64, values at most 512 characters), returned in every status and webhook. May also be sent as a multipart field. */
                metadata?: components["parameters"]["Metadata"];
                /** @description Where the batch's webhooks go (Standard Webhooks 1.0, see `webhooks`). Must be https and resolve to a public address unless its host is in `BV_WEBHOOK_ALLOW_HOSTS`, and the client must have a signing secret in `BV_WEBHOOK_SECRETS`; otherwise 400 `INVALID_CALLBACK_URL`. May also be sent as a multipart field. */
                callback_url?: components["parameters"]["CallbackURL"];
                /** @description Deepvue's name of `callback_url`; when both are given they must be equal. May also be sent as a multipart field. */
                webhook_url?: components["parameters"]["WebhookURL"];
                /** @description 0 to 1. Once at least 100 rows are processed and the share of `FAILED` rows among them exceeds it, the batch is stopped: state `failed`, unprocessed rows `FAILED`/`BATCH_ABORTED`. 0 or absent: no threshold. May also be sent as a multipart field. */
                max_failure_rate?: components["parameters"]["MaxFailureRate"];
            };
            header?: {
                /** @description Makes the upload safe to repeat (per client, for 24 hours): the same key with the same file (same SHA-256) answers the first batch again (same `request_id`); the same key with another file answers 409 `IDEMPOTENCY_KEY_REUSED`; while the first request with the key is still running, 409 `CONFLICT`. Ignored by a dry run. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["BatchUpload"];
        responses: {
            /** @description Dry run (`dry_run=true`): what the upload would give. Nothing was stored or queued. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["DryRunReport"];
                        /** @constant */
                        message?: "dry run: nothing was stored or queued";
                    };
                };
            };
            /** @description Accepted: the batch is stored and queued. A repeated `Idempotency-Key` with the same file answers the first batch, with the message "batch already accepted for this Idempotency-Key". */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 202;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["BatchAccepted"];
                        /** @enum {unknown} */
                        message?: "batch accepted" | "batch already accepted for this Idempotency-Key";
                    };
                };
            };
            /** @description The upload cannot be accepted; nothing is stored or queued. `INVALID_PROVIDER`: the provider is unknown or not enabled on this service. `MISSING_COLUMN`: a required column is missing from the header; the message lists what the provider needs. `UNSUPPORTED_COLUMN`: a claim column (`document_number`, `name`, `dob`, `gender`, `refresh_token`) that the provider does not check; the message names the providers that do (see `GET /v1/providers`). `TOO_MANY_COLUMNS`: the header has more than `BV_MAX_COLUMNS` columns or is over 64 KB. `LINE_TOO_LONG`: a record is longer than `BV_MAX_LINE_BYTES`; the message names its line. `INVALID_FILE`: not a CSV (unclosed or stray quote, NUL bytes, not UTF-8, a duplicated column), or no `file`/`batch_file` field in a multipart body; the message names the line and column. `EMPTY_FILE`: no bytes, or a header without data rows. `INVALID_REQUEST`: a bad option (`dry_run`, `metadata`, `max_failure_rate`, `callback_url` ≠ `webhook_url`, `dry_run` after the file), named in the message. `INVALID_CALLBACK_URL`: the callback URL is not https, does not resolve, or resolves to a loopback, link-local or private address; or the client has no webhook signing secret in `BV_WEBHOOK_SECRETS`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 400;
                        /** @enum {unknown} */
                        sub_code?: "INVALID_PROVIDER" | "MISSING_COLUMN" | "UNSUPPORTED_COLUMN" | "TOO_MANY_COLUMNS" | "LINE_TOO_LONG" | "INVALID_FILE" | "EMPTY_FILE" | "INVALID_REQUEST" | "INVALID_CALLBACK_URL";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["ForbiddenOrProviderNotEnabled"];
            408: components["responses"]["UploadTimeout"];
            /** @description `IDEMPOTENCY_KEY_REUSED`: the `Idempotency-Key` was used with another file; use a new key. `CONFLICT`: a request with the same key is still running; retry in a few seconds. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 409;
                        /** @enum {unknown} */
                        sub_code?: "IDEMPOTENCY_KEY_REUSED" | "CONFLICT";
                    };
                };
            };
            /** @description `FILE_TOO_LARGE`: the body is larger than `BV_MAX_UPLOAD_MB`; `TOO_MANY_ROWS`: the file has more than `BV_MAX_ROWS` data rows; split the file. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 413;
                        /** @enum {unknown} */
                        sub_code?: "FILE_TOO_LARGE" | "TOO_MANY_ROWS";
                    };
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceBusy"];
        };
    };
    createBatchDeepvue: {
        parameters: {
            query?: {
                /** @description `true`: check the file exactly as for a real upload and answer 200 with a `DryRunReport`; nothing is stored or queued. In a multipart body this field must come before the file. May also be sent as a multipart field. */
                dry_run?: components["parameters"]["DryRun"];
                /** @description A JSON object of at most 16 string values (keys 1 to 64, values at most 512 characters), returned in every status and webhook. May also be sent as a multipart field. */
                metadata?: components["parameters"]["Metadata"];
                /** @description Where the batch's webhooks go (Standard Webhooks 1.0, see `webhooks`). Must be https and resolve to a public address unless its host is in `BV_WEBHOOK_ALLOW_HOSTS`, and the client must have a signing secret in `BV_WEBHOOK_SECRETS`; otherwise 400 `INVALID_CALLBACK_URL`. May also be sent as a multipart field. */
                callback_url?: components["parameters"]["CallbackURL"];
                /** @description Deepvue's name of `callback_url`; when both are given they must be equal. May also be sent as a multipart field. */
                webhook_url?: components["parameters"]["WebhookURL"];
                /** @description 0 to 1. Once at least 100 rows are processed and the share of `FAILED` rows among them exceeds it, the batch is stopped: state `failed`, unprocessed rows `FAILED`/`BATCH_ABORTED`. 0 or absent: no threshold. May also be sent as a multipart field. */
                max_failure_rate?: components["parameters"]["MaxFailureRate"];
            };
            header?: {
                /** @description Makes the upload safe to repeat (per client, for 24 hours): the same key with the same file (same SHA-256) answers the first batch again (same `request_id`); the same key with another file answers 409 `IDEMPOTENCY_KEY_REUSED`; while the first request with the key is still running, 409 `CONFLICT`. Ignored by a dry run. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description The provider to verify with, as `?provider=` of the main upload. */
                provider: string;
            };
            cookie?: never;
        };
        requestBody: components["requestBodies"]["DeepvueBatchUpload"];
        responses: {
            /** @description Dry run (`dry_run=true`): what the upload would give. Nothing was stored or queued. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["DryRunReport"];
                        /** @constant */
                        message?: "dry run: nothing was stored or queued";
                    };
                };
            };
            /** @description Accepted: the batch is stored and queued. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeepvueCreated"];
                };
            };
            /** @description The upload cannot be accepted; nothing is stored or queued. `INVALID_PROVIDER`: the provider is unknown or not enabled on this service. `MISSING_COLUMN`: a required column is missing from the header; the message lists what the provider needs. `UNSUPPORTED_COLUMN`: a claim column (`document_number`, `name`, `dob`, `gender`, `refresh_token`) that the provider does not check; the message names the providers that do (see `GET /v1/providers`). `TOO_MANY_COLUMNS`: the header has more than `BV_MAX_COLUMNS` columns or is over 64 KB. `LINE_TOO_LONG`: a record is longer than `BV_MAX_LINE_BYTES`; the message names its line. `INVALID_FILE`: not a CSV (unclosed or stray quote, NUL bytes, not UTF-8, a duplicated column), or no `file`/`batch_file` field in a multipart body; the message names the line and column. `EMPTY_FILE`: no bytes, or a header without data rows. `INVALID_REQUEST`: a bad option (`dry_run`, `metadata`, `max_failure_rate`, `callback_url` ≠ `webhook_url`, `dry_run` after the file), named in the message. `INVALID_CALLBACK_URL`: the callback URL is not https, does not resolve, or resolves to a loopback, link-local or private address; or the client has no webhook signing secret in `BV_WEBHOOK_SECRETS`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 400;
                        /** @enum {unknown} */
                        sub_code?: "INVALID_PROVIDER" | "MISSING_COLUMN" | "UNSUPPORTED_COLUMN" | "TOO_MANY_COLUMNS" | "LINE_TOO_LONG" | "INVALID_FILE" | "EMPTY_FILE" | "INVALID_REQUEST" | "INVALID_CALLBACK_URL";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["ForbiddenOrProviderNotEnabled"];
            408: components["responses"]["UploadTimeout"];
            /** @description `IDEMPOTENCY_KEY_REUSED`: the `Idempotency-Key` was used with another file; use a new key. `CONFLICT`: a request with the same key is still running; retry in a few seconds. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 409;
                        /** @enum {unknown} */
                        sub_code?: "IDEMPOTENCY_KEY_REUSED" | "CONFLICT";
                    };
                };
            };
            /** @description `FILE_TOO_LARGE`: the body is larger than `BV_MAX_UPLOAD_MB`; `TOO_MANY_ROWS`: the file has more than `BV_MAX_ROWS` data rows; split the file. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 413;
                        /** @enum {unknown} */
                        sub_code?: "FILE_TOO_LARGE" | "TOO_MANY_ROWS";
                    };
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
            503: components["responses"]["ServiceBusy"];
        };
    };
    getBatchStatus: {
        parameters: {
            query: {
                /** @description The batch's id, from the upload. */
                request_id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["BatchStatus"];
                        /** @constant */
                        message?: "Batch Upload status fetched successfully";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["InvalidRequestID"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listBatches: {
        parameters: {
            query?: {
                /** @description Page number, from 1. */
                page?: number;
                /** @description Batches per page. */
                per_page?: number;
                /** @description `desc`: newest first; `asc`: oldest first. */
                order?: "desc" | "asc";
                /** @description Only batches in this state. */
                state?: components["schemas"]["State"];
                /** @description Only batches of this provider (see `GET /v1/providers`). */
                provider?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of batches. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["BatchList"];
                        /** @constant */
                        message?: "Batches fetched successfully";
                    };
                };
            };
            /** @description `INVALID_REQUEST`: a bad `page`, `per_page`, `order`, `state` or `provider`, named in the message. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 400;
                        /** @enum {unknown} */
                        sub_code?: "INVALID_REQUEST";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    cancelBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The batch's id. An unknown id, or another client's, answers 422 `INVALID_REQUEST_ID`. */
                request_id: components["parameters"]["RequestIDPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancellation accepted: the batch's status. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 202;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["BatchStatus"];
                        /** @constant */
                        message?: "batch cancellation accepted";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `BATCH_FINISHED`: the batch can no longer be cancelled (it is finalizing, finished or expired). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 409;
                        /** @enum {unknown} */
                        sub_code?: "BATCH_FINISHED";
                    };
                };
            };
            422: components["responses"]["InvalidRequestID"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    retryBatch: {
        parameters: {
            query?: {
                /** @description Comma-separated result codes (e.g. `UPSTREAM_UNAVAILABLE,CANCELLED`): only retryable rows with one of them. */
                codes?: string;
            };
            header?: never;
            path: {
                /** @description The batch's id. An unknown id, or another client's, answers 422 `INVALID_REQUEST_ID`. */
                request_id: components["parameters"]["RequestIDPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The retry batch was accepted; `parent_request_id` names the parent. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 202;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["BatchAccepted"];
                        /** @constant */
                        message?: "retry batch accepted";
                    };
                };
            };
            /** @description `NOTHING_TO_RETRY`: the batch has no retryable row (with those codes). `INVALID_PROVIDER`: the parent's provider is no longer enabled on this service. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 400;
                        /** @enum {unknown} */
                        sub_code?: "NOTHING_TO_RETRY" | "INVALID_PROVIDER";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["ForbiddenOrProviderNotEnabled"];
            /** @description `BATCH_NOT_FINISHED`: the batch is still running; cancel it first, then delete it once it is cancelled. `BATCH_EXPIRED`: the batch's files were deleted at the end of retention. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 409;
                        /** @enum {unknown} */
                        sub_code?: "BATCH_NOT_FINISHED" | "BATCH_EXPIRED";
                    };
                };
            };
            422: components["responses"]["InvalidRequestID"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    listBatchWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The batch's id. An unknown id, or another client's, answers 422 `INVALID_REQUEST_ID`. */
                request_id: components["parameters"]["RequestIDPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["WebhookDeliveries"];
                        /** @constant */
                        message?: "Webhook deliveries fetched successfully";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            422: components["responses"]["InvalidRequestID"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    getBatchErrors: {
        parameters: {
            query?: {
                /** @description How many rows at most: 1 to 1000 (default 50). Another value answers 400 `INVALID_REQUEST`. */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The batch's id. An unknown id, or another client's, answers 422 `INVALID_REQUEST_ID`. */
                request_id: components["parameters"]["RequestIDPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The first rows. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["ErrorRows"];
                        /** @constant */
                        message?: "Batch errors fetched successfully";
                    };
                };
            };
            /** @description `INVALID_REQUEST`: `limit` is not a whole number from 1 to 1000. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 400;
                        /** @enum {unknown} */
                        sub_code?: "INVALID_REQUEST";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `BATCH_NOT_FINISHED`: errors.csv is written when the batch is finished; `BATCH_EXPIRED`: its files were deleted at the end of retention. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 409;
                        /** @enum {unknown} */
                        sub_code?: "BATCH_NOT_FINISHED" | "BATCH_EXPIRED";
                    };
                };
            };
            422: components["responses"]["InvalidRequestID"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    getOpenAPI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document of every route. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            431: components["responses"]["HeadersTooLarge"];
        };
    };
    getWebUI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The console's page; its script and style sheet come from `/assets/{file}`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            431: components["responses"]["HeadersTooLarge"];
        };
    };
    getWebAsset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The file's name. */
                file: "app.js" | "app.css";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                    "text/css": string;
                };
            };
            /** @description Not modified since the `ETag` sent in `If-None-Match`. */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No such file. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process serves HTTP. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
        };
    };
    getReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every dependency answered. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            /** @description At least one dependency did not answer; it is named `unavailable`. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics, in the Prometheus text format (or another format the `Accept` header negotiates). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            431: components["responses"]["HeadersTooLarge"];
        };
    };
    deleteBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The batch's id. An unknown id, or another client's, answers 422 `INVALID_REQUEST_ID`. */
                request_id: components["parameters"]["RequestIDPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The batch is erased: input, parts, outputs, checkpoints, data key and state. Its id now answers 422 `INVALID_REQUEST_ID`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["BatchErased"];
                        /** @constant */
                        message?: "batch erased";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `BATCH_NOT_FINISHED`: the batch is still running; cancel it first, then delete it once it is cancelled. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 409;
                        /** @enum {unknown} */
                        sub_code?: "BATCH_NOT_FINISHED";
                    };
                };
            };
            422: components["responses"]["InvalidRequestID"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    queueMonitor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description asynqmon's page or API answer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                    "application/json": unknown;
                };
            };
            /** @description No credentials: `{"detail": "Not authenticated"}` with `WWW-Authenticate: Basic`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthDetail"];
                };
            };
            /** @description Wrong credentials, or a client that is not an operator (`BV_OPERATORS`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthDetail"];
                };
            };
            429: components["responses"]["TooManyAttempts"];
        };
    };
    listProviders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The providers. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["ProviderList"];
                        /** @constant */
                        message?: "Providers fetched successfully";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    getBatchClaims: {
        parameters: {
            query?: {
                /** @description How many mismatched rows at most: 1 to 1000 (default 50); the counts always cover every row. Another value answers 400 `INVALID_REQUEST`. */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The batch's id. An unknown id, or another client's, answers 422 `INVALID_REQUEST_ID`. */
                request_id: components["parameters"]["RequestIDPath"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The counts and the first mismatched rows. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope"] & {
                        /** @constant */
                        code?: 200;
                        /** @constant */
                        sub_code?: "SUCCESS";
                        data: components["schemas"]["ClaimSummary"];
                        /** @constant */
                        message?: "Batch claims fetched successfully";
                    };
                };
            };
            /** @description `INVALID_REQUEST`: `limit` is not a whole number from 1 to 1000. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 400;
                        /** @enum {unknown} */
                        sub_code?: "INVALID_REQUEST";
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `BATCH_NOT_FINISHED`: output.csv is written when the batch is finished; `BATCH_EXPIRED`: its files were deleted at the end of retention. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] & {
                        /** @constant */
                        code?: 409;
                        /** @enum {unknown} */
                        sub_code?: "BATCH_NOT_FINISHED" | "BATCH_EXPIRED";
                    };
                };
            };
            422: components["responses"]["InvalidRequestID"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["Internal"];
        };
    };
    batchEvent: {
        parameters: {
            query?: never;
            header: {
                /** @description The message's id (`msg_<request_id>_<event>`, `_<n>` for the n-th progress event), the same on every retry: deduplicate on it. */
                "webhook-id": string;
                /** @description Unix seconds of this attempt. */
                "webhook-timestamp": number;
                /** @description `v1,` + Base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookMessage"];
            };
        };
        responses: {
            /** @description Gone: no more messages are sent for this batch. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Delivered; not sent again. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered: retried later, until `BV_WEBHOOK_MAX_ATTEMPTS`. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
type FlattenedDeepRequired<T> = {
    [K in keyof T]-?: FlattenedDeepRequired<T[K] extends unknown[] | undefined | null ? Extract<T[K], unknown[]>[number] : T[K]>;
};
type ReadonlyArray<T> = [
    Exclude<T, undefined>
] extends [
    unknown[]
] ? Readonly<Exclude<T, undefined>> : Readonly<Exclude<T, undefined>[]>;
export const pathsV1AuthorizePostResponses408ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/authorize"]["post"]["responses"]["408"]["content"]["application/json"]["sub_code"]> = ["REQUEST_TIMEOUT"];
export const pathsV1VerificationBatchPostResponses202ContentApplicationJsonMessageValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch"]["post"]["responses"]["202"]["content"]["application/json"]["message"]> = ["batch accepted", "batch already accepted for this Idempotency-Key"];
export const pathsV1VerificationBatchPostResponses400ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch"]["post"]["responses"]["400"]["content"]["application/json"]["sub_code"]> = ["INVALID_PROVIDER", "MISSING_COLUMN", "UNSUPPORTED_COLUMN", "TOO_MANY_COLUMNS", "LINE_TOO_LONG", "INVALID_FILE", "EMPTY_FILE", "INVALID_REQUEST", "INVALID_CALLBACK_URL"];
export const pathsV1VerificationBatchPostResponses409ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch"]["post"]["responses"]["409"]["content"]["application/json"]["sub_code"]> = ["IDEMPOTENCY_KEY_REUSED", "CONFLICT"];
export const pathsV1VerificationBatchPostResponses413ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch"]["post"]["responses"]["413"]["content"]["application/json"]["sub_code"]> = ["FILE_TOO_LARGE", "TOO_MANY_ROWS"];
export const pathsV1VerificationProviderBatchPostResponses400ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/{provider}/batch"]["post"]["responses"]["400"]["content"]["application/json"]["sub_code"]> = ["INVALID_PROVIDER", "MISSING_COLUMN", "UNSUPPORTED_COLUMN", "TOO_MANY_COLUMNS", "LINE_TOO_LONG", "INVALID_FILE", "EMPTY_FILE", "INVALID_REQUEST", "INVALID_CALLBACK_URL"];
export const pathsV1VerificationProviderBatchPostResponses409ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/{provider}/batch"]["post"]["responses"]["409"]["content"]["application/json"]["sub_code"]> = ["IDEMPOTENCY_KEY_REUSED", "CONFLICT"];
export const pathsV1VerificationProviderBatchPostResponses413ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/{provider}/batch"]["post"]["responses"]["413"]["content"]["application/json"]["sub_code"]> = ["FILE_TOO_LARGE", "TOO_MANY_ROWS"];
export const pathsV1VerificationBatchesGetParametersQueryOrderValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batches"]["get"]["parameters"]["query"]["order"]> = ["desc", "asc"];
export const pathsV1VerificationBatchesGetResponses400ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batches"]["get"]["responses"]["400"]["content"]["application/json"]["sub_code"]> = ["INVALID_REQUEST"];
export const pathsV1VerificationBatchRequest_idCancelPostResponses409ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch/{request_id}/cancel"]["post"]["responses"]["409"]["content"]["application/json"]["sub_code"]> = ["BATCH_FINISHED"];
export const pathsV1VerificationBatchRequest_idRetryPostResponses400ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch/{request_id}/retry"]["post"]["responses"]["400"]["content"]["application/json"]["sub_code"]> = ["NOTHING_TO_RETRY", "INVALID_PROVIDER"];
export const pathsV1VerificationBatchRequest_idRetryPostResponses409ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch/{request_id}/retry"]["post"]["responses"]["409"]["content"]["application/json"]["sub_code"]> = ["BATCH_NOT_FINISHED", "BATCH_EXPIRED"];
export const pathsV1VerificationBatchRequest_idErrorsGetResponses400ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch/{request_id}/errors"]["get"]["responses"]["400"]["content"]["application/json"]["sub_code"]> = ["INVALID_REQUEST"];
export const pathsV1VerificationBatchRequest_idErrorsGetResponses409ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch/{request_id}/errors"]["get"]["responses"]["409"]["content"]["application/json"]["sub_code"]> = ["BATCH_NOT_FINISHED", "BATCH_EXPIRED"];
export const pathsAssetsFileGetParametersPathFileValues: ReadonlyArray<FlattenedDeepRequired<paths>["/assets/{file}"]["get"]["parameters"]["path"]["file"]> = ["app.js", "app.css"];
export const pathsV1VerificationBatchRequest_idDeleteResponses409ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch/{request_id}"]["delete"]["responses"]["409"]["content"]["application/json"]["sub_code"]> = ["BATCH_NOT_FINISHED"];
export const pathsV1VerificationBatchRequest_idClaimsGetResponses400ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch/{request_id}/claims"]["get"]["responses"]["400"]["content"]["application/json"]["sub_code"]> = ["INVALID_REQUEST"];
export const pathsV1VerificationBatchRequest_idClaimsGetResponses409ContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<paths>["/v1/verification/batch/{request_id}/claims"]["get"]["responses"]["409"]["content"]["application/json"]["sub_code"]> = ["BATCH_NOT_FINISHED", "BATCH_EXPIRED"];
export const stateValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["State"]> = ["queued", "processing", "finalizing", "completed", "cancelling", "cancelled", "failed", "expired"];
export const errorSub_codeValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["Error"]["sub_code"]> = ["INVALID_PROVIDER", "MISSING_COLUMN", "UNSUPPORTED_COLUMN", "TOO_MANY_COLUMNS", "LINE_TOO_LONG", "INVALID_FILE", "EMPTY_FILE", "INVALID_REQUEST", "INVALID_CALLBACK_URL", "NOTHING_TO_RETRY", "FILE_TOO_LARGE", "TOO_MANY_ROWS", "INVALID_REQUEST_ID", "CONFLICT", "IDEMPOTENCY_KEY_REUSED", "BATCH_FINISHED", "BATCH_NOT_FINISHED", "BATCH_EXPIRED", "PROVIDER_NOT_ENABLED", "REQUEST_TIMEOUT", "TOO_MANY_ATTEMPTS", "RATE_LIMITED", "SERVICE_BUSY", "INTERNAL"];
export const authDetailDetailValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["AuthDetail"]["detail"]> = ["Not authenticated", "Invalid client_id, access Denied", "Could not validate credentials", "Incorrect client_id or client_secret"];
export const batchSummaryStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["BatchSummary"]["status"]> = [200, 201];
export const batchSummaryMessageValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["BatchSummary"]["message"]> = ["batch processing in progress", "batch processing completed", "batch processing cancelled", "batch processing failed", "batch results expired"];
export const batchStatusStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["BatchStatus"]["status"]> = [200, 201];
export const batchStatusMessageValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["BatchStatus"]["message"]> = ["batch processing in progress", "batch processing completed", "batch processing cancelled", "batch processing failed", "batch results expired"];
export const readinessValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["Readiness"][string]> = ["ok", "unavailable"];
export const webhookDeliveryEventValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["WebhookDelivery"]["event"]> = ["batch.completed", "batch.cancelled", "batch.failed", "batch.expired", "batch.progress"];
export const webhookMessageTypeValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["WebhookMessage"]["type"]> = ["batch.completed", "batch.cancelled", "batch.failed", "batch.expired", "batch.progress"];
export const mismatchedRowStatusValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["MismatchedRow"]["status"]> = ["VERIFIED", "NOT_VERIFIED", "FAILED"];
export const mismatchedRowDocument_number_matchValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["MismatchedRow"]["document_number_match"]> = ["MATCH", "MISMATCH", "UNAVAILABLE", "NOT_CLAIMED"];
export const mismatchedRowName_matchValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["MismatchedRow"]["name_match"]> = ["MATCH", "MISMATCH", "UNAVAILABLE", "NOT_CLAIMED"];
export const mismatchedRowDob_matchValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["MismatchedRow"]["dob_match"]> = ["MATCH", "MISMATCH", "UNAVAILABLE", "NOT_CLAIMED"];
export const mismatchedRowGender_matchValues: ReadonlyArray<FlattenedDeepRequired<components>["schemas"]["MismatchedRow"]["gender_match"]> = ["MATCH", "MISMATCH", "UNAVAILABLE", "NOT_CLAIMED"];
export const componentsResponsesInvalidRequestIDContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<components>["responses"]["InvalidRequestID"]["content"]["application/json"]["sub_code"]> = ["INVALID_REQUEST_ID"];
export const componentsResponsesInternalContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<components>["responses"]["Internal"]["content"]["application/json"]["sub_code"]> = ["INTERNAL"];
export const componentsResponsesTooManyRequestsContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<components>["responses"]["TooManyRequests"]["content"]["application/json"]["sub_code"]> = ["TOO_MANY_ATTEMPTS", "RATE_LIMITED"];
export const componentsResponsesTooManyAttemptsContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<components>["responses"]["TooManyAttempts"]["content"]["application/json"]["sub_code"]> = ["TOO_MANY_ATTEMPTS"];
export const componentsResponsesForbiddenOrProviderNotEnabledContentApplicationJsonOneOf1Sub_codeValues: ReadonlyArray<Extract<FlattenedDeepRequired<components>["responses"]["ForbiddenOrProviderNotEnabled"]["content"]["application/json"], {
    sub_code: unknown;
}>["sub_code"]> = ["PROVIDER_NOT_ENABLED"];
export const componentsResponsesUploadTimeoutContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<components>["responses"]["UploadTimeout"]["content"]["application/json"]["sub_code"]> = ["REQUEST_TIMEOUT"];
export const componentsResponsesServiceBusyContentApplicationJsonSub_codeValues: ReadonlyArray<FlattenedDeepRequired<components>["responses"]["ServiceBusy"]["content"]["application/json"]["sub_code"]> = ["SERVICE_BUSY"];
