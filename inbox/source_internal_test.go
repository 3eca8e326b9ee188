package inbox

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// FuzzGJSONPointer checks that the pointer reported for a mapping path is
// where gjson actually reads: a document holding a value at the pointer
// (built with encoding/json) gives that value back through the gjson path.
func FuzzGJSONPointer(f *testing.F) {
	for _, s := range []string{"data.email", `a\.b.c`, "items.0.url", "a~b/c", `x\\y`, "a..b", "a.#.b", `a.b\`, "é.ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		ptr, ok := gjsonPointer(path)
		if !ok {
			return
		}
		if !strings.HasPrefix(ptr, "/") {
			t.Fatalf("gjsonPointer(%q) = %q; want a pointer", path, ptr)
		}
		tokens := strings.Split(ptr[1:], "/")
		var v any = "leaf"
		for i := len(tokens) - 1; i >= 0; i-- {
			tok := strings.NewReplacer("~1", "/", "~0", "~").Replace(tokens[i])
			v = map[string]any{tok: v}
		}
		doc, err := json.Marshal(v)
		if err != nil {
			return // a token that is not valid UTF-8
		}
		if got := gjson.GetBytes(doc, path); got.String() != "leaf" {
			t.Errorf("gjsonPointer(%q) = %q, but gjson reads %q from %s", path, ptr, got.Raw, doc)
		}
	})
}

// FuzzEventKey checks that distinct (type, message id) pairs never share a
// key, whatever separators they contain.
func FuzzEventKey(f *testing.F) {
	f.Add("a/m/b", "c", "a", "b/m/c")
	f.Add("100%", "x", "100%25", "x")
	f.Add("order.placed", "o-1", "order.shipped", "o-1")
	f.Fuzz(func(t *testing.T, type1, id1, type2, id2 string) {
		if id1 == "" || id2 == "" || (type1 == type2 && id1 == id2) {
			return
		}
		k1 := (&Event{Source: "s", Type: type1, MessageID: id1}).Key()
		k2 := (&Event{Source: "s", Type: type2, MessageID: id2}).Key()
		if k1 == k2 {
			t.Errorf("(%q, %q) and (%q, %q) share the key %q", type1, id1, type2, id2, k1)
		}
	})
}
