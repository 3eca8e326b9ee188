package template

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
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

// Suggest returns a starting template for data shaped like sample. The
// result, at most 20 sections, is indented JSON that [Parse] accepts and
// that renders sample; an admin edits it from there.
//
//   - A list response (an array, or an object whose records sit under
//     data, results, items, records, orders, tickets and the like, next
//     to counts and cursors only: Stripe's {"object":"list","data":[…]},
//     Shopify's data.orders.nodes) becomes a table of its most useful
//     columns when its records have at most six fields, otherwise a repeat
//     of one card per record with the record's fields (nested objects
//     flattened two levels: properties.email, Account.Name) and its own
//     lists below (a subscription's items), up to three lists deep.
//   - Any other object becomes a key-value list of its fields, a titled
//     key-value list per nested object and a table or repeat per list.
//   - Fields come in the order an agent reads them: totals and amounts,
//     statuses, names, emails, numbers and IDs, dates, booleans, then the
//     rest alphabetically, so a cut keeps total_price rather than
//     current_total_price. Fields whose sampled values are all null or
//     empty are left out, as are metadata (object, url, livemode,
//     pagination) and a "_decimal" twin of an amount.
//   - Formats follow the key and the values: integers next to a currency
//     code (amount_due beside "currency": "usd") and amounts named in cents
//     are minor units, and "cents" leaves the label; _at, _date, created
//     and similar keys are dates only when the values are dates or Unix
//     times; percent keys are percents before anything else, counts such
//     as days_until_due numbers; true and false booleans; statuses badges
//     with tones for common words; URLs links; emails and phones theirs.
//
// Keys that cannot be written as a binding path are left out. sample is
// subject to the default render limits: ErrTooLarge, ErrTooDeep or
// ErrInvalidJSON (wrapped) report unusable samples.
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
	Type     string       `json:"type"`
	Title    string       `json:"title,omitempty"`
	Path     string       `json:"path,omitempty"`
	Limit    int          `json:"limit,omitempty"`
	Items    []sugField   `json:"items,omitempty"`
	Columns  []sugField   `json:"columns,omitempty"`
	Item     *sugSection  `json:"item,omitempty"`
	Sections []sugSection `json:"sections,omitempty"`
	Text     string       `json:"text,omitempty"`
	Value    string       `json:"value,omitempty"`
	Tones    toneMap      `json:"tones,omitempty"`
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
	// "amount_cents" is an amount: the format says the unit.
	if len(words) > 1 {
		words = slices.DeleteFunc(words, func(w string) bool { return strings.EqualFold(w, "cents") })
	}
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

// Suggestion shape limits beyond the ones above.
const (
	suggestCardItems   = 16 // key-value items in one card of a repeat
	suggestFlatDepth   = 2  // nested objects flattened into their parent's fields
	suggestListDepth   = 3  // lists nested in list items (a subscription's items)
	suggestMaxElements = 20 // list elements sampled for columns and formats
)

// listKeys are the keys under which APIs put the records of a list response.
var listKeys = []string{"data", "results", "items", "records", "collection", "nodes", "edges", "entries",
	"orders", "tickets", "customers", "contacts", "subscriptions", "invoices", "events", "persons", "people",
	"deals", "users", "charges", "payments", "conversations", "issues", "objects", "list", "rows", "hits"}

// noiseKeys hold metadata of the response or the record rather than data an agent reads.
func noiseKey(l string) bool {
	switch l {
	case "object", "metadata", "attributes", "custom_attributes", "custom_fields", "_links", "links",
		"extensions", "pagination", "paging", "pages", "additional_data", "facets", "has_more",
		"next_page", "previous_page", "next_page_token", "previous_page_token", "url", "uri",
		"livemode", "type_name", "__typename", "avatar", "social_profiles", "result_score", "cursor":
		return true
	}
	return false
}

