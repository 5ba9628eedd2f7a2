package api

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bulkverify/bulkverify"
	"github.com/bulkverify/bulkverify/batchcsv"
	"github.com/bulkverify/bulkverify/webhook"
)

// oaDoc is the part of the OpenAPI document the tests read.
type oaDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Security   []map[string][]string                 `json:"security"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas         map[string]*oaSchema        `json:"schemas"`
		Responses       map[string]*oaResponse      `json:"responses"`
		SecuritySchemes map[string]oaSecurityScheme `json:"securitySchemes"`
	} `json:"components"`
}

type oaOperation struct {
	// Security is nil when the operation inherits the document's.
	Security  *[]map[string][]string `json:"security"`
	Responses map[string]*oaResponse `json:"responses"`
}

type oaResponse struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema *oaSchema `json:"schema"`
	} `json:"content"`
}

type oaSchema struct {
	Ref        string               `json:"$ref"`
	AllOf      []*oaSchema          `json:"allOf"`
	Properties map[string]*oaSchema `json:"properties"`
	Enum       []any                `json:"enum"`
}

type oaSecurityScheme struct {
	Type   string `json:"type"`
	In     string `json:"in"`
	Name   string `json:"name"`
	Scheme string `json:"scheme"`
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// loadOpenAPI parses the embedded document, the bytes GET /openapi.json
// serves.
func loadOpenAPI(t *testing.T) *oaDoc {
	t.Helper()
	var d oaDoc
	if err := json.Unmarshal(openAPIDoc, &d); err != nil {
		t.Fatalf("api/openapi.json does not parse: %v", err)
	}
	return &d
}

// operations returns the documented operations by "METHOD /path".
func (d *oaDoc) operations(t *testing.T) map[string]*oaOperation {
	t.Helper()
	ops := map[string]*oaOperation{}
	for path, item := range d.Paths {
		for key, raw := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op oaOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("paths[%q].%s does not parse: %v", path, key, err)
			}
			ops[strings.ToUpper(key)+" "+path] = &op
		}
	}
	return ops
}

// schema follows s's $ref, if any.
func (d *oaDoc) schema(s *oaSchema) *oaSchema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// response follows r's $ref, if any.
func (d *oaDoc) response(r *oaResponse) *oaResponse {
	for r != nil && r.Ref != "" {
		r = d.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	return r
}

// properties returns the properties of s, merged over its allOf; a later
// part overrides an earlier one, as a refinement does.
func (d *oaDoc) properties(s *oaSchema) map[string]*oaSchema {
	s = d.schema(s)
	props := map[string]*oaSchema{}
	if s == nil {
		return props
	}
	for _, part := range s.AllOf {
		for name, p := range d.properties(part) {
			props[name] = p
		}
	}
	for name, p := range s.Properties {
		props[name] = p
	}
	return props
}

// docKey turns a ServeMux pattern into its OpenAPI "METHOD /path":
// "GET /{$}" is "GET /", "{name...}" is "{name}".
func docKey(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	path = strings.ReplaceAll(path, "...}", "}")
	return method + " " + path
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// sampleRequest is a request that the operation key's route must serve,
// without credentials.
func sampleRequest(key string) *http.Request {
	method, path, _ := strings.Cut(key, " ")
	return httptest.NewRequest(method, pathParam.ReplaceAllString(path, "sample-$1"), nil)
}

func newOpenAPITestServer() *Server {
	reg := prometheus.NewRegistry()
	return &Server{
		Clients:   map[string]string{"acme": "s3cret"},
		JWTSecret: []byte("openapi-test-secret"),
		JWTTTL:    time.Hour,
		Metrics:   NewMetrics(reg, reg),
		Now:       time.Now,
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// routesLiterals returns the patterns that routes() registers as string
// literals: every route but those of apiRoutes(). It reads the source so
// that a route added there cannot escape the document.
func routesLiterals(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "routes" {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				lit, isLit := call.Args[0].(*ast.BasicLit)
				if ok && (sel.Sel.Name == "Handle" || sel.Sel.Name == "HandleFunc") && isLit && lit.Kind == token.STRING {
					p, _ := strconv.Unquote(lit.Value)
					patterns = append(patterns, p)
				}
				return true
			})
		}
	}
	if !slices.Contains(patterns, "POST /v1/authorize") {
		t.Fatalf("got patterns %q from routes() in the source, want at least POST /v1/authorize: has routes() moved?", patterns)
	}
	return patterns
}

func TestOpenAPIDocumentIsOpenAPI31(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	if !strings.HasPrefix(d.OpenAPI, "3.1") {
		t.Errorf("got openapi %q, want 3.1.x", d.OpenAPI)
	}
	if len(d.Paths) == 0 {
		t.Errorf("got no paths, want every route")
	}
}

func TestOpenAPIDocumentsEveryRegisteredRoute(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	ops := d.operations(t)
	s := newOpenAPITestServer()
	mux := s.routes()
	var registered []string
	for _, rt := range s.apiRoutes() {
		registered = append(registered, rt.pattern)
	}
	registered = append(registered, routesLiterals(t)...)

	for _, pattern := range registered {
		t.Run("registered "+pattern+" is documented", func(t *testing.T) {
			if _, got := mux.Handler(sampleRequest(docKey(pattern))); got != pattern {
				t.Fatalf("a sample request resolves to %q, want %q", got, pattern)
			}
			method, path, _ := strings.Cut(docKey(pattern), " ")
			if _, ok := ops[docKey(pattern)]; !ok {
				t.Errorf("got no paths[%q].%s in api/openapi.json, want the route documented", path, strings.ToLower(method))
			}
		})
	}
	for key := range ops {
		t.Run("documented "+key+" is registered", func(t *testing.T) {
			_, got := mux.Handler(sampleRequest(key))
			if got == "" || docKey(got) != key {
				t.Errorf("a sample request resolves to registered pattern %q, want the route of %s", got, key)
			}
		})
	}
}

// TestOpenAPISecurityMatchesTheRoutes sends each documented operation a
// request without credentials: a route documented as secured must refuse
// it, and a route documented as open must not.
func TestOpenAPISecurityMatchesTheRoutes(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	h := newOpenAPITestServer().Handler()
	wantRequirements := []string{"header:client-id+header:x-api-key", "header:x-api-key+http:bearer"}
	for key, op := range d.operations(t) {
		t.Run(key, func(t *testing.T) {
			security := d.Security
			if op.Security != nil {
				security = *op.Security
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, sampleRequest(key))
			var body struct{ Detail string }
			json.Unmarshal(rec.Body.Bytes(), &body)
			refused := rec.Code == http.StatusUnauthorized && body.Detail == detailNotAuthenticated
			if len(security) == 0 {
				if refused {
					t.Errorf("got HTTP %d %q without credentials, want the route open as documented (security: [])", rec.Code, body.Detail)
				}
				return
			}
			if !refused {
				t.Errorf("got HTTP %d %s without credentials, want 401 %q as the documented security requires", rec.Code, rec.Body, detailNotAuthenticated)
			}
			want := wantRequirements
			if key == "GET /monitoring/" {
				// The queue monitor opens in a browser: Basic auth or the
				// API's headers, operators only.
				want = []string{"header:client-id+header:x-api-key", "http:basic"}
			}
			if got := d.requirements(security); !slices.Equal(got, want) {
				t.Errorf("got security %q, want %q", got, want)
			}
			for _, status := range []string{"401", "403"} {
				if op.Responses[status] == nil {
					t.Errorf("got no %s response, want the auth failure documented", status)
				}
			}
		})
	}
}

// requirements renders each security requirement as the sorted headers
// and schemes it asks for, e.g. "header:client-id+header:x-api-key".
func (d *oaDoc) requirements(security []map[string][]string) []string {
	var out []string
	for _, req := range security {
		var parts []string
		for name := range req {
			sch := d.Components.SecuritySchemes[name]
			switch sch.Type {
			case "apiKey":
				parts = append(parts, sch.In+":"+strings.ToLower(sch.Name))
			case "http":
				parts = append(parts, "http:"+strings.ToLower(sch.Scheme))
			default:
				parts = append(parts, "unknown:"+name)
			}
		}
		sort.Strings(parts)
		out = append(out, strings.Join(parts, "+"))
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIErrorSubCodesMatchTheirStatus checks that each sub_code a
// documented error response lists is one writeError answers with that
// HTTP status.
func TestOpenAPIErrorSubCodesMatchTheirStatus(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	for key, op := range d.operations(t) {
		for status, r := range op.Responses {
			code, err := strconv.Atoi(status)
			if err != nil || code < 400 {
				continue
			}
			for media, c := range d.response(r).Content {
				subCode, ok := d.properties(c.Schema)["sub_code"]
				if !ok {
					continue // not the envelope: the seeds' {"detail": ...}, /readyz
				}
				enum := d.schema(subCode).Enum
				if len(enum) == 0 {
					t.Errorf("%s %s (%s): got no sub_code enum, want the sub_codes this answer can carry", key, status, media)
				}
				for _, v := range enum {
					sc, _ := v.(string)
					if got, ok := errorStatus[sc]; !ok || got != code {
						t.Errorf("%s %s: sub_code %q is answered with HTTP %d (known: %t), want %d", key, status, sc, got, ok, code)
					}
				}
			}
		}
	}
}

// jsonFields lists the JSON names of t's exported fields.
func jsonFields(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// marshalledKeys lists the keys of v's JSON object.
func marshalledKeys(t *testing.T, v any) []string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// checkProperties reports each field the schema lacks and each property
// nothing sends.
func checkProperties(t *testing.T, d *oaDoc, schema string, fields []string) {
	t.Helper()
	s := d.Components.Schemas[schema]
	if s == nil {
		t.Fatalf("got no components.schemas.%s, want it", schema)
	}
	props := d.properties(s)
	for _, f := range fields {
		if _, ok := props[f]; !ok {
			t.Errorf("got no property %q in schema %s, want every JSON field sent", f, schema)
		}
	}
	for p := range props {
		if !slices.Contains(fields, p) {
			t.Errorf("got property %q in schema %s, want only fields that are sent (%v)", p, schema, fields)
		}
	}
}

func TestOpenAPISchemasListEveryJSONField(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	tests := []struct {
		schema string
		value  any
	}{
		{"BatchStatus", BatchStatus{}},
		{"BatchAccepted", batchAccepted{}},
		{"DryRunReport", dryRunReport{}},
		{"DeepvueCreated", deepvueCreated{}},
		{"BatchList", batchList{}},
		{"Pagination", pagination{}},
		{"RowProblem", batchcsv.RowProblem{}},
		{"Envelope", envelope{}},
		{"BatchErased", batchErased{}},
		{"ErrorRows", errorRows{}},
		{"ErrorRow", errorRow{}},
		{"ProviderList", providerList{}},
		{"Provider", providerInfo{}},
		{"ClaimSummary", claimSummary{}},
		{"ClaimCounts", claimCounts{}},
		{"MismatchedRow", mismatchedRow{}},
		{"WebhookDeliveries", webhookDeliveries{}},
		{"WebhookDelivery", bulkverify.WebhookAttempt{}},
		{"WebhookMessage", webhook.Body{}},
	}
	for _, tt := range tests {
		typ := reflect.TypeOf(tt.value)
		t.Run(tt.schema+" has every field of "+typ.String(), func(t *testing.T) {
			checkProperties(t, d, tt.schema, jsonFields(typ))
		})
	}
	t.Run("BatchSummary has the fields a listed batch sends, no URLs", func(t *testing.T) {
		checkProperties(t, d, "BatchSummary", marshalledKeys(t, listedBatch{}))
		props := d.properties(d.Components.Schemas["BatchSummary"])
		for _, field := range []string{"batch_output_file_url", "batch_error_file_url"} {
			if !slices.Contains(jsonFields(reflect.TypeOf(BatchStatus{})), field) {
				t.Errorf("got no field %q in BatchStatus, want it (it is what the list leaves out)", field)
			}
			if _, ok := props[field]; ok {
				t.Errorf("got property %q in BatchSummary, want it absent: the list sends no URLs", field)
			}
		}
	})
	t.Run("Error has the envelope's fields but data", func(t *testing.T) {
		checkProperties(t, d, "Error", marshalledKeys(t, envelope{}))
	})
}

// TestOpenAPIRoutesAnswerTheirSchemas ties each route's answer to the
// schema of the Go type it sends.
func TestOpenAPIRoutesAnswerTheirSchemas(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	ops := d.operations(t)
	tests := []struct {
		op, status string
		inData     bool // the schema is the envelope's data, not the body
		schema     string
	}{
		{"POST /v1/authorize", "200", false, "AccessToken"},
		{"POST /v1/authorize", "401", false, "AuthDetail"},
		{"POST /v1/verification/batch", "202", true, "BatchAccepted"},
		{"POST /v1/verification/batch", "200", true, "DryRunReport"},
		{"POST /v1/verification/{provider}/batch", "201", false, "DeepvueCreated"},
		{"POST /v1/verification/{provider}/batch", "200", true, "DryRunReport"},
		{"GET /v1/verification/batch-processing-status", "200", true, "BatchStatus"},
		{"GET /v1/verification/batches", "200", true, "BatchList"},
		{"POST /v1/verification/batch/{request_id}/cancel", "202", true, "BatchStatus"},
		{"POST /v1/verification/batch/{request_id}/retry", "202", true, "BatchAccepted"},
		{"GET /v1/verification/batch/{request_id}/errors", "200", true, "ErrorRows"},
		{"GET /v1/verification/batch/{request_id}/claims", "200", true, "ClaimSummary"},
		{"GET /v1/providers", "200", true, "ProviderList"},
		{"GET /v1/verification/batch/{request_id}/webhooks", "200", true, "WebhookDeliveries"},
		{"GET /healthz", "200", false, "Health"},
	}
	for _, tt := range tests {
		t.Run(tt.op+" answers "+tt.status+" with "+tt.schema, func(t *testing.T) {
			op := ops[tt.op]
			if op == nil {
				t.Fatalf("got no operation %s, want it documented", tt.op)
			}
			r := d.response(op.Responses[tt.status])
			if r == nil {
				t.Fatalf("got no %s response, want it documented", tt.status)
			}
			s := r.Content["application/json"].Schema
			if tt.inData {
				s = d.properties(s)["data"]
			}
			if want := "#/components/schemas/" + tt.schema; s == nil || s.Ref != want {
				t.Errorf("got schema %+v, want $ref %s", s, want)
			}
		})
	}
}

// TestOpenAPIDescribesUntypedAnswers checks the answers built from maps
// against their schemas, by calling the handlers.
func TestOpenAPIDescribesUntypedAnswers(t *testing.T) {
	t.Parallel()
	d := loadOpenAPI(t)
	h := newOpenAPITestServer().Handler()
	authorize := func(secret string) *http.Request {
		form := url.Values{"client_id": {"acme"}, "client_secret": {secret}}
		req := httptest.NewRequest(http.MethodPost, "/v1/authorize", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	tests := []struct {
		name       string
		req        *http.Request
		wantStatus int
		schema     string
	}{
		{"a token is an AccessToken", authorize("s3cret"), http.StatusOK, "AccessToken"},
		{"a refused authorize is an AuthDetail", authorize("wrong"), http.StatusUnauthorized, "AuthDetail"},
		{"a request without credentials gets an AuthDetail", httptest.NewRequest(http.MethodGet, "/v1/verification/batches", nil), http.StatusUnauthorized, "AuthDetail"},
		{"the liveness answer is Health", httptest.NewRequest(http.MethodGet, "/healthz", nil), http.StatusOK, "Health"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("got HTTP %d %s, want %d", rec.Code, rec.Body, tt.wantStatus)
			}
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("got body %q, want JSON: %v", rec.Body, err)
			}
			keys := make([]string, 0, len(body))
			for k := range body {
				keys = append(keys, k)
			}
			checkProperties(t, d, tt.schema, keys)
		})
	}
}
