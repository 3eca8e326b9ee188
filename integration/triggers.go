package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/template"
)

// Conversation events a [Trigger] may run on ([ConversationEvent].Type). The host reports them
// to [Service.RunTriggers]; any other event type runs no trigger.
const (
	EventConversationCreated    = "conversation.created"     // a conversation was opened
	EventConversationResolved   = "conversation.resolved"    // an agent resolved (closed) it
	EventConversationReopened   = "conversation.reopened"    // a resolved conversation was opened again
	EventConversationLabelAdded = "conversation.label_added" // a label (tag) was added; see Trigger.Label
	EventConversationAssigned   = "conversation.assigned"    // it was assigned to an agent
)

// EventTypes returns the conversation events a trigger may run on, in the order an editor lists
// them. The caller may modify the returned slice.
func EventTypes() []string {
	return []string{EventConversationCreated, EventConversationResolved, EventConversationReopened,
		EventConversationLabelAdded, EventConversationAssigned}
}

// Limits of triggers.
const (
	// MaxTriggers is the most triggers one integration may have.
	MaxTriggers = 5
	// MaxActivityRunes bounds an activity's text: a longer rendered line is cut with "…".
	MaxActivityRunes = 500
	// maxTriggerSource bounds the source of a trigger's text and link, in runes.
	maxTriggerSource = 1000
	// maxLabelLen bounds Trigger.Label and Trigger.Icon, in bytes.
	maxLabelLen = 100
)

// Trigger runs an integration when the host reports a conversation event, and turns its result
// into a one-line activity (a MINIMAL message in package inbox's terms) in the conversation's
// timeline: "Order #1001 shipped — $42.00". See [Service.RunTriggers].
//
// Text and Link are strings with bindings of package template, rendered over the document the
// integration's display template renders (its response, or {"steps": ...} for a chained
// integration), with the formatting filters of package template: "Order #{{order.number}}
// shipped — {{order.total | currency:"USD"}}". A value is cleaned and formatted as on the card.
type Trigger struct {
	// Name names the trigger (required): 1 to 32 lower-case letters, digits or '_', starting
	// with a letter, unique in the integration ("order_shipped"). It is part of the key of every
	// activity the trigger posts ([ActivityKey]), so a trigger keeps its name for as long as it
	// posts the same activity: triggers may be inserted, removed or reordered between two
	// reports of an event without posting an activity twice, and renaming one makes its
	// activities new ones.
	Name string `json:"name"`
	// On is the event the trigger runs on: one of [EventTypes].
	On string `json:"on"`
	// Label, for EventConversationLabelAdded only, restricts the trigger to that label
	// (compared case-insensitively, as helpdesks treat tags); empty means any label.
	Label string `json:"label,omitempty"`
	// Text is the activity line (required). Line breaks and control characters in the data are
	// removed; the line is cut at [MaxActivityRunes].
	Text string `json:"text"`
	// Link is an optional http or https link shown with the activity. As for links of display
	// templates, its literal text fixes the scheme and host ("https://shop.example.com/o/{{id}}",
	// bindings escaped as path or query parts), unless the whole link is one binding
	// ("{{order.url}}"), whose value must then be an absolute http or https URL. A link that
	// fails these checks, or misses a value, is left out.
	Link string `json:"link,omitempty"`
	// Icon is an optional icon name for the host's timeline ("truck"): 1 to 100 letters, digits,
	// '_', '-', '.' or ':'.
	Icon string `json:"icon,omitempty"`
}

// compiledTrigger is a Trigger's text and link compiled as a display template of two sections:
// a key-value item holding the text, and a link section when there is a link.
type compiledTrigger struct {
	tmpl    *template.Template
	hasLink bool
}

// triggerDefinition returns the display template that renders t: the text as the value of a
// key-value item (one line, cleaned, the formatting filters available) and the link as a link
// section (checked as every href).
func triggerDefinition(t *Trigger) []byte {
	type item struct {
		Label string `json:"label"`
		Value string `json:"value"`
	}
	sections := []any{map[string]any{"type": "keyvalue", "items": []item{{Label: "text", Value: t.Text}}}}
	if t.Link != "" {
		sections = append(sections, map[string]any{"type": "link", "url": t.Link, "label": "link"})
	}
	b, _ := json.Marshal(map[string]any{"version": 1, "sections": sections}) // strings and maps only: never fails
	return b
}

// Pointers into a trigger's template, and the fields of the trigger they stand for.
const (
	triggerTextPointer = "/sections/0/items/0/value"
	triggerLinkPointer = "/sections/1/url"
)

