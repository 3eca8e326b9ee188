package httpapi_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/httpapi"
)

// gated is an upstream whose /slow path (arrived is closed when its request arrives) answers
// only when release is closed, or the request is canceled, which closes canceled.
type gated struct {
	*httptest.Server
	arrived, release, canceled chan struct{}
	arrive, cancel             sync.Once
}

func newGated(t *testing.T) *gated {
	g := &gated{arrived: make(chan struct{}), release: make(chan struct{}), canceled: make(chan struct{})}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			g.arrive.Do(func() { close(g.arrived) })
			select {
			case <-g.release:
			case <-r.Context().Done():
				g.cancel.Do(func() { close(g.canceled) })
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"path": "`+r.URL.Path+`"}`)
	}))
	t.Cleanup(g.Close)
	return g
}

// createAt creates an integration without a template calling url and attaches it to a1.
func (e *env) createAt(t *testing.T, name, url string, position int) string {
	t.Helper()
	var in integration.Integration
	e.mustDo(t, http.StatusCreated, "admin-a", "POST", "/integrations",
		`{"name": "`+name+`", "url": "`+url+`", "active": true, "timeout_ms": 60000, "display": {"enabled": false}}`, &in)
	e.mustDo(t, http.StatusOK, "admin-a", "PUT", "/inboxes/a1/integrations/"+in.ID, `{"position": `+itoa(position)+`}`, nil)
	return in.ID
}

type sseEvent struct {
	name string
	data string
}

// readEvent reads the next event or comment of an event stream.
func readEvent(t *testing.T, rd *bufio.Reader) sseEvent {
	t.Helper()
	var ev sseEvent
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v (after %+v)", err, ev)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			return ev
		case strings.HasPrefix(line, ": "):
			ev.name = "comment:" + line[2:]
		case strings.HasPrefix(line, "event: "):
			ev.name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[len("data: "):]
		default:
			t.Fatalf("unexpected line %q", line)
		}
	}
}

// TestStreamProfile holds one card's upstream until a heartbeat has arrived: the other card
// must arrive first, each event in its order and shape.
func TestStreamProfile(t *testing.T) {
	e := newEnv(t, func(o *httpapi.Options) { o.Heartbeat = 5 * time.Millisecond })
	g := newGated(t)
	slow := e.createAt(t, "Slow", g.URL+"/slow", 1)
	fast := e.createAt(t, "Fast", g.URL+"/fast", 2)

	req, _ := http.NewRequestWithContext(t.Context(), "GET", e.srv.URL+"/api/inboxes/a1/contacts/c-ada/profile/stream", nil)
	req.Header.Set("X-Test-User", "member-a")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("stream answered %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	rd := bufio.NewReader(resp.Body)

	ev := readEvent(t, rd)
	var cards httpapi.CardsEvent
	if ev.name != "cards" || json.Unmarshal([]byte(ev.data), &cards) != nil || len(cards.Cards) != 2 ||
		cards.Cards[0].IntegrationID != slow || cards.Cards[0].Status != integration.StatusLoading || cards.Cards[1].IntegrationID != fast {
		t.Fatalf("first event = %+v", ev)
	}
	heartbeats := 0
	next := func() sseEvent { // the next event, counting the heartbeats before it
		t.Helper()
		ev := readEvent(t, rd)
		for ; ev.name == "comment:heartbeat"; ev = readEvent(t, rd) {
			heartbeats++
		}
		return ev
	}
	ev = next()
	var card httpapi.CardEvent
	if ev.name != "card" || json.Unmarshal([]byte(ev.data), &card) != nil || card.Index != 1 || card.Card.IntegrationID != fast || card.Card.Status != integration.StatusOK {
		t.Fatalf("second event = %+v, want the fast card", ev)
	}
	if heartbeats == 0 {
		if ev := readEvent(t, rd); ev.name != "comment:heartbeat" {
			t.Fatalf("event %+v while the slow card is held, want a heartbeat", ev)
		}
	}
	close(g.release)
	ev = next()
	if ev.name != "card" || json.Unmarshal([]byte(ev.data), &card) != nil || card.Index != 0 || card.Card.IntegrationID != slow || string(card.Card.Raw) != `{"path":"/slow"}` {
		t.Fatalf("event after the release = %+v, want the slow card", ev)
	}
	if ev = next(); ev.name != "done" || ev.data != `{"cards":2}` {
		t.Fatalf("last event = %+v, want done", ev)
	}
	if _, err := rd.ReadByte(); err != io.EOF {
		t.Errorf("the stream goes on after done: %v", err)
	}
}

// TestStreamClientGone closes the stream while a card is running: the card's upstream request
// is canceled.
func TestStreamClientGone(t *testing.T) {
	e := newEnv(t, nil)
	g := newGated(t)
	e.createAt(t, "Slow", g.URL+"/slow", 1)
	req, _ := http.NewRequestWithContext(t.Context(), "GET", e.srv.URL+"/api/inboxes/a1/contacts/c-ada/profile/stream", nil)
	req.Header.Set("X-Test-User", "member-a")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ev := readEvent(t, bufio.NewReader(resp.Body)); ev.name != "cards" {
		t.Fatalf("first event %+v", ev)
	}
	<-g.arrived
	resp.Body.Close()
	select {
	case <-g.canceled:
	case <-time.After(10 * time.Second):
		t.Fatal("the card kept running after the client left")
	}
}

// deadlineWriter is a ResponseWriter that records the write deadline in force at each write
// and fails every write after the first n.
type deadlineWriter struct {
	header    http.Header
	mu        sync.Mutex
	deadline  time.Time
	deadlines []time.Time
	writes, n int
	flushes   int
}

func (d *deadlineWriter) Header() http.Header { return d.header }
func (d *deadlineWriter) WriteHeader(int)     {}
func (d *deadlineWriter) Write(b []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.deadlines = append(d.deadlines, d.deadline)
	d.writes++
	if d.writes > d.n {
		return 0, errors.New("i/o timeout")
	}
	return len(b), nil
}
func (d *deadlineWriter) SetWriteDeadline(t time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.deadline = t
	return nil
}
func (d *deadlineWriter) FlushError() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.flushes++
	return nil
}

// TestStreamWriteDeadline checks that every write of the stream has its own deadline, and that
// a failed write (a client that stopped reading) ends the stream and cancels the cards.
func TestStreamWriteDeadline(t *testing.T) {
	e := newEnv(t, func(o *httpapi.Options) { o.WriteTimeout = time.Hour })
	g := newGated(t)
	e.createAt(t, "Slow", g.URL+"/slow", 1)
	e.createAt(t, "Fast", g.URL+"/fast", 2)

	w := &deadlineWriter{header: http.Header{}, n: 1} // the cards event passes, the first card fails
	req := httptest.NewRequestWithContext(t.Context(), "GET", "/inboxes/a1/contacts/c-ada/profile/stream", nil)
	req.Header.Set("X-Test-User", "member-a")
	start := time.Now()
	done := make(chan struct{})
	go func() {
		e.api.ServeHTTP(w, req)
		close(done)
	}()
	// The slow card would run for a minute: the stream returns early only because the failed
	// write canceled it (ServeHTTP returns after the cards' goroutines).
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not end after a failed write")
	}
	if len(w.deadlines) != 2 {
		t.Fatalf("%d writes, want 2 (cards, then the failed card)", len(w.deadlines))
	}
	for i, d := range w.deadlines {
		if d.Before(start.Add(59*time.Minute)) || d.After(time.Now().Add(time.Hour)) {
			t.Errorf("write %d had deadline %v, want about an hour from its start", i, d)
		}
	}
	if w.deadline != (time.Time{}) {
		t.Errorf("the deadline %v is left set after the stream", w.deadline)
	}
	if w.flushes != 1 {
		t.Errorf("%d flushes, want 1 (after the one successful write)", w.flushes)
	}
}

// TestStreamErrorsBeforeStart answers problems while nothing has been streamed.
func TestStreamErrorsBeforeStart(t *testing.T) {
	e := newEnv(t, nil)
	e.create(t, "CRM", "a1", 1)
	for _, path := range []string{
		"/inboxes/b1/contacts/c-ada/profile/stream",
		"/inboxes/a1/contacts/c-ada/profile/stream?integration_id=nope",
	} {
		resp, b := e.do(t, "member-a", "GET", path, "")
		if p := problem(t, resp, b); resp.StatusCode != 404 || p.Code != httpapi.CodeNotFound {
			t.Errorf("GET %s = %d %s", path, resp.StatusCode, b)
		}
	}
}
