package ratelimit

import "context"

type batchKey struct{}

// WithBatch marks ctx as working for batch, the key the limiter's tokens
// take turns by.
func WithBatch(ctx context.Context, batch string) context.Context {
	return context.WithValue(ctx, batchKey{}, batch)
}

func batchFrom(ctx context.Context) string {
	b, _ := ctx.Value(batchKey{}).(string)
	return b
}

type operationKey struct{}

// DefaultOperation labels the requests whose context names no operation.
const DefaultOperation = "request"

// WithOperation names the upstream operation a request performs (a
// constant of the provider client, never row data), for the
// operation label of bulkverify_upstream_request_duration_seconds.
func WithOperation(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

func operationFrom(ctx context.Context) string {
	if op, _ := ctx.Value(operationKey{}).(string); op != "" {
		return op
	}
	return DefaultOperation
}
