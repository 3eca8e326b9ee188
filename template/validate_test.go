package template

import (
	"encoding/json"
	"strings"
	"testing"
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