// sugCand is a scalar field found in an object: its binding path relative to the object the
// section renders, its key, and the sampled values (one per list element).
type sugCand struct {
	path, key, label string
	parent           string // path of the object holding the field, for sibling currencies
	vals             []gjson.Result
	objs             []gjson.Result // the holding objects, parallel to vals
	index            int            // first-seen order
}

// collect gathers the scalar fields of obj (and of nested objects up to suggestFlatDepth, and
// the first element of arrays of scalars) into cands, keyed by path, and the nested lists of
// objects into lists.
func collect(obj gjson.Result, prefix, parentLabel string, depth, maxFlat int, cands map[string]*sugCand, order *[]string, lists map[string]gjson.Result, listOrder *[]string) {
	obj.ForEach(func(k, v gjson.Result) bool {
		key := k.String()
		p, ok := suggestPath(prefix, key)
		if !ok || noiseKey(strings.ToLower(key)) {
			return true
		}
		switch {
		case v.IsObject():
			if arr, sub, ok := findList(v, p, 0); ok && envelope(v, strings.TrimPrefix(sub, p+".")) {
				if _, seen := lists[sub]; !seen {
					*listOrder = append(*listOrder, sub)
				}
				lists[sub] = arr
				return true
			}
			if depth < maxFlat {
				pl := parentLabel
				if !containerKey(strings.ToLower(key)) {
					pl = humanize(key)
				}
				collect(v, p, pl, depth+1, maxFlat, cands, order, lists, listOrder)
			}
		case v.IsArray():
			first := v.Get("0")
			switch {
			case first.IsObject():
				if _, seen := lists[p]; !seen {
					*listOrder = append(*listOrder, p)
				}
				lists[p] = v
			case first.Exists() && !first.IsArray():
				fp := p + ".0"
				addCand(cands, order, fp, key, parentLabel, prefix, first, obj)
			}
		default:
			if key == "cents" || strings.HasSuffix(strings.ToLower(key), "_decimal") && obj.Get(strings.TrimSuffix(strings.TrimSuffix(key, "_decimal"), "_DECIMAL")).Exists() {
				return true // the same amount written twice
			}
			addCand(cands, order, p, key, parentLabel, prefix, v, obj)
		}
		return true
	})
}

func addCand(cands map[string]*sugCand, order *[]string, p, key, parentLabel, parent string, v, obj gjson.Result) {
	c := cands[p]
	if c == nil {
		label := humanize(key)
		if parentLabel != "" && genericKey(strings.ToLower(key)) {
			// "Account name", "Owner ID", "Location city" rather than three "Name"s.
			if len(label) > 1 && unicode.IsLower(rune(label[1])) {
				label = strings.ToLower(label[:1]) + label[1:]
			}
			label = parentLabel + " " + label
		}
		c = &sugCand{path: p, key: key, label: label, parent: parent, index: len(*order)}
		cands[p] = c
		*order = append(*order, p)
	}
	c.vals = append(c.vals, v)
	c.objs = append(c.objs, obj)
}

// containerKey reports keys of objects that only group a record's fields (HubSpot's
// properties, Shopify's totalPriceSet.shopMoney): their fields are labelled by their own keys.
func containerKey(l string) bool {
	return l == "properties" || l == "fields" || l == "item" || l == "node" || l == "attributes" ||
		strings.HasSuffix(l, "set") || strings.HasSuffix(l, "money")
}

// genericKey reports keys that need their object's name to mean something.
func genericKey(l string) bool {
	switch l {
	case "name", "id", "type", "code", "value", "city", "country", "region", "email", "title", "status", "number", "label":
		return true
	}
	return false
}

