package intake

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
)

const parentErrors = "row_number,reference_id,code,message,retryable\n" +
	"2,r2,UPSTREAM_UNAVAILABLE,down,true\n" +
	"3,r3,INVALID_ROW,bad,false\n" +
	"4,r4,CANCELLED,cancelled,true\n"

// finishedParent stores a completed batch of four rows whose rows 2 and
// 4 failed retryably.
func finishedParent(s memBundle) bulkverify.Batch {
	p := bulkverify.Batch{ID: "parent", Tenant: "acme", Provider: "docs", State: bulkverify.StateCompleted, DataKey: "k",
		Metadata: map[string]string{"team": "ops"}}
	s.store.batches[p.ID] = p
	s.store.inputs[p.ID] = []byte("token,doctype\nt1,PAN\nt2,PAN\n,PAN\nt4,DL\n")
	s.store.errors[p.ID] = parentErrors
	return p
}

func TestRetry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("the retryable rows become a child batch that keeps their numbers", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		parent := finishedParent(s)
		child, err := s.svc.Retry(ctx, bulkverify.RetryRequest{Parent: parent})
		if err != nil {
			t.Fatal(err)
		}
		stored := s.store.batches[child.ID]
		if stored.ParentID != "parent" || stored.TotalRows != 2 || stored.State != bulkverify.StateQueued || stored.Metadata["team"] != "ops" {
			t.Errorf("got child %+v, want 2 queued rows of parent, its metadata kept", stored)
		}
		if got := string(s.store.inputs[child.ID]); !strings.Contains(got, "t2,PAN") || !strings.Contains(got, "t4,DL") || strings.Contains(got, "t1") {
			t.Errorf("got child input %q, want rows 2 and 4 only", got)
		}
	})
	t.Run("codes narrow the rows retried", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		child, err := s.svc.Retry(ctx, bulkverify.RetryRequest{Parent: finishedParent(s), Codes: []string{"CANCELLED"}})
		if err != nil || s.store.batches[child.ID].TotalRows != 1 {
			t.Errorf("got %+v, %v; want a child of one row", child, err)
		}
	})
}

func TestRetryRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	refusals := []struct {
		name  string
		state bulkverify.State
		codes []string
		want  string
	}{
		{"a running parent is not retried", bulkverify.StateProcessing, nil, bulkverify.EBatchNotFinished},
		{"an expired parent is not retried", bulkverify.StateExpired, nil, bulkverify.EBatchExpired},
		{"a code no retryable row has is nothing to retry", bulkverify.StateCompleted, []string{"INVALID_ROW"}, bulkverify.ENothingToRetry},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := setupMem(t)
			parent := finishedParent(s)
			parent.State = tt.state
			_, err := s.svc.Retry(ctx, bulkverify.RetryRequest{Parent: parent, Codes: tt.codes})
			if bulkverify.ErrorCode(err) != tt.want || len(s.store.batches) != 1 {
				t.Errorf("got %v, %d batches; want %s and no child", err, len(s.store.batches), tt.want)
			}
		})
	}
	t.Run("the caller's provider rule is asked once the parent is retryable", func(t *testing.T) {
		t.Parallel()
		s := setupMem(t)
		var asked []string
		refused := bulkverify.Errorf(bulkverify.EProviderNotEnabled, "not yours")
		_, err := s.svc.Retry(ctx, bulkverify.RetryRequest{Parent: finishedParent(s), Provider: func(name string) (bulkverify.Spec, error) {
			asked = append(asked, name)
			return bulkverify.Spec{}, refused
		}})
		if err != refused || !slices.Equal(asked, []string{"docs"}) || len(s.store.batches) != 1 {
			t.Errorf("got %v, asked %v; want the rule's refusal for docs and no child", err, asked)
		}
	})
}
