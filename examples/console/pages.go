package main

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"time"

	"github.com/inboxkit/inboxkit/examples/internal/demo"
	"github.com/inboxkit/inboxkit/template/webcard"
)

// The web console: plain ES modules and one stylesheet, embedded, no build step.
//
//go:embed web
var webFiles embed.FS

// contentSecurityPolicy is the console's policy: scripts and styles only from this origin
// (no inline code, no eval), data only from the API, images from this origin or https
// (image nodes of display templates), trusted types required so that no string can
// become markup.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " +
	"require-trusted-types-for 'script'; trusted-types 'none'"

// consoleConfig is what the pages know about the host: its demo users (the bearer tokens
// the demo's identify accepts), inboxes and contacts. A real host has its own session and
// directory; the API has no operation listing them because they are the host's.
type consoleConfig struct {
	Users    []consoleUser    `json:"users"`
	Inboxes  []consoleInbox   `json:"inboxes"`
	Contacts []consoleContact `json:"contacts"`
	// Conversation is the thread the profile sheet is opened from: its cards and actions see
	// it as conversation.*.
	Conversation consoleConversation `json:"conversation"`
}

type consoleConversation struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

type consoleUser struct {
	Token string `json:"token"`
	Label string `json:"label"`
}

type consoleInbox struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type consoleContact struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	PhoneNumber string `json:"phone_number,omitempty"`
}

// consolePages serves the web console: the page at /, its modules under
// /static/VERSION/ and the <inboxkit-card> renderer under /assets/card/.
func consolePages() http.Handler {
	p, err := newPages()
	if err != nil { // the files are compiled in: only a broken build gets here
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "console: "+err.Error(), http.StatusInternalServerError)
		})
	}
	return p
}

func newPages() (http.Handler, error) {
	static, err := fs.Sub(webFiles, "web")
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	sum := sha256.New()
	names, err := fs.Glob(static, "*")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	for _, name := range names {
		b, err := fs.ReadFile(static, name)
		if err != nil {
			return nil, err
		}
		files[name] = b
		sum.Write([]byte(name + "\x00"))
		sum.Write(b)
	}
	version := hex.EncodeToString(sum.Sum(nil))[:12]
	card := webcard.NewHandler()

	cfg := consoleConfig{
		Users: []consoleUser{{Token: "demo-admin", Label: "Demo admin"}, {Token: "demo-agent", Label: "Demo agent"}},
	}
	for _, in := range []struct{ ID, Name string }{{demo.Support.ID, demo.Support.Name}, {demo.Sales.ID, demo.Sales.Name}} {
		cfg.Inboxes = append(cfg.Inboxes, consoleInbox{ID: in.ID, Name: in.Name})
	}
	for _, c := range demo.Contacts() {
		cfg.Contacts = append(cfg.Contacts, consoleContact{ID: c.ID, Name: c.Name, Email: c.Email, PhoneNumber: c.PhoneNumber})
	}
	conv := conversations["conv_1"]
	cfg.Conversation = consoleConversation{ID: conv.ID, Subject: conv.Subject}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("index").Parse(string(files["index.html"]))
	if err != nil {
		return nil, err
	}
	var index bytes.Buffer
	err = tmpl.Execute(&index, map[string]string{
		"Static":     "/static/" + version,
		"CardScript": "/assets/card/" + card.ScriptPath(),
		"Config":     string(cfgJSON),
	})
	if err != nil {
		return nil, err
	}
	page := index.Bytes()

	mux := http.NewServeMux()
	mux.Handle("GET /assets/card/", http.StripPrefix("/assets/card", card))
	mux.HandleFunc("GET /static/{version}/{file}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		b, ok := files[name]
		if r.PathValue("version") != version || !ok || name == "index.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType(name))
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(page))
	})
	return mux, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	default:
		return "application/octet-stream"
	}
}