// findList returns the main list of objects in v: v itself when it is an array of objects, or
// the array under a list key (data, results, items, orders, …) of v or of an object under
// such a key (data.orders.nodes), with its path.
func findList(v gjson.Result, p string, depth int) (gjson.Result, string, bool) {
	if v.IsArray() {
		return v, p, v.Get("0").IsObject() || len(v.Array()) == 0
	}
	if !v.IsObject() || depth > 2 {
		return gjson.Result{}, "", false
	}
	var found gjson.Result
	var foundPath string
	ok := false
	v.ForEach(func(k, x gjson.Result) bool {
		if !slices.Contains(listKeys, strings.ToLower(k.String())) {
			return true
		}
		kp, good := suggestPath(p, k.String())
		if !good {
			return true
		}
		if x.IsArray() && (x.Get("0").IsObject() || len(x.Array()) == 0) {
			found, foundPath, ok = x, kp, true
			return false
		}
		if x.IsObject() {
			found, foundPath, ok = findList(x, kp, depth+1)
			return !ok
		}
		return true
	})
	return found, foundPath, ok
}

// rankCands orders candidates as an agent reads a record: totals and amounts, then statuses,
// then names, emails, numbers and IDs, then dates, then the rest alphabetically. Fields whose
// sampled values are all null are left out.
func rankCands(cands map[string]*sugCand, order []string) []*sugCand {
	var out []*sugCand
	for _, p := range order {
		c := cands[p]
		allNull := true
		for _, v := range c.vals {
			if v.Type != gjson.Null && !(v.Type == gjson.String && v.Str == "") {
				allNull = false
			}
		}
		if !allNull {
			out = append(out, c)
		}
	}
	tier := func(c *sugCand) int { return fieldTier(c.key, c.vals[0]) }
	sort.SliceStable(out, func(a, b int) bool {
		ta, tb := tier(out[a]), tier(out[b])
		if ta != tb {
			return ta < tb
		}
		if ta >= 5 {
			return out[a].path < out[b].path
		}
		return out[a].index < out[b].index
	})
	return out
}

// fieldTier is the rank of a field by its key and value; lower comes first, 5 and more is the
// alphabetical rest.
func fieldTier(key string, v gjson.Result) int {
	l := strings.ToLower(key)
	switch {
	case isTotalKey(l) && numeric(v):
		return 0
	case isMoneyKey(l) && !isCountKey(l) && !isPercentKey(l) && numeric(v):
		return 1
	case isStatusKey(l) && v.Type == gjson.String:
		return 1
	case l == "name" || l == "email" || l == "subject" || l == "title" || l == "id" || l == "number" ||
		strings.HasSuffix(l, "name") || l == "phone" || strings.HasSuffix(l, "email") || l == "company" || l == "role":
		return 2
	case looksLikeTime(l, v):
		return 3
	case v.Type == gjson.True || v.Type == gjson.False:
		return 4
	case strings.HasSuffix(l, "_id") || strings.HasSuffix(l, "id") && len(l) > 2:
		return 6
	}
	return 5
}

// numeric reports a number or a string holding one ("118.50").
func numeric(v gjson.Result) bool {
	if v.Type == gjson.Number {
		return true
	}
	var scratch [64]byte
	_, ok := parseNum(strings.TrimSpace(v.Str), scratch[:0])
	return v.Type == gjson.String && ok
}

// isTotalKey reports keys that hold the amount of a record itself rather than a part of it:
// total_price, amount_due, balance, unit_amount.
func isTotalKey(l string) bool {
	switch l {
	case "total", "total_price", "totalprice", "amount", "amount_due", "amount_paid", "amount_total", "balance",
		"price", "unit_amount", "grand_total", "total_amount", "value", "mrr", "arr", "ltv", "lifetime_value", "amount_cents", "total_cents":
		return true
	}
	return false
}

func isCountKey(l string) bool {
	return strings.HasPrefix(l, "days_") || strings.HasSuffix(l, "_days") || strings.HasSuffix(l, "_count") ||
		strings.HasPrefix(l, "count") || hasAny(l, "quantity", "qty", "seats", "sequence", "number", "interval_count")
}

func isPercentKey(l string) bool {
	return hasAny(l, "percent", "pct", "ratio") || strings.HasSuffix(l, "_rate") || l == "rate"
}

