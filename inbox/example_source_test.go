package inbox_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/inboxkit/inboxkit/inbox"
)

// ExampleSource loads a source stored as JSON (the verifier, which holds
// the secrets, is set apart), decodes two events of one order and a
// malformed payload.
func ExampleSource() {
	stored := `{
	  "name": "shop",
	  "mapping": {"type": "event", "message_id": "order.id", "email": "order.customer.email",
	              "fields": {"order": "order.id"}},
	  "events": {
	    "order.placed":  {"kind": "MINIMAL", "text": "Order {{ field.order }} placed", "icon": "cart"},
	    "order.shipped": {"kind": "MINIMAL", "text": "Order {{ field.order }} shipped", "icon": "truck"}
	  }
	}`
	var src inbox.Source
	if err := json.Unmarshal([]byte(stored), &src); err != nil {
		log.Fatal(err)
	}
	d, err := inbox.NewDecoder(src)
	if err != nil {
		log.Fatal(err)
	}
	for _, body := range []string{
		`{"event":"order.placed","order":{"id":"o-1001","customer":{"email":"ada@example.com"}}}`,
		`{"event":"order.shipped","order":{"id":"o-1001","customer":{"email":"ada@example.com"}}}`,
		`{"event":"order.shipped","order":{"id":"o-1002","customer":{"email":"not an address"}}}`,
	} {
		ev, err := d.Decode(nil, []byte(body))
		if pe, ok := errors.AsType[*inbox.PayloadError](err); ok {
			fmt.Println(pe.Problem.Path, pe.Problem.Code, errors.Is(err, inbox.ErrMalformed))
			continue
		}
		fmt.Println(ev.Key(), "|", ev.Text)
	}
	// Output:
	// shop/order.placed/m/o-1001 | Order o-1001 placed
	// shop/order.shipped/m/o-1001 | Order o-1001 shipped
	// /order/customer/email invalid_email true
}
