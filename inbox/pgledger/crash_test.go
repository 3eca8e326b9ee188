package pgledger_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inboxkit/inboxkit/inbox"
	"github.com/inboxkit/inboxkit/inbox/pgledger"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The crash test runs app servers as OS processes: this test binary, re-executed with
// workerEnv set, serves webhooks until its standard input closes (see TestMain).
const (
	workerEnv    = "PGLEDGER_TEST_WORKER"     // the worker's name
	schemaEnv    = "PGLEDGER_TEST_SCHEMA"     // the schema every process shares
	dieAfterEnv  = "PGLEDGER_TEST_DIE_AFTER"  // the victim hangs after this many inserted messages
	crashSecret  = "whsec-crash-test"         // the webhook secret of the test's source
	crashLease   = 4 * time.Second            // the ledger lease of every worker
	crashTimeout = time.Second                // the Syncer timeout: far below half the lease
	hangLine     = "HANG "                    // the victim's line when it hangs mid-send
	listenLine   = "LISTEN "                  // a worker's line with its address
	senderBudget = 90 * time.Second           // how long the senders may keep retrying
	deliveries   = 50                         // concurrent duplicate deliveries of each event
	eventCount   = 200                        // events
	poisonEvery  = 40                         // every 40th event (from the 8th) fails permanently
	eventsInAir  = 6                          // events whose deliveries run at the same time
	workerCount  = 3                          // worker processes, the first of which is killed
	victimAfter  = 20                         // inserted messages before the victim hangs
	maxBackoff   = 200 * time.Millisecond     // the senders' longest pause between retries
	minBackoff   = 50 * time.Millisecond      // and the shortest
	takeoverMax  = crashLease + 8*time.Second // how soon the victim's claims must be taken over
)

