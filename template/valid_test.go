package template_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/template"
)

func TestValidate(t *testing.T) {
	deep := strings.Repeat("[", template.DefaultMaxDepth+1) + strings.Repeat("]", template.DefaultMaxDepth+1)
	atLimit := strings.Repeat("[", template.DefaultMaxDepth) + strings.Repeat("]", template.DefaultMaxDepth)
	tests := []struct {
		data string
		want error
	}{
		{`{"a":[1,2,{"b":null}],"c":"\u00e9"}`, nil},
		{`"x"`, nil},
		{` 12.5e-3 `, nil},
		{atLimit, nil},
		{``, template.ErrInvalidJSON},
		{`{"a":1,}`, template.ErrInvalidJSON},
		{`{"a":1}{"b":2}`, template.ErrInvalidJSON},
		{`{"a":"\x"}`, template.ErrInvalidJSON},
		{`[1,2`, template.ErrInvalidJSON},
		{`nul`, template.ErrInvalidJSON},
		{deep, template.ErrTooDeep},
		{strings.Repeat("[", 3_000_000), template.ErrTooDeep}, // one linear scan, never the stack
	}
	for _, tt := range tests {
		if err := template.Validate([]byte(tt.data)); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
			t.Errorf("Validate(%.40q) = %v, want %v", tt.data, err, tt.want)
		}
	}
}

// FuzzValidateJSON checks Validate against encoding/json's Valid on shallow documents.
func FuzzValidateJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c"}]}`, `[]`, `"\ud800"`, `{"a":1,}`, `-0.0e+1`, "[\"\x01\"]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := template.Validate(data)
		if errors.Is(err, template.ErrTooDeep) {
			return
		}
		if got, want := err == nil, json.Valid(data); got != want {
			t.Fatalf("Validate(%q) = %v, json.Valid = %v", data, err, want)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	data := []byte(`{"customer":{"id":"cus_1","name":"Ada Lovelace","tier":"Gold","ltv":2850.5,"tags":["vip","eu"]},"orders":[{"id":"A-1","total":42,"shipped":true},{"id":"A-2","total":7.5,"shipped":false}]}`)
	b.Run("template.Validate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if template.Validate(data) != nil {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if !json.Valid(data) {
				b.Fatal("invalid")
			}
		}
	})
}
