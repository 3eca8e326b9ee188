package inbox

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/tidwall/gjson"
)

// maxNameLen caps the participant's display name.
const maxNameLen = 256

// person reads who the event is from: the email, the phone number
// (normalized to E.164) and the display name. At least one of email and
// phone must be present.
func (d *Decoder) person(root gjson.Result, ev *Event) error {
	m := &d.src.Mapping
	var err error
	if ev.Email, err = str(root, m.Email, "email", maxEmailLen); err != nil {
		return err
	}
	if NormalizeEmail(ev.Email) == "" {
		ev.Email = ""
	} else if !validEmail(NormalizeEmail(ev.Email)) {
		return bodyProblem("email", m.Email, CodeInvalidEmail, "not an email address")
	}
	if m.Phone != "" {
		raw, err := phoneValue(root, m.Phone)
		if err != nil {
			return err
		}
		if raw != "" {
			if ev.Phone, err = NormalizePhone(raw, d.src.DefaultCallingCode); err != nil {
				return bodyProblem("phone", m.Phone, CodeInvalidPhone, phoneProblem(err))
			}
		}
	}
	if ev.Email == "" && ev.Phone == "" {
		switch {
		case m.Email != "" && m.Phone != "":
			return bodyProblem("email", m.Email, CodeMissing, "missing, and no phone either (looked at "+strconv.Quote(m.Phone)+")")
		case m.Email != "":
			return bodyProblem("email", m.Email, CodeMissing, "missing")
		default:
			return bodyProblem("phone", m.Phone, CodeMissing, "missing")
		}
	}
	name, err := str(root, m.Name, "name", maxNameLen)
	if err != nil {
		return err
	}
	ev.Name = cleanText(name, true)
	return nil
}

// phoneValue reads a phone number given as a string or a number.
func phoneValue(root gjson.Result, path string) (string, error) {
	r := root.Get(path)
	switch r.Type {
	case gjson.Null:
		return "", nil
	case gjson.String:
		return r.Str, nil
	case gjson.Number:
		return r.Raw, nil
	}
	return "", bodyProblem("phone", path, CodeWrongType, "not a string or number")
}

// eventPerson validates and normalizes who an event is from, for Sync.
// Problems point into the Event's JSON encoding.
func eventPerson(ev *Event) (Person, error) {
	p := Person{Email: NormalizeEmail(ev.Email), Name: cleanText(ev.Name, true)}
	if p.Email != "" && !validEmail(p.Email) {
		return Person{}, malformed("/email", CodeInvalidEmail, "not an email address")
	}
	if ev.Phone != "" {
		var err error
		if p.Phone, err = NormalizePhone(ev.Phone, ""); err != nil {
			return Person{}, malformed("/phone", CodeInvalidPhone, phoneProblem(err))
		}
	}
	if p.Email == "" && p.Phone == "" {
		return Person{}, malformed("/email", CodeMissing, "missing, and no phone either")
	}
	if len(p.Name) > maxNameLen {
		return Person{}, malformed("/name", CodeTooLong, "longer than "+strconv.Itoa(maxNameLen)+" bytes")
	}
	return p, nil
}

// what names the identifiers a lookup used, for outcome reasons.
func (p Person) what() string {
	switch {
	case p.Email != "" && p.Phone != "":
		return "email or phone"
	case p.Phone != "":
		return "phone"
	}
	return "email"
}

// find looks contacts up by email, then, when that finds none, by phone
// through [PhoneContacts]. failed is the reason of a permanent failure
// that is the host's bug (an empty id) or configuration (a phone-only
// event and Contacts without FindByPhone).
func (s *Syncer) find(ctx context.Context, p Person) (ids []string, failed string, err error) {
	if p.Email != "" {
		if ids, err = s.o.Contacts.FindByEmail(ctx, p.Email); err != nil {
			return nil, "", err
		}
		if slices.Contains(ids, "") {
			return nil, fmt.Sprintf("%T.FindByEmail returned an empty contact id", s.o.Contacts), nil
		}
	}
	if len(ids) > 0 || p.Phone == "" {
		return ids, "", nil
	}
	pc, ok := s.o.Contacts.(PhoneContacts)
	if !ok {
		if p.Email != "" {
			return nil, "", nil // the phone is extra information here
		}
		return nil, fmt.Sprintf("%T does not implement inbox.PhoneContacts, needed for an event with a phone number only", s.o.Contacts), nil
	}
	if ids, err = pc.FindByPhone(ctx, p.Phone); err != nil {
		return nil, "", err
	}
	if slices.Contains(ids, "") {
		return nil, fmt.Sprintf("%T.FindByPhone returned an empty contact id", s.o.Contacts), nil
	}
	return ids, "", nil
}