// looksLikeTime reports a field whose key names a time and whose value is one.
func looksLikeTime(l string, v gjson.Result) bool {
	switch v.Type {
	case gjson.Number:
		return isTimeKey(l) && unixLike(v.Num)
	case gjson.String:
		_, _, ok := parseTime(v, "")
		return ok && len(v.Str) >= 10 && v.Str[4] == '-'
	}
	return false
}

func suggestObject(obj gjson.Result, prefix, title string, depth int) []sugSection {
	if arr, p, ok := findList(obj, prefix, 0); ok && depth == 0 && envelope(obj, p) {
		if s, ok := suggestList(arr, p, titleOf(p), 0); ok {
			return []sugSection{s}
		}
	}
	cands := map[string]*sugCand{}
	var order, listOrder []string
	lists := map[string]gjson.Result{}
	collect(obj, prefix, "", 0, 0, cands, &order, lists, &listOrder)
	kv := sugSection{Type: "keyvalue", Title: title}
	for _, c := range rankCands(cands, order) {
		if len(kv.Items) == suggestMaxItems {
			break
		}
		kv.Items = append(kv.Items, c.field())
	}
	var out []sugSection
	if len(kv.Items) > 0 {
		out = append(out, kv)
	}
	// Nested objects (not lists) become titled sections of their own.
	obj.ForEach(func(k, v gjson.Result) bool {
		p, ok := suggestPath(prefix, k.String())
		if !ok || !v.IsObject() || noiseKey(strings.ToLower(k.String())) || depth >= suggestMaxDepth || len(out) >= suggestMaxSections {
			return true
		}
		if _, sub, isList := findList(v, p, 0); isList && envelope(v, strings.TrimPrefix(sub, p+".")) {
			return true // collected as a list
		}
		out = append(out, suggestObject(v, p, humanize(k.String()), depth+1)...)
		return true
	})
	for _, p := range listOrder {
		if len(out) >= suggestMaxSections {
			break
		}
		if s, ok := suggestList(lists[p], p, titleOf(p), 0); ok {
			out = append(out, s)
		}
	}
	// Arrays of scalars at the top level: repeated badges or text.
	obj.ForEach(func(k, v gjson.Result) bool {
		p, ok := suggestPath(prefix, k.String())
		if ok && v.IsArray() && !v.Get("0").IsObject() && len(out) < suggestMaxSections {
			if s, ok := suggestArray(v, p, humanize(k.String())); ok {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}

// envelope reports whether obj only wraps the list at path p. Under a generic key (data,
// results, items, …) the list may sit next to scalars (counts, cursors) and metadata; under a
// key that names the records (orders, tickets) nothing else but metadata may be there, or obj
// is a record that has a list rather than a list response.
func envelope(obj gjson.Result, p string) bool {
	first, _, _ := strings.Cut(p, ".")
	generic := false
	switch strings.ToLower(first) {
	case "data", "results", "items", "records", "collection", "nodes", "edges", "entries", "hits", "list", "rows", "objects":
		generic = true
	}
	only := true
	obj.ForEach(func(k, v gjson.Result) bool {
		seg, _ := suggestKey(k.String())
		l := strings.ToLower(k.String())
		if seg != first && !noiseKey(l) && (!generic || v.IsObject() || v.IsArray() || !envelopeScalar(l)) {
			only = false
		}
		return only
	})
	return only
}

// envelopeScalar reports the scalars a list response carries next to its list: counts,
// cursors, flags and the response's type.
func envelopeScalar(l string) bool {
	return hasAny(l, "count", "total", "size", "page", "cursor", "offset", "limit", "done", "success", "more", "type", "next", "prev")
}

// titleOf makes a section title from the last key of a path: "data.orders.nodes" -> "Orders".
func titleOf(p string) string {
	segs := strings.Split(strings.ReplaceAll(p, `\.`, "\x00"), ".")
	for i := len(segs) - 1; i >= 0; i-- {
		s := strings.ReplaceAll(segs[i], "\x00", ".")
		switch strings.ToLower(s) {
		case "data", "nodes", "edges", "items", "results", "records", "collection", "list", "$root", "#", "0":
			continue
		}
		return humanize(s)
	}
	return "Items"
}

// field returns the suggested field for c.
func (c *sugCand) field() sugField {
	v, obj := c.vals[0], c.objs[0]
	for i, x := range c.vals {
		if x.Type != gjson.Null {
			v, obj = x, c.objs[i]
			break
		}
	}
	return sugField{Label: c.label, Value: "{{" + c.path + "}}", Format: guessFormat(c.key, v, obj, c.parent, c.vals)}
}

// suggestList suggests a section for a list of objects at path p: a table when its elements
// have at most suggestMaxColumns fields, otherwise a repeat of cards with the most useful
// fields, and the lists nested in the elements below them.
func suggestList(arr gjson.Result, p, title string, depth int) (sugSection, bool) {
	cands := map[string]*sugCand{}
	var order, listOrder []string
	lists := map[string]gjson.Result{}
	n := 0
	arr.ForEach(func(_, v gjson.Result) bool {
		if v.IsObject() {
			collect(v, "", "", 0, suggestFlatDepth, cands, &order, lists, &listOrder)
		}
		n++
		return n < suggestMaxElements
	})
	if n == 0 {
		return sugSection{}, false
	}
	ranked := rankCands(cands, order)
	if len(ranked) == 0 && len(listOrder) == 0 {
		return sugSection{}, false
	}
	if len(ranked) <= suggestMaxColumns && len(listOrder) == 0 || depth > 0 && len(listOrder) == 0 {
		t := sugSection{Type: "table", Title: title, Path: p, Limit: suggestLimit}
		for _, c := range ranked[:min(len(ranked), suggestMaxColumns)] {
			t.Columns = append(t.Columns, c.field())
		}
		return t, len(t.Columns) > 0
	}
	card := &sugSection{Type: "card", Title: cardTitle(ranked)}
	kv := sugSection{Type: "keyvalue"}
	for _, c := range ranked[:min(len(ranked), suggestCardItems)] {
		kv.Items = append(kv.Items, c.field())
	}
	if len(kv.Items) > 0 {
		card.Sections = append(card.Sections, kv)
	}
	if depth < suggestListDepth {
		for _, lp := range listOrder[:min(len(listOrder), 2)] {
			if s, ok := suggestList(lists[lp], lp, titleOf(lp), depth+1); ok {
				card.Sections = append(card.Sections, s)
			}
		}
	}
	if len(card.Sections) == 0 {
		return sugSection{}, false
	}
	return sugSection{Type: "repeat", Title: title, Path: p, Limit: suggestLimit, Item: card}, true
}

// cardTitle binds a card's title to the record's name, subject or title, or leaves it empty.
func cardTitle(ranked []*sugCand) string {
	for _, want := range []string{"name", "subject", "title", "display_name", "full_name", "number"} {
		for _, c := range ranked {
			if strings.EqualFold(c.path, want) && c.vals[0].Type == gjson.String {
				return "{{" + c.path + "}}"
			}
		}
	}
	return ""
}

// suggestArray suggests a table for an array of objects, repeated badges
// or text for an array of scalars.
func suggestArray(arr gjson.Result, p, title string) (sugSection, bool) {
	first := arr.Get("0")
	switch {
	case !first.Exists():
		return sugSection{}, false
	case first.IsObject():
		return suggestList(arr, p, title, 0)
	case first.Type == gjson.String:
		return sugSection{Type: "repeat", Title: title, Path: p, Limit: suggestLimit, Item: &sugSection{Type: "badge", Value: "{{$this}}"}}, true
	case first.IsArray():
		return sugSection{}, false
	}
	return sugSection{Type: "repeat", Title: title, Path: p, Limit: suggestLimit, Item: &sugSection{Type: "text", Text: "{{$this}}"}}, true
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
		hasAny(l, "date", "time", "created", "updated", "expires", "since", "until", "period", "birthday", "last_seen", "timestamp", "_end", "_start", "trial")
}

func isStatusKey(l string) bool {
	return hasAny(l, "status", "state", "tier", "plan", "level", "priority", "stage", "segment")
}

// guessTone maps common status words to tones.
func guessTone(v string) (Tone, bool) {
	switch strings.ToLower(strings.ReplaceAll(v, "-", "_")) {
	case "active", "paid", "succeeded", "success", "shipped", "delivered", "completed", "complete", "resolved",
		"approved", "verified", "enabled", "won", "gold", "platinum", "fulfilled", "solved", "ok", "healthy", "customer":
		return ToneSuccess, true
	case "pending", "trialing", "trial", "past_due", "processing", "on_hold", "waiting", "unpaid", "partially_paid",
		"in_progress", "partially_refunded", "incomplete", "medium", "silver", "at_risk", "unfulfilled", "partially_fulfilled":
		return ToneWarning, true
	case "canceled", "cancelled", "failed", "overdue", "declined", "expired", "blocked", "disabled", "lost",
		"urgent", "high", "refunded", "churned", "suspended", "error", "rejected", "disputed", "incomplete_expired":
		return ToneDanger, true
	case "open", "new", "draft", "scheduled", "info", "pro", "enterprise", "low", "bronze", "lead", "authorized":
		return ToneInfo, true
	}
	return "", false
}

// currencySibling returns the binding of the currency code next to a money field in obj (at
// prefix), or "".
func currencySibling(obj gjson.Result, prefix string) string {
	for _, ck := range []string{"currency", "currency_code", "currencyCode", "iso_currency_code"} {
		if c := obj.Get(ck); c.Type == gjson.String {
			if _, ok := currencyOf(c.Str); ok && len(join(prefix, ck)) <= maxPathLen {
				if c.Str != strings.ToUpper(c.Str) {
					return "{{" + join(prefix, ck) + " | upper}}"
				}
				return "{{" + join(prefix, ck) + "}}"
			}
		}
	}
	return ""
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
		case isPercentKey(l):
			if v.Num > 1 || v.Num < -1 {
				return &sugFormat{Type: "percent", Scale: "percent"}
			}
			return &sugFormat{Type: "percent"}
		case isCountKey(l):
			return &sugFormat{Type: "number"}
		case isTimeKey(l) && unixLike(v.Num):
			f := &sugFormat{Type: "datetime"}
			if strings.HasSuffix(l, "_date") || l == "created" || strings.HasSuffix(l, "_end") || strings.HasSuffix(l, "_start") {
				f.Type = "date"
			}
			if v.Num >= 1e12 {
				f.Unit = "ms"
			} else {
				f.Unit = "s"
			}
			return f
		case isMoneyKey(l):
			f := &sugFormat{Type: "currency", Currency: "USD"}
			sib := currencySibling(obj, prefix)
			if sib != "" {
				f.Currency = sib
			}
			// Integers next to a currency code are minor units, as Stripe, Paddle and
			// Chargebee write amounts; so are fields named in cents.
			integer := !strings.ContainsAny(v.Raw, ".eE")
			f.MinorUnits = strings.Contains(l, "cents") || strings.Contains(l, "minor") || sib != "" && integer
			return f
		case hasAny(l, "duration", "seconds", "_secs", "elapsed", "uptime"):
			return &sugFormat{Type: "duration"}
		case strings.HasSuffix(l, "_ms"):
			return &sugFormat{Type: "duration", Unit: "ms"}
		case l == "id" || strings.HasSuffix(l, "_id") || strings.HasSuffix(l, "id") || strings.Contains(l, "year") || strings.Contains(l, "zip"):
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
		case isStatusKey(l) || l == "role" || l == "lifecyclestage":
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
				if sib := currencySibling(obj, prefix); sib != "" {
					f.Currency = sib
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
