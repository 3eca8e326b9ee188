package inbox

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// RulePost is the Outcome.Rule of an event posted with [Syncer.Post]: no
// contact was looked up.
const RulePost = "conversation"

// Post brings ev into the conversation conversationID that the host already
// knows (an activity about a conversation, such as the result of an event
// trigger of package integration), through the same exactly-once flow as
// [Syncer.Sync]: the key of ev is claimed in the [Ledger], the message is
// sent with [Messages.Send] under [Options.Timeout] on a context detached
// from ctx's cancellation, and the key is completed, or released after a
// temporary failure so that a retry sends what is still unsent, never twice.
// The Outcome, the errors and the lease rules are those of Sync.
//
// Post neither looks up contacts nor calls [Conversations.GetOrCreate], so
// ev needs no email or phone (those given are ignored); everything else is
// checked as Sync checks it. The Outcome of an attempt that ran has Rule
// [RulePost] (a duplicate or busy one has none, as with Sync) and one
// [Delivery], with an empty ContactID and ConversationID set. The message's
// [Message.Key] is the event's key: the event names its conversation.
//
// The conversation is the caller's word, never a sender's: Post is for
// events the host produced, which is why the conversation is an argument
// rather than a field a [Decoder] could fill from a webhook. An empty
// conversationID, one longer than 256 bytes or one with control characters
// or invalid UTF-8 is an error wrapping [ErrMalformed] at
// "/conversation_id". A failed record keeps the event; a host replays it
// with Post into the conversation its Delivery names.
func (s *Syncer) Post(ctx context.Context, conversationID string, ev *Event) (*Outcome, error) {
	switch {
	case conversationID == "":
		return nil, malformed("/conversation_id", CodeRequired, "missing")
	case len(conversationID) > maxIDLen:
		return nil, malformed("/conversation_id", CodeTooLong, "longer than "+strconv.Itoa(maxIDLen)+" bytes")
	case !validID(conversationID):
		return nil, malformed("/conversation_id", CodeInvalidChars, errIDChars)
	}
	return s.deliver(ctx, ev, conversationID)
}

// post sends the message of ev to the conversation conv, once: a delivery
// that an earlier, released attempt settled is not sent again.
func (s *Syncer) post(ctx context.Context, ev *Event, conv, text string, progress *Record, out *Outcome) (*Record, error) {
	out.Rule = RulePost
	rec := &Record{}
	if progress != nil {
		rec.Deliveries = slices.Clone(progress.Deliveries)
	}
	if len(rec.Deliveries) != 1 || rec.Deliveries[0].ConversationID != conv {
		rec.Deliveries = []Delivery{{ConversationID: conv}}
	}
	d := &rec.Deliveries[0]
	if !d.settled() {
		m := newMessage(ev, text)
		m.Key = out.Key
		mid, err := s.o.Messages.Send(ctx, conv, &m)
		if err == nil && mid == "" {
			err = fmt.Errorf("%T.Send returned an empty message id and no error", s.o.Messages)
		}
		if err != nil {
			temp, reason := step(ctx, err, "messages: send")
			if temp != nil {
				rec.Reason = reason
				return rec, temp
			}
			d.Error = reason
		} else {
			d.MessageID = mid
		}
	}
	if d.Error != "" {
		rec.Status, rec.Reason = StatusFailed, "conversation "+conv+": "+d.Error
		return rec, nil
	}
	rec.Status = StatusSent
	return rec, nil
}
