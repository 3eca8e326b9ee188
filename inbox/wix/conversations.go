package wix

import (
	"context"
	"errors"
	"net/http"
	"slices"
)

// GetOrCreate implements [inbox.Conversations] with Get or Create
// Conversation (participantId.contactId) and returns conversation.id and
// newConversation. The id is never cached: Wix merges conversations, so
// each delivery asks again.
//
// When Wix answers 404 for the contact (it was merged into another since
// the lookup), the client looks the contact up again once, with the email
// or phone that found it, and uses the first contact found that is not
// contactID.
func (c *Client) GetOrCreate(ctx context.Context, contactID string) (string, bool, error) {
	if contactID == "" {
		return "", false, errors.New("wix: get or create conversation: empty contact id")
	}
	id, created, err := c.getOrCreate(ctx, contactID)
	we, ok := errors.AsType[*Error](err)
	if !ok || we.StatusCode != http.StatusNotFound {
		return id, created, err
	}
	how, ok := c.seen.Get(contactID)
	if !ok {
		return "", false, err
	}
	ids, qerr := c.query(ctx, how.field, how.value)
	if qerr != nil {
		return "", false, qerr
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == contactID })
	if len(ids) == 0 {
		return "", false, err
	}
	return c.getOrCreate(ctx, ids[0])
}

func (c *Client) getOrCreate(ctx context.Context, contactID string) (string, bool, error) {
	var in struct {
		ParticipantID struct {
			ContactID string `json:"contactId"`
		} `json:"participantId"`
	}
	in.ParticipantID.ContactID = contactID
	var out struct {
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
		NewConversation bool `json:"newConversation"`
	}
	if err := c.call(ctx, "get or create conversation", "/inbox/v2/conversations", &in, &out, true); err != nil {
		return "", false, err
	}
	if !validID(out.Conversation.ID) {
		return "", false, &Error{Op: "get or create conversation", StatusCode: 200, Code: "INVALID_RESPONSE"}
	}
	return out.Conversation.ID, out.NewConversation, nil
}
