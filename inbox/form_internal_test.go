package inbox

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormJSON(t *testing.T) {
	t.Parallel()
	got, err := formJSON([]byte("Body=caf%C3%A9+%3Cb%3E&MediaUrl0=https%3A%2F%2Fx.test%2Fa&Tag=a&Tag=b&Bad=%FF&Empty="))
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(got, &obj); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Body": "café <b>", "MediaUrl0": "https://x.test/a", "Tag": []any{"a", "b"}, "Bad": "\ufffd", "Empty": ""}
	if diff := cmp.Diff(want, obj); diff != "" {
		t.Errorf("formJSON (-want +got):\n%s", diff)
	}
	for name, body := range map[string]string{
		"bad escape":  "a=%zz",
		"many fields": strings.Repeat("a=1&", maxFormFields+1),
	} {
		if _, err := formJSON([]byte(body)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: formJSON error = %v; want ErrMalformed", name, err)
		}
	}
	for ct, want := range map[string]bool{
		"application/x-www-form-urlencoded":                true,
		"Application/X-WWW-Form-Urlencoded; charset=UTF-8": true,
		"application/json":                                 false,
		"":                                                 false,
		"application/x-www-form-urlencoded;;":              false,
	} {
		if got := isForm(ct); got != want {
			t.Errorf("isForm(%q) = %v; want %v", ct, got, want)
		}
	}
}

// FuzzFormJSON: a form body either fails with ErrMalformed or becomes a
// valid JSON object holding exactly the form's values.
func FuzzFormJSON(f *testing.F) {
	for _, s := range []string{"Body=hi&From=%2B14155550101", "a=1&a=2&b", "%zz", "a.b=1&*=2&%22=%5C", "Body=%E2%80%AE%00", ";", "=&=&="} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 64<<10 {
			return
		}
		got, err := formJSON(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("formJSON error %v does not wrap ErrMalformed", err)
			}
			return
		}
		var obj map[string]any
		if err := json.Unmarshal(got, &obj); err != nil {
			t.Fatalf("formJSON(%q) = %s: not a JSON object: %v", body, got, err)
		}
		vals, _ := url.ParseQuery(string(body))
		n := 0
		for _, v := range obj {
			if s, ok := v.([]any); ok {
				n += len(s)
			} else {
				n++
			}
		}
		want := 0
		for _, vs := range vals {
			want += len(vs)
		}
		if n != want {
			t.Fatalf("formJSON(%q) holds %d values; the form has %d", body, n, want)
		}
	})
}
