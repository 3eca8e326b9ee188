package httpexec

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Resolver looks up the addresses of a host name for the guarded transport.
// *net.Resolver implements it; tests inject a fake.
// Implementations must be safe for concurrent use.
type Resolver interface {
	// LookupNetIP returns the addresses of host. network is "ip", "ip4" or "ip6".
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// blockedError is the detail of a refused destination. It names the reason,
// not the resolved address.
type blockedError struct{ reason string }

func (e *blockedError) Error() string { return "httpexec: destination not allowed: " + e.reason }
func (e *blockedError) Unwrap() error { return ErrBlocked }

// urlError is the detail of an invalid URL.
type urlError struct{ reason string }

func (e *urlError) Error() string { return "httpexec: invalid URL: " + e.reason }
func (e *urlError) Unwrap() error { return ErrInvalidURL }

var (
	pfxThisNet    = netip.MustParsePrefix("0.0.0.0/8")
	pfxCGNAT      = netip.MustParsePrefix("100.64.0.0/10")
	pfxIETF       = netip.MustParsePrefix("192.0.0.0/24")
	pfxTestNet1   = netip.MustParsePrefix("192.0.2.0/24")
	pfxBench      = netip.MustParsePrefix("198.18.0.0/15")
	pfxTestNet2   = netip.MustParsePrefix("198.51.100.0/24")
	pfxTestNet3   = netip.MustParsePrefix("203.0.113.0/24")
	pfxReserved4  = netip.MustParsePrefix("240.0.0.0/4") // includes 255.255.255.255
	pfxCompat6    = netip.MustParsePrefix("::/96")
	pfxNAT64      = netip.MustParsePrefix("64:ff9b::/96")
	pfxTranslated = netip.MustParsePrefix("::ffff:0:0:0/96")
	pfxNAT64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	pfxDiscard6   = netip.MustParsePrefix("100::/64")
	pfxTeredo     = netip.MustParsePrefix("2001::/32")
	pfxDoc6       = netip.MustParsePrefix("2001:db8::/32")
	pfx6to4       = netip.MustParsePrefix("2002::/16")
	pfxSiteLocal  = netip.MustParsePrefix("fec0::/10")
	metadata4     = netip.MustParseAddr("169.254.169.254")
	metadata6     = netip.MustParseAddr("fd00:ec2::254")
	// Other cloud credential endpoints inside ranges a host may allow:
	// AWS ECS task credentials, EKS Pod Identity (IPv4, IPv6), Alibaba
	// Cloud and Oracle Cloud metadata.
	metadataECS    = netip.MustParseAddr("169.254.170.2")
	metadataEKS4   = netip.MustParseAddr("169.254.170.23")
	metadataEKS6   = netip.MustParseAddr("fd00:ec2::23")
	metadataAliyun = netip.MustParseAddr("100.100.100.200")
	metadataOracle = netip.MustParseAddr("192.0.0.192")
)

// The prefixes above are read-only after package initialisation.

// blockReason returns why a is refused, or "" when it is a public unicast
// address. Embedded IPv4 addresses (IPv4-mapped, NAT64, 6to4) are judged by
// the address they embed. hard reports a reason that no allow-list lifts.
func blockReason(a netip.Addr) (reason string, embedded netip.Addr, hard bool) {
	a = a.WithZone("").Unmap()
	embedded = a
	if a.Is6() {
		b := a.As16()
		switch {
		case a.IsUnspecified():
			return "unspecified address", a, true
		case a.IsLoopback():
			return "loopback address", a, false
		case pfxCompat6.Contains(a):
			return "IPv4-compatible IPv6 address", a, true
		case pfxNAT64.Contains(a):
			v4 := netip.AddrFrom4([4]byte(b[12:16]))
			if r, _, h := blockReason(v4); r != "" {
				return r + " (NAT64)", v4, h
			}
			return "", a, false
		case pfxTranslated.Contains(a):
			v4 := netip.AddrFrom4([4]byte(b[12:16]))
			if r, _, h := blockReason(v4); r != "" {
				return r + " (IPv4-translated)", v4, h
			}
			return "", a, false
		case pfx6to4.Contains(a):
			v4 := netip.AddrFrom4([4]byte(b[2:6]))
			if r, _, h := blockReason(v4); r != "" {
				return r + " (6to4)", v4, h
			}
			return "", a, false
		case pfxNAT64Local.Contains(a):
			return "local-use NAT64 address", a, false
		case pfxTeredo.Contains(a):
			return "Teredo address", a, false
		case pfxDoc6.Contains(a), pfxDiscard6.Contains(a):
			return "reserved address", a, false
		case pfxSiteLocal.Contains(a):
			return "site-local address", a, false
		}
	}
	switch {
	case a == metadata4 || a == metadata6 || a == metadataECS || a == metadataEKS4 ||
		a == metadataEKS6 || a == metadataAliyun || a == metadataOracle:
		return "metadata address", a, true
	case a.IsUnspecified() || pfxThisNet.Contains(a):
		return "unspecified address", a, true
	case a.IsLoopback():
		return "loopback address", a, false
	case a.IsPrivate():
		return "private address", a, false
	case a.IsLinkLocalUnicast():
		return "link-local address", a, false
	case a.IsMulticast():
		return "multicast address", a, false
	case pfxCGNAT.Contains(a):
		return "carrier-grade NAT address", a, false
	case pfxReserved4.Contains(a):
		return "reserved or broadcast address", a, false
	case pfxIETF.Contains(a), pfxTestNet1.Contains(a), pfxBench.Contains(a),
		pfxTestNet2.Contains(a), pfxTestNet3.Contains(a):
		return "reserved address", a, false
	case !a.IsValid():
		return "invalid address", a, true
	}
	return "", a, false
}

// guard decides which destinations may be dialled.
type guard struct {
	allow    []netip.Prefix
	resolver Resolver
	dialer   net.Dialer
	// fence, when set, is asked once more right before each address is dialled. It is nil in
	// production; the package's tests set it (export_test.go) so that a regression of the
	// guard fails a test instead of sending a packet off this machine.
	fence func(netip.Addr) error
}

func newGuard(allow []netip.Prefix, r Resolver) *guard {
	g := &guard{resolver: r}
	for _, p := range allow {
		if p.IsValid() {
			g.allow = append(g.allow, p.Masked())
		}
	}
	if g.resolver == nil {
		g.resolver = &net.Resolver{}
	}
	g.dialer = net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	return g
}

// check returns nil when a may be dialled.
func (g *guard) check(a netip.Addr) error {
	reason, embedded, hard := blockReason(a)
	if reason == "" {
		return nil
	}
	if !hard {
		u := a.WithZone("").Unmap()
		for _, p := range g.allow {
			if p.Contains(u) || p.Contains(embedded) {
				return nil
			}
		}
	}
	return &blockedError{reason: reason}
}

// control runs on the address actually dialled, after resolution.
func (g *guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &blockedError{reason: "unparsable dial address"}
	}
	return g.check(ap.Addr())
}

