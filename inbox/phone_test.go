package inbox_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, cc, want string
		wantErr            error
	}{
		{"e164", "+14155550101", "", "+14155550101", nil},
		{"separators", " +1 (415) 555-0101 ", "", "+14155550101", nil},
		{"dots and slash", "+44 20/7946.0958", "", "+442079460958", nil},
		{"00 prefix", "0044 20 7946 0958", "", "+442079460958", nil},
		{"national UK trunk 0", "020 7946 0958", "44", "+442079460958", nil},
		{"national US", "(415) 555-0101", "1", "+14155550101", nil},
		{"national US with trunk 1", "1 415 555 0101", "1", "+14155550101", nil},
		{"national Italy keeps 0", "06 6982 1234", "39", "+390669821234", nil},
		{"00 wins over default", "0033 1 23 45 67 89", "44", "+33123456789", nil},
		{"plus ignores default", "+33 1 23 45 67 89", "44", "+33123456789", nil},
		{"national without default", "020 7946 0958", "", "", inbox.ErrPhoneNational},
		{"bad default", "020 7946 0958", "+44", "", inbox.ErrCallingCode},
		{"default with leading zero", "020 7946 0958", "044", "", inbox.ErrCallingCode},
		{"default too long", "020 7946 0958", "4444", "", inbox.ErrCallingCode},
		{"letters", "+1 800 FLOWERS", "", "", inbox.ErrPhoneSyntax},
		{"extension", "+1 415 555 0101 x12", "", "", inbox.ErrPhoneSyntax},
		{"inner plus", "1+4155550101", "", "", inbox.ErrPhoneSyntax},
		{"email", "ada@example.com", "", "", inbox.ErrPhoneSyntax},
		{"CRLF", "+14155550101\r\nX: y", "", "", inbox.ErrPhoneSyntax},
		{"too short", "+1 555", "", "", inbox.ErrPhoneLength},
		{"too long", "+1234567890123456", "", "", inbox.ErrPhoneLength},
		{"plus zero", "+0 20 7946 0958", "", "", inbox.ErrPhoneLength},
		{"empty", "", "1", "", inbox.ErrPhoneLength},
		{"huge", strings.Repeat("1", 10_000), "1", "", inbox.ErrPhoneLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := inbox.NormalizePhone(tt.in, tt.cc)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q, %v", tt.in, tt.cc, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// FuzzNormalizePhone: never a panic; a result is E.164 and a fixed point.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+14155550101", "0044 20 7946 0958", "020 7946 0958", "1 415 555 0101", "+", "00", "(((", "٣٤٥"} {
		f.Add(s, "44")
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, in, cc string) {
		got, err := inbox.NormalizePhone(in, cc)
		if err != nil {
			if got != "" {
				t.Fatalf("NormalizePhone(%q, %q) = %q with error %v", in, cc, got, err)
			}
			return
		}
		if len(got) < 9 || len(got) > 16 || got[0] != '+' || got[1] == '0' || strings.Trim(got[1:], "0123456789") != "" {
			t.Fatalf("NormalizePhone(%q, %q) = %q; not E.164", in, cc, got)
		}
		if again, err := inbox.NormalizePhone(got, ""); again != got || err != nil {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want a fixed point", got, again, err)
		}
	})
}
