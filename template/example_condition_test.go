package template_test

import (
	"fmt"

	"github.com/inboxkit/inboxkit/template"
)

func ExampleParseCondition() {
	c, err := template.ParseCondition([]byte(`{"all": [
		{"path": "contact.attributes.plan", "op": "eq", "value": "vip"},
		{"path": "conversation.status", "op": "in", "value": ["open", "pending"]}]}`))
	if err != nil {
		panic(err)
	}
	for _, p := range c.Paths() {
		fmt.Println(p.Pointer, p.Path)
	}
	for _, doc := range []string{
		`{"contact": {"attributes": {"plan": "vip"}}, "conversation": {"status": "open"}}`,
		`{"contact": {"attributes": {"plan": "free"}}, "conversation": {"status": "open"}}`,
	} {
		ok, err := c.Match([]byte(doc))
		fmt.Println(ok, err)
	}
	// Output:
	// /all/0/path contact.attributes.plan
	// /all/1/path conversation.status
	// true <nil>
	// false <nil>
}
