package wix_test

import (
	"testing"

	"github.com/inboxkit/inboxkit/inbox"
)

// BenchmarkSend is the client's own cost of one Send Message (token from
// the cache, request encoding, response decoding) over an httpmock
// transport, so that no network is measured.
func BenchmarkSend(b *testing.B) {
	r := newRecorder()
	r.RegisterResponder("POST", base+"/oauth2/token", tokenResponder(14400))
	r.RegisterResponder("POST", base+"/inbox/v2/messages", jsonResponder(200, `{"message":{"id":"1700000000001","direction":"PARTICIPANT_TO_BUSINESS"}}`))
	c := newClient(b, r, nil)
	m := &inbox.Message{Kind: inbox.KindBasic, Text: "Hi, is my parcel on its way?", Attachments: []inbox.Attachment{{URL: "https://cdn.example.com/a.jpg", ContentType: "image/jpeg"}}}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Send(ctx, "conv-1", m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWebhooksOpen verifies one RS256 Wix webhook and decodes its
// nested event.
func BenchmarkWebhooksOpen(b *testing.B) {
	key, pub := keys(b)
	v := newHooks(b, pub)
	body := []byte(jwt(b, "RS256", claims(envelope()), key, nil))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Open(nil, body); err != nil {
			b.Fatal(err)
		}
	}
}
