package catalog

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/variables"
)

//go:embed entries/*.json
var entryFiles embed.FS // read-only

// ErrNotFound reports an entry ID that is not in the catalog.
var ErrNotFound = errors.New("catalog: entry not found")

// Categories of entries.
const (
	CategoryBilling    = "billing"
	CategoryCommerce   = "commerce"
	CategoryCRM        = "crm"
	CategorySupport    = "support"
	CategoryScheduling = "scheduling"
)

// Entry is one ready-made integration: the request and the display template for one service,
// the values an admin supplies to install it, and a sample response to preview it with.
//
// Entries encode as JSON with snake_case names, so a host can serve [List] to its console as it
// is.
type Entry struct {
	// ID is stable, such as "stripe-customer".
	ID string `json:"id"`
	// Name, Description and Category are for the admin choosing an entry.
	Name        string `json:"name"`
	Description string `json:"description"`
	Category    string `json:"category"`
	// Secrets are the credentials the admin supplies; each becomes the integration [Secret] of
	// the same name, referenced as {{secret.NAME}} from a header.
	//
	// [Secret]: integration.Secret
	Secrets []Field `json:"secrets"`
	// Settings are plain values the admin supplies, such as a shop's subdomain; Install writes
	// each into the definition wherever {{setting.NAME}} appears.
	Settings []Field `json:"settings,omitempty"`
	// Integration is the definition Install completes: its URL, query, body and display
	// template may hold {{setting.NAME}} placeholders, and it has no secret values.
	Integration *integration.Integration `json:"integration"`
	// Sample is a response of the service, to preview the display template with.
	Sample Sample `json:"sample"`
}

// Field is one value an admin supplies to install an entry.
type Field struct {
	// Name is the key of the value in Install's values, and the name of the secret or setting.
	Name string `json:"name"`
	// Label and Help are what the install form shows, such as "Stripe secret key" and "Starts
	// with sk_live_ or rk_live_ …".
	Label string `json:"label"`
	Help  string `json:"help"`
	// Pattern is a regular expression (RE2, anchored by the author) that the value must match.
	// A setting always has one: it decides what may be written into the definition.
	Pattern string `json:"pattern,omitempty"`
	// Append is added to a secret's value before it is stored, for services whose
	// credential is more than what the admin copies (Freshdesk's Basic authentication takes
	// the API key with any password, so its entry appends ":X").
	Append string `json:"append,omitempty"`
}

// Sample is a response of the service and where it comes from.
type Sample struct {
	// Reference is the URL of the service's public API reference page the response is taken
	// from.
	Reference string `json:"reference"`
	// Response is the JSON response body.
	Response json.RawMessage `json:"response"`
}

// Problem is one problem with the values passed to [Install]; Path is the JSON pointer of the
// value in the values object, such as "/api_key".
type Problem = variables.Problem

// Problem codes of an [InstallError].
const (
	CodeRequired = "required" // a secret or setting has no value
	CodeInvalid  = "invalid"  // a value does not match its field's pattern or has a control character
	CodeUnknown  = "unknown"  // a value names no secret or setting of the entry
)

// InstallError lists every problem with the values passed to [Install]. It never contains a
// value.
type InstallError struct {
	ID       string
	Problems []Problem
}

// Error names the entry and the first problem.
func (e *InstallError) Error() string {
	if len(e.Problems) == 0 {
		return "catalog: install " + e.ID + ": invalid values"
	}
	s := fmt.Sprintf("catalog: install %s: %s", e.ID, e.Problems[0])
	if n := len(e.Problems) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more)", n)
	}
	return s
}

// List returns every entry, ordered by ID. Each call returns fresh copies that the caller may
// modify.
func List() ([]*Entry, error) {
	names, err := fs.Glob(entryFiles, "entries/*.json")
	if err != nil {
		return nil, fmt.Errorf("catalog: %v", err)
	}
	slices.Sort(names)
	out := make([]*Entry, 0, len(names))
	for _, name := range names {
		e, err := load(name)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Get returns the entry id, or ErrNotFound. The caller may modify the result.
func Get(id string) (*Entry, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	e, err := load("entries/" + id + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return e, err
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

func load(name string) (*Entry, error) {
	b, err := entryFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("catalog: %s: %v", path.Base(name), err)
	}
	if e.Integration == nil {
		return nil, fmt.Errorf("catalog: %s: no integration", path.Base(name))
	}
	return &e, nil
}

// Install returns the integration of entry id completed with values, ready for
// [integration.Service.Create]: its secrets hold the admin's credentials in clear (the Service
// seals them), its settings are written into the definition, and it is active with its display
// template enabled. values maps each secret and setting name to its value.
//
// Every problem with values is reported at once in an *InstallError; an unknown id is
// ErrNotFound. The returned integration passes [integration.Integration.Validate].
func Install(id string, values map[string]string) (*integration.Integration, error) {
	e, err := Get(id)
	if err != nil {
		return nil, err
	}
	return e.Install(values)
}

// Install completes e with values, as the package-level [Install] does for an entry ID.
func (e *Entry) Install(values map[string]string) (*integration.Integration, error) {
	if e == nil || e.Integration == nil {
		return nil, errors.New("catalog: entry without an integration")
	}
	var ps []Problem
	known := map[string]bool{}
	check := func(f Field, secret bool) (string, bool) {
		known[f.Name] = true
		ptr := "/" + variables.PointerToken(f.Name)
		v := strings.TrimSpace(values[f.Name]) // a pasted key often brings a line break
		switch {
		case v == "":
			ps = append(ps, Problem{Path: ptr, Code: CodeRequired, Message: f.Label + " is required"})
			return "", false
		case !utf8.ValidString(v) || strings.ContainsFunc(v, isControl):
			ps = append(ps, Problem{Path: ptr, Code: CodeInvalid, Message: f.Label + " contains a control character or invalid UTF-8"})
			return "", false
		}
		if f.Pattern != "" {
			re, err := regexp.Compile(f.Pattern)
			if err != nil || !re.MatchString(v) {
				ps = append(ps, Problem{Path: ptr, Code: CodeInvalid, Message: f.Label + " does not look right: " + f.Help})
				return "", false
			}
		} else if !secret {
			// A setting without a pattern could write anything into the definition.
			ps = append(ps, Problem{Path: ptr, Code: CodeInvalid, Message: f.Label + " has no pattern in the catalog entry"})
			return "", false
		}
		return v, true
	}
	in := e.Integration.Clone()
	for _, f := range e.Secrets {
		if v, ok := check(f, true); ok {
			in.Secrets = append(in.Secrets, integration.Secret{Name: f.Name, Value: v + f.Append})
		}
	}
	settings := make([]string, 0, 2*len(e.Settings))
	for _, f := range e.Settings {
		if v, ok := check(f, false); ok {
			settings = append(settings, "{{setting."+f.Name+"}}", v)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if !known[name] {
			ps = append(ps, Problem{Path: "/" + variables.PointerToken(name), Code: CodeUnknown, Message: "entry " + e.ID + " has no secret or setting of this name"})
		}
	}
	if len(ps) > 0 {
		return nil, &InstallError{ID: e.ID, Problems: ps}
	}
	r := strings.NewReplacer(settings...)
	in.URL = r.Replace(in.URL)
	in.Body = r.Replace(in.Body)
	for i := range in.Query {
		in.Query[i].Value = r.Replace(in.Query[i].Value)
	}
	in.Display.Template = []byte(r.Replace(string(in.Display.Template)))
	in.Active, in.Display.Enabled = true, true
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("catalog: entry %s does not validate: %v", e.ID, err)
	}
	return in, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }
