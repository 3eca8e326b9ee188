package render

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/inboxkit/inboxkit/template"
)

// Status is the outcome of a [Card]. Its values are spelled as
// integration.Status's, so a host converts with render.Status(c.Status).
type Status string

// Card statuses.
const (
	StatusOK            Status = "ok"             // the card has data
	StatusError         Status = "error"          // the card failed; Message says why
	StatusNotApplicable Status = "not_applicable" // the card does not apply to this contact
)

// Card is one card of a profile sheet, in plain values (this package does
// not import integration, which imports template): a host fills it from
// its integration.Card.
type Card struct {
	// Title names the card, usually the integration's name.
	Title string
	// Status is the card's outcome; the zero value is StatusOK.
	Status Status
	// Output is the rendered node tree; Raw the JSON response of a card
	// without a display template. Both may be nil.
	Output *template.Output
	Raw    []byte
	// Message is an agent-safe sentence: why the card failed, why it does
	// not apply, or, on a stale card, why it could not be refreshed. It is
	// shown as given; never put an upstream body or a secret in it.
	Message string
	// Updated is when the card's data was fetched; zero hides the
	// "updated 3 min ago" note.
	Updated time.Time
	// Stale marks data past its cache duration, kept because a refresh
	// failed.
	Stale bool
}

// SheetOptions configures [Sheet]. A nil *SheetOptions means the zero
// value.
type SheetOptions struct {
	// Width is the outer width of every card in columns; zero means
	// DefaultSheetWidth. It is clamped to 30..200.
	Width int
	// Now is the time "updated 3 min ago" counts from; zero means
	// time.Now().
	Now time.Time
}

// DefaultSheetWidth is the card width of a [SheetOptions] without Width.
const DefaultSheetWidth = 64

// Sheet writes a contact's profile sheet as plain text: each card one box
// of the same width, its title and state in the top border and its
// content inside.
//
//	┌─ Customer Data ────────────────── updated 3 min ago ─┐
//	│ Customer ID          12345                           │
//	│ Lifetime Value       $2,850.00                       │
//	└──────────────────────────────────────────────────────┘
//	┌─ Loyalty Points ──────────────────────────── failed ─┐
//	│ The service failed (HTTP 503).                       │
//	└──────────────────────────────────────────────────────┘
//
// The card's title takes the place of the title of the template's first
// section, which would only repeat it; later sections' titles are
// headings, as [Text] draws them inside a box. A failed or not-applicable
// card shows its Message; a stale card shows its data under a line saying
// it could not be refreshed. Raw JSON is indented. Lines are wrapped or
// cut with "…" to fit.
func Sheet(w io.Writer, cards []Card, opts *SheetOptions) error {
	var o SheetOptions
	if opts != nil {
		o = *opts
	}
	if o.Width == 0 {
		o.Width = DefaultSheetWidth
	}
	o.Width = min(max(o.Width, 30), 200)
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	lo := layout{width: o.Width, exact: true}
	var b strings.Builder
	for _, c := range cards {
		for _, l := range box(plain(c.Title), cardNote(c, o.Now), cardLines(c, lo.inside()), lo) {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cardNote is the state written at the right of a card's top border.
func cardNote(c Card, now time.Time) string {
	switch c.Status {
	case StatusError:
		return "failed"
	case StatusNotApplicable:
		return "not applicable"
	}
	note := ""
	if !c.Updated.IsZero() {
		note = "updated " + ago(now.Sub(c.Updated))
	}
	if c.Stale {
		if note == "" {
			return "stale"
		}
		return "stale · " + note
	}
	return note
}

// ago writes d as "just now", "3 min ago", "2 hours ago" or "5 days ago".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 2*time.Hour:
		return "1 hour ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " hours ago"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days ago"
}

// cardLines is the content of a card's box.
func cardLines(c Card, lo layout) []string {
	var lines []string
	say := func(s string) {
		if s = strings.TrimSpace(plain(s)); s != "" {
			lines = append(lines, wrap(s, lo.width)...)
		}
	}
	switch c.Status {
	case StatusError:
		if c.Message == "" {
			c.Message = "This card could not be loaded."
		}
		say(c.Message)
		return lines
	case StatusNotApplicable:
		if c.Message == "" {
			c.Message = "Not applicable to this contact."
		}
		say(c.Message)
		return lines
	}
	if c.Stale {
		if c.Message != "" {
			say("Could not refresh: " + c.Message)
		} else {
			say("Could not refresh; showing saved data.")
		}
		lines = append(lines, dividerLine)
	}
	switch {
	case c.Output != nil:
		nodes := c.Output.Nodes
		if len(nodes) > 0 && nodes[0].Title != "" {
			// The card's title names it; the first section's title would
			// only repeat it.
			first := nodes[0]
			first.Title = ""
			if first.Type == template.NodeCard {
				lines = append(lines, childLines(first.Children, lo)...)
				nodes = nodes[1:]
			} else {
				lines = append(lines, nodeLines(first, lo)...)
				nodes = nodes[1:]
			}
		}
		lines = append(lines, childLines(nodes, lo)...)
	case c.Raw != nil:
		var pretty bytes.Buffer
		if json.Indent(&pretty, c.Raw, "", "  ") != nil {
			pretty.Reset()
			pretty.Write(c.Raw)
		}
		for _, l := range strings.Split(pretty.String(), "\n") {
			lines = append(lines, plain(l))
		}
	}
	if len(lines) == 0 {
		lines = append(lines, "—")
	}
	return lines
}

// plain makes text from outside the node tree (a raw response, a title or
// message from the host) safe to print on a terminal, as the template
// package cleans the tree's text: invalid UTF-8 becomes U+FFFD, line
// breaks and tabs spaces, and control and format characters (bidi
// overrides, zero-width spaces; not the joiners) are dropped.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case r == '\u200c' || r == '\u200d':
			return r // zero-width non-joiner and joiner: scripts and emoji need them
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