// compileTriggers validates the triggers ts (problems at /triggers/N/...) and compiles them.
func compileTriggers(ps *problems, ts []Trigger) []compiledTrigger {
	if len(ts) == 0 {
		return nil
	}
	if len(ts) > MaxTriggers {
		ps.add("/triggers", CodeOutOfRange, "an integration has at most %d triggers", MaxTriggers)
		return nil
	}
	out := make([]compiledTrigger, 0, len(ts))
	names := make(map[string]bool, len(ts))
	for i := range ts {
		t := &ts[i]
		at := fmt.Sprintf("/triggers/%d", i)
		before := len(*ps)
		switch {
		case t.Name == "":
			ps.add(at+"/name", CodeRequired, "the trigger's name is required: it keys the activities it posts")
		case !validStepName(t.Name):
			ps.add(at+"/name", CodeInvalid, "trigger name must be 1-32 lower-case letters, digits or '_', starting with a letter")
		case names[t.Name]:
			ps.add(at+"/name", CodeDuplicate, "trigger %q is defined twice", t.Name)
		}
		names[t.Name] = true
		switch {
		case t.On == "":
			ps.add(at+"/on", CodeRequired, "the event is required: one of %s", strings.Join(EventTypes(), ", "))
		case !slices.Contains(EventTypes(), t.On):
			ps.add(at+"/on", CodeInvalid, "unknown event %q: expected one of %s", truncate(t.On, 64), strings.Join(EventTypes(), ", "))
		}
		if t.Label != "" {
			switch {
			case t.On != EventConversationLabelAdded:
				ps.add(at+"/label", CodeInvalid, "a label applies only to %s triggers", EventConversationLabelAdded)
			case len(t.Label) > maxLabelLen || !utf8.ValidString(t.Label) || !validHeaderValue(t.Label):
				ps.add(at+"/label", CodeInvalid, "a label is at most %d bytes of text without control characters", maxLabelLen)
			}
		}
		if t.Icon != "" && !validIcon(t.Icon) {
			ps.add(at+"/icon", CodeInvalid, "an icon name is 1 to %d letters, digits, '_', '-', '.' or ':'", maxLabelLen)
		}
		switch {
		case strings.TrimSpace(t.Text) == "":
			ps.add(at+"/text", CodeRequired, "the activity text is required")
		case utf8.RuneCountInString(t.Text) > maxTriggerSource:
			ps.add(at+"/text", CodeInvalid, "the activity text is longer than %d characters", maxTriggerSource)
		}
		if t.Link != "" {
			if utf8.RuneCountInString(t.Link) > maxTriggerSource {
				ps.add(at+"/link", CodeInvalid, "the link is longer than %d characters", maxTriggerSource)
			} else if !httpLinkTemplate(t.Link) {
				ps.add(at+"/link", CodeBadURL, "the link must start with http:// or https://, or be one binding such as {{order.url}}")
			}
		}
		if len(*ps) > before {
			continue
		}
		tmpl, err := template.Parse(triggerDefinition(t))
		if err != nil {
			if pe, ok := errors.AsType[*template.ParseError](err); ok && len(pe.Problems) > 0 {
				for _, p := range pe.Problems {
					switch {
					case strings.HasPrefix(p.Path, triggerTextPointer):
						p.Path = at + "/text"
					case strings.HasPrefix(p.Path, triggerLinkPointer):
						p.Path = at + "/link"
					default:
						p.Path = at
					}
					*ps = append(*ps, p)
				}
			} else {
				ps.add(at, CodeInvalid, "%s", err.Error())
			}
			continue
		}
		out = append(out, compiledTrigger{tmpl: tmpl, hasLink: t.Link != ""})
	}
	return out
}

// httpLinkTemplate reports whether the link template s has a literal http or https scheme, or
// is a single binding (whose value is checked when rendered).
func httpLinkTemplate(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	if ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) {
		return true
	}
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "{{") && strings.HasSuffix(t, "}}") && strings.Count(t, "{{") == 1
}

// validIcon reports whether s is an icon name.
func validIcon(s string) bool {
	if s == "" || len(s) > maxLabelLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_-.:", c) >= 0) {
			return false
		}
	}
	return true
}

// matches reports whether t runs on ev.
func (t *Trigger) matches(ev *ConversationEvent) bool {
	if t.On != ev.Type {
		return false
	}
	return t.Label == "" || strings.EqualFold(t.Label, ev.Label)
}
