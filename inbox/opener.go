package inbox

import "net/http"

// An Opener is a [Verifier] whose deliveries wrap the event in a signed
// envelope, such as Wix's webhooks, whose body is a JWT carrying the event
// as nested JSON strings. The [Handler] calls Open instead of Verify and
// decodes the JSON document it returns with the source's Mapping.
type Opener interface {
	Verifier
	// Open verifies the delivery as Verify does and returns the JSON
	// document the Mapping reads. Its errors follow the rules of Verify:
	// they wrap [ErrInvalidSignature] and never contain header values,
	// keys or the body. Open must not retain h or body.
	Open(h http.Header, body []byte) ([]byte, error)
}

// open verifies a delivery with v and returns the header and body to
// decode: those of the request, or for an [Opener] the document it opened
// and the header without its Content-Type (which described the envelope).
func open(v Verifier, h http.Header, body []byte) (http.Header, []byte, error) {
	op, ok := v.(Opener)
	if !ok {
		return h, body, v.Verify(h, body)
	}
	doc, err := op.Open(h, body)
	if err != nil {
		return nil, nil, err
	}
	h = h.Clone()
	h.Del("Content-Type")
	return h, doc, nil
}
