package triggers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/integration"
)

// DefaultSource is the inbox source name of posted activities when Options.Source is empty.
const DefaultSource = "integration"

// Options configures a [Poster]. Service and Syncer are required.
type Options struct {
	// Service runs the triggers.
	Service *integration.Service
	// Syncer posts the activities, through its Ledger and Messages.
	Syncer *inbox.Syncer
	// Source is the inbox source name the activities are posted under (the scope of their
	// idempotency keys and Message.Source). If empty, DefaultSource is used.
	Source string
	// Public shows the activities to the contact too; by default they are visible to the
	// business only.
	Public bool
	// Logger receives a warning per activity that failed or could not be posted, naming the
	// integration, trigger, event type and failure category, never the activity's text. If nil,
	// nothing is logged.
	Logger *slog.Logger
}

// Poster runs event triggers and posts their activities. It is safe for concurrent use by
// multiple goroutines; the zero value is not usable (use [New]).
type Poster struct {
	svc        *integration.Service
	syncer     *inbox.Syncer
	source     string
	visibility inbox.Visibility
	log        *slog.Logger
}

// New returns a Poster for o.
func New(o Options) (*Poster, error) {
	switch {
	case o.Service == nil:
		return nil, errors.New("triggers: Options.Service is required")
	case o.Syncer == nil:
		return nil, errors.New("triggers: Options.Syncer is required")
	}
	p := &Poster{svc: o.Service, syncer: o.Syncer, source: o.Source, visibility: inbox.BusinessOnly, log: o.Logger}
	if p.source == "" {
		p.source = DefaultSource
	}
	if o.Public {
		p.visibility = inbox.BusinessAndParticipant
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	return p, nil
}

// Result is what became of one activity.
type Result struct {
	// Activity is the trigger's result (see integration.Activity).
	Activity integration.Activity `json:"activity"`
	// Outcome is what inbox.Syncer.Post did with a StatusOK activity: sent, duplicate (posted
	// by an earlier report of the event), retry, failed... nil when nothing was posted.
	Outcome *inbox.Outcome `json:"outcome,omitempty"`
	// Err is the error of a post that failed, nil otherwise.
	Err error `json:"-"`
}

// Handle runs the triggers ev matches and posts each StatusOK activity into ev's conversation
// as a MINIMAL message, exactly once per activity key. It returns one [Result] per activity, in
// the order of integration.Service.RunTriggers.
//
// A nil error means the event is settled: everything that could be posted was (now or by an
// earlier report of the event), and what failed failed permanently. An error wrapping
// inbox.ErrTemporary asks the caller to report the event again later: an activity failed
// temporarily, a post did, or the host's integration stores did; the results say which. Any
// other error (an invalid event, an unknown inbox) is permanent.
func (p *Poster) Handle(ctx context.Context, actor integration.Actor, ev *integration.ConversationEvent) ([]Result, error) {
	acts, err := p.svc.RunTriggers(ctx, actor, ev)
	if err != nil {
		if _, ok := errors.AsType[*integration.ValidationError](err); ok || errors.Is(err, integration.ErrNotFound) || ev == nil {
			return nil, fmt.Errorf("triggers: %w", err)
		}
		return nil, fmt.Errorf("triggers: %w: %w", inbox.ErrTemporary, err)
	}
	results := make([]Result, len(acts))
	var temp []error
	for i := range acts {
		a := &acts[i]
		r := &results[i]
		r.Activity = *a
		switch {
		case a.Status == integration.StatusOK:
		case a.Temporary():
			temp = append(temp, fmt.Errorf("activity %s: %s", a.Key, a.Error.Category))
			p.warn(ctx, ev, a, string(a.Error.Category))
			continue
		default:
			if a.Error != nil {
				p.warn(ctx, ev, a, string(a.Error.Category))
			}
			continue
		}
		r.Outcome, r.Err = p.syncer.Post(ctx, ev.Conversation.ID, &inbox.Event{
			Source: p.source, Type: ev.Type, IdempotencyKey: a.Key, Kind: inbox.KindMinimal,
			Visibility: p.visibility, Text: a.Text, Link: a.Link, Icon: a.Icon, OccurredAt: a.OccurredAt,
		})
		switch {
		case r.Err == nil:
			if r.Outcome.Status == inbox.StatusFailed {
				p.warn(ctx, ev, a, "post_failed")
			}
		case errors.Is(r.Err, inbox.ErrTemporary):
			temp = append(temp, fmt.Errorf("activity %s: post: %w", a.Key, r.Err))
			p.warn(ctx, ev, a, "post_temporary")
		default:
			p.warn(ctx, ev, a, "post_refused")
		}
	}
	if len(temp) > 0 {
		return results, fmt.Errorf("triggers: event %s: %w: %w", ev.ID, inbox.ErrTemporary, errors.Join(temp...))
	}
	return results, nil
}

func (p *Poster) warn(ctx context.Context, ev *integration.ConversationEvent, a *integration.Activity, what string) {
	p.log.LogAttrs(ctx, slog.LevelWarn, "triggers: activity not posted",
		slog.String("integration", a.IntegrationID), slog.String("trigger", a.Trigger),
		slog.String("event", ev.Type), slog.String("failure", what))
}
