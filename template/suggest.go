package template

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/tidwall/gjson"
)

// Suggestion limits.
const (
	suggestMaxItems   = 30 // key-value items per section
	suggestMaxColumns = 6  // table columns
	suggestMaxDepth   = 2  // nested objects turned into sections
	suggestLimit      = 10 // rows or items shown by suggested tables and repeats
	// suggestMaxSections bounds the sections of a suggestion, so that it
	// stays within the definition limits (size, maxElements) whatever
	// the sample's width: 20 sections of at most 31 elements each.
	suggestMaxSections = 20
)

// Suggest returns a starting template for data shaped like sample: its
// scalar fields become a key-value list with formats guessed from names
// and values (money, dates and times, statuses as badges, URLs as links,
// emails, phone numbers, booleans, percentages), nested objects become
// titled key-value lists, arrays of objects become tables and arrays of
// scalars repeated badges or text. The result, at most 20 sections in
// the sample's key order, is indented JSON that [Parse] accepts and that
// renders sample; an admin edits it from there. Keys that cannot be
// written as a binding path are left out.
//
// sample is subject to the default render limits: ErrTooLarge, ErrTooDeep
// or ErrInvalidJSON (wrapped) report unusable samples.
func Suggest(sample []byte) ([]byte, error) {
	if len(sample) > DefaultMaxInputBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(sample), DefaultMaxInputBytes)
	}
	if err := validate(sample, DefaultMaxDepth); err != nil {
		return nil, err
	}
	root := gjson.ParseBytes(sample)
	var secs []sugSection
	switch {
	case root.IsObject():
		secs = suggestObject(root, "", "Details", 0)
	case root.IsArray():
		if s, ok := suggestArray(root, "$root", "Items"); ok {
			secs = append(secs, s)
		}
	default:
		secs = append(secs, sugSection{Type: "text", Text: "{{$root}}"})
	}
	if secs == nil {
		secs = []sugSection{}
	}
	secs = secs[:min(len(secs), suggestMaxSections)]
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sugTemplate{Version: 1, Sections: secs}); err != nil {
		return nil, err
	}
	if _, err := Parse(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("template: suggestion does not validate: %v", err)
	}
	return buf.Bytes(), nil
}

type sugTemplate struct {
	Version  int          `json:"version"`
	Sections []sugSection `json:"sections"`
}

type sugSection struct {
	Type    string      `json:"type"`
	Title   string      `json:"title,omitempty"`
	Path    string      `json:"path,omitempty"`
	Limit   int         `json:"limit,omitempty"`
	Items   []sugField  `json:"items,omitempty"`
	Columns []sugField  `json:"columns,omitempty"`
	Item    *sugSection `json:"item,omitempty"`
	Text    string      `json:"text,omitempty"`
	Value   string      `json:"value,omitempty"`
	Tones   toneMap     `json:"tones,omitempty"`
}

type sugField struct {
	Label  string     `json:"label"`
	Value  string     `json:"value"`
	Format *sugFormat `json:"format,omitempty"`
}

type sugFormat struct {
	Type       string  `json:"type"`
	Currency   string  `json:"currency,omitempty"`
	Unit       string  `json:"unit,omitempty"`
	Scale      string  `json:"scale,omitempty"`
	Label      string  `json:"label,omitempty"`
	Tones      toneMap `json:"tones,omitempty"`
	MinorUnits bool    `json:"minor_units,omitempty"`
}

// toneMap encodes with sorted keys (encoding/json sorts map keys).
type toneMap map[string]Tone

