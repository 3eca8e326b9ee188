package template

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// FuzzValidate checks the iterative validator against encoding/json.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `1`, `-0.5e+3`, `"a\u00e9\n"`, `{"a":[1,{"b":null}],"c":true}`, `[1,]`, `{"a"}`, `01`, `"\x"`, `[`, ` `, `nul`, `{"a":1}x`, "\"\x01\"", `1.`, `-`, `[1 2]`, `{"a":1,}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := validate(b, 10000)
		if (err == nil) != json.Valid(b) {
			t.Fatalf("validate(%q) = %v, json.Valid = %v", b, err, json.Valid(b))
		}
	})
}

func TestValidateDepth(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want error
	}{
		{`[[1]]`, 2, nil},
		{`[[[1]]]`, 2, ErrTooDeep},
		{`{"a":{"b":{}}}`, 2, ErrTooDeep},
		{`"[[[[["`, 1, nil},
		{strings.Repeat("[", 100), 200, ErrInvalidJSON},
		{`[1,{"a":"]"}]`, 2, nil},
	} {
		if got := validate([]byte(tt.in), tt.max); got != tt.want {
			t.Errorf("validate(%s, %d) = %v, want %v", tt.in, tt.max, got, tt.want)
		}
	}
}

// FuzzScanRows checks the one-pass row scanner against gjson.
func FuzzScanRows(f *testing.F) {
	for _, s := range []string{`[{"a":1,"b":"x"},{"b":"y\"z","a":[1,{"a":2}]},3,"s",null,{"a\u0062":true,"a":false,"a":1}]`, `[]`, `[ { } , [ ] ]`, `[{"b":{"a":"]"},"a":-1.5e3}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if validate([]byte(s), 64) != nil || !gjson.Parse(s).IsArray() {
			return
		}
		arr := gjson.Parse(s)
		arr.Raw = strings.TrimSpace(arr.Raw)
		var want []gjson.Result
		arr.ForEach(func(_, v gjson.Result) bool {
			want = append(want, v)
			return true
		})
		keys := []string{"a", "b"}
		vals := make([]gjson.Result, 2)
		i := 0
		forEachRow(arr.Raw, keys, vals, func(row gjson.Result) bool {
			if i >= len(want) {
				t.Fatalf("more rows than gjson: %q", row.Raw)
			}
			if row.Raw != want[i].Raw || row.Type != want[i].Type || row.Str != want[i].Str {
				t.Fatalf("row %d = %+v, gjson %+v", i, row, want[i])
			}
			if row.IsObject() {
				for k, key := range keys {
					g := row.Get(key)
					if vals[k].Raw != g.Raw || vals[k].Type != g.Type || vals[k].Str != g.Str {
						t.Fatalf("row %d key %q = %+v, gjson %+v", i, key, vals[k], g)
					}
				}
			}
			i++
			return true
		})
		if i != len(want) {
			t.Fatalf("%d rows, gjson %d", i, len(want))
		}
	})
}

// FuzzIndex checks indexed lookups against gjson.Get.
func FuzzIndex(f *testing.F) {
	for _, s := range []string{`{"a":{"b":[1,2]},"b":[{"x":1}],"a":2,"c":"s"}`, `{}`, `{"a\u002eb":1,"a":{"b":"y"}}`, `{"c":[1,2,3],"b":{"0":"zero"}}`} {
		f.Add(s)
	}
	// More keys than the linear search takes: the index uses a map.
	var many strings.Builder
	many.WriteString(`{"c":[1]`)
	for i := range 70 {
		fmt.Fprintf(&many, `,"k%d":%d`, i, i)
	}
	many.WriteString(`,"a":{"b":[5,6]},"x":true}`)
	f.Add(many.String())
	f.Add(strings.Replace(many.String(), `"k69"`, `"k3"`, 1)) // a duplicate beyond the linear part
	paths := []string{"a", "a.b", "a.b.1", "b.0", "b.0.x", "c.#", "b.#.x", "c", "x", "a\\.b"}
	f.Fuzz(func(t *testing.T, s string) {
		if validate([]byte(s), 64) != nil {
			return
		}
		root := gjson.Parse(s)
		if !root.IsObject() {
			return
		}
		var idx objIndex
		if !idx.build(strings.TrimSpace(root.Raw)) {
			return
		}
		for _, ps := range paths {
			p, err := compilePath(ps, false)
			if err != nil {
				t.Fatal(err)
			}
			got, want := p.getIndexed(&idx, root, nil), gjson.Get(s, ps)
			if got.Raw != want.Raw || got.Type != want.Type || got.Str != want.Str {
				t.Fatalf("path %q in %s: got %+v, gjson %+v", ps, s, got, want)
			}
		}
	})
}