// dialContext resolves the host itself (through the injectable Resolver),
// refuses the host if any of its addresses is refused, and dials the
// addresses in order. The dialer's Control re-checks each one.
func (g *guard) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &urlError{reason: "bad host:port"}
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		if isLocalhostName(host) {
			return nil, &blockedError{reason: "loopback name"}
		}
		ipNet := "ip"
		switch network {
		case "tcp4":
			ipNet = "ip4"
		case "tcp6":
			ipNet = "ip6"
		}
		addrs, err = g.resolver.LookupNetIP(ctx, ipNet, host)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	for _, a := range addrs {
		if err := g.check(a); err != nil {
			return nil, err
		}
	}
	var firstErr error
	for i, a := range addrs {
		// Like net's dialSerial: share the remaining time among the
		// addresses left (at least 2 s each), so that one black-holed
		// address does not eat the whole budget.
		actx := ctx
		if dl, ok := ctx.Deadline(); ok && len(addrs)-i > 1 {
			share := max(time.Until(dl)/time.Duration(len(addrs)-i), 2*time.Second)
			var cancel context.CancelFunc
			actx, cancel = context.WithTimeout(ctx, share)
			defer cancel()
		}
		if g.fence != nil {
			if err := g.fence(a); err != nil {
				return nil, err
			}
		}
		c, err := g.dialer.DialContext(actx, network, net.JoinHostPort(a.WithZone("").Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

func isLocalhostName(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// maxURLLen caps the URL the executor accepts.
const maxURLLen = 8 << 10

// parseURL parses and validates raw: scheme http or https, a host, no
// userinfo, a numeric port, an ASCII host name or a canonical IP literal.
// Literal IP hosts are checked against g (nil: no address check). Hosts
// that a WHATWG parser would read as an IPv4 number but that are not a
// canonical dotted quad (2130706433, 0x7f.1, 0177.0.0.1, 127.1) are refused.
func parseURL(raw string, g *guard) (*url.URL, error) {
	if len(raw) > maxURLLen {
		return nil, &urlError{reason: "too long"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &urlError{reason: "unparsable"}
	}
	if err := checkURL(u, g); err != nil {
		return nil, err
	}
	return u, nil
}

func checkURL(u *url.URL, g *guard) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return &urlError{reason: "scheme must be http or https"}
	}
	if u.Opaque != "" {
		return &urlError{reason: "opaque URL"}
	}
	if u.User != nil {
		return &urlError{reason: "userinfo not allowed"}
	}
	host := u.Hostname()
	if host == "" {
		return &urlError{reason: "missing host"}
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return &urlError{reason: "bad port"}
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return &urlError{reason: "bad port"}
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return &urlError{reason: "non-ASCII host (use punycode)"}
		}
	}
	if strings.HasPrefix(u.Host, "[") {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return &urlError{reason: "bad IPv6 literal"}
		}
		if a.Zone() != "" {
			return &urlError{reason: "IPv6 zone not allowed"}
		}
		if g != nil {
			return g.check(a)
		}
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if !a.Is4() {
			return &urlError{reason: "IPv6 literal must be bracketed"}
		}
		if g != nil {
			return g.check(a)
		}
		return nil
	}
	if endsInNumber(host) {
		return &urlError{reason: "non-canonical IP address"}
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return &urlError{reason: "bad character in host"}
		}
	}
	if g != nil && isLocalhostName(host) {
		return g.check(netip.AddrFrom4([4]byte{127, 0, 0, 1}))
	}
	return nil
}

