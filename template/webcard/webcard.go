package webcard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// ScriptName is the file name of the module defining <inboxkit-card>.
const ScriptName = "inboxkit-card.js"

//go:embed inboxkit-card.js
var embedded embed.FS

// Files returns the renderer's files (one ES module, [ScriptName]) for hosts that copy them
// into their own asset pipeline instead of mounting a [Handler].
func Files() fs.FS { return embedded }

// Handler serves the renderer's files. The URL of each file carries the [Handler.Version],
// a digest of the files' content, so browsers may cache it for a year and a new release
// changes the URL:
//
//	/VERSION/inboxkit-card.js   Cache-Control: public, max-age=31536000, immutable
//	/inboxkit-card.js           Cache-Control: no-cache (revalidated by ETag)
//
// Another version's path is 404, so that a stale page never caches today's file under an
// old name. Only GET and HEAD are served. A Handler is safe for concurrent use by multiple
// goroutines.
type Handler struct {
	version string
	files   map[string][]byte
}

// NewHandler returns a Handler serving the embedded renderer. Mount it under a prefix with
// [http.StripPrefix] and link the script with [Handler.ScriptPath].
func NewHandler() *Handler {
	h, err := newHandler(embedded)
	if err != nil {
		// The files are compiled in; reading them cannot fail. Serve nothing rather than panic.
		return &Handler{version: "0", files: map[string][]byte{}}
	}
	return h
}

// newHandler reads every regular file at the root of fsys and names the version after
// their content.
func newHandler(fsys fs.FS) (*Handler, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	files := make(map[string][]byte, len(entries))
	sum := sha256.New()
	for _, e := range entries { // ReadDir sorts by name, so the digest is stable
		if !e.Type().IsRegular() {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
		sum.Write([]byte(e.Name()))
		sum.Write([]byte{0})
		sum.Write(b)
		sum.Write([]byte{0})
	}
	return &Handler{version: hex.EncodeToString(sum.Sum(nil))[:12], files: files}, nil
}

// Version is the content digest (12 hex digits) in the files' URLs.
func (h *Handler) Version() string { return h.version }

// ScriptPath is the path of the module relative to the Handler's mount point, with the
// version: "VERSION/inboxkit-card.js". A page includes it as
//
//	<script type="module" src="/assets/card/VERSION/inboxkit-card.js"></script>
func (h *Handler) ScriptPath() string { return h.version + "/" + ScriptName }

// ServeHTTP serves a file. Responses carry an ETag, honour If-None-Match and Range, are
// marked nosniff, and allow any origin to load them (they are public code; a host serving
// them from a CDN needs CORS for module scripts).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	cache := "no-cache"
	if dir, name, ok := strings.Cut(p, "/"); ok {
		if dir != h.version {
			http.NotFound(w, r)
			return
		}
		p, cache = name, "public, max-age=31536000, immutable"
	}
	b, ok := h.files[p]
	if !ok || strings.Contains(p, "/") {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", contentType(p))
	hdr.Set("Cache-Control", cache)
	hdr.Set("ETag", `"`+h.version+`"`)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Access-Control-Allow-Origin", "*")
	http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(b))
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	default:
		return "application/octet-stream"
	}
}
