package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// validAction is an action every case of TestActionValidation edits.
func validAction() Action {
	return Action{
		Name: "refund", Label: "Refund", URL: "https://shop.example.com/orders/{{input.order}}/refunds",
		Body: `{"amount": "{{input.amount}}"}`,
		Fields: []ActionField{
			{Name: "order", Label: "Order", Type: FieldText, Required: true},
			{Name: "amount", Label: "Amount", Type: FieldNumber, Min: new(0.0)},
		},
	}
}

func TestActionValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(in *Integration)
		want []Problem
	}{
		{"valid", func(in *Integration) {}, nil},
		{"name", func(in *Integration) { in.Actions[0].Name = "Refund!" },
			[]Problem{{Path: "/actions/0/name", Code: CodeInvalid}}},
		{"duplicate name", func(in *Integration) { in.Actions = append(in.Actions, validAction()) },
			[]Problem{{Path: "/actions/1/name", Code: CodeDuplicate}}},
		{"too many", func(in *Integration) {
			for range MaxActions {
				in.Actions = append(in.Actions, validAction())
			}
		}, []Problem{{Path: "/actions", Code: CodeOutOfRange}}},
		{"label", func(in *Integration) { in.Actions[0].Label = " " }, []Problem{{Path: "/actions/0/label", Code: CodeRequired}}},
		{"long label", func(in *Integration) { in.Actions[0].Label = strings.Repeat("é", 65) },
			[]Problem{{Path: "/actions/0/label", Code: CodeInvalid}}},
		{"confirm with a line break", func(in *Integration) { in.Actions[0].Confirm = "Sure?\nReally?" },
			[]Problem{{Path: "/actions/0/confirm", Code: CodeInvalid}}},
		{"label with a bidi override", func(in *Integration) { in.Actions[0].Label = "Refund \u202e005$" },
			[]Problem{{Path: "/actions/0/label", Code: CodeInvalid}}},
		{"option with a zero-width space", func(in *Integration) {
			in.Actions[0].Fields[1] = ActionField{Name: "amount", Label: "A", Type: FieldSelect, Options: []string{"a\u200b"}}
		}, []Problem{{Path: "/actions/0/fields/1/options/0", Code: CodeInvalid}}},
		{"emoji and joiners are text", func(in *Integration) { in.Actions[0].Label = "Refund 👩\u200d💻 ✓" }, nil},
		{"method", func(in *Integration) { in.Actions[0].Method = "TRACE" },
			[]Problem{{Path: "/actions/0/method", Code: CodeBadMethod}}},
		{"body on GET", func(in *Integration) { in.Actions[0].Method = MethodGet },
			[]Problem{{Path: "/actions/0/body", Code: CodeBodyNotAllowed}}},
		{"field type", func(in *Integration) { in.Actions[0].Fields[1].Type = "money" },
			[]Problem{{Path: "/actions/0/fields/1/type", Code: CodeInvalid}}},
		{"field name", func(in *Integration) { in.Actions[0].Fields[1].Name = "order" }, []Problem{
			{Path: "/actions/0/fields/1/name", Code: CodeDuplicate},
			{Path: "/actions/0/body", Code: CodeUnknownVariable}}},
		{"undefined input", func(in *Integration) { in.Actions[0].Body = `{"amount": "{{input.amout}}"}` },
			[]Problem{{Path: "/actions/0/body", Code: CodeUnknownVariable}}},
		{"input outside its action", func(in *Integration) { in.URL = "https://shop.example.com/{{input.order}}" },
			[]Problem{{Path: "/url", Code: CodeUnknownVariable}}},
		// An unticked box is "false": Required on a boolean would demand nothing.
		{"required boolean", func(in *Integration) {
			in.Actions[0].Fields[1] = ActionField{Name: "amount", Label: "Consent", Type: FieldBoolean, Required: true}
		}, []Problem{{Path: "/actions/0/fields/1/required", Code: CodeInvalid}}},
		{"optional input as a path segment", func(in *Integration) { in.Actions[0].Fields[0].Required = false },
			[]Problem{{Path: "/actions/0/fields/0/required", Code: CodeRequired}}},
		{"select without options", func(in *Integration) {
			in.Actions[0].Fields[1] = ActionField{Name: "amount", Label: "A", Type: FieldSelect}
		},
			[]Problem{{Path: "/actions/0/fields/1/options", Code: CodeOutOfRange}}},
		{"options of a text field", func(in *Integration) { in.Actions[0].Fields[0].Options = []string{"a"} },
			[]Problem{{Path: "/actions/0/fields/0/options", Code: CodeInvalid}}},
		{"duplicate option", func(in *Integration) {
			in.Actions[0].Fields[1] = ActionField{Name: "amount", Label: "A", Type: FieldSelect, Options: []string{"a", "a"}}
		}, []Problem{{Path: "/actions/0/fields/1/options/1", Code: CodeDuplicate}}},
		{"min above max", func(in *Integration) { in.Actions[0].Fields[1].Max = new(-1.0) },
			[]Problem{{Path: "/actions/0/fields/1/max", Code: CodeOutOfRange}}},
		{"min of a text field", func(in *Integration) { in.Actions[0].Fields[0].Min = new(1.0) },
			[]Problem{{Path: "/actions/0/fields/0/min", Code: CodeInvalid}}},
		{"max_length of a number", func(in *Integration) { in.Actions[0].Fields[1].MaxLength = 5 },
			[]Problem{{Path: "/actions/0/fields/1/max_length", Code: CodeInvalid}}},
		{"max_length over the cap", func(in *Integration) { in.Actions[0].Fields[0].MaxLength = MaxFieldLength + 1 },
			[]Problem{{Path: "/actions/0/fields/0/max_length", Code: CodeOutOfRange}}},
		{"default out of range", func(in *Integration) { in.Actions[0].Fields[1].Default = "-5" },
			[]Problem{{Path: "/actions/0/fields/1/default", Code: CodeOutOfRange}}},
		{"secret header", func(in *Integration) {
			in.Actions[0].Headers = []Header{{Name: "Authorization", Value: "x", Secret: true}}
		}, []Problem{{Path: "/actions/0/headers/0/secret", Code: CodeInvalid}}},
		{"secret to another host", func(in *Integration) {
			in.Actions[0].URL = "https://evil.example.net/{{input.order}}"
			in.Actions[0].Headers = []Header{{Name: "Authorization", Value: "Bearer {{secret.token}}"}}
		}, []Problem{{Path: "/actions/0/url", Code: CodeInvalid}}},
		{"secret to the same host", func(in *Integration) {
			in.Actions[0].Headers = []Header{{Name: "Authorization", Value: "Bearer {{secret.token}}"}}
		}, nil},
		{"undefined secret", func(in *Integration) {
			in.Actions[0].Headers = []Header{{Name: "Authorization", Value: "Bearer {{secret.nope}}"}}
		}, []Problem{{Path: "/actions/0/headers/0/value", Code: CodeUndefinedSecret}}},
		{"result path with a filter", func(in *Integration) { in.Actions[0].ResultPath = "message | upper" },
			[]Problem{{Path: "/actions/0/result_path", Code: CodeInvalid}}},
		{"result path with braces", func(in *Integration) { in.Actions[0].ResultPath = "a}}{{b" },
			[]Problem{{Path: "/actions/0/result_path", Code: CodeInvalid}}},
		{"result path outside the allow-list", func(in *Integration) { in.Actions[0].ResultPath = "items.#(id==1)" },
			[]Problem{{Path: "/actions/0/result_path", Code: CodeInvalid}}},
		{"result path", func(in *Integration) { in.Actions[0].ResultPath = "data.refund.note" }, nil},
		{"result path longer than the schema allows", func(in *Integration) { in.Actions[0].ResultPath = "data." + strings.Repeat("m", 252) },
			[]Problem{{Path: "/actions/0/result_path", Code: CodeInvalid}}},
		{"result path as long as the schema allows", func(in *Integration) { in.Actions[0].ResultPath = "data." + strings.Repeat("m", 251) }, nil},
		{"URL", func(in *Integration) { in.Actions[0].URL = "ftp://shop.example.com" },
			[]Problem{{Path: "/actions/0/url", Code: CodeBadURL}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := &Integration{Name: "Shop", URL: "https://shop.example.com/customers", Actions: []Action{validAction()},
				Secrets: []Secret{{Name: "token", Value: "tok"}}}
			tt.edit(in)
			var got []Problem
			if ve, ok := errors.AsType[*ValidationError](in.Validate()); ok {
				got = ve.Problems
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Problem{}, "Message")); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestActionInputs(t *testing.T) {
	t.Parallel()
	field := func(typ string, edit func(*ActionField)) []ActionField {
		f := ActionField{Name: "v", Label: "Value", Type: typ}
		if edit != nil {
			edit(&f)
		}
		return []ActionField{f}
	}
	tests := []struct {
		name   string
		fields []ActionField
		in     string
		want   string // the value sent; "" with code
		code   string
	}{
		{"text", field(FieldText, nil), "  Hello, wörld  ", "  Hello, wörld  ", ""},
		{"text tab", field(FieldText, nil), "a\tb", "a\tb", ""},
		{"text line break", field(FieldText, nil), "a\nb", "", CodeInvalidValue},
		{"text NUL", field(FieldText, nil), "a\x00b", "", CodeInvalidValue},
		{"text DEL", field(FieldText, nil), "a\x7fb", "", CodeInvalidValue},
		{"text invalid UTF-8", field(FieldText, nil), "a\xffb", "", CodeInvalidValue},
		{"text default cap", field(FieldText, nil), strings.Repeat("x", 256), "", CodeTooLong},
		{"text at the cap", field(FieldText, nil), strings.Repeat("é", 255), strings.Repeat("é", 255), ""},
		{"text own cap", field(FieldText, func(f *ActionField) { f.MaxLength = 3 }), "abcd", "", CodeTooLong},
		{"textarea CRLF", field(FieldTextarea, nil), "a\r\nb\nc", "a\nb\nc", ""},
		{"textarea lone CR", field(FieldTextarea, nil), "a\rb", "", CodeInvalidValue},
		{"textarea default cap", field(FieldTextarea, nil), strings.Repeat("x", 2001), "", CodeTooLong},
		{"number", field(FieldNumber, nil), " -12.50 ", "-12.50", ""},
		{"number exponent", field(FieldNumber, nil), "1e3", "", CodeInvalidValue},
		{"number hex", field(FieldNumber, nil), "0x10", "", CodeInvalidValue},
		{"number NaN", field(FieldNumber, nil), "NaN", "", CodeInvalidValue},
		{"number dot", field(FieldNumber, nil), "1.", "", CodeInvalidValue},
		{"number huge", field(FieldNumber, nil), strings.Repeat("9", 40), "", CodeInvalidValue},
		{"number below", field(FieldNumber, func(f *ActionField) { f.Min = new(1.0) }), "0.99", "", CodeOutOfRange},
		{"number above", field(FieldNumber, func(f *ActionField) { f.Max = new(100.0) }), "100.01", "", CodeOutOfRange},
		{"number bounds", field(FieldNumber, func(f *ActionField) { f.Min, f.Max = new(1.0), new(100.0) }), "100", "100", ""},
		{"email", field(FieldEmail, nil), " ada+1@example.com ", "ada+1@example.com", ""},
		{"email two @", field(FieldEmail, nil), "a@b@example.com", "", CodeInvalidValue},
		{"email no dot", field(FieldEmail, nil), "a@localhost", "", CodeInvalidValue},
		{"email header injection", field(FieldEmail, nil), "a@example.com\r\nBcc: x@example.com", "", CodeInvalidValue},
		{"email display name", field(FieldEmail, nil), "Ada <a@example.com>", "", CodeInvalidValue},
		{"phone", field(FieldPhone, nil), "+44 20 7946 0958", "+442079460958", ""},
		{"phone 00", field(FieldPhone, nil), "0044 20 7946 0958", "+442079460958", ""},
		{"phone national", field(FieldPhone, nil), "020 7946 0958", "", CodeInvalidValue},
		{"phone letters", field(FieldPhone, nil), "+44 20 CALL NOW", "", CodeInvalidValue},
		{"date", field(FieldDate, nil), "2026-02-28", "2026-02-28", ""},
		{"date invalid", field(FieldDate, nil), "2026-02-30", "", CodeInvalidValue},
		{"date form", field(FieldDate, nil), "28/02/2026", "", CodeInvalidValue},
		{"date with time", field(FieldDate, nil), "2026-02-28T10:00:00Z", "", CodeInvalidValue},
		{"select", field(FieldSelect, func(f *ActionField) { f.Options = []string{"Late", "Damaged"} }), "Damaged", "Damaged", ""},
		{"select case", field(FieldSelect, func(f *ActionField) { f.Options = []string{"Late"} }), "late", "", CodeInvalidValue},
		{"boolean", field(FieldBoolean, nil), "true", "true", ""},
		{"boolean unticked", field(FieldBoolean, nil), "", "false", ""},
		{"boolean other", field(FieldBoolean, nil), "1", "", CodeInvalidValue},
		{"missing optional", field(FieldDate, nil), "", "", ""},
		{"missing required", field(FieldText, func(f *ActionField) { f.Required = true }), "", "", CodeRequired},
		{"default", field(FieldText, func(f *ActionField) { f.Required, f.Default = true, "general" }), "", "general", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := checkInputs(tt.fields, map[string]string{"v": tt.in})
			if tt.code != "" {
				ve, ok := errors.AsType[*ValidationError](err)
				if !ok || len(ve.Problems) != 1 || ve.Problems[0].Code != tt.code || ve.Problems[0].Path != "/inputs/v" {
					t.Fatalf("checkInputs(%q) = %v, want one %s problem at /inputs/v", tt.in, err, tt.code)
				}
				if len(tt.in) > 4 && strings.Contains(ve.Problems[0].Message, strings.TrimSpace(tt.in)) {
					t.Errorf("message %q repeats the value", ve.Problems[0].Message)
				}
				return
			}
			if err != nil {
				t.Fatalf("checkInputs(%q) = %v", tt.in, err)
			}
			if got["v"] != tt.want {
				t.Errorf("checkInputs(%q) sends %q, want %q", tt.in, got["v"], tt.want)
			}
		})
	}
}

// fuzzAction is an action with a value of each field type in each position: URL path and
// query, a header, a JSON string and a whole JSON value.
var fuzzAction = &Integration{
	Name: "Fuzz", URL: "https://crm.example.com/c",
	Actions: []Action{{
		Name: "act", Label: "Act", URL: "https://crm.example.com/a/{{input.text}}/{{input.select}}?n={{input.number}}",
		Query:   []QueryParam{{Name: "e", Value: "{{input.email}}"}},
		Headers: []Header{{Name: "X-Text", Value: "{{input.area}}"}, {Name: "X-Phone", Value: "{{input.phone}}"}},
		Body:    `{"area": "{{input.area}}", "text": {{input.text}}, "date": "{{input.date}}", "b": "{{input.bool}}"}`,
		Fields: []ActionField{
			{Name: "text", Label: "T", Type: FieldText, Required: true},
			{Name: "area", Label: "A", Type: FieldTextarea},
			{Name: "number", Label: "N", Type: FieldNumber, Min: new(-10.0), Max: new(10.0)},
			{Name: "email", Label: "E", Type: FieldEmail},
			{Name: "phone", Label: "P", Type: FieldPhone},
			{Name: "date", Label: "D", Type: FieldDate},
			{Name: "select", Label: "S", Type: FieldSelect, Required: true, Options: []string{"a/b", "..", "c d"}, Default: "c d"},
			{Name: "bool", Label: "B", Type: FieldBoolean},
		},
	}},
}

// FuzzActionInputs checks that whatever an agent enters, RunAction's input check and
// expansion never panic, and an accepted value cannot change the request's structure: the URL
// keeps its host and path segments, each header stays one line, and the body is JSON with the
// template's keys.
func FuzzActionInputs(f *testing.F) {
	for _, s := range []string{"", "x", "../admin", "a/b", "\"}, \"admin\": true, \"x\": {\"", "a\r\nX-Admin: 1", "%2e%2e",
		"ada@example.com", "+44 20 7946 0958", "2026-02-28", "-3.5", "true", "..", "\u202egnp.exe", "\xff\xfe"} {
		f.Add(s, s, "1", s, s, s, s, s)
	}
	c, err := compile(fuzzAction)
	if err != nil {
		f.Fatal(err)
	}
	ac, button := &c.actions[0], &c.buttons[0]
	ain := actionIntegration(fuzzAction, 0)
	f.Fuzz(func(t *testing.T, text, area, number, email, phone, date, sel, b string) {
		inputs := map[string]string{"text": text, "area": area, "number": number, "email": email, "phone": phone,
			"date": date, "select": sel, "bool": b}
		values, err := checkInputs(button.Fields, inputs)
		if err != nil {
			if _, ok := errors.AsType[*ValidationError](err); !ok {
				t.Fatalf("checkInputs error %T %v, want a *ValidationError", err, err)
			}
			return
		}
		for name, v := range values {
			if !utf8.ValidString(v) {
				t.Fatalf("input %s accepted as invalid UTF-8 %q", name, v)
			}
		}
		v := newVars(&Contact{ID: "c1"}, nil, &Inbox{ID: "i"}, nil, nil, "t", time.Unix(0, 0), time.UTC)
		v.inputs = values
		v.secrets = redacted{}
		req, err := ac.c.build(ain, v)
		if err != nil {
			if _, ok := inputProblem(err); !ok {
				t.Fatalf("build error %v is not an input problem", err)
			}
			return
		}
		u, err := url.Parse(req.URL)
		if err != nil || u.Host != "crm.example.com" || u.Scheme != "https" {
			t.Fatalf("URL %q lost its scheme or host (%v)", req.URL, err)
		}
		if segs := strings.Split(u.EscapedPath(), "/"); len(segs) != 4 || segs[1] != "a" {
			t.Fatalf("URL %q has another path structure", req.URL)
		}
		for name, vs := range req.Header {
			for _, hv := range vs {
				if strings.ContainsAny(hv, "\r\n\x00") {
					t.Fatalf("header %s = %q is more than one line", name, hv)
				}
			}
		}
		var body map[string]any
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatalf("body %q is not JSON: %v", req.Body, err)
		}
		if keys := fmt.Sprint(len(body)); keys != "4" {
			t.Fatalf("body %q has %s keys, want the template's 4", req.Body, keys)
		}
	})
}

