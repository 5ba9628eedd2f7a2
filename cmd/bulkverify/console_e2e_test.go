package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/bulkverify/bulkverify/internal/redistest"
)

// The web console's browser tests: the real program (`dev`, on a real
// redis-server) driven through its page in headless Chromium, as an
// operator would. Each step saves a screenshot in consoleArtifacts.

// consoleArtifacts is where the screenshots go: $BV_TEST_ARTIFACTS/web-console,
// or .test-output/web-console at the top of the repository.
func consoleArtifacts(t *testing.T) string {
	dir := filepath.Join("..", "..", ".test-output")
	if d := os.Getenv("BV_TEST_ARTIFACTS"); d != "" {
		dir = d
	}
	dir, _ = filepath.Abs(filepath.Join(dir, "web-console"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	return dir
}

// chromiumPath finds the browser: $BV_CHROMIUM, or Debian's chromium.
func chromiumPath(t *testing.T) string {
	if p := os.Getenv("BV_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatalf("no Chromium found: install it (apt-get install chromium), run `make test`, which does, or set BV_CHROMIUM")
	return ""
}

// browserTab is one headless Chromium tab and what the test watches in it.
type browserTab struct {
	t         *testing.T
	ctx       context.Context
	artifacts string
	shot      int
}

// newBrowserTab starts Chromium for the test, with a laptop-sized window,
// and fails the test on any script error or Content-Security-Policy
// violation the page reports.
func newBrowserTab(t *testing.T) *browserTab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.WindowSize(1366, 900),
		chromedp.Flag("lang", "en-US"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox.
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	watched := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		<-watched
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		close(watched)
		t.Fatalf("start Chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		defer close(watched)
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case m.IsException(), m.Type == chromedp.ConsoleError && m.Source != "network":
				t.Errorf("browser console: %s (%s:%d)", m, m.URL, m.Line+1)
			case m.Type == chromedp.ConsoleError:
				t.Logf("browser console: %s", m) // an HTTP error answer the page handles
			}
		}
	}()
	return &browserTab{t: t, ctx: ctx, artifacts: consoleArtifacts(t)}
}

func (b *browserTab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.screenshot("failed")
		b.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](b *browserTab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor evaluates expr until it is true. (chromedp.Poll would compile
// the predicate with new Function, which the console's
// Content-Security-Policy rightly forbids.)
func (b *browserTab) waitFor(what, expr string, within time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.screenshot("failed")
			b.t.Fatalf("waited %v for %s (%s), last error %v", within, what, expr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *browserTab) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? "").replace(/\s+/g, " ").trim()`, sel))
}

// setValue sets a field as a person choosing or typing would, firing
// input and change.
func (b *browserTab) setValue(id, v string) {
	b.t.Helper()
	ok := eval[bool](b, fmt.Sprintf(`(() => {
		const el = document.getElementById(%q);
		el.value = %q;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return el.value === %q;
	})()`, id, v, v))
	if !ok {
		b.t.Fatalf("#%s does not take the value %q: no such option?", id, v)
	}
}

// checkLabels fails the test for each control on the page that has no
// accessible name: no label, no aria-label, no text.
func (b *browserTab) checkLabels() {
	b.t.Helper()
	unnamed := eval[[]string](b, `[...document.querySelectorAll("input, select, textarea, button, a[href]")]
		.filter(el => !(el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.textContent.trim()))
		.map(el => el.outerHTML.slice(0, 120))`)
	for _, u := range unnamed {
		b.t.Errorf("a control without a label: %s", u)
	}
}

// screenshot saves the whole page as NN-name.png.
func (b *browserTab) screenshot(name string) {
	b.shot++
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.artifacts, fmt.Sprintf("%02d-%s.png", b.shot, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("save screenshot: %v", err)
		return
	}
	b.t.Logf("screenshot: %s", path)
}

// dropFile drops a CSV on the upload zone as a browser does: dragenter,
// dragover and drop, with the file in the DataTransfer.
func (b *browserTab) dropFile(name, content string) {
	b.t.Helper()
	n, _ := json.Marshal(name)
	c, _ := json.Marshal(content)
	eval[bool](b, fmt.Sprintf(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([%s], %s, {type: "text/csv"}));
		const zone = document.getElementById("dropzone");
		for (const type of ["dragenter", "dragover", "drop"]) {
			zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
		}
		return true;
	})()`, c, n))
}

