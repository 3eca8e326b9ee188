package webcard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestHandler(t *testing.T) {
	h := NewHandler()
	srv := httptest.NewServer(http.StripPrefix("/assets/card", h))
	defer srv.Close()
	script, err := fsReadFile(ScriptName)
	if err != nil {
		t.Fatal(err)
	}

	type want struct {
		status              int
		cacheControl, ctype string
		body                bool // the script's bytes
		allow               string
	}
	tests := []struct {
		name, method, path string
		header             map[string]string
		want               want
	}{
		{"versioned", "GET", "/assets/card/" + h.ScriptPath(), nil,
			want{200, "public, max-age=31536000, immutable", "text/javascript; charset=utf-8", true, ""}},
		{"unversioned", "GET", "/assets/card/" + ScriptName, nil,
			want{200, "no-cache", "text/javascript; charset=utf-8", true, ""}},
		{"head", "HEAD", "/assets/card/" + h.ScriptPath(), nil,
			want{200, "public, max-age=31536000, immutable", "text/javascript; charset=utf-8", false, ""}},
		{"revalidated", "GET", "/assets/card/" + ScriptName, map[string]string{"If-None-Match": `"` + h.Version() + `"`},
			want{304, "no-cache", "", false, ""}},
		{"old version", "GET", "/assets/card/0123456789ab/" + ScriptName, nil, want{404, "", "text/plain; charset=utf-8", false, ""}},
		{"unknown file", "GET", "/assets/card/" + h.Version() + "/other.js", nil, want{404, "", "text/plain; charset=utf-8", false, ""}},
		{"directory", "GET", "/assets/card/", nil, want{404, "", "text/plain; charset=utf-8", false, ""}},
		{"nested", "GET", "/assets/card/" + h.Version() + "/x/" + ScriptName, nil, want{404, "", "text/plain; charset=utf-8", false, ""}},
		{"traversal", "GET", "/assets/card/" + h.Version() + "/..%2f" + ScriptName, nil, want{404, "", "text/plain; charset=utf-8", false, ""}},
		{"post", "POST", "/assets/card/" + h.ScriptPath(), nil, want{405, "", "text/plain; charset=utf-8", false, "GET, HEAD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			got := want{res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"),
				string(body) == string(script), res.Header.Get("Allow")}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tt.method, tt.path, diff)
			}
			if res.StatusCode == 200 {
				for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "ETag": `"` + h.Version() + `"`, "Access-Control-Allow-Origin": "*"} {
					if g := res.Header.Get(k); g != v {
						t.Errorf("%s = %q, want %q", k, g, v)
					}
				}
			}
		})
	}
}

func fsReadFile(name string) ([]byte, error) {
	f, err := Files().Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// The version names the content: any change to any file changes it, and so the URL.
func TestVersionFollowsContent(t *testing.T) {
	base := fstest.MapFS{"inboxkit-card.js": {Data: []byte("a")}, "x.css": {Data: []byte("b")}}
	variants := map[string]fstest.MapFS{
		"same":         {"inboxkit-card.js": {Data: []byte("a")}, "x.css": {Data: []byte("b")}},
		"edited":       {"inboxkit-card.js": {Data: []byte("a ")}, "x.css": {Data: []byte("b")}},
		"other file":   {"inboxkit-card.js": {Data: []byte("a")}, "x.css": {Data: []byte("c")}},
		"renamed":      {"inboxkit-card.js": {Data: []byte("a")}, "y.css": {Data: []byte("b")}},
		"moved bytes":  {"inboxkit-card.js": {Data: []byte("ab")}, "x.css": {Data: []byte("")}},
		"added a file": {"inboxkit-card.js": {Data: []byte("a")}, "x.css": {Data: []byte("b")}, "z.js": {Data: []byte("")}},
	}
	h0, err := newHandler(base)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(h0.Version()) {
		t.Fatalf("Version() = %q, want 12 hex digits", h0.Version())
	}
	for name, fsys := range variants {
		h, err := newHandler(fsys)
		if err != nil {
			t.Fatal(err)
		}
		if same := h.Version() == h0.Version(); same != (name == "same") {
			t.Errorf("%s: version %s vs %s; same = %v", name, h.Version(), h0.Version(), same)
		}
	}
	if got := NewHandler().Version(); got != NewHandler().Version() {
		t.Errorf("NewHandler versions differ: %s", got)
	}
}

// The module never parses strings as markup or code: the browser tests show the element
// safe on hostile data; this keeps the dangerous APIs out of the source altogether.
func TestScriptAvoidsUnsafeAPIs(t *testing.T) {
	src, err := fsReadFile(ScriptName)
	if err != nil {
		t.Fatal(err)
	}
	code := stripComments(string(src))
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
		"new Function", "setAttribute(\"style\"", ".style.", "javascript:", "createContextualFragment", "srcdoc",
		// the confirmation of an agent action is drawn in the card, never a browser dialog
		"confirm(", "alert(", "prompt(", ".submit()", ".requestSubmit("} {
		if strings.Contains(code, bad) {
			t.Errorf("%s uses %s", ScriptName, bad)
		}
	}
	for _, want := range []string{`rel = "noopener noreferrer"`, `target = "_blank"`, "textContent", "attachShadow"} {
		if !strings.Contains(code, want) {
			t.Errorf("%s lacks %s", ScriptName, want)
		}
	}
}

// stripComments drops // line comments (the header documents the element in prose).
func stripComments(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "//") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}
