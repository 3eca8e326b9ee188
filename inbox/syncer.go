package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds the work of one [Syncer.Sync] after the claim when
// Options.Timeout is zero.
const DefaultTimeout = 20 * time.Second

// NoMatch is the policy when no contact has the event's email address.
type NoMatch uint8

const (
	// NoMatchSkip records the delivery as skipped and sends nothing.
	NoMatchSkip NoMatch = iota
	// NoMatchCreate creates a contact through the [ContactCreator] that
	// Options.Contacts must implement, then sends to it.
	NoMatchCreate
	// NoMatchHold hands the event to Options.Hold, which keeps it for later
	// (for example until an agent links the address to a contact).
	NoMatchHold
)

// String returns "skip", "create" or "hold".
func (p NoMatch) String() string {
	switch p {
	case NoMatchSkip:
		return "skip"
	case NoMatchCreate:
		return "create"
	case NoMatchHold:
		return "hold"
	}
	return "NoMatch(" + strconv.Itoa(int(p)) + ")"
}

// ManyMatch is the policy when several contacts have the event's email.
type ManyMatch uint8

const (
	// ManyFirst sends to the first contact in the host's order.
	ManyFirst ManyMatch = iota
	// ManyAll sends to every matching contact.
	ManyAll
	// ManyChoose asks Options.Choose which contacts get the message.
	ManyChoose
)

// String returns "first", "all" or "choose".
func (p ManyMatch) String() string {
	switch p {
	case ManyFirst:
		return "first"
	case ManyAll:
		return "all"
	case ManyChoose:
		return "choose"
	}
	return "ManyMatch(" + strconv.Itoa(int(p)) + ")"
}

// Options configures a [Syncer]. Contacts, Conversations, Messages and
// Ledger are required; the zero policies are [NoMatchSkip] and [ManyFirst].
type Options struct {
	Contacts      Contacts
	Conversations Conversations
	Messages      Messages
	Ledger        Ledger
	// NoMatch and ManyMatch are the contact policies, recorded on every
	// Outcome.
	NoMatch   NoMatch
	ManyMatch ManyMatch
	// Hold keeps an event no contact matches (NoMatchHold). An error
	// wrapping ErrTemporary leaves the delivery retryable; any other error
	// is a permanent failure. Hold must not retain ev. Hold should be
	// idempotent per [Event.Key]: when the ledger write after a successful
	// Hold fails, the redelivery calls Hold again.
	Hold func(ctx context.Context, ev *Event) error
	// Choose picks among several matching contacts (ManyChoose); it must
	// return a subset of ids (an empty result skips the delivery). Errors
	// follow the Hold rule.
	Choose func(ctx context.Context, ev *Event, ids []string) ([]string, error)
	// Logger receives one debug record per delivery, and a warning naming
	// only the key when the ledger reports [ErrLeaseLost] (the lease is too
	// short for the host's calls); nil is silent.
	Logger *slog.Logger
	// Timeout bounds the host calls of one Sync once its key is claimed
	// (contacts, conversations, messages, hooks), and separately the final
	// ledger write; zero means [DefaultTimeout]. Those calls run on a
	// context that keeps ctx's values but not its cancellation, so that a
	// sender hanging up does not abort a half-done delivery. A Sync thus
	// holds its claim for at most about twice Timeout; the ledger's lease
	// must be longer than that: a Sync still running when its lease expires
	// may race a redelivery that took the key over, and both may send.
	Timeout time.Duration
}

// A Syncer brings events into the host's inbox, exactly once per
// idempotency key. It is safe for concurrent use by multiple goroutines.
// The zero value is not usable; use [New].
type Syncer struct {
	o       Options
	creator ContactCreator
}