// numberedCSV is header and n rows made by line from the row's number
// (line takes it twice); rows of the simulators' verified accounts each
// take one upstream request.
func numberedCSV(header, line string, n int) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, line+"\n", i, i)
	}
	return b.String()
}

func TestWebConsoleInABrowser(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts Chromium and the program")
	}
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hooks.Close)
	api := startProgram(t, []string{"dev"}, map[string]string{
		"BV_REDIS_URL":             redistest.DB(t),
		"BV_HTTP_ADDR":             "127.0.0.1:0",
		"BV_LOG_LEVEL":             "warn",
		"BV_CHUNK_SIZE":            "5",
		"BV_MAX_ATTEMPTS":          "2",
		"BV_DIGILOCKER_RATE":       "2000",
		"BV_CANCEL_CHECK_INTERVAL": "200ms",
		// Slow enough to watch a batch move (Deepvue) and to cancel one
		// halfway (Sila): one request a row, 4 and 8 rows a second.
		"BV_DEEPVUE_RATE":              "4",
		"BV_DEEPVUE_BURST":             "1",
		"BV_SILA_RATE":                 "8",
		"BV_SILA_BURST":                "1",
		"BV_WEBHOOK_SECRETS":           "demo:" + demoWebhookSecret,
		"BV_WEBHOOK_ALLOW_HOSTS":       "127.0.0.1",
		"BV_WEBHOOK_PROGRESS_INTERVAL": "0",
	})
	b := newBrowserTab(t)
	sample, err := os.ReadFile("../../examples/digilocker.csv")
	if err != nil {
		t.Fatal(err)
	}
	sampleRows := strings.Count(strings.TrimSpace(string(sample)), "\n")
	var sampleID, movingID, slowID, retryID string

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"refuses a wrong secret, then signs in with a JWT from /v1/authorize", func(t *testing.T) {
			b.t = t
			b.do(chromedp.Navigate(api+"/"), chromedp.WaitVisible(chromedp.ID("client-id")))
			b.do(chromedp.SendKeys(chromedp.ID("client-id"), "demo"), chromedp.SendKeys(chromedp.ID("client-secret"), "wrong"),
				chromedp.Click(chromedp.ID("sign-in")))
			b.waitFor("the refusal", `document.querySelector("#signin-view .error")?.textContent.includes("Invalid client_id, access Denied")`, 10*time.Second)
			b.screenshot("sign-in-refused")
			b.setValue("client-secret", "")
			b.do(chromedp.SendKeys(chromedp.ID("client-secret"), "demo-secret"),
				chromedp.Click(chromedp.ID("mode-jwt")), chromedp.Click(chromedp.ID("sign-in")))
			b.waitFor("the batch list", `document.getElementById("signed-in-as")?.textContent === "demo" && document.getElementById("list-view")`, 10*time.Second)
			if got := b.text("#session"); !strings.Contains(got, "(JWT)") {
				t.Errorf("got session %q, want it signed in with a JWT", got)
			}
			if got := eval[bool](b, `JSON.parse(sessionStorage.getItem("bulkverify-session")).token.split(".").length === 3`); !got {
				t.Errorf("got no JWT kept for the tab, want the token from /v1/authorize")
			}
		}},
		{"the new-batch form offers the server's providers with their columns and claims", func(t *testing.T) {
			b.t = t
			b.waitFor("the providers", `document.querySelectorAll("#provider option[value]:not([value=''])").length > 0`, 10*time.Second)
			_, env := call(t, api, "demo", http.MethodGet, "/v1/providers")
			var list struct {
				Providers []struct{ Name string } `json:"providers"`
			}
			json.Unmarshal(env.Data, &list)
			var want []string
			for _, p := range list.Providers {
				want = append(want, p.Name)
			}
			for _, sel := range []string{"#provider", "#filter-provider"} {
				got := eval[[]string](b, `[...document.querySelectorAll("`+sel+` option")].map(o => o.value).filter(Boolean)`)
				if !slices.Equal(got, want) || len(want) == 0 {
					t.Errorf("got %s options %q, want GET /v1/providers' %q", sel, got, want)
				}
			}
			b.setValue("provider", "digilocker")
			if got := b.text("#provider-columns"); !strings.Contains(got, "Required columns: access_token, doctype.") ||
				!strings.Contains(got, "document_number, name, dob, gender") || !strings.Contains(got, "refresh_token") {
				t.Errorf("got %q beside digilocker, want its columns, its claims and refresh_token", got)
			}
			b.setValue("provider", "sila")
			if got := b.text("#provider-claims"); !strings.Contains(got, "Checks no claims") {
				t.Errorf("got %q beside sila, want no claims", got)
			}
			b.setValue("provider", "digilocker")
			b.screenshot("providers")
		}},
		{"a dry run lists the row problems by line and stores nothing", func(t *testing.T) {
			b.t = t
			bad := "reference_id,access_token,doctype,name,dob\n" +
				"R1,verified-0001,PANCR,,\n" +
				"R2,,PANCR,,\n" +
				"R3,verified-0003,PANCR,,1970-12-31\n"
			path := filepath.Join(t.TempDir(), "bad.csv")
			os.WriteFile(path, []byte(bad), 0o644)
			b.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}), chromedp.Click(chromedp.ID("dry-run")))
			b.waitFor("the problems", `document.querySelectorAll("#dry-run-problems tbody tr").length === 2`, 10*time.Second)
			if got := b.text("#dry-run-summary"); !strings.Contains(got, "2 of 3 rows") || !strings.Contains(got, "Nothing was stored") {
				t.Errorf("got summary %q, want 2 of 3 rows rejected, nothing stored", got)
			}
			rows := eval[[][]string](b, `[...document.querySelectorAll("#dry-run-problems tbody tr")].map(tr => [...tr.cells].map(td => td.textContent))`)
			if len(rows) != 2 || rows[0][0] != "3" || rows[0][2] != "access_token" || rows[1][0] != "4" || rows[1][2] != "dob" {
				t.Errorf("got problems %q, want line 3 access_token and line 4 dob", rows)
			}
			b.screenshot("dry-run")
			if code, env := call(t, api, "demo", http.MethodGet, "/v1/verification/batches"); code != http.StatusOK || !strings.Contains(string(env.Data), `"total_count":0`) {
				t.Errorf("after a dry run: got HTTP %d %s, want no batch", code, env.Data)
			}
		}},
		{"uploads a sample by drag and drop and watches it reach 100% in the list", func(t *testing.T) {
			b.t = t
			// First a slow batch, so that the list shows one moving.
			slow := filepath.Join(t.TempDir(), "deepvue-slow.csv")
			os.WriteFile(slow, []byte(numberedCSV("reference_id,initial_deepvue_transaction_id,doctype,consent", "DV-%04d,verified-%04d,PANCR,Y", 200)), 0o644)
			b.setValue("provider", "deepvue")
			b.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{slow}),
				chromedp.Click(chromedp.ID("upload")))
			b.waitFor("the slow batch accepted", `document.querySelector("#upload-accepted code")`, 10*time.Second)
			movingID = b.text("#upload-accepted code")

			b.setValue("provider", "digilocker")
			b.dropFile("digilocker.csv", string(sample))
			b.do(chromedp.SendKeys(chromedp.CSS(".meta-key"), "team"), chromedp.SendKeys(chromedp.CSS(".meta-value"), "operations"),
				chromedp.Click(chromedp.CSS("#upload-form summary")),
				chromedp.SendKeys(chromedp.ID("callback-url"), hooks.URL+"/hooks"),
				chromedp.Click(chromedp.ID("upload")))
			b.waitFor("the sample accepted", `(document.querySelector("#upload-accepted code")?.textContent ?? `+strconv.Quote(movingID)+`) !== `+strconv.Quote(movingID), 10*time.Second)
			sampleID = b.text("#upload-accepted code")
			row := fmt.Sprintf(`document.querySelector('#batches tr[data-request-id=%q]')`, sampleID)
			b.waitFor("the sample at 100%", row+`?.dataset.state === "completed" && `+row+`.querySelector("progress").value === 100`, 60*time.Second)
			slowRow := fmt.Sprintf(`document.querySelector('#batches tr[data-request-id=%q]')`, movingID)
			b.waitFor("the slow batch moving with a rate and an ETA", slowRow+`?.dataset.state === "processing" && `+
				slowRow+`.querySelector("progress").value > 0 && /rows\/s/.test(`+slowRow+`.cells[6].textContent) && /\d+ (s|min)/.test(`+slowRow+`.cells[7].textContent)`, 30*time.Second)
			b.screenshot("list-with-progress")
			b.checkLabels()
			if got := eval[string](b, row+`.querySelector(".pct").textContent`); got != "100%" {
				t.Errorf("got %q beside the sample's bar, want 100%%", got)
			}
			if got := eval[string](b, row+`.cells[4].textContent`); got != fmt.Sprintf("%d / %d", sampleRows, sampleRows) {
				t.Errorf("got rows done %q, want %d / %d", got, sampleRows, sampleRows)
			}
			if got := eval[string](b, row+`.querySelector(".meta").textContent`); got != "team=operations" {
				t.Errorf("got metadata %q in the list, want team=operations", got)
			}
		}},
		{"filters the list by state and provider", func(t *testing.T) {
			b.t = t
			b.setValue("filter-provider", "deepvue")
			b.waitFor("only the Deepvue batch", `[...document.querySelectorAll("#batches tr")].map(tr => tr.dataset.requestId).join() === `+strconv.Quote(movingID), 10*time.Second)
			b.setValue("filter-provider", "")
			b.setValue("filter-state", "completed")
			b.waitFor("only the completed sample", `[...document.querySelectorAll("#batches tr")].map(tr => tr.dataset.requestId).join() === `+strconv.Quote(sampleID), 10*time.Second)
			b.screenshot("list-filtered")
			b.setValue("filter-state", "")
			// The list redraws with both rows, moving the sample's: wait for
			// it, or the next click may land on the row as it is moved.
			b.waitFor("both batches listed again", `[...document.querySelectorAll("#batches tr")].map(tr => tr.dataset.requestId).sort().join() === `+strconv.Quote(strings.Join(slices.Sorted(slices.Values([]string{sampleID, movingID})), ",")), 10*time.Second)
			// Its work is shown: let it not slow the rest down.
			if code, env := call(t, api, "demo", http.MethodPost, "/v1/verification/batch/"+movingID+"/cancel"); code != http.StatusAccepted {
				t.Errorf("cancel the moving batch: got HTTP %d %s", code, env.Message)
			}
		}},
		{"the batch page shows the counts by code, the failed rows and the webhook deliveries", func(t *testing.T) {
			b.t = t
			b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#batches tr[data-request-id=%q] a.batch-link`, sampleID))))
			b.waitFor("the batch page with its failed rows", `document.querySelector("#batch-view")?.dataset.state === "completed" && document.querySelector("#errors-table tbody tr")`, 15*time.Second)
			b.waitFor("the webhook delivery", `document.querySelector("#webhooks-table tbody tr")?.textContent.includes("batch.completed")`, 30*time.Second)
			st := consoleStatusOf(t, api, sampleID)
			codes := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll("#codes-table tbody tr")].map(tr => [tr.dataset.code, tr.cells[1].textContent]))`)
			if len(codes) != len(st.Codes) {
				t.Errorf("got codes %v on the page, want %v", codes, st.Codes)
			}
			for code, n := range st.Codes {
				if codes[code] != strconv.Itoa(n) {
					t.Errorf("code %s: got %q rows on the page, want %d", code, codes[code], n)
				}
			}
			shown := eval[[]string](b, `[...document.querySelectorAll("#errors-table tbody tr")].map(tr => tr.cells[0].textContent + " " + tr.cells[2].textContent)`)
			failed, _ := fetchCSV(t, *st.ErrorURL)
			if len(shown) != len(failed)-1 {
				t.Errorf("got %d failed rows on the page, want errors.csv's %d", len(shown), len(failed)-1)
			}
			for i := 0; i < len(shown) && i+1 < len(failed); i++ {
				if want := failed[i+1][0] + " " + failed[i+1][2]; shown[i] != want {
					t.Errorf("failed row %d: got %q on the page, want %q as in errors.csv", i+1, shown[i], want)
				}
			}
			if got := b.text("#batch-webhooks"); !strings.Contains(got, hooks.URL) || !strings.Contains(got, "204") {
				t.Errorf("got webhook section %q, want the delivery to %s answered 204", got, hooks.URL)
			}
			checkClaimsSection(t, b, st)
			b.screenshot("batch-page-with-errors")
			b.checkLabels()
			b.do(chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
				})
				return err
			}))
			b.screenshot("batch-page-dark")
			b.do(chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
				return err
			}))
		}},
		{"downloads the output", func(t *testing.T) {
			b.t = t
			dir := t.TempDir()
			ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
			defer cancel()
			if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
			}); err != nil {
				t.Fatal(err)
			}
			progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
			b.do(chromedp.Click(chromedp.ID("download-output")))
			var guid string
			for ev, err := range progress {
				if err != nil {
					t.Fatalf("no finished download: %v", err)
				}
				if ev.State == browser.DownloadProgressStateCanceled {
					t.Fatalf("the download was cancelled")
				}
				if ev.State == browser.DownloadProgressStateCompleted {
					guid = ev.GUID
					break
				}
			}
			f, err := os.Open(filepath.Join(dir, guid))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatalf("the download is not CSV: %v", err)
			}
			if len(recs) != sampleRows+1 || strings.Join(recs[0][:5], ",") != "row_number,reference_id,status,code,message" {
				t.Errorf("got %d lines starting %q, want the header and %d rows", len(recs), recs[0], sampleRows)
			}
			b.screenshot("downloaded-output")
		}},
		{"cancels a running batch from the keyboard", func(t *testing.T) {
			b.t = t
			slow := filepath.Join(t.TempDir(), "sila-slow.csv")
			os.WriteFile(slow, []byte(numberedCSV("reference_id,user_handle,doc_types", "SL-%04d,complete-%04d,id_passport", 100)), 0o644)
			b.do(chromedp.Click(chromedp.ID("back")))
			b.waitFor("the list", `document.getElementById("upload-form")`, 10*time.Second)
			b.setValue("provider", "sila")
			b.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{slow}), chromedp.Click(chromedp.ID("upload")))
			b.waitFor("the slow batch accepted", `document.querySelector("#upload-accepted a")`, 10*time.Second)
			slowID = b.text("#upload-accepted code")
			b.do(chromedp.Click(chromedp.CSS("#upload-accepted a")))
			b.waitFor("the slow batch running", `document.querySelector("#batch-view")?.dataset.state === "processing" && document.querySelector("#batch-view progress").value > 0`, 20*time.Second)
			b.screenshot("batch-running")
			b.do(chromedp.Focus(chromedp.ID("cancel")), chromedp.KeyEvent("\r"))
			b.waitFor("the confirmation, focused", `document.activeElement?.id === "cancel-confirm"`, 5*time.Second)
			b.do(chromedp.KeyEvent("\r"))
			b.waitFor("the batch cancelled", `document.querySelector("#batch-view")?.dataset.state === "cancelled" && document.querySelector("#errors-table")`, 30*time.Second)
			st := consoleStatusOf(t, api, slowID)
			if st.Codes["CANCELLED"] == 0 || st.ProcessedRows != st.TotalRows {
				t.Errorf("got codes %v, %d of %d rows, want CANCELLED rows and every row in the output", st.Codes, st.ProcessedRows, st.TotalRows)
			}
			if got := b.text(`#codes-table tr[data-code="CANCELLED"] td`); got != strconv.Itoa(st.Codes["CANCELLED"]) {
				t.Errorf("got %q CANCELLED rows on the page, want %d", got, st.Codes["CANCELLED"])
			}
			if got := eval[int](b, `document.querySelectorAll("#errors-table tbody tr").length`); got != min(20, st.Codes["CANCELLED"]) {
				t.Errorf("got %d failed rows shown at first, want %d", got, min(20, st.Codes["CANCELLED"]))
			}
			if st.Codes["CANCELLED"] > 20 {
				b.do(chromedp.Click(chromedp.ID("errors-more")))
				want := min(120, st.Codes["CANCELLED"])
				b.waitFor("more failed rows", fmt.Sprintf(`document.querySelectorAll("#errors-table tbody tr").length === %d`, want), 10*time.Second)
			}
			b.screenshot("cancelled")
		}},
		{"retries the cancelled batch's failed rows", func(t *testing.T) {
			b.t = t
			parent := consoleStatusOf(t, api, slowID)
			b.do(chromedp.Click(chromedp.ID("retry")))
			b.waitFor("the retry batch's page", `location.hash.startsWith("#/batch/") && !location.hash.endsWith(`+strconv.Quote(slowID)+`) && document.querySelector("#parent-link")`, 15*time.Second)
			retryID = strings.TrimPrefix(eval[string](b, "location.hash"), "#/batch/")
			if got := b.text("#parent-link"); got != slowID {
				t.Errorf("got parent link %q, want %s", got, slowID)
			}
			b.waitFor("the retry completed", `document.querySelector("#batch-view")?.dataset.state === "completed"`, 60*time.Second)
			st := consoleStatusOf(t, api, retryID)
			if st.TotalRows != parent.Codes["CANCELLED"] || st.Verified != st.TotalRows {
				t.Errorf("got a retry of %d rows, %d verified, want the parent's %d cancelled rows, all verified", st.TotalRows, st.Verified, parent.Codes["CANCELLED"])
			}
			b.screenshot("retry-completed")
			b.do(chromedp.Click(chromedp.CSS("#parent-link a")))
			b.waitFor("the parent linking to its retry", `document.querySelector("#child-links")?.textContent.includes(`+strconv.Quote(retryID)+`)`, 15*time.Second)
			b.screenshot("parent-with-retry")
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			return
		}
	}
}