// suggestKey returns the path segment for key, or false when the key
// cannot be written as a binding.
func suggestKey(key string) (string, bool) {
	if key == "" || len(key) > 64 || key[0] == '$' {
		return "", false
	}
	var b strings.Builder
	for _, r := range key {
		switch {
		case r <= ' ' || r == '{' || r == '}' || r == '"' || r == '|' || r == 0x7f || unicode.IsSpace(r) || isStripped(r, false):
			return "", false
		case r < 0x80 && isPathSpecial(byte(r)):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

func join(prefix, seg string) string {
	if prefix == "" {
		return seg
	}
	return prefix + "." + seg
}

// suggestPath joins prefix and the path segment for key, or returns
// false when the key cannot be written as a binding or the path would
// exceed the path allow-list's length.
func suggestPath(prefix, key string) (string, bool) {
	seg, ok := suggestKey(key)
	if !ok {
		return "", false
	}
	p := join(prefix, seg)
	return p, len(p) <= maxPathLen
}

// humanize turns a JSON key into a label: "last_purchase_at" ->
// "Last purchase at", "customerId" -> "Customer ID".
func humanize(key string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	prevLower := false
	for _, r := range key {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		cur = append(cur, r)
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	flush()
	for i, w := range words {
		lw := strings.ToLower(w)
		switch lw {
		case "id", "url", "uri", "api", "ip", "sku", "vat", "ltv", "mrr", "arr", "iso":
			words[i] = strings.ToUpper(lw)
			continue
		}
		if i == 0 {
			rs := []rune(lw)
			rs[0] = unicode.ToUpper(rs[0])
			words[i] = string(rs)
		} else {
			words[i] = lw
		}
	}
	if len(words) == 0 {
		return "Value"
	}
	return strings.Join(words, " ")
}

func suggestObject(obj gjson.Result, prefix, title string, depth int) []sugSection {
	kv := sugSection{Type: "keyvalue", Title: title}
	var more []sugSection
	obj.ForEach(func(k, v gjson.Result) bool {
		p, ok := suggestPath(prefix, k.String())
		if !ok {
			return true
		}
		switch {
		case (v.IsObject() || v.IsArray()) && len(more) >= suggestMaxSections:
			// Suggest keeps only the first sections: build no more.
		case v.IsObject():
			if depth < suggestMaxDepth {
				more = append(more, suggestObject(v, p, humanize(k.String()), depth+1)...)
			}
		case v.IsArray():
			if s, ok := suggestArray(v, p, humanize(k.String())); ok {
				more = append(more, s)
			}
		default:
			if len(kv.Items) < suggestMaxItems {
				kv.Items = append(kv.Items, sugField{Label: humanize(k.String()), Value: "{{" + p + "}}", Format: guessFormat(k.String(), v, obj, prefix, []gjson.Result{v})})
			}
		}
		return true
	})
	var out []sugSection
	if len(kv.Items) > 0 {
		out = append(out, kv)
	}
	return append(out, more...)
}

// suggestArray suggests a table for an array of objects, repeated badges
// or text for an array of scalars.
func suggestArray(arr gjson.Result, p, title string) (sugSection, bool) {
	var first gjson.Result
	var objects []gjson.Result
	n := 0
	arr.ForEach(func(_, v gjson.Result) bool {
		if n == 0 {
			first = v
		}
		if v.IsObject() && len(objects) < 20 {
			objects = append(objects, v)
		}
		n++
		return n < 20
	})
	switch {
	case n == 0:
		return sugSection{}, false
	case first.IsObject():
		t := sugSection{Type: "table", Title: title, Path: p, Limit: suggestLimit}
		var keys []string
		seen := map[string]bool{}
		for _, o := range objects {
			o.ForEach(func(k, v gjson.Result) bool {
				key := k.String()
				if _, ok := suggestKey(key); !ok || seen[key] || v.IsObject() || v.IsArray() {
					return true
				}
				seen[key] = true
				keys = append(keys, key)
				return true
			})
		}
		keys = rankColumns(keys)
		for _, key := range keys {
			seg, _ := suggestKey(key)
			var vals []gjson.Result
			var sample gjson.Result
			for _, o := range objects {
				if v := o.Get(seg); v.Exists() {
					if !sample.Exists() {
						sample = v
					}
					vals = append(vals, v)
				}
			}
			t.Columns = append(t.Columns, sugField{Label: humanize(key), Value: "{{" + seg + "}}", Format: guessFormat(key, sample, objects[0], "", vals)})
		}
		if len(t.Columns) == 0 {
			return sugSection{}, false
		}
		return t, true
	case first.Type == gjson.String:
		return sugSection{Type: "repeat", Title: title, Path: p, Limit: suggestLimit, Item: &sugSection{Type: "badge", Value: "{{$this}}"}}, true
	case first.IsArray():
		return sugSection{}, false
	}
	return sugSection{Type: "repeat", Title: title, Path: p, Limit: suggestLimit, Item: &sugSection{Type: "text", Text: "{{$this}}"}}, true
}

// rankColumns keeps at most suggestMaxColumns keys, preferring
// identifiers, names, statuses, amounts and dates, in their original order.
func rankColumns(keys []string) []string {
	if len(keys) <= suggestMaxColumns {
		return keys
	}
	score := func(k string) int {
		l := strings.ToLower(k)
		switch {
		case l == "id" || l == "number" || strings.HasSuffix(l, "_number"):
			return 5
		case isStatusKey(l) || l == "name" || l == "title" || l == "subject":
			return 4
		case isMoneyKey(l):
			return 3
		case isTimeKey(l):
			return 2
		case strings.Contains(l, "url"):
			return 1
		}
		return 0
	}
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return score(keys[idx[a]]) > score(keys[idx[b]]) })
	idx = idx[:suggestMaxColumns]
	sort.Ints(idx)
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = keys[j]
	}
	return out
}

func hasAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func isMoneyKey(l string) bool {
	return hasAny(l, "amount", "total", "price", "balance", "ltv", "revenue", "cost", "spend", "spent", "paid", "due", "subtotal", "tax", "fee", "mrr", "arr", "lifetime_value", "credit", "refund")
}

func isTimeKey(l string) bool {
	return strings.HasSuffix(l, "_at") || strings.HasSuffix(l, "_on") || strings.HasSuffix(l, "at") && strings.Contains(l, "ed") ||
		hasAny(l, "date", "time", "created", "updated", "expires", "since", "until", "period", "birthday", "last_seen", "timestamp")
}

func isStatusKey(l string) bool {
	return hasAny(l, "status", "state", "tier", "plan", "level", "priority", "stage", "segment")
}

// guessTone maps common status words to tones.
func guessTone(v string) (Tone, bool) {
	switch strings.ToLower(strings.ReplaceAll(v, "-", "_")) {
	case "active", "paid", "succeeded", "success", "shipped", "delivered", "completed", "complete", "resolved",
		"approved", "verified", "enabled", "won", "gold", "platinum", "fulfilled", "solved", "ok", "healthy":
		return ToneSuccess, true
	case "pending", "trialing", "trial", "past_due", "processing", "on_hold", "waiting", "unpaid", "partially_paid",
		"in_progress", "partially_refunded", "incomplete", "medium", "silver", "at_risk":
		return ToneWarning, true
	case "canceled", "cancelled", "failed", "overdue", "declined", "expired", "blocked", "disabled", "lost",
		"urgent", "high", "refunded", "churned", "suspended", "error", "rejected", "disputed":
		return ToneDanger, true
	case "open", "new", "draft", "scheduled", "info", "pro", "enterprise", "low", "bronze":
		return ToneInfo, true
	}
	return "", false
}

// guessFormat guesses the format of a field from its key, its value v
// (and other values vals of the same column) and its siblings in obj.
func guessFormat(key string, v, obj gjson.Result, prefix string, vals []gjson.Result) *sugFormat {
	l := strings.ToLower(key)
	switch v.Type {
	case gjson.True, gjson.False:
		return &sugFormat{Type: "boolean"}
	case gjson.Number:
		switch {
		case isTimeKey(l) && unixLike(v.Num):
			f := &sugFormat{Type: "datetime"}
			if v.Num >= 1e12 {
				f.Unit = "ms"
			}
			return f
		case isMoneyKey(l):
			f := &sugFormat{Type: "currency", Currency: "USD"}
			for _, ck := range []string{"currency", "currency_code", "currencyCode"} {
				if c := obj.Get(ck); c.Type == gjson.String {
					if _, ok := currencyOf(c.Str); ok && len(join(prefix, ck)) <= maxPathLen {
						f.Currency = "{{" + join(prefix, ck) + "}}"
					}
				}
			}
			f.MinorUnits = strings.Contains(l, "cents")
			return f
		case hasAny(l, "percent", "ratio", "rate", "pct", "share"):
			if v.Num > 1 || v.Num < -1 {
				return &sugFormat{Type: "percent", Scale: "percent"}
			}
			return &sugFormat{Type: "percent"}
		case hasAny(l, "duration", "seconds", "_secs", "elapsed", "uptime"):
			return &sugFormat{Type: "duration"}
		case strings.HasSuffix(l, "_ms"):
			return &sugFormat{Type: "duration", Unit: "ms"}
		case l == "id" || strings.HasSuffix(l, "_id") || strings.HasSuffix(l, "id") || strings.Contains(l, "number") || strings.Contains(l, "year") || strings.Contains(l, "zip"):
			return nil
		}
		return &sugFormat{Type: "number"}
	case gjson.String:
		s := v.Str
		if _, dateOnly, ok := parseTime(v, ""); ok && len(s) >= 10 && s[4] == '-' {
			if dateOnly {
				return &sugFormat{Type: "date"}
			}
			return &sugFormat{Type: "datetime"}
		}
		switch {
		case (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && urlProblem(s, false) == "":
			return &sugFormat{Type: "link", Label: "Open"}
		case validEmail(s):
			return &sugFormat{Type: "email"}
		case hasAny(l, "phone", "mobile", "tel", "fax"):
			return &sugFormat{Type: "phone"}
		case isStatusKey(l):
			f := &sugFormat{Type: "badge", Tones: toneMap{}}
			for _, x := range vals {
				if t, ok := guessTone(x.String()); ok && len(f.Tones) < 20 {
					f.Tones[x.String()] = t
				}
			}
			if len(f.Tones) == 0 {
				f.Tones = nil
			}
			return f
		case isMoneyKey(l):
			var scratch [64]byte
			if _, ok := parseNum(strings.TrimSpace(s), scratch[:0]); ok {
				f := &sugFormat{Type: "currency", Currency: "USD"}
				if c := obj.Get("currency"); c.Type == gjson.String {
					if _, ok := currencyOf(c.Str); ok && len(join(prefix, "currency")) <= maxPathLen {
						f.Currency = "{{" + join(prefix, "currency") + "}}"
					}
				}
				return f
			}
		}
	}
	return nil
}

// unixLike reports whether n looks like a Unix time in seconds or
// milliseconds between 2001 and 2286.
func unixLike(n float64) bool {
	return (n >= 1e9 && n < 1e10) || (n >= 1e12 && n < 1e13)
}
