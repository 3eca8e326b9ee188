package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var screenshots = flag.String("screenshots", "", "directory for the screenshots (default: a new temp dir, printed)")

// The console binary and Chromium, found once by TestMain.
var (
	consoleBin string
	chromePath string
	shotDir    string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "inboxkit-browsertest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	consoleBin = filepath.Join(tmp, "console")
	build := exec.Command("go", "build", "-o", consoleBin, "github.com/inboxkit/inboxkit/examples/console")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "browsertest: building the console:", err)
		return 1
	}
	if chromePath, err = findChromium(); err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	shotDir = *screenshots
	if shotDir == "" {
		if shotDir, err = os.MkdirTemp("", "inboxkit-screenshots-"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	} else if err := os.MkdirAll(shotDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("browsertest: screenshots in", shotDir)
	return m.Run()
}

func findChromium() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found: install Debian's chromium package or set $CHROMIUM")
}

// startConsole runs `console -addr 127.0.0.1:0` and returns its base URL.
func startConsole(t testing.TB) string {
	t.Helper()
	cmd := exec.Command(consoleBin, "-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if s := stderr.String(); strings.Contains(s, "panic") {
			t.Errorf("console stderr:\n%s", s)
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the console's banner: %v (stderr: %s)", err, stderr.String())
	}
	_, base, ok := strings.Cut(strings.TrimSpace(line), " on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("unexpected banner %q", line)
	}
	go io.Copy(io.Discard, out)
	return base
}

// page is one browser tab on the console, watched for script errors, dialogs and CSP
// violations.
type browserPage struct {
	t    testing.TB
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string // exceptions, console errors, CSP violations
	dialogs  []string // dialogs nobody expected
	accept   int      // how many dialogs to accept (the console confirms deletions)
}

// helpers are installed in every document before its scripts run (through DevTools, so
// the page's CSP does not apply to them). They read the cards' shadow roots.
const helpers = `
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI);
});
window.__t = {
  cards: (root = document) => [...root.querySelectorAll("inboxkit-card")],
  status: (c) => { const a = c.shadowRoot && c.shadowRoot.querySelector("article"); return a ? a.dataset.status : ""; },
  statuses: (root) => __t.cards(root).map((c) => __t.status(c) + (c.hasAttribute("loading") ? "*" : "")),
  text: (c) => c.shadowRoot ? c.shadowRoot.textContent : "",
  all: (c, sel) => c.shadowRoot ? [...c.shadowRoot.querySelectorAll(sel)] : [],
  history: [], // every distinct list of the profile sheet's card states, sampled every 10 ms
};
setInterval(() => {
  const list = document.getElementById("cards");
  const s = list ? __t.statuses(list).join() : "";
  const h = __t.history;
  if (s && h[h.length - 1] !== s) h.push(s);
}, 10);
`

func newPage(t testing.TB, base string) *browserPage {
	t.Helper()
	dir, err := os.MkdirTemp("", "inboxkit-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromePath),
		chromedp.UserDataDir(dir),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.WindowSize(1440, 1000),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	p := &browserPage{t: t, ctx: ctx, base: base}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		for range 50 { // Chromium's children may still write for a moment
			if os.RemoveAll(dir) == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, s := range p.problems {
			t.Errorf("browser: %s", s)
		}
		for _, s := range p.dialogs {
			t.Errorf("browser: unexpected dialog: %s", s)
		}
	})

	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	logs := chromedp.Events(ctx, log.EntryAdded)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: helpers})
		return err
	})); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					if a.Value != nil {
						args = append(args, string(a.Value))
					} else {
						args = append(args, a.Description)
					}
				}
				p.problem("console." + string(ev.Type) + ": " + strings.Join(args, " "))
			}
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			p.problem("exception: " + (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
		}
	}()
	go func() {
		for ev, err := range logs {
			if err != nil {
				return
			}
			if e := ev.Entry; e.Level == log.EntryLevelError || e.Source == log.EntrySourceSecurity || e.Source == log.EntrySourceViolation {
				p.problem(fmt.Sprintf("log (%s, %s): %s %s", e.Source, e.Level, e.Text, e.URL))
			}
		}
	}()
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			p.mu.Lock()
			accept := p.accept > 0
			if accept {
				p.accept--
			} else {
				p.dialogs = append(p.dialogs, string(ev.Type)+": "+ev.Message)
			}
			p.mu.Unlock()
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
		}
	}()
	return p
}

