package integration

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
)

// StatusLoading is the status of a card that [Service.ProfileStream] announced and has not
// delivered yet. A card delivered by ProfileStream or returned by Profile never has it.
const StatusLoading Status = "loading"

// ProfileStream loads the same cards as [Service.Profile] and delivers each one the moment it
// is ready, so that a front end shows every card with its own loading state instead of
// waiting for the slowest upstream.
//
// It returns the cards to come first: one per card in attachment order, with IntegrationID,
// Name and [StatusLoading] set. The returned sequence then runs the cards (concurrently, at
// most Options.MaxConcurrentCards at a time) and yields each as it completes, with its index
// in pending; every card is yielded exactly once, in completion order. Nothing runs until the
// sequence is ranged over, and it may be ranged over once (again, it yields nothing). Stopping early (a break, or the consumer's connection gone) cancels the
// cards still running and returns only when their goroutines have ended.
//
// ProfileStream fails, before any card runs, for the reasons Profile does.
//
//	pending, cards, err := svc.ProfileStream(ctx, agent, req)
//	if err != nil {
//		return err
//	}
//	show(pending) // every card with a spinner
//	for i, card := range cards {
//		replace(i, card)
//	}
func (s *Service) ProfileStream(ctx context.Context, actor Actor, r *ProfileRequest) (pending []Card, cards iter.Seq2[int, Card], err error) {
	if r == nil {
		return nil, nil, errors.New("integration: nil ProfileRequest")
	}
	ib, jobs, err := s.profileJobs(ctx, actor, r, nil)
	if err != nil {
		return nil, nil, err
	}
	pending = make([]Card, len(jobs))
	for i, in := range jobs {
		pending[i] = Card{IntegrationID: in.ID, Name: in.Name, Status: StatusLoading}
	}
	var used atomic.Bool
	cards = func(yield func(int, Card) bool) {
		if used.Swap(true) {
			return
		}
		s.streamCards(ctx, &ib, jobs, r, yield)
	}
	return pending, cards, nil
}

// streamCards runs jobs on at most s.maxCards goroutines and yields each card as it
// completes. When yield returns false, it cancels the remaining cards and waits for the
// goroutines before it returns.
func (s *Service) streamCards(ctx context.Context, ib *Inbox, jobs []*Integration, r *ProfileRequest, yield func(int, Card) bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type done struct {
		i    int
		card Card
	}
	// Buffered for every card: a worker never blocks on a consumer that stopped reading.
	ready := make(chan done, len(jobs))
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range min(len(jobs), s.maxCards) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(jobs); i = int(next.Add(1) - 1) {
				var c Card
				s.card(ctx, ib, jobs[i], r, &c)
				ready <- done{i, c}
			}
		})
	}
	defer func() {
		cancel() // stops the cards still running when the consumer stopped early
		wg.Wait()
	}()
	for range jobs {
		d := <-ready
		if !yield(d.i, d.card) {
			return
		}
	}
}

// profileJobs returns the inbox of r and the integrations whose cards a profile load of r
// runs, in attachment order, appended to jobs: Profile's selection too.
func (s *Service) profileJobs(ctx context.Context, actor Actor, r *ProfileRequest, jobs []*Integration) (Inbox, []*Integration, error) {
	ib, err := s.inboxOf(ctx, actor.TeamID, r.InboxID)
	if err != nil {
		return Inbox{}, nil, err
	}
	atts, byID, err := s.attached(ctx, ib)
	if err != nil {
		return Inbox{}, nil, err
	}
	for _, a := range atts {
		in := byID.find(a.IntegrationID)
		if !a.Enabled || in == nil || !in.Active || (r.IntegrationID != "" && in.ID != r.IntegrationID) {
			continue
		}
		jobs = append(jobs, in)
	}
	if r.IntegrationID != "" && len(jobs) == 0 {
		return Inbox{}, nil, fmt.Errorf("integration %q: no active card in inbox %q: %w", r.IntegrationID, r.InboxID, ErrNotFound)
	}
	return ib, jobs, nil
}
