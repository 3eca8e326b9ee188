package integration_test

import (
	"encoding/json"
	"fmt"

	"github.com/inboxkit/inboxkit/integration"
)

func ExampleVariables() {
	for _, v := range integration.Variables()[13:16] {
		fmt.Printf("%s: %s (e.g. %s)\n", v.Name, v.Description, v.Example)
	}
	// Output:
	// agent.id: The ID of the agent viewing the profile. (e.g. agent_7)
	// agent.name: The name of the agent viewing the profile. (e.g. Grace Hopper)
	// agent.email: The email address of the agent viewing the profile. (e.g. grace@helpdesk.example)
}

func ExampleIntegration_Validate_condition() {
	in := &integration.Integration{
		Name: "VIP desk", URL: "https://crm.example.com/vip?email={{contact.email}}",
		Condition: json.RawMessage(`{"all": [
			{"path": "contact.attributes.plan", "op": "eq", "value": "vip"},
			{"path": "conversation.stat", "op": "in", "value": ["open", "pending"]}]}`),
	}
	fmt.Println(in.Validate())
	// Output: integration: 1 validation problem: /condition/all/1/path: "conversation.stat" is not a contact, conversation, inbox, agent or team variable
}