// endsInNumber reports whether the last label of host (ignoring one
// trailing dot) is a number in the WHATWG sense: decimal digits, or 0x
// followed by hex digits. Such hosts are IPv4 spellings to a browser and to
// inet_aton, so they never reach the resolver.
func endsInNumber(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if i := strings.LastIndexByte(host, '.'); i >= 0 {
		host = host[i+1:]
	}
	if host == "" {
		return false
	}
	if len(host) >= 2 && host[0] == '0' && (host[1] == 'x' || host[1] == 'X') {
		for i := 2; i < len(host); i++ {
			c := host[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(host); i++ {
		if host[i] < '0' || host[i] > '9' {
			return false
		}
	}
	return true
}

// callURL returns the name of a call in errors, logs and events: the URL
// template with its query, fragment and userinfo dropped when the caller
// gave one, else the scheme://host of the URL. The expanded path and query
// are never used: they hold the contact's data. It does not allocate unless
// userinfo has to be cut out.
func callURL(rawURL, template string) string {
	if template != "" {
		return redactRaw(template)
	}
	return originOf(rawURL)
}

// originOf returns scheme://host[:port] of a raw URL without parsing it,
// userinfo dropped, or "" when raw has no "://".
func originOf(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	end := len(raw)
	if j := strings.IndexAny(raw[i+3:], "/?#"); j >= 0 {
		end = i + 3 + j
	}
	if end > 512 {
		end = 512
	}
	authority := raw[i+3 : end]
	if j := strings.LastIndexByte(authority, '@'); j >= 0 {
		return raw[:i+3] + authority[j+1:]
	}
	return raw[:end]
}

// redactRaw renders a raw URL as scheme://host/path without parsing it:
// query, fragment and userinfo dropped, at most 512 bytes.
func redactRaw(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if len(raw) > 512 {
		raw = raw[:512]
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		k := strings.IndexByte(rest, '/')
		if k < 0 {
			k = len(rest)
		}
		if j := strings.LastIndexByte(rest[:k], '@'); j >= 0 {
			raw = raw[:i+3] + rest[j+1:]
		}
	}
	return raw
}

// hostOf returns the host[:port] of a raw URL without allocating.
func hostOf(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	rest := raw[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.LastIndexByte(rest, '@'); j >= 0 {
		rest = rest[j+1:]
	}
	return rest
}
