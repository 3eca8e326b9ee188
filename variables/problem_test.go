package variables_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/variables"
)

func TestSyntaxErrorProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		opts *variables.Options
		want variables.Problem
	}{
		{"syntax", "a {{ b", nil, variables.Problem{Path: "/url", Code: variables.CodeSyntax}},
		{"unknown name", "{{contact.nope}}", &variables.Options{Names: []string{"contact.email"}}, variables.Problem{Path: "/url", Code: variables.CodeUnknownVariable}},
		{"unknown filter", "{{contact.email | shout}}", nil, variables.Problem{Path: "/url", Code: variables.CodeUnknownFilter}},
		{"header only", "{{secret.token}}", &variables.Options{HeaderOnly: []string{"secret."}}, variables.Problem{Path: "/url", Code: variables.CodeHeaderOnly}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := variables.Compile(tt.src, variables.Text, tt.opts)
			se, ok := errors.AsType[*variables.SyntaxError](err)
			if !ok {
				t.Fatalf("Compile(%q) error = %v, want a *SyntaxError", tt.src, err)
			}
			got := se.Problem("/url")
			if got.Message == "" {
				t.Errorf("Problem().Message is empty")
			}
			got.Message = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Problem() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPointerToken(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"a": "a", "a/b": "a~1b", "~x/": "~0x~1", "": ""} {
		if got := variables.PointerToken(in); got != want {
			t.Errorf("PointerToken(%q) = %q, want %q", in, got, want)
		}
	}
}
