package storage

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bulkverify/bulkverify"
)

// TestScriptFieldsAreKnown checks that every hash field an embedded Lua
// script names is one keys.go defines, so the layout has one home.
func TestScriptFieldsAreKnown(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Lua scripts found: %v", err)
	}
	literal := regexp.MustCompile(`'([a-z_]+:?)'`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "--") {
				continue
			}
			for _, m := range literal.FindAllStringSubmatch(line, -1) {
				if !slices.Contains(batchFields, m[1]) {
					t.Errorf("%s names field %q, which keys.go does not define", f, m[1])
				}
			}
		}
	}
}

// TestScriptKeysShareASlot checks that every script of a batch touches
// only keys with the batch's hash tag, so that it runs on a Redis Cluster
// (a script over two slots fails there with CROSSSLOT).
func TestScriptKeysShareASlot(t *testing.T) {
	t.Parallel()
	lease := bulkverify.ChunkLease{BatchID: "b1", Chunk: 3, Token: "tok"}
	calls := map[string]scriptArgs{
		"get":              getArgs{"b1"},
		"start":            startArgs{id: "b1"},
		"complete_chunk":   completeChunkArgs{id: "b1", chunk: 3},
		"cancel":           cancelArgs{id: "b1"},
		"finish":           finishArgs{id: "b1", state: bulkverify.StateCompleted},
		"take_lease":       takeLeaseArgs{l: lease},
		"drop_lease":       dropLeaseArgs{l: lease},
		"peek_chunk":       peekChunkArgs{"b1"},
		"advance_chunk":    advanceChunkArgs{id: "b1"},
		"expire":           expireArgs{id: "b1", chunks: 2},
		"erase":            eraseArgs{id: "b1", chunks: 2},
		"progress_due":     progressDueArgs{id: "b1"},
		"replace_data_key": replaceDataKeyArgs{id: "b1"},
	}
	for name, c := range calls {
		keys, _ := c.keysArgs()
		if len(keys) == 0 {
			t.Errorf("%s: got no keys", name)
		}
		for _, k := range keys {
			if !strings.HasPrefix(k, KeyPrefix+"batch:{b1}") {
				t.Errorf("%s: key %q is outside batch b1's slot %q", name, k, KeyPrefix+"batch:{b1}")
			}
		}
	}
}
