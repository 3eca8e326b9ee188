// Package wixtest is an in-process stand-in for Wix's REST API
// (www.wixapis.com), for tests and examples of hosts that use package
// inbox/wix: OAuth client-credentials tokens, Query Contacts, Create
// Contact, Get or Create Conversation and Send Message, with the request
// validation their published schemas declare and Wix-shaped errors.
//
//	srv := wixtest.NewServer(wixtest.Options{AppID: "app", AppSecret: "secret", InstanceID: "inst"})
//	defer srv.Close()
//	ada := srv.AddContact(wixtest.Contact{Name: "Ada", Emails: []string{"ada@example.com"}})
//	c, err := wix.New(wix.Options{BaseURL: srv.URL(), Auth: wix.Auth{AppID: "app", AppSecret: "secret", InstanceID: "inst"}})
//	// ... sync events, then inspect srv.Conversations()
//
// A [Signer] signs webhooks as Wix does (RS256 JWTs with the event nested
// as JSON strings), for tests of hosts that receive them with wix.Webhooks.
//
// The server keeps everything in memory and is safe for concurrent use. It
// is strict where Wix is lenient (it refuses unknown request fields), so
// that a client's request shapes stay pinned; it is not a full Wix
// implementation (one filter field per query, basic and minimal content
// only, contacts by id only as conversation participants).
package wixtest
