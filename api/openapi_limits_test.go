package api

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestOpenAPIDocumentsTheLimitsAnswers checks the answers of the
// authentication throttle, the tenants' providers and the upload limits
// in the document: each route that can send one documents it, with
// sub_codes writeError answers with that status.
func TestOpenAPIDocumentsTheLimitsAnswers(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	// subCodes returns every sub_code enum in the answer documented for
	// status on method path, following $refs, allOf and oneOf.
	subCodes := func(method, path, status string) []string {
		var op struct {
			Responses map[string]json.RawMessage `json:"responses"`
		}
		json.Unmarshal(doc.Paths[path][method], &op)
		raw := op.Responses[status]
		var ref struct {
			Ref string `json:"$ref"`
		}
		if json.Unmarshal(raw, &ref); ref.Ref != "" {
			raw = doc.Components.Responses[strings.TrimPrefix(ref.Ref, "#/components/responses/")]
		}
		var codes []string
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if sc, ok := x["sub_code"].(map[string]any); ok {
					for _, c := range sc["enum"].([]any) {
						codes = append(codes, c.(string))
					}
				}
				for _, child := range x {
					walk(child)
				}
			case []any:
				for _, child := range x {
					walk(child)
				}
			}
		}
		var v any
		json.Unmarshal(raw, &v)
		walk(v)
		return codes
	}
	tests := []struct {
		method, path, status string
		want                 []string
	}{
		{"post", "/v1/authorize", "429", []string{"TOO_MANY_ATTEMPTS"}},
		{"post", "/v1/authorize", "408", []string{"REQUEST_TIMEOUT"}},
		{"get", "/monitoring/", "429", []string{"TOO_MANY_ATTEMPTS"}},
		{"post", "/v1/verification/batch", "403", []string{"PROVIDER_NOT_ENABLED"}},
		{"post", "/v1/verification/{provider}/batch", "403", []string{"PROVIDER_NOT_ENABLED"}},
		{"post", "/v1/verification/batch/{request_id}/retry", "403", []string{"PROVIDER_NOT_ENABLED"}},
		{"post", "/v1/verification/batch", "408", []string{"REQUEST_TIMEOUT"}},
		{"post", "/v1/verification/batch", "503", []string{"SERVICE_BUSY"}},
		{"post", "/v1/verification/{provider}/batch", "503", []string{"SERVICE_BUSY"}},
	}
	for _, rt := range newOpenAPITestServer().apiRoutes() {
		method, path, _ := strings.Cut(docKey(rt.pattern), " ")
		tests = append(tests, struct {
			method, path, status string
			want                 []string
		}{strings.ToLower(method), path, "429", []string{"TOO_MANY_ATTEMPTS", "RATE_LIMITED"}})
	}
	for _, tt := range tests {
		t.Run(strings.ToUpper(tt.method)+" "+tt.path+" documents "+tt.status+" "+strings.Join(tt.want, ", "), func(t *testing.T) {
			got := subCodes(tt.method, tt.path, tt.status)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got sub_codes %q, want %q", got, tt.want)
			}
			for _, c := range got {
				if status, _ := strconv.Atoi(tt.status); errorStatus[c] != status {
					t.Errorf("sub_code %s is answered with HTTP %d, want %s", c, errorStatus[c], tt.status)
				}
			}
		})
	}
}
