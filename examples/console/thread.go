package main

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// threadMessage is a message of the demo thread as the console draws it: a chat message
// (BASIC) or an activity line (MINIMAL) with its icon and link.
type threadMessage struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Visibility string `json:"visibility"`
	Text       string `json:"text"`
	Icon       string `json:"icon,omitempty"`
	Link       string `json:"link,omitempty"`
	Source     string `json:"source,omitempty"`
}

// threadMessages answers the messages the demo's inbox holds for one of the demo
// conversations (GET /console/conversations/{conversation_id}/messages), oldest first, to a
// signed-in user: the activity lines event triggers posted into it. In a real helpdesk the
// thread is the host's own; the console serves it apart from the API, which has no such
// operation.
func (a *app) threadMessages(w http.ResponseWriter, r *http.Request) {
	if _, err := identify(r); err != nil {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	id := r.PathValue("conversation_id")
	if _, ok := conversations[id]; !ok {
		http.NotFound(w, r)
		return
	}
	out := struct {
		Messages []threadMessage `json:"messages"`
	}{Messages: []threadMessage{}}
	for _, m := range a.messages.In(id) {
		kind, _ := m.Message.Kind.MarshalText()
		out.Messages = append(out.Messages, threadMessage{
			ID: m.ID, Kind: string(kind), Visibility: m.Message.Visibility.String(), Text: m.Message.Text,
			Icon: m.Message.Icon, Link: m.Message.Link, Source: m.Message.Source,
		})
	}
	b, err := json.Marshal(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
}
