package integration

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzE164: the e164 filter gives "+" and 8 to 15 digits or an error, and is idempotent.
func FuzzE164(f *testing.F) {
	for _, s := range []string{"+1 (415) 555-0100", "0044 20 7946 0000", "020 7946 0000", "+12", "+1\r\n415", "٣٣٣", "+", ""} {
		f.Add(s, "44")
	}
	f.Fuzz(func(t *testing.T, v, code string) {
		if checkCallingCode(code) != nil {
			code = ""
		}
		got, err := filterE164(v, code)
		if err != nil || v == "" {
			return
		}
		digits := strings.TrimPrefix(got, "+")
		if len(got) == len(digits) || len(digits) < 8 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" || digits[0] == '0' {
			t.Fatalf("e164(%q) = %q, not E.164", v, got)
		}
		if again, err := filterE164(got, ""); err != nil || again != got {
			t.Fatalf("e164(%q) = %q, %v; not idempotent", got, again, err)
		}
	})
}

// FuzzAddDays: add_days gives a time date reads back, and shifting back undoes it.
func FuzzAddDays(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2024-03-01T00:30:00+01:00", "1700000000", "0", "yesterday", "2024-13-01"} {
		f.Add(s, 30)
	}
	f.Fuzz(func(t *testing.T, v string, n int) {
		n %= maxDays
		shifted, err := filterAddDays(v, strconv.Itoa(n))
		if err != nil || v == "" {
			return
		}
		if _, err := filterDate(shifted, "2006-01-02"); err != nil {
			t.Fatalf("add_days(%q, %d) = %q, which date cannot read: %v", v, n, shifted, err)
		}
		back, err := filterAddDays(shifted, strconv.Itoa(-n))
		if err != nil {
			t.Fatalf("add_days(%q, %d) = %v", shifted, -n, err)
		}
		t0, _, _ := parseTime(v)
		t1, _, _ := parseTime(back)
		if !t0.Equal(t1) && t0.Year() > 0 && t0.Year() < 9000 {
			t.Fatalf("add_days(add_days(%q, %d), %d) = %q", v, n, -n, back)
		}
	})
}

// FuzzStepValue: whatever an earlier step's response holds, the next step's request keeps its
// host, its path structure, one header and a JSON body with the template's keys, or is refused.
func FuzzStepValue(f *testing.F) {
	for _, s := range []string{"cus_1", "../admin", "..", "a/b?c=d#e", "x\r\nX-Admin: 1", `a"b\c`, "%2e%2e", "", "\u202e", `{"x":1}`} {
		f.Add(s)
	}
	in := &Integration{
		Name: "n", URL: "https://crm.example.com/c", Method: MethodGet,
		Steps: []Step{{
			Name: "orders", Method: MethodPost, URL: "https://shop.example.com/customers/{{steps.main.body.id}}/orders?q={{steps.main.body.id}}",
			Headers: []Header{{Name: "X-Customer", Value: "{{steps.main.body.id}}"}},
			Body:    `{"id": "{{steps.main.body.id}}", "raw": {{steps.main.body.id}}}`,
		}},
	}
	c, err := compile(in)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id string) {
		body, err := json.Marshal(map[string]string{"id": id})
		if err != nil {
			return
		}
		var sent map[string]string // invalid UTF-8 became U+FFFD in the response
		if err := json.Unmarshal(body, &sent); err != nil {
			t.Fatal(err)
		}
		id = sent["id"]
		v := newVars(&Contact{}, nil, &Inbox{}, nil, nil, "t", time.Unix(0, 0), time.UTC)
		v.steps = &stepBodies{names: []string{"main"}, bodies: []string{string(body)}}
		req, err := c.steps[0].c.build(stepIntegration(in, 0), v)
		if err != nil {
			return
		}
		u, err := url.Parse(req.URL)
		if err != nil || u.Host != "shop.example.com" || !strings.HasPrefix(u.EscapedPath(), "/customers/") ||
			!strings.HasSuffix(u.EscapedPath(), "/orders") || strings.Count(u.EscapedPath(), "/") != 3 || u.Query().Get("q") != id || u.Fragment != "" {
			t.Fatalf("id %q: URL %q", id, req.URL)
		}
		var got map[string]string
		if err := json.Unmarshal(req.Body, &got); err != nil || got["id"] != id || got["raw"] != id || len(got) != 2 {
			t.Fatalf("id %q: body %s", id, req.Body)
		}
		if h := req.Header.Values("X-Customer"); len(h) != 1 || strings.ContainsAny(h[0], "\r\n") {
			t.Fatalf("id %q: header %q", id, h)
		}
	})
}
