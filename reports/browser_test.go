package reports

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

// chromium finds Debian's chromium; a machine without it fails the test
// (the HTML report is what auditors read: it must be checked in a browser).
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: install the Debian package chromium (apt-get install chromium), or set CHROMIUM to a Chromium binary")
	return ""
}

// visibleRows returns the control ids of the rows the filters leave visible.
const visibleRows = `Array.from(document.querySelectorAll("#controls tbody tr"))
	.filter(r => getComputedStyle(r).display !== "none")
	.map(r => r.querySelector("a").textContent)`

// TestHTMLInBrowser loads the sample report in headless Chromium: no console
// errors or exceptions (the page's Content-Security-Policy also turns any
// attempt to load something from outside into one), the filters narrow the
// control table, and a screenshot and a print to PDF are written to the
// test's artifact directory.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	cfg := testConfig(t, "testdata/sample.json", "testdata/timeout.json")
	ledger := filepath.Join(t.TempDir(), "history.jsonl")
	copyFile(t, "testdata/history.jsonl", ledger)
	cfg.HistoryPath, cfg.WaiversPath = ledger, "testdata/waivers.yaml"
	rep, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res := rep.Results
	page, err := filepath.Abs(filepath.Join(cfg.OutDir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}

	// A guard against a hung browser, not a timing assertion.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 1024),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx); err != nil { // starts the browser and its first tab
		t.Fatalf("starting %s: %v", bin, err)
	}

	// Collect the console until a sentinel message arrives.
	const sentinel = "__report_test_done__"
	var (
		mu   sync.Mutex
		msgs []chromedp.ConsoleMessage
	)
	done := make(chan struct{})
	console := chromedp.Console(bctx)
	go func() {
		defer close(done)
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Text == sentinel {
				return
			}
			mu.Lock()
			msgs = append(msgs, m)
			mu.Unlock()
		}
	}()

	u := url.URL{Scheme: "file", Path: filepath.ToSlash(page)}
	if err := chromedp.Do(bctx, chromedp.Navigate(u.String()), chromedp.WaitReady(chromedp.CSS("#f-count"))); err != nil {
		t.Fatal(err)
	}
	rows := func(step string) []string {
		t.Helper()
		ids, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](visibleRows))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return ids
	}
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	var all []string
	for _, c := range res.Controls {
		all = append(all, c.ID)
	}
	want := func(pred func(c int) bool) []string {
		var out []string
		for i, c := range res.Controls {
			if pred(i) {
				out = append(out, c.ID)
			}
		}
		return out
	}
	check := func(step string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: visible rows %v, want %v", step, got, want)
		}
	}

	check("initial", rows("initial"), all)
	count, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#f-count")))
	if err != nil || count != fmt.Sprintf("%d of %d controls", len(all), len(all)) {
		t.Errorf("count = %q, %v", count, err)
	}

	// Outcome: by clicking the summary tile, as an auditor would.
	do("click fail tile", chromedp.Click(chromedp.CSS(`button.tile[data-outcome="fail"]`)))
	fails := want(func(i int) bool { return res.Controls[i].Outcome == evidence.Fail })
	if len(fails) == 0 || len(fails) == len(all) {
		t.Fatalf("sample has %d failing controls of %d: not a useful filter test", len(fails), len(all))
	}
	check("outcome fail", rows("outcome fail"), fails)
	do("reset", chromedp.Click(chromedp.CSS("#f-reset")))
	check("reset", rows("reset"), all)

	// Text: typed into the search box.
	do("type text", chromedp.SendKeys(chromedp.CSS("#f-text"), "PANIC"))
	panics := rows("text")
	if len(panics) == 0 || len(panics) >= len(all) {
		t.Errorf("text filter PANIC left %v", panics)
	}
	for _, id := range []string{"PANIC-AFTER-01", "PANIC-BOOM-01", "PANIC-OK-01"} {
		if !slices.Contains(panics, id) {
			t.Errorf("text filter PANIC lost %s: %v", id, panics)
		}
	}
	// Combined with the outcome select (the change event, as a user's pick fires it).
	do("select error", chromedp.SetValue(chromedp.CSS("#f-outcome"), "error"))
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById("f-outcome").dispatchEvent(new Event("change"))`)); err != nil {
		t.Fatal(err)
	}
	both := rows("text and outcome")
	for _, id := range both {
		if !slices.Contains(panics, id) || !slices.Contains(want(func(i int) bool { return res.Controls[i].Outcome == evidence.Error }), id) {
			t.Errorf("text PANIC and outcome error left %s", id)
		}
	}
	if !slices.Contains(both, "PANIC-BOOM-01") || slices.Contains(both, "PANIC-OK-01") {
		t.Errorf("text PANIC and outcome error: %v", both)
	}
	do("reset", chromedp.Click(chromedp.CSS("#f-reset")))

	// Overdue only.
	do("overdue", chromedp.Click(chromedp.CSS("#f-overdue")))
	check("overdue", rows("overdue"), want(func(i int) bool { return res.Controls[i].Overdue }))
	do("reset", chromedp.Click(chromedp.CSS("#f-reset")))

	// Pictures: one series chart per finding with a series, the trend chart.
	nSeries, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.series").length`))
	if err != nil || nSeries < 2 {
		t.Errorf("series charts = %d, %v", nSeries, err)
	}
	nTrend, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.trend rect").length`))
	if err != nil || nTrend == 0 {
		t.Errorf("trend bars = %d, %v", nTrend, err)
	}

	// Print: the evidence of passing controls (closed on screen) is printed too.
	shown := `document.querySelector("#c-PANIC-OK-01 table.meta").checkVisibility()`
	if v, err := chromedp.Run(bctx, chromedp.Evaluate[bool](shown)); err != nil || v {
		t.Errorf("a passing control's evidence is open on screen: %v, %v", v, err)
	}
	media := func(m string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return chromedp.Void{}, err
		}
	}
	do("print media", media("print"))
	if v, err := chromedp.Run(bctx, chromedp.Evaluate[bool](shown)); err != nil || !v {
		t.Errorf("a passing control's evidence is not printed: %v, %v", v, err)
	}
	if n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll(".filters")).filter(e => getComputedStyle(e).display !== "none").length`)); err != nil || n != 0 {
		t.Errorf("filters printed: %d, %v", n, err)
	}
	do("screen media", media(""))

	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot is not a PNG (%d bytes)", len(png))
	}
	pdf, err := chromedp.Run(bctx, chromedp.PrintToPDF(chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 1000 {
		t.Errorf("print to PDF gave %d bytes", len(pdf))
	}
	dir := t.ArtifactDir()
	for name, b := range map[string][]byte{"report.png": png, "report.pdf": pdf} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "report.png")); err != nil || st.Size() == 0 {
		t.Errorf("screenshot not written: %v", err)
	}

	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`console.info("`+sentinel+`"), true`)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("console sentinel never arrived")
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range msgs {
		switch m.Type {
		case chromedp.ConsoleError, chromedp.ConsoleException:
			t.Errorf("console %s", m)
		default:
			t.Logf("console %s", m)
		}
	}
}
