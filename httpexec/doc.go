// Package httpexec sends the HTTP calls of contact integrations: a team's
// CRM or billing API, called for the contact an agent opens, answered from
// a cache when it can be, never aimed at the host's own network.
//
// One Executor serves the whole process:
//
//	exec, err := httpexec.New(httpexec.Options{}) // the zero Options is valid
//	if err != nil { ... }
//	defer exec.Close()
//
//	resp, err := exec.Do(ctx, &httpexec.Request{
//		URL:         "https://crm.example.com/v1/customers/ada%40example.com",
//		URLTemplate: "https://crm.example.com/v1/customers/{{contact.email}}",
//		Header:      http.Header{"Authorization": {"Bearer " + token}},
//		CacheTTL:    5 * time.Minute,
//		Scope:       httpexec.Scope{Team: "t_42", Integration: "crm", Version: 3},
//	})
//	switch {
//	case err == nil: // 2xx
//		err = json.Unmarshal(resp.Body.Bytes(), &customer)
//	case resp != nil && resp.Stale: // the upstream failed; resp is the expired cached answer
//	default:
//		msg := agentMessage[httpexec.CategoryOf(err)] // "the CRM is slow to answer", ...
//	}
//
// The package [github.com/inboxkit/inboxkit/integration] builds these
// requests from an integration's definition and a contact; a host calls
// httpexec directly for calls of its own. An [Executor] is safe for
// concurrent use by multiple goroutines. It starts no background goroutine;
// [Executor.Close] closes idle keep-alive connections of its own transport.
//
// # Responses
//
// A [Response] carries [Header] and [Body], read-only views of what was
// received: a cached answer is one header map and one body shared by every
// caller of its key, so the views offer reads (Get, Len, Reader, WriteTo)
// and copies the caller owns (Header.Clone, Body.Bytes), never a way to
// change what another caller reads.
//
// # Errors, logs and events
//
// Errors are an [*Error] (no response) or a [*StatusError] (non-2xx,
// returned with the response); [CategoryOf] maps any error to a [Category].
// Context cancellation and deadlines are wrapped, so
// errors.Is(err, context.DeadlineExceeded) works.
//
// The expanded URL of an integration holds the contact's data (an email in
// the path, a name in the query), so nothing this package reports contains
// it. Errors, [Options.Logger] records and [Options.Observe] events name a
// call by its method, [Request.URLTemplate] without the template's query
// ("https://crm.example.com/v1/customers/{{contact.email}}") or, when the
// request has none, the scheme and host of its URL, and by its [Scope]
// (team, integration, version). They never contain a query, a header value
// or a body; only [StatusError.Body], the start of the upstream's error
// page, may echo what the upstream was sent.
//
// # Safety
//
// The guarded transport resolves host names through [Options.Resolver] and
// refuses the host when any of its addresses is loopback, private (RFC 1918,
// RFC 4193), link-local, a metadata address (169.254.169.254,
// fd00:ec2::254), unspecified (0.0.0.0/8, ::), multicast, carrier-grade NAT
// (100.64.0.0/10), broadcast or otherwise reserved; IPv4-mapped addresses
// are unmapped first, NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses
// are judged by the IPv4 address they embed, IPv4-compatible (::/96) and
// Teredo addresses are refused. net.Dialer.Control then checks the address
// actually dialled. The environment proxy is ignored.
//
// [Options.AllowPrivate] lifts the address checks for explicit prefixes;
// the cloud credential endpoints (169.254.169.254, fd00:ec2::254, AWS ECS
// 169.254.170.2, EKS Pod Identity 169.254.170.23 and fd00:ec2::23, Alibaba
// 100.100.100.200, Oracle 192.0.0.192), unspecified and IPv4-compatible
// addresses stay refused whatever the list says. Tests reach httptest
// servers with 127.0.0.1/32 there, which production configuration never
// sets by accident. Hosts with their own certificate authorities set
// [Options.TLSConfig], which keeps the guard.
//
// Middleware (OpenTelemetry's otelhttp, metrics, logging) wraps the guarded
// transport rather than replacing it: [NewTransport] returns it, the host
// wraps it in its own http.RoundTripper and sets that as
// [Options.Transport] (see the NewTransport example); [NewDialer] gives the
// guarded dialer to a host that builds its own http.Transport. Any other
// [Options.Transport] replaces the guard.
//
// Before any request, the URL must use http or https, have a host, no
// userinfo and a numeric port; a host that a browser or inet_aton would read
// as an IPv4 number without being a canonical dotted quad (2130706433,
// 0x7f.1, 0177.0.0.1, 127.1) is refused as [CategoryInvalidURL], literal IP
// hosts are checked like dialled addresses, non-ASCII hosts must be
// punycode. These checks apply to every transport. Each redirect hop is
// validated again (and dialled through the guard); a redirect loop or more
// than [Options.MaxRedirects] (3) redirects ends with [CategoryRedirect].
// Once the chain leaves the original scheme, host or port, Authorization,
// Proxy-Authorization, WWW-Authenticate, Cookie and every header in
// [Request.SecretHeaders] are dropped. A redirect that would send a method
// other than GET or HEAD to another origin (scheme, host and port) than the
// request's is refused with [CategoryRedirect] and [ErrRedirectOrigin],
// before anything is sent there: a 307 or 308 keeps the method and the body,
// and a change (a refund, a deletion) meant for one service must not land on
// another, whatever the first one answers. The refused response is not
// returned; nothing was sent to the Location. The other redirects of a POST
// (301, 302, 303) become a GET without a body, as net/http makes them, and
// are followed like any GET; so is a GET with [Request.NoRetry]: the rule
// follows the method the hop would send, not the request's retry policy.
//
// # Limits and retries
//
// Every execution is bounded: [Options.Timeout] (10 s) covers all attempts,
// redirects and the body read; [Options.MaxBodyBytes] (1 MiB) caps the body
// after gzip decoding, so a gzip bomb ends as [CategoryTooLarge]. The
// Executor asks for gzip unless the request sets Accept-Encoding and decodes
// any gzip body itself (the guarded transport never decompresses), removing
// Content-Encoding and Content-Length from the returned header. Other
// encodings are returned as they are.
//
// Retries ([RetryPolicy]) happen only for GET, HEAD, PUT, DELETE and OPTIONS,
// after connection errors and status 429, 502, 503 and 504, with full-jitter
// backoff. A Retry-After within [RetryPolicy.MaxRetryAfter] (5 s) is waited
// for; a longer one is honoured by not retrying at all; no wait that would
// pass the deadline starts. [Response.Attempts] counts the attempts.
// [Request.NoRetry] makes any request a single attempt, on a connection of its
// own so that net/http does not replay it either.
//
// # Cache
//
// A request with a CacheTTL (capped at 24 h) is cached under a SHA-256
// digest of a canonical, length-prefixed encoding of its [Scope] (team,
// integration, version), method, URL, headers sorted by canonical name with
// their values, and body; secret values enter the key only through the
// digest. Only 2xx responses are stored. A fresh hit makes no request and
// reads the clock once (only the monotonic clock for an entry stored by
// this process). [Request.Refresh] skips serving a hit and still
// stores. When the upstream fails (network, timeout, 5xx, 429) and an expired
// entry is still within [Options.StaleGrace] (10 min), or a refresh bypassed
// a fresh one, Do returns it with Stale set, together with the error.
// [Request.Credentials] supplies header values that are sent but not hashed
// into the key, on a miss only, so a credential kept sealed is opened only
// when a request is actually sent.
//
// A caller that expands requests from templates can key a request before
// expanding it: [Request.Identity] stands for its URL, headers and body in
// the key (the caller vouches that equal identities build equal requests,
// as the values of the templates' placeholders do), and [Request.Build]
// builds it only when it is sent. A fresh hit then costs the values' key
// instead of the expansion and half the bytes hashed
// (BenchmarkDoCacheHitExpand: 0.51 µs and one allocation, against 1.02 µs
// and three for BenchmarkDoCacheHitExpandEager). Package integration keys
// its cached requests this way.
//
// The default [Cache] is a [MemoryCache]: golang-lru/v2 lru.Cache shards
// bounded by [Options.CacheEntries] and by [Options.CacheBytes] (bodies,
// headers and a per-entry overhead), with expiry stored in each entry and
// checked on read. A shared store (Redis) implements the three-method
// [Cache] interface; [CacheKey] carries the team and integration in clear
// so that the store can index them (a set per scope, or a generation
// number per scope folded into its own keys, as the package's shared-cache
// example does). A store must keep an entry until its StaleUntil, not only
// until Expires, and never change an entry it has returned. The
// conformance suite in [github.com/inboxkit/inboxkit/httpexec/httpexectest]
// checks an implementation. Cache errors never fail an execution: a failed
// Get is a miss, a failed Set is logged.
//
// # Herd collapse
//
// Concurrent misses of one key make one upstream execution. It runs on its
// own goroutine, on context.WithoutCancel of the first caller's context
// (values such as trace IDs are kept) with the request's timeout. Every
// caller waits on its own context: a caller that leaves gets its own
// cancellation or deadline error and never cancels the others; when all
// callers have left, the shared execution is canceled. Each caller gets its
// own Response and its own copy of the error. A caller whose SecretHeaders
// name a header that the executing request does not treat as secret runs on
// its own instead, so that no redirect forwards that header to another
// host. Concurrent callers of one key share the first caller's CacheTTL and
// Timeout. An execution reads the cache once more before it calls the
// upstream (not for a Refresh): a caller that missed just before another
// execution of its key stored and retired is served what that one stored,
// at the cost of one cache read per miss. Collapse is per Executor; a shared cache bounds the fleet to
// about one call per key per TTL.
//
// # A fleet of processes
//
// A shared [Cache] that also implements the optional [Leaser] (as
// github.com/inboxkit/inboxkit/httpexec/rediscache does) collapses misses
// across processes as well: the goroutine executing a miss for its process
// takes the key's lease, reads the cache once more, executes, stores, and
// releases; the other
// processes wait for what it stored, or share its failure as a
// [SharedFailure] (status or category, rebuilt into their own error, never
// a body), so a fleet calls the upstream once per key, not once per
// process. A Leaser that fails, or a holder that ends without an outcome,
// only costs the waiting processes their own upstream call: leases never
// fail an execution. A [Request.Refresh] takes the lease when it can but
// never waits for another holder.
//
// # Early refresh
//
// [Options.EarlyRefresh] (off by default) refreshes a hot entry shortly
// before it expires, as in the XFetch paper: a fresh hit whose
// now - Duration*Beta*ln(rand) passes its expiry, with Duration the time
// its upstream call took ([CacheEntry.Duration]), is executed again on the
// caller's goroutine, while other callers keep being served the entry; at
// most one early refresh per key runs in a process, and with a [Leaser]
// in the fleet. A failed early refresh serves the entry it meant to
// replace (still fresh) without an error.
//
// # Design decisions
//
//   - Responses are views, not copies. A hit allocates one Response and
//     nothing else (TestCacheHitAllocs; keyed by its Identity that is the
//     whole of P4's cost, and with an expansion's two allocations three,
//     within the four of PERFORMANCE.md P4, TestCacheHitExpandAllocs); copying header
//     and body per caller would have doubled or tripled that on every hit.
//     A caller that needs bytes to keep pays for exactly that copy.
//   - A call is named by its URL template because the template is what an
//     admin recognises and it holds no contact data; without one, the origin
//     is all that is safe to show. The scope ids travel beside it so that a
//     host can find the integration and team behind a log line.
//   - The guard is exported as a transport and a dialer, not as an
//     Options hook: a host composes middleware the way it already does
//     for net/http, and the Executor keeps no list of wrappers.
//   - A cache hit neither parses nor re-validates the URL: the key covers
//     the exact URL string, which was validated before its response was
//     stored.
//   - An execution that started before [Executor.Invalidate] may still store
//     its result afterwards; bump [Scope.Version] on an edit that changes
//     responses to rule that out.
//   - A panic of a host Transport or Cache inside a shared execution is
//     raised again on the goroutine of every caller still waiting (as it
//     would be for an uncached request), or logged at error level when none
//     is; the Executor's own goroutine never crashes the process. The
//     shared goroutine ends when the execution's timeout passes provided
//     the Transport honours the request context, as net/http's and
//     httpmock's do.
//   - A request keyed by its Identity is built on the caller's goroutine
//     before it joins or starts an execution, so a Builder may read the
//     caller's state without locks; concurrent callers of one missing key
//     each build, as each would have expanded, and one execution sends.
//     Building only to send, rather than keying the built request, is what
//     takes a keyed hit from about 62x to about 125x cheaper than a
//     loopback miss (PERFORMANCE.md P4 asks 80x). The other way
//     considered, an in-process memo of digests by request, would save at
//     most the digest (SHA-256 of the workload's 281-byte encoding: 0.26 µs
//     of the 1.02) while holding copies of requests, contact data included.
//   - Cache keys stream the body into SHA-256 after a stack-built prefix:
//     no copy, no pool, no allocation for typical requests
//     (BenchmarkCacheKey, BenchmarkCacheKeyLarge).
//   - A hit checks freshness with time.Until(Expires), which reads only
//     the monotonic clock when the entry carries a monotonic reading, as
//     every entry stored by this process does; time.Now reads the wall
//     clock too, and on a virtual machine each read costs as much as the
//     LRU lookup (BenchmarkDoCacheHit: 659 -> 606 CPU ns/op). Entries of a
//     shared store have no monotonic reading and are judged by the wall
//     clock, as before.
package httpexec
