package integration

import (
	"encoding/json"
	"time"
)

// jsonIntegration is the wire form of an Integration.
type jsonIntegration struct {
	ID                string          `json:"id,omitempty"`
	TeamID            string          `json:"team_id,omitempty"`
	Name              string          `json:"name"`
	Description       string          `json:"description,omitempty"`
	Method            string          `json:"method"`
	URL               string          `json:"url"`
	Headers           []Header        `json:"headers,omitempty"`
	Query             []QueryParam    `json:"query,omitempty"`
	Body              string          `json:"body,omitempty"`
	CacheMinutes      int             `json:"cache_minutes"`
	Active            bool            `json:"active"`
	Display           Display         `json:"display"`
	Triggers          []Trigger       `json:"triggers,omitempty"`
	RequiredVariables []string        `json:"required_variables,omitempty"`
	Condition         json.RawMessage `json:"condition,omitempty"`
	StepName          string          `json:"step_name,omitempty"`
	Steps             []Step          `json:"steps,omitempty"`
	Actions           []Action        `json:"actions,omitempty"`
	Secrets           []Secret        `json:"secrets,omitempty"`
	TimeoutMS         int64           `json:"timeout_ms,omitempty"`
	Version           int64           `json:"version"`
	CreatedAt         *time.Time      `json:"created_at,omitempty"`
	UpdatedAt         *time.Time      `json:"updated_at,omitempty"`
}

// MarshalJSON encodes in with snake_case names. Secret values are encoded as [Redacted]; the
// timeout is encoded in milliseconds as "timeout_ms".
func (in Integration) MarshalJSON() ([]byte, error) {
	j := jsonIntegration{
		ID: in.ID, TeamID: in.TeamID, Name: in.Name, Description: in.Description,
		Method: in.EffectiveMethod(), URL: in.URL, Headers: in.Headers, Query: in.Query, Body: in.Body,
		CacheMinutes: in.CacheMinutes, Active: in.Active, Display: in.Display,
		RequiredVariables: in.RequiredVariables, Secrets: in.Secrets, Condition: in.Condition,
		StepName: in.StepName, Steps: in.Steps, Actions: in.Actions,
		TimeoutMS: in.Timeout.Milliseconds(), Version: in.Version,
	}
	j.Triggers = in.Triggers
	if !in.CreatedAt.IsZero() {
		j.CreatedAt = &in.CreatedAt
	}
	if !in.UpdatedAt.IsZero() {
		j.UpdatedAt = &in.UpdatedAt
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the encoding of MarshalJSON, so that a host may keep that encoding in a
// column: a secret encoded as [Redacted] next to its sealed form decodes with an empty value,
// exactly as it was stored. A Redacted value without a sealed form (an integration the Service
// handed out, edited in a form) stays Redacted, which Update and Test read as "keep the stored
// value".
func (in *Integration) UnmarshalJSON(data []byte) error {
	var j jsonIntegration
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*in = Integration{
		ID: j.ID, TeamID: j.TeamID, Name: j.Name, Description: j.Description,
		Method: j.Method, URL: j.URL, Headers: j.Headers, Query: j.Query, Body: j.Body,
		CacheMinutes: j.CacheMinutes, Active: j.Active, Display: j.Display,
		RequiredVariables: j.RequiredVariables, Secrets: j.Secrets, Condition: j.Condition,
		StepName: j.StepName, Steps: j.Steps, Actions: j.Actions,
		Timeout: time.Duration(j.TimeoutMS) * time.Millisecond, Version: j.Version,
	}
	in.Triggers = j.Triggers
	if j.CreatedAt != nil {
		in.CreatedAt = *j.CreatedAt
	}
	if j.UpdatedAt != nil {
		in.UpdatedAt = *j.UpdatedAt
	}
	return nil
}

// MarshalJSON encodes h; a secret value is encoded as [Redacted], never in clear.
func (h Header) MarshalJSON() ([]byte, error) {
	type plain Header // no methods: no recursion
	if h.Secret {
		h.Value = redactedValue(h.Value, h.Sealed)
	}
	return json.Marshal(plain(h))
}

// UnmarshalJSON decodes the encoding of MarshalJSON: a [Redacted] value next to a sealed form
// decodes as empty (the sealed form is the secret), so the stored form round-trips.
func (h *Header) UnmarshalJSON(data []byte) error {
	type plain Header
	if err := json.Unmarshal(data, (*plain)(h)); err != nil {
		return err
	}
	if h.Secret {
		h.Value = unredacted(h.Value, h.Sealed)
	}
	return nil
}

// UnmarshalJSON decodes the encoding of MarshalJSON: a [Redacted] value next to a sealed form
// decodes as empty (the sealed form is the secret), so the stored form round-trips.
func (s *Secret) UnmarshalJSON(data []byte) error {
	type plain Secret
	if err := json.Unmarshal(data, (*plain)(s)); err != nil {
		return err
	}
	s.Value = unredacted(s.Value, s.Sealed)
	return nil
}

// unredacted returns the value a decoded secret had before MarshalJSON redacted it: "" when it
// has a sealed form, value otherwise.
func unredacted(value, sealed string) string {
	if value == Redacted && sealed != "" {
		return ""
	}
	return value
}

// MarshalJSON encodes s with its value [Redacted], never in clear.
func (s Secret) MarshalJSON() ([]byte, error) {
	type plain Secret
	s.Value = redactedValue(s.Value, s.Sealed)
	return json.Marshal(plain(s))
}