// New returns a Syncer, or an error if a required host interface is missing
// or a policy lacks its hook.
func New(o Options) (*Syncer, error) {
	switch {
	case o.Contacts == nil:
		return nil, errors.New("inbox: options: Contacts is required")
	case o.Conversations == nil:
		return nil, errors.New("inbox: options: Conversations is required")
	case o.Messages == nil:
		return nil, errors.New("inbox: options: Messages is required")
	case o.Ledger == nil:
		return nil, errors.New("inbox: options: Ledger is required")
	case o.Timeout < 0:
		return nil, errors.New("inbox: options: negative Timeout")
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	s := &Syncer{o: o}
	switch o.NoMatch {
	case NoMatchSkip:
	case NoMatchCreate:
		c, ok := o.Contacts.(ContactCreator)
		if !ok {
			return nil, fmt.Errorf("inbox: options: NoMatchCreate needs Contacts (%T) to implement ContactCreator", o.Contacts)
		}
		s.creator = c
	case NoMatchHold:
		if o.Hold == nil {
			return nil, errors.New("inbox: options: NoMatchHold needs Hold")
		}
	default:
		return nil, errors.New("inbox: options: unknown NoMatch policy")
	}
	switch o.ManyMatch {
	case ManyFirst, ManyAll:
	case ManyChoose:
		if o.Choose == nil {
			return nil, errors.New("inbox: options: ManyChoose needs Choose")
		}
	default:
		return nil, errors.New("inbox: options: unknown ManyMatch policy")
	}
	return s, nil
}

// An Outcome reports what Sync did with one event, and why.
type Outcome struct {
	// Key is the idempotency key ("" for an ignored event without ids).
	Key    string `json:"key,omitempty"`
	Source string `json:"source"`
	Type   string `json:"type,omitempty"`
	Status Status `json:"status"`
	// Rule is the contact rule applied: "none/skip", "none/create",
	// "none/hold", "one", "many/first", "many/all" or "many/choose"; empty
	// when no lookup ran (ignored, duplicate, busy).
	Rule string `json:"rule,omitempty"`
	// Matched lists the contact ids the email matched.
	Matched []string `json:"matched,omitempty"`
	// Deliveries lists the chosen contacts and what each got; for a
	// duplicate, what the first completed attempt recorded.
	Deliveries []Delivery `json:"deliveries,omitempty"`
	// Reason explains a skipped, held, retry or failed status, and says
	// when the result was not recorded because the claim was lost to
	// another worker (see [Syncer.Sync]).
	Reason string `json:"reason,omitempty"`
}

// reasonLeaseLost is the Outcome.Reason (or its suffix) of an attempt whose
// Complete found the claim taken over.
const reasonLeaseLost = "ledger: claim lost to another worker; this result was not recorded"

// Sync brings one event into the inbox: claim its key in the ledger, find
// the contacts, apply the policy, get or create each conversation, send,
// and complete the key.
//
// A nil error means the delivery is settled and may be acknowledged: the
// Outcome says whether it was sent, a duplicate, ignored, skipped, held or
// a permanent failure (recorded in the ledger with the event, for replay).
// An error wrapping [ErrTemporary] (host temporary errors, any ledger error,
// [ErrInProgress], ctx done before the claim, Options.Timeout running out)
// means the key is left retryable and the event must be delivered again
// later; the Outcome is then StatusRetry or StatusBusy. ctx is honoured up
// to the claim; after it, cancelling ctx no longer stops the delivery,
// which runs to its end within Options.Timeout (see there).
//
// An error wrapping [ErrMalformed] rejects an invalid event (no source name
// or an invalid one, no idempotency key, an id longer than 256 bytes or with
// control characters or invalid UTF-8, neither email nor phone, an
// implausible email, a phone number not in E.164 or "00" form, no
// text, a link or an attachment without an absolute http or https URL);
// nothing is recorded. The text sent is cleaned: invalid UTF-8 becomes
// U+FFFD, control characters, bidi overrides and zero-width characters
// (the set package template strips) are dropped (a BASIC
// message keeps tabs and line breaks; a MINIMAL one is kept on one line).
//
// A temporary failure after some contacts of a ManyAll delivery were sent
// releases the key with that progress, so a retry sends only to the rest.
//
// When the ledger refuses the final Complete with [ErrLeaseLost], this
// attempt outlived its lease and another worker has claimed the key since.
// What this attempt sent is already in the host and cannot be taken back;
// Sync does not release the key (the other worker owns it), logs a warning
// naming the key, and returns a nil error with the status of what this
// attempt did (StatusSent when it sent) and a Reason saying that the
// result was not recorded. The sender thus gets 200: its delivery reached
// the inbox, and the worker now holding the key settles or retries it on
// its own (and may send again unless Messages deduplicates on
// [Message.Key]). A Release refused with ErrLeaseLost after a temporary
// failure is logged the same way and still returns ErrTemporary.
func (s *Syncer) Sync(ctx context.Context, ev *Event) (*Outcome, error) {
	return s.deliver(ctx, ev, "")
}

// deliver is Sync, or Post into the conversation conv when conv is set.
func (s *Syncer) deliver(ctx context.Context, ev *Event, conv string) (*Outcome, error) {
	if s == nil || s.o.Ledger == nil {
		return nil, errors.New("inbox: Sync on a Syncer not made by New")
	}
	if ev == nil {
		return nil, malformed("", CodeMissing, "nil event")
	}
	out := &Outcome{Key: ev.Key(), Source: ev.Source, Type: ev.Type}
	if ev.Kind == KindNone {
		out.Status = StatusIgnored
		out.Reason = "event type not mapped"
		return out, nil
	}
	if ev.Kind > KindMinimal {
		return nil, malformed("/kind", CodeUnknownValue, "unknown kind")
	}
	if ev.Source == "" {
		return nil, malformed("/source", CodeRequired, "missing")
	}
	if !validName(ev.Source) {
		return nil, malformed("/source", CodeInvalidName, "not a valid source name")
	}
	if out.Key == "" {
		return nil, malformed("/message_id", CodeMissing, "missing (and no delivery id or idempotency key)")
	}
	for _, f := range [...]struct {
		path, v string
		max     int
	}{{"/message_id", ev.MessageID, maxIDLen}, {"/delivery_id", ev.DeliveryID, maxIDLen}, {"/type", ev.Type, maxIDLen}, {"/idempotency_key", ev.IdempotencyKey, MaxKeyBytes}} {
		if len(f.v) > f.max {
			return nil, malformed(f.path, CodeTooLong, "longer than "+strconv.Itoa(f.max)+" bytes")
		}
		if !validID(f.v) {
			return nil, malformed(f.path, CodeInvalidChars, errIDChars)
		}
	}
	if len(out.Key) > MaxKeyBytes {
		return nil, malformed("", CodeTooLong, "idempotency key longer than "+strconv.Itoa(MaxKeyBytes)+" bytes")
	}
	var who Person
	if conv == "" {
		var err error
		if who, err = eventPerson(ev); err != nil {
			return nil, err
		}
	}
	text := cleanText(ev.Text, ev.Kind == KindMinimal)
	if text == "" && (ev.Kind == KindMinimal || len(ev.Attachments) == 0) {
		return nil, malformed("/text", CodeMissing, "missing")
	}
	if ev.Kind == KindMinimal && ev.Link != "" && !validLink(ev.Link) {
		return nil, malformed("/link", CodeInvalidURL, "not an absolute http or https URL")
	}
	for i, a := range ev.Attachments {
		path := "/attachments/" + strconv.Itoa(i)
		switch {
		case !validLink(a.URL):
			return nil, malformed(path+"/url", CodeInvalidURL, "not an absolute http or https URL")
		case !validID(a.Name):
			return nil, malformed(path+"/name", CodeInvalidChars, errIDChars)
		case !validID(a.ContentType):
			return nil, malformed(path+"/content_type", CodeInvalidChars, errIDChars)
		}
	}
	claim, err := s.o.Ledger.Claim(ctx, out.Key)
	if err == nil {
		err = checkClaim(s.o.Ledger, claim)
	}
	if err != nil {
		out.Status, out.Reason = StatusRetry, "ledger claim failed"
		return out, fmt.Errorf("%w: ledger: claim: %w", ErrTemporary, err)
	}
	switch claim.State {
	case ClaimDone:
		out.Status = StatusDuplicate
		if r := claim.Record; r != nil {
			out.Deliveries = slices.Clone(r.Deliveries)
			out.Reason = "already " + string(r.Status)
		}
		s.log(ctx, out)
		return out, nil
	case ClaimBusy:
		out.Status, out.Reason = StatusBusy, "another attempt holds the claim"
		s.log(ctx, out)
		return out, fmt.Errorf("%w: %w", ErrTemporary, ErrInProgress)
	}
	// Once the key is claimed, finish the delivery within the timeout even
	// if the caller goes away: aborting halfway (a Send that reached the
	// host but reports ctx's cancellation) is what risks a double message.
	detached := context.WithoutCancel(ctx)
	runCtx, cancel := context.WithTimeout(detached, s.o.Timeout)
	var (
		rec     *Record
		tempErr error
	)
	if conv != "" {
		rec, tempErr = s.post(runCtx, ev, conv, text, claim.Record, out)
	} else {
		rec, tempErr = s.run(runCtx, ev, who, text, claim.Record, out)
	}
	cancel()
	out.Deliveries = slices.Clone(rec.Deliveries)
	// The ledger write gets its own budget, detached from ctx: it must
	// happen even when ctx is done, and must not hang forever either.
	lctx, cancel := context.WithTimeout(detached, s.o.Timeout)
	defer cancel()
	if tempErr != nil {
		rec.Status = StatusRetry
		out.Status, out.Reason = StatusRetry, rec.Reason
		if rerr := s.o.Ledger.Release(lctx, out.Key, claim.Token, rec); rerr != nil {
			s.warnLeaseLost(ctx, out.Key, rerr)
			tempErr = errors.Join(tempErr, fmt.Errorf("ledger: release: %w", rerr))
		}
		s.log(ctx, out)
		return out, fmt.Errorf("%w: %w", ErrTemporary, tempErr)
	}
	if rec.Status == StatusFailed {
		evCopy := *ev
		evCopy.Attachments = slices.Clone(ev.Attachments)
		rec.Event = &evCopy
	}
	out.Status, out.Reason = rec.Status, rec.Reason
	if err := s.o.Ledger.Complete(lctx, out.Key, claim.Token, rec); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			// Another worker owns the key: what was sent stays sent, and
			// releasing would hand the key to a third worker while the
			// second may still be sending.
			s.warnLeaseLost(ctx, out.Key, err)
			if out.Reason == "" {
				out.Reason = reasonLeaseLost
			} else {
				out.Reason += "; " + reasonLeaseLost
			}
			s.log(ctx, out)
			return out, nil
		}
		// Save the progress so that the retry does not send again.
		progress := *rec
		progress.Status = StatusRetry
		rerr := s.o.Ledger.Release(lctx, out.Key, claim.Token, &progress)
		s.warnLeaseLost(ctx, out.Key, rerr)
		out.Status, out.Reason = StatusRetry, "ledger complete failed"
		s.log(ctx, out)
		return out, fmt.Errorf("%w: ledger: complete: %w", ErrTemporary, errors.Join(err, rerr))
	}
	s.log(ctx, out)
	return out, nil
}