func (p *browserPage) problem(s string) {
	p.mu.Lock()
	p.problems = append(p.problems, s)
	p.mu.Unlock()
}

// takeProblems returns and forgets the problems seen so far.
func (p *browserPage) takeProblems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.problems
	p.problems = nil
	return out
}

// acceptDialog makes the page's next confirm() answer yes (the console asks before
// deleting).
func (p *browserPage) acceptDialog() {
	p.mu.Lock()
	p.accept++
	p.mu.Unlock()
}

func (p *browserPage) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

func (p *browserPage) open(hash string) {
	p.t.Helper()
	p.do(chromedp.EmulateViewport(1440, 1000), chromedp.Navigate(p.base+"/"+hash), chromedp.WaitReady(chromedp.CSS("main#view")))
}

// eval evaluates a JavaScript expression and decodes its JSON value into T.
func eval[T any](p *browserPage, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true.
func (p *browserPage) waitFor(what, js string) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			state, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`JSON.stringify(__t.cards().map((c) => [__t.status(c), __t.text(c).slice(0, 300)]))`))
			p.t.Fatalf("timed out waiting for %s (%s): %v; cards: %s", what, js, err, state)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// screenshot writes the viewport as name.png into the screenshot directory.
func (p *browserPage) screenshot(name string) { p.capture(name, chromedp.CaptureScreenshot()) }

// fullScreenshot writes the whole page as name.png into the screenshot directory.
func (p *browserPage) fullScreenshot(name string) { p.capture(name, chromedp.FullScreenshot(100)) }

func (p *browserPage) capture(name string, shot chromedp.Action[[]byte]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	file := filepath.Join(shotDir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot %s", file)
}

// apiCall calls the console's HTTP API as the demo admin and decodes the answer into out.
func apiCall(t *testing.T, base, method, path string, body, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+"/api"+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer demo-admin")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %s\n%s", method, path, res.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// integration is the part of an integration the tests write and read.
type integration struct {
	ID           string          `json:"id,omitempty"`
	Name         string          `json:"name"`
	Method       string          `json:"method,omitempty"`
	URL          string          `json:"url"`
	CacheMinutes int             `json:"cache_minutes"`
	Active       bool            `json:"active"`
	Display      json.RawMessage `json:"display,omitempty"`
	Version      int             `json:"version,omitempty"`
}

// addIntegration creates an integration and attaches it to inbox; it returns its id.
func addIntegration(t *testing.T, base, inbox string, in integration) string {
	t.Helper()
	var out integration
	apiCall(t, base, "POST", "/integrations", in, &out)
	apiCall(t, base, "PUT", "/inboxes/"+inbox+"/integrations/"+out.ID, map[string]any{}, nil)
	return out.ID
}

// clearInbox detaches every integration from inbox (the demo attaches some to each).
func clearInbox(t *testing.T, base, inbox string) {
	t.Helper()
	var list struct {
		Attachments []struct {
			Attachment struct {
				IntegrationID string `json:"integration_id"`
			} `json:"attachment"`
		} `json:"attachments"`
	}
	apiCall(t, base, "GET", "/inboxes/"+inbox+"/integrations", nil, &list)
	for _, a := range list.Attachments {
		apiCall(t, base, "DELETE", "/inboxes/"+inbox+"/integrations/"+a.Attachment.IntegrationID, nil, nil)
	}
}
