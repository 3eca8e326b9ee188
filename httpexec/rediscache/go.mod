module github.com/inboxkit/inboxkit/httpexec/rediscache

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/inboxkit/inboxkit v0.0.0
	github.com/jarcoal/httpmock v1.4.2
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

replace github.com/inboxkit/inboxkit => ../..
