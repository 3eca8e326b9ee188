package main

import (
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func getPage(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// The page is served under the strict policy, and names its modules and the card renderer
// by versioned paths that are served with long-lived caching.
func TestPagesServeVersionedAssets(t *testing.T) {
	h, err := newPages()
	if err != nil {
		t.Fatal(err)
	}
	res, page := getPage(t, h, "/")
	if res.StatusCode != 200 {
		t.Fatalf("GET / = %d", res.StatusCode)
	}
	for k, want := range map[string]string{
		"Content-Security-Policy": contentSecurityPolicy, "Content-Type": "text/html; charset=utf-8",
		"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("GET / %s = %q, want %q", k, got, want)
		}
	}
	for _, directive := range []string{"script-src 'self'", "style-src 'self'", "require-trusted-types-for 'script'", "frame-ancestors 'none'"} {
		if !strings.Contains(contentSecurityPolicy, directive) {
			t.Errorf("the policy lacks %s", directive)
		}
	}
	if strings.Contains(contentSecurityPolicy, "unsafe") {
		t.Errorf("the policy allows something unsafe: %s", contentSecurityPolicy)
	}

	refs := regexp.MustCompile(`(?:src|href)="(/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) != 4 {
		t.Fatalf("the page references %d assets, want 4 (icon, stylesheet, card, app):\n%s", len(refs), page)
	}
	for _, m := range refs {
		path := m[1]
		if !regexp.MustCompile(`^/(static|assets/card)/[0-9a-f]{12}/[a-z-]+\.(js|css|svg)$`).MatchString(path) {
			t.Errorf("asset path %s carries no version", path)
		}
		res, _ := getPage(t, h, path)
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s = %d, Cache-Control %q", path, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	static := regexp.MustCompile(`/static/([0-9a-f]{12})/`).FindStringSubmatch(page)[1]
	for path, want := range map[string]int{
		"/static/" + static + "/app.js":     200,
		"/static/" + static + "/index.html": 404, // only / serves the page, with its policy
		"/static/000000000000/app.js":       404,
		"/static/" + static + "/nope.js":    404,
		"/elsewhere":                        404,
	} {
		if res, _ := getPage(t, h, path); res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
		}
	}
	if res, _ := getPage(t, h, "/static/"+static+"/app.js"); res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("app.js Content-Type = %q", res.Header.Get("Content-Type"))
	}

	// The host's data reaches the page as an escaped attribute, never as script.
	m := regexp.MustCompile(`data-config="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no data-config")
	}
	var cfg consoleConfig
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &cfg); err != nil {
		t.Fatal(err)
	}
	want := consoleConfig{
		Users:   []consoleUser{{"demo-admin", "Demo admin"}, {"demo-agent", "Demo agent"}},
		Inboxes: []consoleInbox{{"support", "Support"}, {"sales", "Sales"}},
		Contacts: []consoleContact{{ID: "c_1001", Name: "Ada Lovelace", Email: "ada@example.com"},
			{ID: "c_1002", Name: "Grace Hopper", Email: "grace@example.com", PhoneNumber: "+1 555 0100"},
			{ID: "c_1003", Name: "Linus Torvalds"}},
		Conversation: consoleConversation{ID: "conv_1", Subject: "Where is my order?"},
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

// The console's sources keep to the policy by construction: no inline script or style, no
// handler attributes, no API that parses strings as markup or code; and every module they
// import exists.
func TestConsoleSourcesAreStrict(t *testing.T) {
	web, err := fs.Sub(webFiles, "web")
	if err != nil {
		t.Fatal(err)
	}
	index, err := fs.ReadFile(web, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{`<script[^>]*>[^<]`, `\sstyle=`, `<style`, `\son[a-z]+=`, `javascript:`} {
		if loc := regexp.MustCompile(`(?i)` + re).FindIndex(index); loc != nil {
			t.Errorf("index.html matches %s at %q", re, index[loc[0]:loc[1]])
		}
	}
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAll(index, -1) {
		if !strings.Contains(string(tag), "src=") {
			t.Errorf("inline script in index.html: %s", tag)
		}
	}
	files, err := fs.Glob(web, "*.js")
	if err != nil {
		t.Fatal(err)
	}
	importRE := regexp.MustCompile(`from "\./([a-z]+\.js)"`)
	for _, name := range files {
		src, err := fs.ReadFile(web, name)
		if err != nil {
			t.Fatal(err)
		}
		code := string(src)
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
			"new Function", `setAttribute("style"`, ".style.", "localStorage", "createContextualFragment"} {
			if strings.Contains(code, bad) {
				t.Errorf("%s uses %s", name, bad)
			}
		}
		for _, m := range importRE.FindAllStringSubmatch(code, -1) {
			if _, err := fs.Stat(web, m[1]); err != nil {
				t.Errorf("%s imports missing %s", name, m[1])
			}
		}
	}
}
