package variables_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/inboxkit/inboxkit/variables"
)

func ExampleCompile() {
	opts := &variables.Options{
		Names:    []string{"contact.email", "contact.name"},
		Prefixes: []string{"contact.attributes."},
		Strict:   true,
	}
	t, err := variables.Compile("Hello {{ contact.name | default:\"there\" }} ({{contact.attributes.plan_tier | upper}})", variables.Text, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Names())
	out, err := t.Expand(variables.Map{"contact.attributes.plan_tier": "gold"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)

	_, err = variables.Compile("{{contact.phone}}", variables.Text, opts)
	fmt.Println(err)
	// Output:
	// [contact.name contact.attributes.plan_tier]
	// Hello there (GOLD)
	// variables: offset 2: unknown variable "contact.phone"; expected one of contact.email, contact.name, or a name under contact.attributes.
}

func ExampleCompile_syntaxError() {
	_, err := variables.Compile("https://x.test/{{ contact.id | truncate }}", variables.URL, nil)
	if se, ok := errors.AsType[*variables.SyntaxError](err); ok {
		fmt.Println(se.Offset, se.Msg)
	}
	// Output: 39 filter truncate needs an argument; expected ":" and an argument
}

func ExampleTemplate_Expand_url() {
	t, err := variables.Compile(
		"https://api.example.com/v1/teams/{{team.id}}/contacts/{{contact.id}}?email={{contact.email}}",
		variables.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	u, err := t.Expand(variables.Map{
		"team.id":       "t_42",
		"contact.id":    "c/1001 x", // stays one path segment
		"contact.email": "zoe+test@example.com",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)

	// A server that decodes %2F before resolving ".." would read contacts/../../admin.
	_, err = t.Expand(variables.Map{"team.id": "t_42", "contact.id": "../../admin"})
	fmt.Println(err)

	_, err = variables.Compile("https://{{tenant}}.example.com/", variables.URL, nil)
	fmt.Println(errors.Is(err, variables.ErrPlacement))
	// Output:
	// https://api.example.com/v1/teams/t_42/contacts/c%2F1001%20x?email=zoe%2Btest%40example.com
	// variables: variable contact.id: dot segment in url path
	// true
}

func ExampleTemplate_Expand_json() {
	t, err := variables.Compile(
		`{"name":"{{contact.name}}","email":"{{contact.email}}","id":{{contact.id}}}`,
		variables.JSON, nil)
	if err != nil {
		log.Fatal(err)
	}
	body, err := t.Expand(variables.Map{
		"contact.name":  "Zoë \"Z\" O'Brien\n",
		"contact.email": "zoe+test@example.com",
		"contact.id":    "1001", // standing alone: written as a JSON string
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(body)
	// Output: {"name":"Zoë \"Z\" O'Brien\n","email":"zoe+test@example.com","id":"1001"}
}

func ExampleTemplate_Expand_header() {
	opts := &variables.Options{Names: []string{"contact.email"}, HeaderOnly: []string{"secret."}}
	t, err := variables.Compile("Bearer {{secret.api_token}}", variables.Header, opts)
	if err != nil {
		log.Fatal(err)
	}
	v, err := t.Expand(variables.Map{"secret.api_token": "tok_123"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)

	_, err = t.Expand(variables.Map{"secret.api_token": "tok\r\nX-Evil: 1"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, variables.ErrInvalidHeaderValue))
	// Output:
	// Bearer tok_123
	// variables: variable secret.api_token: invalid header value
	// true
}

func ExampleTemplate_Expand_query() {
	t, err := variables.Compile("{{contact.email | lower}}", variables.Query, nil)
	if err != nil {
		log.Fatal(err)
	}
	v, err := t.Expand(variables.Map{"contact.email": "Zoe+Test@Example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("email=" + v)
	// Output: email=zoe%2Btest%40example.com
}

func ExampleTemplate_Expand_text() {
	t, err := variables.Compile(`{{"{{"}} is literal; {{ contact.name | trim | truncate:3 }}…`, variables.Text, nil)
	if err != nil {
		log.Fatal(err)
	}
	v, err := t.Expand(variables.Map{"contact.name": "  Zoë O'Brien "})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output: {{ is literal; Zoë…
}

func ExampleTemplate_Expand_strict() {
	t, err := variables.Compile("{{contact.phone}}", variables.Text, &variables.Options{Strict: true})
	if err != nil {
		log.Fatal(err)
	}
	_, err = t.Expand(variables.Map{})
	fmt.Println(err)
	if ve, ok := errors.AsType[*variables.ValueError](err); ok && errors.Is(err, variables.ErrUndefined) {
		fmt.Println("missing:", ve.Name)
	}
	// Output:
	// variables: variable contact.phone: undefined variable
	// missing: contact.phone
}

func ExampleTemplate_AppendExpand() {
	t, err := variables.Compile(`{"email":"{{contact.email}}"}`, variables.JSON, nil)
	if err != nil {
		log.Fatal(err)
	}
	buf := make([]byte, 0, 256) // reused across expansions
	for _, email := range []string{"a@example.com", `b"@example.com`} {
		buf, err = t.AppendExpand(buf[:0], variables.Map{"contact.email": email})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(buf))
	}
	// Output:
	// {"email":"a@example.com"}
	// {"email":"b\"@example.com"}
}

func ExampleTemplate_Single() {
	t, err := variables.Compile("{{ orders.# }}", variables.Text, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Single())
	// Output: orders.# true
}

func ExampleFilter() {
	digits := variables.Filter{Apply: func(v, _ string) (string, error) {
		return strings.Map(func(r rune) rune {
			if r < '0' || r > '9' {
				return -1
			}
			return r
		}, v), nil
	}}
	t, err := variables.Compile("{{contact.phone_number | digits}}", variables.Query,
		&variables.Options{Filters: map[string]variables.Filter{"digits": digits}})
	if err != nil {
		log.Fatal(err)
	}
	v, err := t.Expand(variables.Map{"contact.phone_number": "+1 (555) 010-9999"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output: 15550109999
}

// AppendKey keys an expansion by its values: a cache can look a request up by the keys of its
// templates and expand it only when it must send it. Equal keys mean equal expansions.
func ExampleTemplate_AppendKey() {
	t, err := variables.Compile("https://crm.example.com/v1/contacts/{{contact.email}}", variables.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, email := range []string{"zoe@example.com", "zoe@example.com", "a/b"} {
		key, err := t.AppendKey(nil, variables.Map{"contact.email": email})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q\n", key)
	}
	_, err = t.AppendKey(nil, variables.Map{"contact.email": ".."})
	fmt.Println(err)
	// Output:
	// "\x0fzoe@example.com"
	// "\x0fzoe@example.com"
	// "\x03a/b"
	// variables: variable contact.email: dot segment in url path
}
