package grafana

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const dashboardFile = "dashboards/bulkverify.json"

// dashboard is the part of Grafana's dashboard JSON the tests read.
type dashboard struct {
	UID        string  `json:"uid"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name string `json:"name"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int         `json:"id"`
	Type       string      `json:"type"`
	Title      string      `json:"title"`
	Datasource *datasource `json:"datasource"`
	GridPos    struct {
		H, W, X, Y int
	} `json:"gridPos"`
	Targets []target `json:"targets"`
	Panels  []panel  `json:"panels"` // of a collapsed row
}

type target struct {
	RefID      string      `json:"refId"`
	Expr       string      `json:"expr"`
	Datasource *datasource `json:"datasource"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// query is one target of one panel.
type query struct {
	panel, refID, expr string
}

func (q query) String() string { return fmt.Sprintf("%q (%s)", q.panel, q.refID) }

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	return d
}

// allPanels returns every panel but rows, those of collapsed rows included.
func (d dashboard) allPanels() []panel {
	var out []panel
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if p.Type == "row" {
				walk(p.Panels)
				continue
			}
			out = append(out, p)
		}
	}
	walk(d.Panels)
	return out
}

func (d dashboard) queries() []query {
	var out []query
	for _, p := range d.allPanels() {
		for _, t := range p.Targets {
			out = append(out, query{p.Title, t.RefID, t.Expr})
		}
	}
	return out
}

// variables are the dashboard and Grafana variables the queries may use,
// with what the data test puts in their place.
var variables = map[string]bool{"$__rate_interval": true, "$__range": true, "$provider": true}

var variableRef = regexp.MustCompile(`\$\{?[A-Za-z_][A-Za-z0-9_]*\}?`)

// metricName finds the bulkverify and asynq metrics a query reads.
var metricName = regexp.MustCompile(`\b(?:bulkverify|asynq)_[a-z0-9_]+\b`)

// family returns the metric family of a series name: a histogram's
// _bucket, _sum and _count are its family.
func family(series string) string {
	for _, suf := range []string{"_bucket", "_sum", "_count"} {
		if f, ok := strings.CutSuffix(series, suf); ok && strings.HasSuffix(f, "_seconds") {
			return f
		}
	}
	return series
}

// chartedMetrics are the metric families operators expect on the dashboard
// (issue 14): each must be read by some panel.
var chartedMetrics = []string{
	"bulkverify_upstream_requests_total", "bulkverify_upstream_throttled_total",
	"bulkverify_ratelimit_wait_seconds_total", "bulkverify_ratelimit_rate",
	"bulkverify_ratelimit_waiting_requests", "bulkverify_upstream_request_duration_seconds",
	"bulkverify_row_retries_total", "bulkverify_rows_total", "bulkverify_http_request_duration_seconds",
	"bulkverify_batches", "bulkverify_batches_finished_total", "bulkverify_batch_cancels_total",
	"bulkverify_batch_retries_total", "bulkverify_batch_aborts_total", "bulkverify_chunk_duration_seconds",
	"bulkverify_finalize_duration_seconds", "bulkverify_batch_duration_seconds",
	"bulkverify_webhook_deliveries_total", "bulkverify_webhook_delivery_duration_seconds",
	"bulkverify_chunk_requeues_total",
	"asynq_tasks_enqueued_total", "asynq_queue_size", "asynq_queue_latency_seconds",
	"asynq_tasks_processed_total", "asynq_tasks_failed_total",
}

func TestTheDashboardIsWellFormed(t *testing.T) {
	d := loadDashboard(t)
	if d.UID != "bulkverify" {
		t.Errorf("got uid %q, want bulkverify: links and the alerts' runbook name it", d.UID)
	}
	var vars []string
	for _, v := range d.Templating.List {
		vars = append(vars, v.Name)
	}
	if !slices.Contains(vars, "datasource") || !slices.Contains(vars, "provider") {
		t.Errorf("got variables %v, want datasource and provider", vars)
	}
	ids := map[int]string{}
	for _, p := range d.Panels {
		checkPanel(t, p, ids)
		for _, c := range p.Panels {
			checkPanel(t, c, ids)
		}
	}
	checkLayout(t, d.Panels)
	read := map[string]bool{}
	for _, q := range d.queries() {
		for _, v := range variableRef.FindAllString(q.expr, -1) {
			if !variables[strings.NewReplacer("{", "", "}", "").Replace(v)] {
				t.Errorf("panel %s uses variable %s, which the dashboard does not define", q, v)
			}
		}
		for _, m := range metricName.FindAllString(q.expr, -1) {
			read[family(m)] = true
		}
	}
	for _, m := range chartedMetrics {
		if !read[m] {
			t.Errorf("no panel reads %s", m)
		}
	}
}

func checkPanel(t *testing.T, p panel, ids map[int]string) {
	t.Helper()
	if other, dup := ids[p.ID]; dup {
		t.Errorf("panels %q and %q share id %d", other, p.Title, p.ID)
	}
	ids[p.ID] = p.Title
	if p.Type == "row" {
		return
	}
	if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
		t.Errorf("panel %q: datasource is not the ${datasource} variable", p.Title)
	}
	if len(p.Targets) == 0 {
		t.Errorf("panel %q has no query", p.Title)
	}
	refs := map[string]bool{}
	for _, tg := range p.Targets {
		if tg.Expr == "" || tg.RefID == "" || refs[tg.RefID] {
			t.Errorf("panel %q: a target without expr, or with an empty or repeated refId %q", p.Title, tg.RefID)
		}
		refs[tg.RefID] = true
		if tg.Datasource == nil || tg.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q (%s): datasource is not the ${datasource} variable", p.Title, tg.RefID)
		}
	}
}

// checkLayout checks that panels fit the 24-column grid without
// overlapping.
func checkLayout(t *testing.T, ps []panel) {
	t.Helper()
	type cell struct{ x, y int }
	used := map[cell]string{}
	for _, p := range ps {
		g := p.GridPos
		if g.W < 1 || g.H < 1 || g.X < 0 || g.X+g.W > 24 {
			t.Errorf("panel %q: gridPos %+v is off the 24-column grid", p.Title, g)
			continue
		}
		for x := g.X; x < g.X+g.W; x++ {
			for y := g.Y; y < g.Y+g.H; y++ {
				if other, ok := used[cell{x, y}]; ok {
					t.Errorf("panels %q and %q overlap at column %d, row %d", other, p.Title, x, y)
					return
				}
				used[cell{x, y}] = p.Title
			}
		}
	}
}

func TestComposeProvisionsTheDashboard(t *testing.T) {
	prov, err := os.ReadFile("provisioning/dashboards/bulkverify.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+path:\s*(\S+)`).FindSubmatch(prov)
	if m == nil {
		t.Fatal("provisioning/dashboards/bulkverify.yaml names no path")
	}
	compose, err := os.ReadFile("../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, mount := range []string{"./grafana/dashboards:" + string(m[1]), "./grafana/provisioning:/etc/grafana/provisioning"} {
		if !strings.Contains(string(compose), mount) {
			t.Errorf("deploy/compose.yaml does not mount %s", mount)
		}
	}
}