// consoleStatus is the status data the browser test compares with the page.
type consoleStatus struct {
	TotalRows     int            `json:"total_rows"`
	ProcessedRows int            `json:"processed_rows"`
	Verified      int            `json:"verified"`
	Codes         map[string]int `json:"codes"`
	OutputURL     *string        `json:"batch_output_file_url"`
	ErrorURL      *string        `json:"batch_error_file_url"`
}

// checkClaimsSection compares the batch page's claims with the batch's
// output.csv: each claim's counts, the rows with a mismatch, and no
// claimed value (the sample's names and dates of birth) on the page.
func checkClaimsSection(t *testing.T, b *browserTab, st consoleStatus) {
	t.Helper()
	b.waitFor("the claims", `document.querySelector("#claims-table tbody tr")`, 15*time.Second)
	recs, _ := fetchCSV(t, *st.OutputURL)
	col := func(name string) int { return slices.Index(recs[0], name) }
	fields := []string{"document_number", "name", "dob", "gender"}
	var mismatched []string
	for _, rec := range recs[1:] {
		for _, f := range fields {
			if rec[col(f+"_match")] == "MISMATCH" {
				mismatched = append(mismatched, rec[col("row_number")])
				break
			}
		}
	}
	for _, f := range fields {
		for _, m := range []string{"MATCH", "MISMATCH", "UNAVAILABLE", "NOT_CLAIMED"} {
			want := 0
			for _, rec := range recs[1:] {
				if rec[col(f+"_match")] == m {
					want++
				}
			}
			sel := fmt.Sprintf(`#claims-table tr[data-field=%q] td[data-match=%q]`, f, m)
			if got := b.text(sel); got != strconv.Itoa(want) {
				t.Errorf("%s %s: got %q rows on the page, want %d as in output.csv", f, m, got, want)
			}
		}
	}
	shown := eval[[]string](b, `[...document.querySelectorAll("#claims-mismatched tbody tr")].map(tr => tr.dataset.row)`)
	if !slices.Equal(shown, mismatched[:min(len(mismatched), 20)]) {
		t.Errorf("got rows %q with a mismatch on the page, want output.csv's %q", shown, mismatched)
	}
	if got := b.text("#batch-claims"); strings.Contains(got, "Kumar") || strings.Contains(got, "31121970") {
		t.Errorf("got claims section %q, want no claimed name or date of birth", got)
	}
}

func consoleStatusOf(t *testing.T, api, id string) consoleStatus {
	t.Helper()
	code, env := call(t, api, "demo", http.MethodGet, "/v1/verification/batch-processing-status?request_id="+id)
	if code != http.StatusOK {
		t.Fatalf("status of %s: HTTP %d %s", id, code, env.Message)
	}
	var st consoleStatus
	json.Unmarshal(env.Data, &st)
	return st
}