func checkClaim(l Ledger, c Claim) error {
	switch c.State {
	case ClaimNew:
		if c.Token == "" {
			return fmt.Errorf("inbox: %T.Claim returned ClaimNew with an empty Token", l)
		}
		return nil
	case ClaimBusy:
		return nil
	case ClaimDone:
		if c.Record == nil {
			return fmt.Errorf("inbox: %T.Claim returned ClaimDone with a nil Record", l)
		}
		return nil
	}
	return fmt.Errorf("inbox: %T.Claim returned invalid state %d", l, c.State)
}

func (s *Syncer) log(ctx context.Context, out *Outcome) {
	if s.o.Logger == nil {
		return
	}
	s.o.Logger.LogAttrs(ctx, slog.LevelDebug, "inbox sync",
		slog.String("source", out.Source), slog.String("type", out.Type),
		slog.String("status", string(out.Status)), slog.String("rule", out.Rule),
		slog.Int("deliveries", len(out.Deliveries)), slog.String("reason", out.Reason))
}

// warnLeaseLost logs, at warn level and with the key only, a ledger write
// refused with ErrLeaseLost.
func (s *Syncer) warnLeaseLost(ctx context.Context, key string, err error) {
	if s.o.Logger == nil || !errors.Is(err, ErrLeaseLost) {
		return
	}
	s.o.Logger.LogAttrs(ctx, slog.LevelWarn, "inbox sync: ledger claim lost to another worker", slog.String("key", key))
}

