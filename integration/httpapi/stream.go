package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/inboxkit/inboxkit/integration"
)

// streamProfile serves the profile as Server-Sent Events: "cards" (every card loading), one
// "card" per card the moment it is ready, then "done". A heartbeat comment keeps proxies from
// closing a quiet stream; every write has its own deadline, so a client that stops reading
// loses the stream instead of holding the cards' goroutines.
func (h *Handler) streamProfile(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	q := r.URL.Query()
	req, err := h.profileRequest(r, a, q.Get("conversation_id"))
	if err != nil {
		return err
	}
	req.IntegrationID = q.Get("integration_id")
	if v := q.Get("refresh"); v != "" {
		if req.Refresh, err = strconv.ParseBool(v); err != nil {
			return badRequest("refresh must be true or false.", Problem{Code: CodeInvalidType, Message: "query parameter refresh must be true or false"})
		}
	}
	pending, cards, err := h.svc.ProfileStream(r.Context(), a, req)
	if err != nil {
		return err
	}

	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Accel-Buffering", "no") // nginx: pass events through unbuffered
	w.WriteHeader(http.StatusOK)
	s := &sse{w: w, rc: http.NewResponseController(w), timeout: h.writeTimeout}
	defer s.rc.SetWriteDeadline(time.Time{})
	if s.event("cards", CardsEvent{Cards: pending}) != nil {
		return nil
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(h.heartbeat)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if s.write([]byte(": heartbeat\n\n")) != nil {
					return
				}
			}
		}
	})
	sent := 0
	for i, c := range cards {
		if s.event("card", CardEvent{Index: i, Card: c}) != nil {
			break // stops the cards still running
		}
		sent++
	}
	close(stop)
	wg.Wait()
	if sent == len(pending) {
		s.event("done", DoneEvent{Cards: sent})
	}
	return nil
}

// sse writes events to one stream; writes from the card loop and the heartbeat are
// serialized. After the first failed write every write fails.
type sse struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	mu      sync.Mutex
	err     error
}

func (s *sse) event(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b := make([]byte, 0, len(data)+len(name)+16)
	b = append(b, "event: "...)
	b = append(b, name...)
	b = append(b, "\ndata: "...)
	b = append(b, data...) // encoding/json never writes a line break
	b = append(b, "\n\n"...)
	return s.write(b)
}

// write writes b and flushes it within the write timeout.
func (s *sse) write(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if err := s.rc.SetWriteDeadline(time.Now().Add(s.timeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		s.err = err
		return err
	}
	if _, err := s.w.Write(b); err != nil {
		s.err = err
		return err
	}
	if err := s.rc.Flush(); err != nil {
		s.err = err
	}
	return s.err
}
