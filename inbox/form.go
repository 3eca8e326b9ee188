package inbox

import (
	"encoding/json"
	"maps"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxFormFields caps the number of fields of a form-encoded body.
const maxFormFields = 1000

// isForm reports whether a Content-Type header value is
// application/x-www-form-urlencoded.
func isForm(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// formJSON decodes an application/x-www-form-urlencoded body into the JSON
// object the Mapping reads: each field name becomes a key whose value is the
// field's string, or an array of strings when the field is repeated (in
// body order). Field names are keys as they are; a name containing a gjson
// special character ('.', '*', '?') is reached by escaping it in the path
// ("a\.b"). Invalid UTF-8 becomes U+FFFD. The result is always valid JSON.
func formJSON(body []byte) ([]byte, error) {
	if n := strings.Count(string(body), "&") + 1; n > maxFormFields {
		return nil, malformed("", CodeTooMany, "more than "+strconv.Itoa(maxFormFields)+" form fields")
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, malformed("", CodeInvalidForm, "not a valid form-encoded body")
	}
	// Names that differ only in invalid UTF-8 become one key (their values
	// in name order), so the object has no duplicate keys.
	merged := make(map[string][]string, len(vals))
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		vk := strings.ToValidUTF8(k, "\uFFFD")
		merged[vk] = append(merged[vk], vals[k]...)
	}
	obj := make(map[string]any, len(merged))
	for k, vs := range merged {
		if len(vs) == 1 {
			obj[k] = vs[0]
		} else {
			obj[k] = vs
		}
	}
	b, err := json.Marshal(obj)
	if err != nil { // unreachable: strings and string slices always encode
		return nil, malformed("", CodeInvalidForm, "form fields do not encode as JSON")
	}
	return b, nil
}