func isTemporary(err error) bool {
	return errors.Is(err, ErrTemporary) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// step classifies a host error: temporary (returned) or permanent (reason).
// Any error once ctx is done (the Sync timeout) is temporary: a host call
// cut short by the deadline may report it as anything ("connection reset"),
// and recording it as a permanent failure would drop the delivery.
func step(ctx context.Context, err error, what string) (temp error, reason string) {
	if isTemporary(err) || ctx.Err() != nil {
		return fmt.Errorf("%s: %w", what, err), what + ": temporary failure"
	}
	return nil, what + ": " + err.Error()
}

// stepFailed ends run after a failed step: a temporary error is returned
// for a release, a permanent one marks rec failed with its reason.
func stepFailed(ctx context.Context, rec *Record, err error, what string) (*Record, error) {
	temp, reason := step(ctx, err, what)
	rec.Reason = reason
	if temp != nil {
		return rec, temp
	}
	rec.Status = StatusFailed
	return rec, nil
}

// run does the contact, conversation and message steps. It returns the
// record to complete, or a temporary error with the progress to release.
func (s *Syncer) run(ctx context.Context, ev *Event, who Person, text string, progress *Record, out *Outcome) (*Record, error) {
	rec := &Record{}
	if progress != nil {
		rec.Deliveries = slices.Clone(progress.Deliveries)
	}
	ids, bug, err := s.find(ctx, who)
	if err != nil {
		return stepFailed(ctx, rec, err, "contacts: find")
	}
	if bug != "" {
		rec.Status, rec.Reason = StatusFailed, "contacts: find: "+bug
		return rec, nil
	}
	out.Matched = slices.Clone(ids)
	var targets []string
	created := false
	switch {
	case len(ids) == 0:
		out.Rule = "none/" + s.o.NoMatch.String()
		switch s.o.NoMatch {
		case NoMatchSkip:
			rec.Status, rec.Reason = StatusSkipped, "no contact with this "+who.what()
			return rec, nil
		case NoMatchHold:
			if err := s.o.Hold(ctx, ev); err != nil {
				return stepFailed(ctx, rec, err, "hold")
			}
			rec.Status, rec.Reason = StatusHeld, "no contact with this "+who.what()+"; held by the host"
			return rec, nil
		case NoMatchCreate:
			if d := firstCreated(rec.Deliveries); d != "" {
				targets = []string{d} // created by an earlier, released attempt
			} else {
				id, err := s.creator.CreateContact(ctx, who)
				if err == nil && id == "" {
					err = fmt.Errorf("%T.CreateContact returned an empty id and no error", s.creator)
				}
				if err != nil {
					return stepFailed(ctx, rec, err, "contacts: create")
				}
				targets = []string{id}
			}
			created = true
		}
	case len(ids) == 1:
		out.Rule = "one"
		targets = ids
	default:
		out.Rule = "many/" + s.o.ManyMatch.String()
		switch s.o.ManyMatch {
		case ManyFirst:
			targets = ids[:1]
		case ManyAll:
			targets = ids
		case ManyChoose:
			chosen, err := s.o.Choose(ctx, ev, slices.Clone(ids))
			if err != nil {
				return stepFailed(ctx, rec, err, "choose")
			}
			for _, c := range chosen {
				if !slices.Contains(ids, c) {
					rec.Status, rec.Reason = StatusFailed, "choose: returned a contact that does not match the email"
					return rec, nil
				}
			}
			if len(chosen) == 0 {
				rec.Status, rec.Reason = StatusSkipped, "chooser chose no contact"
				return rec, nil
			}
			targets = chosen
		}
	}
	msg := newMessage(ev, text)
	key := out.Key
	failed := 0
	for _, cid := range dedupe(targets) {
		i := slices.IndexFunc(rec.Deliveries, func(d Delivery) bool { return d.ContactID == cid })
		if i < 0 {
			rec.Deliveries = append(rec.Deliveries, Delivery{ContactID: cid, CreatedContact: created})
			i = len(rec.Deliveries) - 1
		}
		d := &rec.Deliveries[i]
		if d.settled() {
			if d.Error != "" {
				failed++
			}
			continue
		}
		if d.ConversationID == "" {
			conv, isNew, err := s.o.Conversations.GetOrCreate(ctx, cid)
			if err == nil && conv == "" {
				err = fmt.Errorf("%T.GetOrCreate returned an empty conversation id and no error", s.o.Conversations)
			}
			if err != nil {
				temp, reason := step(ctx, err, "conversations: get or create")
				if temp != nil {
					rec.Reason = reason
					return rec, temp
				}
				d.Error = reason
				failed++
				continue
			}
			d.ConversationID, d.NewConversation = conv, isNew
		}
		m := msg
		m.Key = key + "/" + cid
		mid, err := s.o.Messages.Send(ctx, d.ConversationID, &m)
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
			failed++
			continue
		}
		d.MessageID = mid
	}
	// Keep only the chosen contacts (an earlier attempt may have chosen
	// others that no longer match; those that were sent stay recorded).
	rec.Deliveries = slices.DeleteFunc(rec.Deliveries, func(d Delivery) bool {
		return !d.settled() && !slices.Contains(targets, d.ContactID)
	})
	if failed > 0 {
		rec.Status = StatusFailed
		var b strings.Builder
		fmt.Fprintf(&b, "%d of %d contacts failed permanently", failed, len(rec.Deliveries))
		for _, d := range rec.Deliveries {
			if d.Error != "" {
				fmt.Fprintf(&b, "; contact %s: %s", d.ContactID, d.Error)
			}
		}
		rec.Reason = b.String()
		return rec, nil
	}
	rec.Status = StatusSent
	return rec, nil
}

// newMessage returns the message of ev with its cleaned text.
func newMessage(ev *Event, text string) Message {
	dir := ev.Direction
	if ev.Kind == KindMinimal {
		dir = ParticipantToBusiness // the zero value: an activity has no direction
	}
	msg := Message{
		Kind: ev.Kind, Direction: dir, Visibility: ev.Visibility, Text: text,
		OccurredAt: ev.OccurredAt, Source: ev.Source, ExternalID: ev.MessageID,
	}
	if msg.ExternalID == "" {
		msg.ExternalID = ev.DeliveryID
	}
	if ev.Kind == KindMinimal {
		msg.Icon, msg.Link = ev.Icon, ev.Link
	} else {
		msg.Attachments = ev.Attachments
	}
	return msg
}

func firstCreated(ds []Delivery) string {
	for _, d := range ds {
		if d.CreatedContact {
			return d.ContactID
		}
	}
	return ""
}

func dedupe(ids []string) []string {
	if len(ids) < 2 {
		return ids
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
