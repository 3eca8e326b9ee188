package wix

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/inboxkit/inboxkit/inbox"
)

// Query Contacts filter fields (Contacts v4).
const (
	fieldEmail = "info.emails.email"
	fieldPhone = "info.phones.e164Phone"
)

// queryRequest is QueryContactsRequest of @wix/auto_sdk_crm_contacts.
type queryRequest struct {
	Query struct {
		Filter map[string]map[string]string `json:"filter"`
		Fields []string                     `json:"fields"`
		Paging paging                       `json:"paging"`
	} `json:"query"`
}

type paging struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// queryResponse is QueryContactsResponse, with the fields the client reads.
type queryResponse struct {
	Contacts []struct {
		ID string `json:"id"`
	} `json:"contacts"`
	PagingMetadata struct {
		Count          int  `json:"count"`
		Offset         int  `json:"offset"`
		Total          *int `json:"total"`
		TooManyToCount bool `json:"tooManyToCount"`
	} `json:"pagingMetadata"`
}

// FindByEmail implements [inbox.Contacts] with Query Contacts, filtered by
// info.emails.email and projected to the id: every contact with the
// address, in Wix's order, across pages (at most Options.MaxContacts).
func (c *Client) FindByEmail(ctx context.Context, email string) ([]string, error) {
	return c.query(ctx, fieldEmail, email)
}

// FindByPhone implements [inbox.PhoneContacts] like FindByEmail, filtered
// by info.phones.e164Phone, the E.164 form Wix derives from each number.
func (c *Client) FindByPhone(ctx context.Context, e164 string) ([]string, error) {
	return c.query(ctx, fieldPhone, e164)
}

func (c *Client) query(ctx context.Context, field, value string) ([]string, error) {
	if value == "" {
		return nil, errors.New("wix: query contacts: empty " + field)
	}
	var req queryRequest
	req.Query.Filter = map[string]map[string]string{field: {"$eq": value}}
	req.Query.Fields = []string{"id"}
	req.Query.Paging.Limit = c.o.PageSize
	var ids []string
	for {
		var resp queryResponse
		if err := c.call(ctx, "query contacts", "/contacts/v4/contacts/query", &req, &resp, true); err != nil {
			return nil, err
		}
		for _, ct := range resp.Contacts {
			if !validID(ct.ID) {
				return nil, &Error{Op: "query contacts", StatusCode: 200, Code: "INVALID_RESPONSE"}
			}
			ids = append(ids, ct.ID)
			c.seen.Add(ct.ID, lookup{field, value})
		}
		n := len(resp.Contacts)
		next := req.Query.Paging.Offset + n
		more := n == req.Query.Paging.Limit
		if t := resp.PagingMetadata.Total; t != nil && !resp.PagingMetadata.TooManyToCount {
			more = next < *t && n > 0
		}
		if !more || len(ids) >= c.o.MaxContacts {
			break
		}
		req.Query.Paging.Offset = next
	}
	if len(ids) > c.o.MaxContacts {
		ids = ids[:c.o.MaxContacts]
	}
	return ids, nil
}

// contactInfo is ContactInfo, with the fields CreateContact sets.
type contactInfo struct {
	Name   *contactName `json:"name,omitempty"`
	Emails *struct {
		Items []contactEmail `json:"items"`
	} `json:"emails,omitempty"`
	Phones *struct {
		Items []contactPhone `json:"items"`
	} `json:"phones,omitempty"`
}

type contactName struct {
	First string `json:"first"`
}

type contactEmail struct {
	Tag   string `json:"tag"`
	Email string `json:"email"`
}

type contactPhone struct {
	Tag   string `json:"tag"`
	Phone string `json:"phone"`
}

// CreateContact implements [inbox.ContactCreator] with Create Contact:
// p's email (tag UNTAGGED), phone (tag MOBILE, in E.164 form, from which Wix
// derives e164Phone) and name (the whole display name as the first name:
// splitting names is not ours to guess). Unless Options.AllowDuplicates is
// set, Wix refuses a contact whose email (or, without email, phone)
// another contact has; CreateContact then returns that contact's id, so
// that it is idempotent per email as the interface asks.
func (c *Client) CreateContact(ctx context.Context, p inbox.Person) (string, error) {
	var in struct {
		Info            contactInfo `json:"info"`
		AllowDuplicates bool        `json:"allowDuplicates"`
	}
	in.AllowDuplicates = c.o.AllowDuplicates
	if p.Name != "" {
		in.Info.Name = &contactName{First: p.Name}
	}
	if p.Email != "" {
		in.Info.Emails = &struct {
			Items []contactEmail `json:"items"`
		}{[]contactEmail{{Tag: "UNTAGGED", Email: p.Email}}}
	}
	if p.Phone != "" {
		in.Info.Phones = &struct {
			Items []contactPhone `json:"items"`
		}{[]contactPhone{{Tag: "MOBILE", Phone: p.Phone}}}
	}
	if p.Email == "" && p.Phone == "" {
		return "", errors.New("wix: create contact: no email or phone")
	}
	var out struct {
		Contact struct {
			ID string `json:"id"`
		} `json:"contact"`
	}
	err := c.call(ctx, "create contact", "/contacts/v4/contacts", &in, &out, false)
	if we, ok := errors.AsType[*Error](err); ok && we.Code == "DUPLICATE_CONTACT_EXISTS" {
		var data struct {
			DuplicateContactID string `json:"duplicateContactId"`
		}
		if json.Unmarshal(we.data, &data) == nil && validID(data.DuplicateContactID) {
			return data.DuplicateContactID, nil
		}
	}
	if err != nil {
		return "", err
	}
	if !validID(out.Contact.ID) {
		return "", &Error{Op: "create contact", StatusCode: 200, Code: "INVALID_RESPONSE"}
	}
	return out.Contact.ID, nil
}
