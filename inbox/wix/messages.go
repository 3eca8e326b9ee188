package wix

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/inbox"
)

// Limits of Send Message (@wix/auto_sdk_inbox_messages).
const (
	maxTextRunes     = 16384
	maxURLLen        = 2000
	maxFilenameRunes = 255
	maxMimeTypeLen   = 100
)

// sendRequest is SendMessageRequest of @wix/auto_sdk_inbox_messages.
// Direction, visibility and silent belong inside message (the REST guide's
// example has them beside it; the schema is followed).
type sendRequest struct {
	ConversationID    string      `json:"conversationId"`
	Message           wireMessage `json:"message"`
	SendNotifications bool        `json:"sendNotifications"`
}

type wireMessage struct {
	Content    wireContent `json:"content"`
	Direction  string      `json:"direction"`
	Visibility string      `json:"visibility"`
	Badges     []wireBadge `json:"badges,omitempty"`
	Silent     bool        `json:"silent"`
}

// wireContent is MessageContent: exactly one of Basic and Minimal.
type wireContent struct {
	Basic   *basicPayload   `json:"basic,omitempty"`
	Minimal *minimalPayload `json:"minimal,omitempty"`
}

type basicPayload struct {
	Items []basicItem `json:"items"`
}

// basicItem is BasicMessageData: exactly one of Text, Image and File.
type basicItem struct {
	Text  string     `json:"text,omitempty"`
	Image *wireMedia `json:"image,omitempty"`
	File  *wireMedia `json:"file,omitempty"`
}

type wireMedia struct {
	URL      string `json:"url"`
	Filename string `json:"filename,omitempty"`
	MimeType string `json:"mimeType,omitempty"`
}

type minimalPayload struct {
	Text    string `json:"text"`
	IconURL string `json:"iconUrl,omitempty"`
	URL     string `json:"url,omitempty"`
}

type wireBadge struct {
	Text            string `json:"text"`
	IconURL         string `json:"iconUrl,omitempty"`
	BadgeVisibility string `json:"badgeVisibility"`
}

// Send implements [inbox.Messages] with Send Message.
//
// A BASIC message becomes basic content: its text as text items (text over
// Wix's 16,384 characters is split over several items, which Inbox shows
// as consecutive messages; nothing is cut), then one image item per
// attachment whose content type is image/*, one file item per other
// attachment. A MINIMAL message becomes minimal content: the text, the
// icon as iconUrl when it is an http or https URL (an icon name is not
// sent), and the link as url. Wix requires a direction on every message:
// an activity, which has none, is sent as PARTICIPANT_TO_BUSINESS. The
// badge, Silent and SendNotifications come from [Options].
//
// Wix's Send Message has no idempotency key, so m.Key is not sent: a
// delivery retried after a 5xx that Wix had in fact processed is sent
// twice (the inbox Ledger prevents every other double send). For the same
// reason Send does not retry a 5xx itself; it retries a 429 once.
func (c *Client) Send(ctx context.Context, conversationID string, m *inbox.Message) (string, error) {
	if conversationID == "" || m == nil {
		return "", errors.New("wix: send message: empty conversation id or nil message")
	}
	req := sendRequest{ConversationID: conversationID, SendNotifications: c.o.SendNotifications}
	wm := &req.Message
	wm.Silent = c.o.Silent
	wm.Visibility = "BUSINESS_AND_PARTICIPANT"
	if m.Visibility == inbox.BusinessOnly {
		wm.Visibility = "BUSINESS"
	}
	wm.Direction = "PARTICIPANT_TO_BUSINESS"
	if b := c.o.Badge; b.Text != "" {
		wb := wireBadge{Text: b.Text, IconURL: b.IconURL, BadgeVisibility: "BUSINESS_AND_PARTICIPANT"}
		if b.BusinessOnly {
			wb.BadgeVisibility = "BUSINESS"
		}
		wm.Badges = []wireBadge{wb}
	}
	switch m.Kind {
	case inbox.KindBasic:
		if m.Direction == inbox.BusinessToParticipant {
			wm.Direction = "BUSINESS_TO_PARTICIPANT"
		}
		p, err := basic(m)
		if err != nil {
			return "", err
		}
		wm.Content.Basic = p
	case inbox.KindMinimal:
		p, err := minimal(m)
		if err != nil {
			return "", err
		}
		wm.Content.Minimal = p
	default:
		return "", errors.New("wix: send message: kind " + m.Kind.String() + " is neither BASIC nor MINIMAL")
	}
	var out struct {
		Message struct {
			ID string `json:"id"`
		} `json:"message"`
	}
	if err := c.call(ctx, "send message", "/inbox/v2/messages", &req, &out, false); err != nil {
		return "", err
	}
	if !validID(out.Message.ID) {
		return "", &Error{Op: "send message", StatusCode: 200, Code: "INVALID_RESPONSE"}
	}
	return out.Message.ID, nil
}

func basic(m *inbox.Message) (*basicPayload, error) {
	p := &basicPayload{}
	for rest := m.Text; rest != ""; {
		chunk := rest
		if utf8.RuneCountInString(rest) > maxTextRunes {
			i, n := 0, 0
			for n < maxTextRunes {
				_, size := utf8.DecodeRuneInString(rest[i:])
				i += size
				n++
			}
			chunk = rest[:i]
		}
		rest = rest[len(chunk):]
		if strings.TrimSpace(chunk) != "" {
			p.Items = append(p.Items, basicItem{Text: chunk})
		}
	}
	for i, a := range m.Attachments {
		if !webURL(a.URL) {
			return nil, errors.New("wix: send message: attachments[" + strconv.Itoa(i) + "].url: not an http or https URL of at most 2000 bytes")
		}
		media := &wireMedia{URL: a.URL, Filename: truncateRunes(a.Name, maxFilenameRunes)}
		if len(a.ContentType) <= maxMimeTypeLen {
			media.MimeType = a.ContentType
		}
		if strings.HasPrefix(a.ContentType, "image/") {
			media.MimeType = "" // ImageMessage has no mimeType
			p.Items = append(p.Items, basicItem{Image: media})
		} else {
			p.Items = append(p.Items, basicItem{File: media})
		}
	}
	if len(p.Items) == 0 {
		return nil, errors.New("wix: send message: a BASIC message without text or attachments")
	}
	return p, nil
}

func minimal(m *inbox.Message) (*minimalPayload, error) {
	switch n := utf8.RuneCountInString(m.Text); {
	case strings.TrimSpace(m.Text) == "":
		return nil, errors.New("wix: send message: a MINIMAL message without text")
	case n > maxTextRunes:
		return nil, errors.New("wix: send message: message.content.minimal.text: longer than 16384 characters")
	}
	p := &minimalPayload{Text: m.Text}
	if webURL(m.Icon) {
		p.IconURL = m.Icon
	}
	if m.Link != "" {
		if !webURL(m.Link) {
			return nil, errors.New("wix: send message: message.content.minimal.url: not an http or https URL of at most 2000 bytes")
		}
		p.URL = m.Link
	}
	return p, nil
}

func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
