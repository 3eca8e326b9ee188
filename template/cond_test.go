package template_test

import (
	"testing"
)

func TestConditions(t *testing.T) {
	data := `{"s":"Gold","n":42,"ns":"42.0","big":123456789012345678901234567890,"f":false,"z":0,"e":"","nul":null,
		"arr":[1,"two",{"k":3}],"ea":[],"eo":{},"o":{"k":"v"},"date":"2024-01-15"}`
	tests := []struct {
		when string
		want bool
	}{
		{`{"path":"s","op":"exists"}`, true},
		{`{"path":"missing","op":"exists"}`, false},
		{`{"path":"nul","op":"exists"}`, true},
		{`{"path":"missing","op":"empty"}`, true},
		{`{"path":"nul","op":"empty"}`, true},
		{`{"path":"e","op":"empty"}`, true},
		{`{"path":"ea","op":"empty"}`, true},
		{`{"path":"eo","op":"empty"}`, true},
		{`{"path":"z","op":"empty"}`, false},
		{`{"path":"o","op":"empty"}`, false},
		{`{"path":"s","op":"truthy"}`, true},
		{`{"path":"f","op":"truthy"}`, false},
		{`{"path":"z","op":"truthy"}`, false},
		{`{"path":"e","op":"truthy"}`, false},
		{`{"path":"ea","op":"truthy"}`, false},
		{`{"path":"arr","op":"truthy"}`, true},
		{`{"path":"missing","op":"truthy"}`, false},
		{`{"path":"s","op":"eq","value":"Gold"}`, true},
		{`{"path":"s","op":"eq","value":"gold"}`, false},
		{`{"path":"n","op":"eq","value":42}`, true},
		{`{"path":"n","op":"eq","value":"42"}`, true},
		{`{"path":"ns","op":"eq","value":42}`, true},
		{`{"path":"n","op":"eq","value":42.0000000000000001}`, false},
		{`{"path":"f","op":"eq","value":false}`, true},
		{`{"path":"nul","op":"eq","value":null}`, true},
		{`{"path":"o","op":"eq","value":{"k":"v"}}`, true},
		{`{"path":"s","op":"ne","value":"Silver"}`, true},
		{`{"path":"missing","op":"ne","value":"x"}`, true},
		{`{"path":"missing","op":"eq","value":null}`, false},
		{`{"path":"n","op":"gt","value":41.999}`, true},
		{`{"path":"n","op":"gte","value":42}`, true},
		{`{"path":"n","op":"lt","value":42}`, false},
		{`{"path":"n","op":"lte","value":"42"}`, true},
		{`{"path":"big","op":"gt","value":123456789012345678901234567889}`, true},
		{`{"path":"big","op":"lt","value":1e30}`, true},
		{`{"path":"date","op":"gte","value":"2024-01-01"}`, true},
		{`{"path":"date","op":"lt","value":"2023-12-31"}`, false},
		{`{"path":"s","op":"gt","value":1}`, false},
		{`{"path":"s","op":"in","value":["Silver","Gold"]}`, true},
		{`{"path":"n","op":"in","value":[1,"42"]}`, true},
		{`{"path":"s","op":"in","value":[]}`, false},
		{`{"path":"s","op":"contains","value":"ol"}`, true},
		{`{"path":"arr","op":"contains","value":"two"}`, true},
		{`{"path":"arr","op":"contains","value":1}`, true},
		{`{"path":"arr","op":"contains","value":{"k":3}}`, true},
		{`{"path":"arr","op":"contains","value":"tw"}`, false},
		{`{"path":"n","op":"contains","value":"4"}`, true},
		{`{"path":"s","op":"starts_with","value":"Go"}`, true},
		{`{"path":"s","op":"ends_with","value":"ld"}`, true},
		{`{"path":"s","op":"ends_with","value":"Go"}`, false},
		{`{"path":"s","op":"matches","value":"^G[a-z]+$"}`, true},
		{`{"path":"o","op":"matches","value":".*"}`, false},
		{`{"path":"arr.2.k","op":"eq","value":3}`, true},
		{`{"path":"arr.#","op":"eq","value":3}`, true},
		{`{"path":"$root.s","op":"exists"}`, true},
		{`{"all":[{"path":"s","op":"exists"},{"path":"n","op":"gt","value":40}]}`, true},
		{`{"all":[{"path":"s","op":"exists"},{"path":"n","op":"gt","value":50}]}`, false},
		{`{"any":[{"path":"missing","op":"exists"},{"path":"n","op":"gt","value":40}]}`, true},
		{`{"any":[{"path":"missing","op":"exists"},{"path":"f","op":"truthy"}]}`, false},
		{`{"not":{"path":"missing","op":"exists"}}`, true},
		{`{"not":{"any":[{"all":[{"path":"s","op":"eq","value":"Gold"}]}]}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.when, func(t *testing.T) {
			t.Parallel()
			tp := mustParse(t, `{"version":1,"sections":[{"type":"divider","when":`+tt.when+`},
				{"type":"keyvalue","items":[{"label":"x","value":"1","when":`+tt.when+`}]}]}`)
			out, err := tp.Render([]byte(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			shown := len(out.Nodes) == 2
			itemShown := len(out.Nodes[len(out.Nodes)-1].Items) == 1
			if shown != tt.want || itemShown != tt.want {
				t.Errorf("section shown %v, field shown %v, want %v", shown, itemShown, tt.want)
			}
		})
	}
}
