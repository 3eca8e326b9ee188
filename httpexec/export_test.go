package httpexec

import (
	"errors"
	"net/http"
	"net/netip"
	"testing"
)

// FenceLoopback keeps e's guarded transport on this machine for the rest of a test: a dial that
// the guard lets through to any address outside loopback fails t and is not made. Tests allow
// addresses the guard should refuse on purpose; the fence makes sure that a regression of the
// guard shows up as a failing test, never as traffic to a real host.
func FenceLoopback(t testing.TB, e *Executor) {
	e.guard.fence = func(a netip.Addr) error {
		if a.WithZone("").Unmap().IsLoopback() {
			return nil
		}
		t.Errorf("httpexec test fence: the guard allowed a dial to %s; refusing it here", a)
		return errors.New("httpexec test fence: non-loopback dial")
	}
}

// RaceEnabled reports whether the test binary runs under the race detector.
const RaceEnabled = raceEnabled

// NewFencedTransport is NewTransport with the test fence of FenceLoopback: a dial the guard lets
// through to an address outside loopback fails t and is not made.
func NewFencedTransport(t testing.TB, opts GuardOptions) *http.Transport {
	tr, err := NewTransport(opts)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDialer(opts)
	if err != nil {
		t.Fatal(err)
	}
	d.g.fence = func(a netip.Addr) error {
		if a.WithZone("").Unmap().IsLoopback() {
			return nil
		}
		t.Errorf("httpexec test fence: the guard allowed a dial to %s; refusing it here", a)
		return errors.New("httpexec test fence: non-loopback dial")
	}
	tr.DialContext = d.DialContext
	return tr
}
