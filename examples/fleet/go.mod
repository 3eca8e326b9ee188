module github.com/inboxkit/inboxkit/examples/fleet

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/inboxkit/inboxkit v0.0.0
	github.com/inboxkit/inboxkit/httpexec/rediscache v0.0.0
	github.com/inboxkit/inboxkit/inbox/pgledger v0.0.0
	github.com/inboxkit/inboxkit/integration/pgstore v0.0.0
	github.com/jackc/pgx/v5 v5.13.0
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/tidwall/gjson v1.20.0 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace (
	github.com/inboxkit/inboxkit => ../..
	github.com/inboxkit/inboxkit/httpexec/rediscache => ../../httpexec/rediscache
	github.com/inboxkit/inboxkit/inbox/pgledger => ../../inbox/pgledger
	github.com/inboxkit/inboxkit/integration/pgstore => ../../integration/pgstore
)
