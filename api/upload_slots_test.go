package api

import (
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
)

func TestUploadSlotsAreSharedBetweenTenants(t *testing.T) {
	t.Parallel()
	type step struct {
		tenant  string
		release bool   // give back one of tenant's slots instead of taking one
		wantErr string // "" when a slot is taken; else a part of the message
	}
	tests := []struct {
		name  string
		total int
		steps []step
	}{
		{"a tenant holds at most half of 8 slots, and another is served", 8, []step{
			{tenant: "a"}, {tenant: "a"}, {tenant: "a"}, {tenant: "a"},
			{tenant: "a", wantErr: "client a is sending 4 uploads to this server already"},
			{tenant: "b"},
		}},
		{"when every slot is taken nobody is served", 4, []step{
			{tenant: "a"}, {tenant: "a"}, {tenant: "b"}, {tenant: "c"},
			{tenant: "d", wantErr: "this server is reading 4 uploads already"},
			{tenant: "c", release: true},
			{tenant: "d"},
		}},
		{"a slot given back can be taken again", 4, []step{
			{tenant: "a"}, {tenant: "a"},
			{tenant: "a", wantErr: "its share of the 4"},
			{tenant: "a", release: true},
			{tenant: "a"},
		}},
		{"one slot is one tenant's to take", 1, []step{
			{tenant: "a"},
			{tenant: "b", wantErr: "this server is reading 1 uploads already"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUploadSlots(tt.total)
			held := map[string][]func(){}
			for i, st := range tt.steps {
				if st.release {
					rel := held[st.tenant][0]
					held[st.tenant] = held[st.tenant][1:]
					rel()
					rel() // a second call gives nothing back
					continue
				}
				release, err := u.take(st.tenant)
				switch {
				case st.wantErr == "" && err != nil:
					t.Fatalf("step %d: %s got %v, want a slot", i+1, st.tenant, err)
				case st.wantErr != "" && (bulkverify.ErrorCode(err) != bulkverify.EBusy || !strings.Contains(err.Error(), st.wantErr)):
					t.Fatalf("step %d: %s got %v, want SERVICE_BUSY saying %q", i+1, st.tenant, err, st.wantErr)
				case err == nil:
					held[st.tenant] = append(held[st.tenant], release)
				}
			}
		})
	}
}