func TestMain(m *testing.M) {
	if name := os.Getenv(workerEnv); name != "" {
		if err := runWorker(name); err != nil {
			fmt.Fprintf(os.Stderr, "worker %s: %v\n", name, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runWorker is an app server: a webhook handler over a Syncer whose ledger is a pgledger
// Ledger and whose Messages is hostMessages, both in the schema of schemaEnv. It prints its
// address, serves until its standard input closes, and, as the victim, hangs forever in the
// middle of a Send after printing the key (its parent kills it there).
func runWorker(name string) error {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(databaseURL())
	if err != nil {
		return err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = os.Getenv(schemaEnv)
	cfg.MaxConns = 6
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	ledger, err := pgledger.New(pool, pgledger.Options{Lease: crashLease})
	if err != nil {
		return err
	}
	msgs := &hostMessages{pool: pool, worker: name}
	if n, _ := strconv.Atoi(os.Getenv(dieAfterEnv)); n > 0 {
		var mu sync.Mutex
		inserted := 0
		msgs.inserted = func(key string) {
			mu.Lock()
			inserted++
			hang := inserted == n
			mu.Unlock()
			if hang {
				fmt.Printf("%s%s\n", hangLine, key)
				select {} // the message is in, the ledger not completed: SIGKILL comes here
			}
		}
	}
	s, err := inbox.New(inbox.Options{
		Contacts: hostContacts{}, Conversations: hostConversations{}, Messages: msgs,
		Ledger: ledger, Timeout: crashTimeout,
	})
	if err != nil {
		return err
	}
	verifier, err := inbox.NewHMAC(inbox.HMACOptions{Secrets: []string{crashSecret}})
	if err != nil {
		return err
	}
	h, err := s.Handler(inbox.Source{
		Name:     "chat",
		Verifier: verifier,
		Mapping:  inbox.Mapping{Type: "type", MessageID: "id", Email: "email", Text: "text"},
		Events:   map[string]inbox.EventType{"message": {Kind: inbox.KindBasic}},
	}, &inbox.HandlerOptions{RetryAfter: 1, Observe: func(_ *http.Request, _ int, out *inbox.Outcome, _ error) {
		// A temporary failure after Send may come after the message was stored (a Send whose
		// answer the timeout cut off): the retry sends it again, and the host's
		// deduplication absorbs it. Record such deliveries; the test allows them to resend.
		if out != nil && (out.Status == inbox.StatusRetry || strings.Contains(out.Reason, "claim lost")) {
			pool.Exec(context.Background(), `INSERT INTO host_retries (key, worker) VALUES ($1, $2)`, out.Key, name)
		}
	}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	fmt.Printf("%s%s\n", listenLine, ln.Addr())
	io.Copy(io.Discard, os.Stdin) // until the parent closes it (or dies)
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// worker is a running worker process as the parent sees it.
type worker struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	addr   string
	hung   chan string // the victim's key, when it hangs
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func startWorker(t *testing.T, name, schema string, dieAfter int) *worker {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"="+name, schemaEnv+"="+schema, dieAfterEnv+"="+strconv.Itoa(dieAfter))
	w := &worker{name: name, cmd: cmd, hung: make(chan string, 1), stderr: &syncBuffer{}}
	cmd.Stderr = w.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), listenLine) {
		t.Fatalf("worker %s did not start: %q\n%s", name, lines.Text(), w.stderr)
	}
	w.addr = strings.TrimPrefix(lines.Text(), listenLine)
	go func() {
		for lines.Scan() {
			if key, ok := strings.CutPrefix(lines.Text(), hangLine); ok {
				w.hung <- key
			}
		}
	}()
	return w
}

// crashEvent is the webhook body of event i; every 40th event from the 8th is poison.
func crashEvent(i int) []byte {
	text := "hello " + strconv.Itoa(i)
	if i%poisonEvery == 7 {
		text = "poison " + strconv.Itoa(i)
	}
	b, _ := json.Marshal(map[string]string{
		"type": "message", "id": "evt-" + strconv.Itoa(i),
		"email": "user-" + strconv.Itoa(i%37) + "@example.com", "text": text,
	})
	return b
}

func crashKey(i int) string { return "chat/message/m/evt-" + strconv.Itoa(i) } // inbox.Event.Key of event i

// TestExactlyOnceAcrossProcesses shares one PostgreSQL ledger between three worker processes
// and delivers each of 200 events 50 times concurrently, spread over them, with the senders
// retrying every delivery (503 or a dropped connection) on the next worker until it is
// acknowledged. One worker is killed with SIGKILL in the middle of a send, after its message
// was inserted and before the ledger recorded it. After the lease takeover and the retries,
// every event is in the host's inbox exactly once, nothing is lost, Messages.Send ran twice
// for a key only after the victim's crash or a temporary failure that left the key to a retry
// (the host's deduplication on Message.Key absorbed those), and the permanent failures are
// listed and replayed.
func TestExactlyOnceAcrossProcesses(t *testing.T) {
	ctx := t.Context()
	schema := newSchema(t)
	pool := newPool(t, schema)
	if err := pgledger.Migrate(ctx, pool); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if _, err := pool.Exec(ctx, hostSchema); err != nil {
		t.Fatalf("host schema: %v", err)
	}
	workers := make([]*worker, workerCount)
	for i := range workers {
		dieAfter := 0
		if i == 0 {
			dieAfter = victimAfter
		}
		workers[i] = startWorker(t, "w"+strconv.Itoa(i), schema, dieAfter)
	}
	victim := workers[0]

	// The victim hangs after inserting a message; kill it there.
	var (
		killedKey string
		killedAt  time.Time
		killed    = make(chan struct{})
	)
	go func() {
		select {
		case killedKey = <-victim.hung:
		case <-ctx.Done():
			return
		}
		killedAt = time.Now()
		victim.cmd.Process.Kill() // SIGKILL
		close(killed)
	}()

	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: eventsInAir * deliveries, Proxy: nil},
	}
	sctx, cancel := context.WithTimeout(ctx, senderBudget)
	defer cancel()
	var (
		mu       sync.Mutex
		statuses = map[string]int{} // final response status of every delivery: "sent", "duplicate", ...
		ackedAt  = map[int]time.Time{}
		failures []string
		requests int
	)
	deliver := func(i, j int) {
		body := crashEvent(i)
		mac := hmac.New(sha256.New, []byte(crashSecret))
		mac.Write(body)
		sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		backoff := minBackoff
		for attempt := (i*deliveries + j) % workerCount; ; attempt++ {
			w := workers[attempt%workerCount]
			req, _ := http.NewRequestWithContext(sctx, http.MethodPost, "http://"+w.addr+"/", bytes.NewReader(body))
			req.Header.Set("X-Hub-Signature-256", sig)
			resp, err := client.Do(req)
			mu.Lock()
			requests++
			mu.Unlock()
			if err == nil {
				var reply struct{ Status string }
				json.NewDecoder(resp.Body).Decode(&reply)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					statuses[reply.Status]++
					if _, ok := ackedAt[i]; !ok {
						ackedAt[i] = time.Now()
					}
					mu.Unlock()
					return
				}
				if resp.StatusCode != http.StatusServiceUnavailable {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("event %d: status %d", i, resp.StatusCode))
					mu.Unlock()
					return
				}
			}
			if sctx.Err() != nil {
				mu.Lock()
				failures = append(failures, fmt.Sprintf("event %d: not acknowledged within %v", i, senderBudget))
				mu.Unlock()
				return
			}
			time.Sleep(backoff/2 + rand.N(backoff/2+1))
			backoff = min(2*backoff, maxBackoff)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	inAir := make(chan struct{}, eventsInAir)
	for i := range eventCount {
		inAir <- struct{}{}
		var ew sync.WaitGroup
		for j := range deliveries {
			ew.Go(func() { deliver(i, j) })
		}
		wg.Go(func() { ew.Wait(); <-inAir })
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(failures) > 0 {
		t.Fatalf("%d deliveries failed, the first: %s", len(failures), failures[0])
	}
	select {
	case <-killed:
	default:
		t.Fatalf("the victim never hung mid-send (it inserted fewer than %d messages)\n%s", victimAfter, victim.stderr)
	}
	t.Logf("%d deliveries (%d requests) in %v; responses by status: %v; killed %s mid-send of %s",
		eventCount*deliveries, requests, elapsed.Round(time.Millisecond), statuses, victim.name, killedKey)

	// The key the victim was sending was taken over and acknowledged within the lease and a
	// few retries.
	event, _, _ := strings.Cut(strings.TrimPrefix(killedKey, "chat/message/m/evt-"), "/")
	killedEvent, err := strconv.Atoi(event)
	if err != nil {
		t.Fatalf("the victim's message key %q names no event", killedKey)
	}
	took := ackedAt[killedEvent].Sub(killedAt)
	if took <= 0 || took > takeoverMax {
		t.Errorf("the victim's key %s was acknowledged %v after the kill; want within %v", killedKey, took, takeoverMax)
	}
	t.Logf("the victim's key was taken over and acknowledged %v after the kill (lease %v)", took.Round(time.Millisecond), crashLease)

	// Every event that is not poison is in the inbox exactly once, with the message id the
	// ledger recorded; the poison events are recorded failures.
	ledger, err := pgledger.New(pool, pgledger.Options{Lease: crashLease})
	if err != nil {
		t.Fatal(err)
	}
	var poison []string
	for i := range eventCount {
		if i%poisonEvery == 7 {
			poison = append(poison, crashKey(i))
		}
	}
	slices.Sort(poison)
	checkInbox(t, pool, ledger, poison)

	// Messages.Send ran twice for a key only where the victim had inserted the message and
	// died before the ledger recorded it, or where an attempt ended in a temporary failure
	// that left the key to a retry (a Send cut off by the Syncer's timeout after the host
	// stored the message); the host's deduplication absorbed those. Never did two workers
	// hold one key at once.
	retried := map[string]bool{} // ledger keys
	rows, err := pool.Query(ctx, `SELECT DISTINCT key FROM host_retries`)
	if err != nil {
		t.Fatal(err)
	}
	var key string
	if _, err := pgx.ForEachRow(rows, []any{&key}, func() error { retried[key] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	rows, err = pool.Query(ctx, `SELECT key, array_agg(worker ORDER BY worker), array_agg(result ORDER BY worker)
		FROM host_sends WHERE result <> 'rejected' GROUP BY key HAVING count(*) > 1`)
	if err != nil {
		t.Fatal(err)
	}
	resent := map[string]bool{} // message keys
	var senders, results []string
	_, err = pgx.ForEachRow(rows, []any{&key, &senders, &results}, func() error {
		resent[key] = true
		first := slices.Index(results, "inserted")
		if first < 0 {
			t.Errorf("key %s was sent %v by %v but never inserted", key, results, senders)
			return nil
		}
		firstInsert := senders[first]
		ledgerKey := key[:strings.LastIndexByte(key, '/')]
		if firstInsert != victim.name && !retried[ledgerKey] {
			t.Errorf("key %s reached Send %d times (%v by %v), neither after the victim's crash nor after a temporary failure", key, len(senders), results, senders)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d deliveries left retryable by a temporary failure; %d keys sent twice", len(retried), len(resent))
	if !resent[killedKey] {
		t.Errorf("the victim's interrupted key %s was not sent again after the takeover; resent keys: %v", killedKey, resent)
	}

	// The operator lists the failures page by page, fixes the host and replays them.
	var listed []string
	after := ""
	for pages := 0; ; pages++ {
		page, next, err := ledger.Failures(ctx, pgledger.FailuresOptions{Source: "chat", After: after, Limit: 2})
		if err != nil {
			t.Fatalf("Failures: %v", err)
		}
		for _, f := range page {
			listed = append(listed, f.Key)
			if f.Record.Event == nil || !strings.HasPrefix(f.Record.Event.Text, "poison ") || !strings.Contains(f.Record.Reason, "host rejected the message") {
				t.Errorf("failure %s = %+v; want the poison event and the host's reason", f.Key, f.Record)
			}
		}
		if next == "" {
			break
		}
		if pages > eventCount {
			t.Fatal("Failures pages do not end")
		}
		after = next
	}
	slices.Sort(listed)
	if !slices.Equal(listed, poison) {
		t.Fatalf("Failures listed %v; want the poison events %v", listed, poison)
	}
	if _, err := pool.Exec(ctx, `UPDATE host_poison SET rejecting = false`); err != nil {
		t.Fatal(err)
	}
	replayer, err := inbox.New(inbox.Options{
		Contacts: hostContacts{}, Conversations: hostConversations{},
		Messages: &hostMessages{pool: pool, worker: "replay"}, Ledger: ledger, Timeout: crashTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range listed {
		out, err := ledger.Replay(ctx, replayer, key)
		if err != nil || out.Status != inbox.StatusSent {
			t.Errorf("Replay(%s) = %+v, %v; want sent", key, out, err)
		}
	}
	if _, err := ledger.Replay(ctx, replayer, listed[0]); !errors.Is(err, pgledger.ErrNotFailed) {
		t.Errorf("second Replay(%s) = %v; want ErrNotFailed", listed[0], err)
	}
	checkInbox(t, pool, ledger, nil)
}

// checkInbox checks that every event is done in the ledger, failed exactly when its key is in
// failed, and otherwise sent, with its one message in the host's inbox under the message id
// the ledger recorded.
func checkInbox(t *testing.T, pool *pgxpool.Pool, l *pgledger.Ledger, failed []string) {
	t.Helper()
	ctx := t.Context()
	msgs := map[string]string{} // message key -> "msg-<id>"
	rows, err := pool.Query(ctx, `SELECT key, 'msg-' || id FROM host_messages`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var key, id string
		if err := rows.Scan(&key, &id); err != nil {
			t.Fatal(err)
		}
		msgs[key] = id
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := eventCount - len(failed); len(msgs) != want {
		t.Errorf("the host's inbox holds %d messages; want %d", len(msgs), want)
	}
	for i := range eventCount {
		key := crashKey(i)
		c, err := l.Claim(ctx, key)
		if err != nil || c.State != inbox.ClaimDone {
			t.Errorf("Claim(%s) = %v, %v; want done", key, c.State, err)
			continue
		}
		if slices.Contains(failed, key) {
			if c.Record.Status != inbox.StatusFailed || msgs[key+"/contact-"+strconv.Itoa(i%37)] != "" {
				t.Errorf("%s: record %+v, message %q; want failed and no message", key, c.Record, msgs[key])
			}
			continue
		}
		msgKey := key + "/contact-" + strconv.Itoa(i%37)
		if c.Record.Status != inbox.StatusSent || len(c.Record.Deliveries) != 1 || c.Record.Deliveries[0].MessageID != msgs[msgKey] || msgs[msgKey] == "" {
			t.Errorf("%s: record %+v; want sent with the inbox's message %q", key, c.Record, msgs[msgKey])
		}
	}
}