// FuzzActionResultMessage checks that whatever an upstream answers, the result message is
// produced without a panic, at most maxActionMessage runes (and the ellipsis), without control
// or bidi-override characters other than line breaks and tabs, and never with a secret.
func FuzzActionResultMessage(f *testing.F) {
	for _, s := range []string{`{"message": "Done"}`, `{"message": {"a": 1}}`, `{"message": ["x"]}`, `{"message": null}`,
		`{"message": "` + strings.Repeat("é", 600) + `"}`, `{"message": "a\u202eb\u0000c\r\nd tok_1"}`, `[` + strings.Repeat(`[`, 5000),
		`not json`, `{"message": 12.5e300}`} {
		f.Add([]byte(s))
	}
	var ps problems
	t := compileResultPath(&ps, "/result_path", "message")
	if t == nil {
		f.Fatal(ps)
	}
	s := &Service{loc: time.UTC}
	f.Fuzz(func(tt *testing.T, body []byte) {
		msg := s.resultMessage(t, body, time.Unix(0, 0), time.UTC, []string{"tok_1"})
		if n := utf8.RuneCountInString(msg); n > maxActionMessage+1 {
			tt.Fatalf("message of %d runes", n)
		}
		if strings.Contains(msg, "tok_1") {
			tt.Fatalf("message %q holds the secret", msg)
		}
		for _, r := range msg {
			if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				tt.Fatalf("message %q holds the control character %U", msg, r)
			}
		}
	})
}
