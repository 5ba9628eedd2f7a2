// The API's JSON shapes that the console reads, by the names the console
// uses. Every one comes from src/api-types.ts, which openapi-typescript
// generates from api/openapi.json (the document GET /openapi.json serves):
// change the document, then `make web`.

import {
  mismatchedRowDocument_number_matchValues,
  stateValues,
  type components,
} from "./api-types";

type Schemas = components["schemas"];

// ProviderInfo is a provider as GET /v1/providers describes it: the
// columns of its files, the claims it compares with the document and
// whether this service is configured for it.
export type ProviderInfo = Schemas["Provider"];
export type ProviderList = Schemas["ProviderList"];

export type State = Schemas["State"];
// states are the batch states, in the order of a batch's life.
export const states: readonly State[] = stateValues;

// endedStates change no more: the finished ones (completed, cancelled,
// failed) and expired. The document says which are finished in words, so
// this subset is written here, checked against State.
export const endedStates: readonly State[] = ["completed", "cancelled", "failed", "expired"] satisfies State[];

export type BatchStatus = Schemas["BatchStatus"];
export type BatchSummary = Schemas["BatchSummary"];
export type BatchList = Schemas["BatchList"];
export type BatchAccepted = Schemas["BatchAccepted"];
export type RowProblem = Schemas["RowProblem"];
export type DryRunReport = Schemas["DryRunReport"];
export type ErrorRow = Schemas["ErrorRow"];
export type ErrorRows = Schemas["ErrorRows"];
export type WebhookAttempt = Schemas["WebhookDelivery"];
export type WebhookDeliveries = Schemas["WebhookDeliveries"];
export type AccessToken = Schemas["AccessToken"];

// Match is the value of a row's <claim>_match output column.
export type Match = Schemas["MismatchedRow"]["document_number_match"];
export const matchValues: readonly Match[] = mismatchedRowDocument_number_matchValues;

// MismatchedRow is a row with a MISMATCH claim: its outcome and how each
// claim compared, never a claimed or document value.
export type MismatchedRow = Schemas["MismatchedRow"];
export type ClaimSummary = Schemas["ClaimSummary"];
