package webcard_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/inboxkit/inboxkit/template/webcard"
)

// A host mounts the renderer under a prefix of its choice and links the versioned script
// from its pages.
func Example() {
	cards := webcard.NewHandler()
	mux := http.NewServeMux()
	mux.Handle("/assets/card/", http.StripPrefix("/assets/card", cards))

	src := "/assets/card/" + cards.ScriptPath()
	// The version is a digest of the file; it changes with every release of the renderer.
	fmt.Printf("<script type=\"module\" src=%q></script>\n", strings.Replace(src, cards.Version(), "VERSION", 1))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", src, nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
	// Output:
	// <script type="module" src="/assets/card/VERSION/inboxkit-card.js"></script>
	// 200 text/javascript; charset=utf-8 public, max-age=31536000, immutable
}
