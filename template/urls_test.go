package template

import "testing"

// TestURLProblem pins the allow-list on spellings that an independent
// prefix check would let through: non-ASCII URLs get the same host,
// port and character checks as ASCII ones, tel: URLs carry only phone
// number characters, and mailto: URLs no escaped CR or LF outside the
// body.
func TestURLProblem(t *testing.T) {
	refused := []string{
		"https://x.example/é\"><script>alert(1)</script>", "https://é.example/\"", "https://é\"x.example/",
		"https://a!$&'()*+,;=é.example/", "https://é.example:80:80/", "https://é.example/%zz", "https://é.example/`x",
		"https://good.example\uff0fevil.example", "https://good.example\uff20evil.example", "https://ok\u3002example/",
		"https://1.2.3.4:99999/", "https://x..example/", "https://é.example@evil.example/",
		"https://é.example/#\\", "https://é.example/a\\b", "https://x.example/é\\",
		"tel:javascript:alert(1)", "tel:+1\"<b>", "tel:%0A", "tel:+1@evil.example", "tel:+1?x", "tel:+1/2",
		"mailto:a@b.example?subject=x%0D%0ABcc:evil@x.example", "mailto:a@b.example%0A", "mailto:\"<script>\"@x.example",
		"mailto:a@b.example?cc=%0a", "mailto:a@b.example?%0d=x", "mailto:a@b.example?subject=%7F",
	}
	for _, u := range refused {
		if urlProblem(u, false) == "" {
			t.Errorf("urlProblem(%q) = \"\", want a problem", u)
		}
	}
	allowed := []string{
		"https://bücher.example/straße", "https://xn--bcher-kva.example/", "https://例え.テスト/パス?q=値#frag",
		"https://x.example:65535/", "tel:+1555;ext=2", "tel:+1-555-(010)-9999", "mailto:a@b.example?subject=Hi%20there",
		"mailto:a@b.example?body=line%0D%0Aline", "mailto:a@b.example?subject=x&body=%0A",
	}
	for _, u := range allowed {
		if p := urlProblem(u, false); p != "" {
			t.Errorf("urlProblem(%q) = %q, want \"\"", u, p)
		}
	}
}
