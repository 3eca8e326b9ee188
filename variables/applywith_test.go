package variables_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inboxkit/inboxkit/variables"
)

// zoneResolver is a resolver that carries per-expansion context for its filters.
type zoneResolver struct {
	variables.Map
	zone string
}

func TestFilterApplyWith(t *testing.T) {
	t.Parallel()
	opts := &variables.Options{Filters: map[string]variables.Filter{
		// in appends the zone of the resolver the expansion runs with, or "?" for another one.
		"in": {ApplyWith: func(r variables.Resolver, v, _ string) (string, error) {
			if zr, ok := r.(*zoneResolver); ok {
				return v + "@" + zr.zone, nil
			}
			return v + "@?", nil
		}},
	}}
	tmpl, err := variables.Compile(`{{ t | in | upper }} / {{ u | default:"none" | in }}`, variables.Text, opts)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		r    variables.Resolver
		want string
	}{
		{"own resolver", &zoneResolver{Map: variables.Map{"t": "noon"}, zone: "utc"}, "NOON@UTC / none@utc"},
		{"other resolver", variables.Map{"t": "noon", "u": "x"}, "NOON@? / x@?"},
		{"nil resolver", nil, "@? / none@?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tmpl.Expand(tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Expand mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilterWithoutFunction(t *testing.T) {
	t.Parallel()
	_, err := variables.Compile("{{v | x}}", variables.Text, &variables.Options{Filters: map[string]variables.Filter{"x": {Arg: variables.ArgOptional}}})
	if err == nil || !strings.Contains(err.Error(), "no Apply or ApplyWith") {
		t.Fatalf("Compile with an empty filter: error = %v, want one naming Apply and ApplyWith", err)
	}
}
