package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store keeps integrations, attachments and inboxes in PostgreSQL. It implements
// [integration.Store], [integration.Attachments] and [integration.Inboxes]. It is safe for
// concurrent use by multiple goroutines and by every process sharing the database; it copies
// values on the way in and out. The zero value is not usable; use [New].
type Store struct {
	pool *pgxpool.Pool
}

var (
	_ integration.Store       = (*Store)(nil)
	_ integration.Attachments = (*Store)(nil)
	_ integration.Inboxes     = (*Store)(nil)
)

// New returns a Store on pool, whose schema [Migrate] has brought up to date. The tables are
// those of the first schema of pool's search_path. New does not touch the database.
func New(pool *pgxpool.Pool) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: nil pool")
	}
	return &Store{pool: pool}, nil
}

// storedHeader is an element of the headers column. A secret header's value is always empty:
// its credential is in Sealed.
type storedHeader struct {
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
	Secret bool   `json:"secret,omitempty"`
	Sealed string `json:"sealed,omitempty"`
}

// storedSecret is an element of the secrets column.
type storedSecret struct {
	Name   string `json:"name"`
	Sealed string `json:"sealed,omitempty"`
}

// columns lists the integration columns in the order of scanIntegration.
const columns = `id, team_id, version, name, description, method, url, headers, query, body,
	cache_minutes, active, display_enabled, display_template, required_variables, secrets,
	timeout_ns, created_at, updated_at, run_condition, step_name, steps, actions, triggers`

// Get implements [integration.Store].
func (s *Store) Get(ctx context.Context, teamID, id string) (*integration.Integration, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM inboxkit_integrations WHERE id = $1 AND team_id = $2`, id, teamID)
	in, err := pgx.CollectExactlyOneRow(rows, scanIntegration)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("pgstore: integration %q: %w", id, integration.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: get integration %q: %w", id, err)
	}
	return in, nil
}

// List implements [integration.Store].
func (s *Store) List(ctx context.Context, teamID string) ([]*integration.Integration, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+columns+` FROM inboxkit_integrations WHERE team_id = $1 ORDER BY id`, teamID)
	list, err := pgx.CollectRows(rows, scanIntegration)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list integrations: %w", err)
	}
	if list == nil {
		list = []*integration.Integration{}
	}
	return list, nil
}

// Save implements [integration.Store]. It refuses, naming the field, an integration whose
// secret header or secret carries a clear value (the Service seals them before it saves; a
// credential is never written in clear), and one with text PostgreSQL cannot hold exactly (a
// NUL byte or invalid UTF-8), so that nothing is stored other than as given.
func (s *Store) Save(ctx context.Context, in *integration.Integration, prevVersion int64) error {
	if in == nil || in.ID == "" || in.TeamID == "" {
		return errors.New("pgstore: save: integration without ID or TeamID")
	}
	args, err := rowArgs(in)
	if err != nil {
		return err
	}
	if prevVersion == 0 {
		tag, err := s.pool.Exec(ctx, `INSERT INTO inboxkit_integrations (`+columns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
			ON CONFLICT (id) DO NOTHING`, args...)
		if err != nil {
			return fmt.Errorf("pgstore: create integration %q: %w", in.ID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("pgstore: create integration %q: id exists: %w", in.ID, integration.ErrConflict)
		}
		return nil
	}
	// One statement compares and swaps: the UPDATE writes only the row still at prevVersion
	// (under concurrent updates PostgreSQL re-checks the condition on the newest row), and
	// current tells a missing row from a changed one when it writes nothing.
	var current *int64
	var updated bool
	err = s.pool.QueryRow(ctx, `WITH current AS (
			SELECT version FROM inboxkit_integrations WHERE id = $1 AND team_id = $2
		), updated AS (
			UPDATE inboxkit_integrations SET version = $3, name = $4, description = $5, method = $6,
				url = $7, headers = $8, query = $9, body = $10, cache_minutes = $11, active = $12,
				display_enabled = $13, display_template = $14, required_variables = $15,
				secrets = $16, timeout_ns = $17, created_at = $18, updated_at = $19,
				run_condition = $20, step_name = $21, steps = $22, actions = $23, triggers = $24
			WHERE id = $1 AND team_id = $2 AND version = $25
			RETURNING 1
		)
		SELECT (SELECT version FROM current), EXISTS (SELECT 1 FROM updated)`,
		append(args, prevVersion)...).Scan(&current, &updated)
	switch {
	case err != nil:
		return fmt.Errorf("pgstore: update integration %q: %w", in.ID, err)
	case updated:
		return nil
	case current == nil:
		return fmt.Errorf("pgstore: update integration %q: %w", in.ID, integration.ErrNotFound)
	}
	return fmt.Errorf("pgstore: update integration %q: version %d is no longer current: %w", in.ID, prevVersion, integration.ErrConflict)
}

// Delete implements [integration.Store]; it removes the integration's attachments in the same
// statement.
func (s *Store) Delete(ctx context.Context, teamID, id string) error {
	var n int
	err := s.pool.QueryRow(ctx, `WITH gone AS (
			DELETE FROM inboxkit_integrations WHERE id = $1 AND team_id = $2 RETURNING id
		), detached AS (
			DELETE FROM inboxkit_attachments WHERE integration_id IN (SELECT id FROM gone)
		)
		SELECT count(*) FROM gone`, id, teamID).Scan(&n)
	if err != nil {
		return fmt.Errorf("pgstore: delete integration %q: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("pgstore: delete integration %q: %w", id, integration.ErrNotFound)
	}
	return nil
}

// ListAttachments implements [integration.Attachments].
func (s *Store) ListAttachments(ctx context.Context, inboxID string) ([]integration.Attachment, error) {
	rows, _ := s.pool.Query(ctx, `SELECT integration_id, inbox_id, enabled, position FROM inboxkit_attachments
		WHERE inbox_id = $1 ORDER BY position, integration_id`, inboxID)
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (integration.Attachment, error) {
		var a integration.Attachment
		err := row.Scan(&a.IntegrationID, &a.InboxID, &a.Enabled, &a.Position)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: list attachments: %w", err)
	}
	if list == nil {
		list = []integration.Attachment{}
	}
	return list, nil
}

// PutAttachment implements [integration.Attachments].
func (s *Store) PutAttachment(ctx context.Context, a integration.Attachment) error {
	if a.IntegrationID == "" || a.InboxID == "" {
		return errors.New("pgstore: attachment needs an integration and an inbox")
	}
	if err := checkTexts(map[string]string{"integration_id": a.IntegrationID, "inbox_id": a.InboxID}); err != nil {
		return fmt.Errorf("pgstore: attachment: %w", err)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO inboxkit_attachments (inbox_id, integration_id, enabled, position)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (inbox_id, integration_id) DO UPDATE SET enabled = excluded.enabled, position = excluded.position`,
		a.InboxID, a.IntegrationID, a.Enabled, a.Position)
	if err != nil {
		return fmt.Errorf("pgstore: put attachment of %q to %q: %w", a.IntegrationID, a.InboxID, err)
	}
	return nil
}

// DeleteAttachment implements [integration.Attachments].
func (s *Store) DeleteAttachment(ctx context.Context, integrationID, inboxID string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM inboxkit_attachments WHERE inbox_id = $1 AND integration_id = $2`, inboxID, integrationID)
	if err != nil {
		return fmt.Errorf("pgstore: delete attachment of %q to %q: %w", integrationID, inboxID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pgstore: attachment of %q to %q: %w", integrationID, inboxID, integration.ErrNotFound)
	}
	return nil
}

// Inbox implements [integration.Inboxes].
func (s *Store) Inbox(ctx context.Context, id string) (integration.Inbox, error) {
	var ib integration.Inbox
	err := s.pool.QueryRow(ctx, `SELECT id, team_id, name FROM inboxkit_inboxes WHERE id = $1`, id).Scan(&ib.ID, &ib.TeamID, &ib.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return integration.Inbox{}, fmt.Errorf("pgstore: inbox %q: %w", id, integration.ErrNotFound)
	}
	if err != nil {
		return integration.Inbox{}, fmt.Errorf("pgstore: get inbox %q: %w", id, err)
	}
	return ib, nil
}

// PutInbox records an inbox and the team that owns it, or replaces its team and name, as the
// host creates or renames inboxes. Moving an inbox to another team keeps its attachments, but
// the Service runs only integrations of the inbox's current team in it.
func (s *Store) PutInbox(ctx context.Context, ib integration.Inbox) error {
	if ib.ID == "" || ib.TeamID == "" {
		return errors.New("pgstore: inbox needs an ID and a TeamID")
	}
	if err := checkTexts(map[string]string{"id": ib.ID, "team_id": ib.TeamID, "name": ib.Name}); err != nil {
		return fmt.Errorf("pgstore: inbox: %w", err)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO inboxkit_inboxes (id, team_id, name) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET team_id = excluded.team_id, name = excluded.name`, ib.ID, ib.TeamID, ib.Name)
	if err != nil {
		return fmt.Errorf("pgstore: put inbox %q: %w", ib.ID, err)
	}
	return nil
}

// DeleteInbox removes an inbox and its attachments, or returns an error wrapping
// [integration.ErrNotFound].
func (s *Store) DeleteInbox(ctx context.Context, id string) error {
	var n int
	err := s.pool.QueryRow(ctx, `WITH gone AS (
			DELETE FROM inboxkit_inboxes WHERE id = $1 RETURNING id
		), detached AS (
			DELETE FROM inboxkit_attachments WHERE inbox_id IN (SELECT id FROM gone)
		)
		SELECT count(*) FROM gone`, id).Scan(&n)
	if err != nil {
		return fmt.Errorf("pgstore: delete inbox %q: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("pgstore: inbox %q: %w", id, integration.ErrNotFound)
	}
	return nil
}

// rowArgs returns the column values of in, in the order of columns, after checking that they
// can be stored as given.
func rowArgs(in *integration.Integration) ([]any, error) {
	texts := map[string]string{
		"id": in.ID, "team_id": in.TeamID, "name": in.Name, "description": in.Description,
		"method": in.Method, "url": in.URL, "body": in.Body, "step_name": in.StepName,
	}
	headers := make([]storedHeader, len(in.Headers))
	for i, h := range in.Headers {
		field := "headers[" + strconv.Itoa(i) + "]"
		if h.Secret && h.Value != "" {
			return nil, fmt.Errorf("pgstore: integration %q: %s.value: a secret header's value must be sealed, not in clear", in.ID, field)
		}
		texts[field+".name"], texts[field+".value"], texts[field+".sealed"] = h.Name, h.Value, h.Sealed
		headers[i] = storedHeader(h)
	}
	query := make([]integration.QueryParam, len(in.Query))
	for i, q := range in.Query {
		field := "query[" + strconv.Itoa(i) + "]"
		texts[field+".name"], texts[field+".value"] = q.Name, q.Value
		query[i] = q
	}
	secrets := make([]storedSecret, len(in.Secrets))
	for i, sc := range in.Secrets {
		field := "secrets[" + strconv.Itoa(i) + "]"
		if sc.Value != "" {
			return nil, fmt.Errorf("pgstore: integration %q: %s.value: a secret's value must be sealed, not in clear", in.ID, field)
		}
		texts[field+".name"], texts[field+".sealed"] = sc.Name, sc.Sealed
		secrets[i] = storedSecret{Name: sc.Name, Sealed: sc.Sealed}
	}
	for i, st := range in.Steps {
		field := "steps[" + strconv.Itoa(i) + "]"
		texts[field+".name"], texts[field+".method"], texts[field+".url"], texts[field+".body"] = st.Name, st.Method, st.URL, st.Body
		for j, h := range st.Headers {
			hf := field + ".headers[" + strconv.Itoa(j) + "]"
			texts[hf+".name"], texts[hf+".value"], texts[hf+".sealed"] = h.Name, h.Value, h.Sealed
		}
		for j, q := range st.Query {
			qf := field + ".query[" + strconv.Itoa(j) + "]"
			texts[qf+".name"], texts[qf+".value"] = q.Name, q.Value
		}
	}
	for i, a := range in.Actions {
		field := "actions[" + strconv.Itoa(i) + "]"
		for k, v := range map[string]string{"name": a.Name, "label": a.Label, "method": a.Method, "url": a.URL, "body": a.Body,
			"confirm": a.Confirm, "result_path": a.ResultPath} {
			texts[field+"."+k] = v
		}
		for j, h := range a.Headers {
			hf := field + ".headers[" + strconv.Itoa(j) + "]"
			texts[hf+".name"], texts[hf+".value"], texts[hf+".sealed"] = h.Name, h.Value, h.Sealed
		}
		for j, q := range a.Query {
			qf := field + ".query[" + strconv.Itoa(j) + "]"
			texts[qf+".name"], texts[qf+".value"] = q.Name, q.Value
		}
		for j, f := range a.Fields {
			ff := field + ".fields[" + strconv.Itoa(j) + "]"
			texts[ff+".name"], texts[ff+".label"], texts[ff+".type"], texts[ff+".default"], texts[ff+".help"] = f.Name, f.Label, f.Type, f.Default, f.Help
			for k, o := range f.Options {
				texts[ff+".options["+strconv.Itoa(k)+"]"] = o
			}
		}
	}
	for i, t := range in.Triggers {
		field := "triggers[" + strconv.Itoa(i) + "]"
		texts[field+".name"], texts[field+".on"], texts[field+".label"], texts[field+".text"], texts[field+".link"], texts[field+".icon"] = t.Name, t.On, t.Label, t.Text, t.Link, t.Icon
	}
	vars := make([]string, len(in.RequiredVariables))
	for i, v := range in.RequiredVariables {
		texts["required_variables["+strconv.Itoa(i)+"]"] = v
		vars[i] = v
	}
	if err := checkTexts(texts); err != nil {
		return nil, fmt.Errorf("pgstore: integration %q: %w", in.ID, err)
	}
	var tmpl []byte // NULL when there is no template
	if len(in.Display.Template) > 0 {
		if !json.Valid(in.Display.Template) {
			return nil, fmt.Errorf("pgstore: integration %q: display.template: not valid JSON", in.ID)
		}
		tmpl = in.Display.Template
	}
	var cond []byte // NULL when there is no condition
	if len(in.Condition) > 0 {
		if !json.Valid(in.Condition) {
			return nil, fmt.Errorf("pgstore: integration %q: condition: not valid JSON", in.ID)
		}
		cond = in.Condition
	}
	steps := in.Steps
	if steps == nil {
		steps = []integration.Step{}
	}
	stj, err := json.Marshal(steps)
	if err != nil {
		return nil, fmt.Errorf("pgstore: integration %q: steps: %v", in.ID, err)
	}
	actions := in.Actions
	if actions == nil {
		actions = []integration.Action{}
	}
	aj, err := json.Marshal(actions)
	if err != nil {
		return nil, fmt.Errorf("pgstore: integration %q: actions: %v", in.ID, err)
	}
	triggers := in.Triggers
	if triggers == nil {
		triggers = []integration.Trigger{}
	}
	tj, err := json.Marshal(triggers)
	if err != nil {
		return nil, fmt.Errorf("pgstore: integration %q: triggers: %v", in.ID, err)
	}
	hj, err := json.Marshal(headers)
	if err != nil {
		return nil, fmt.Errorf("pgstore: integration %q: headers: %v", in.ID, err)
	}
	qj, err := json.Marshal(query)
	if err != nil {
		return nil, fmt.Errorf("pgstore: integration %q: query: %v", in.ID, err)
	}
	sj, err := json.Marshal(secrets)
	if err != nil {
		return nil, fmt.Errorf("pgstore: integration %q: secrets: %v", in.ID, err)
	}
	return []any{
		in.ID, in.TeamID, in.Version, in.Name, in.Description, in.Method, in.URL, hj, qj, in.Body,
		in.CacheMinutes, in.Active, in.Display.Enabled, tmpl, vars, sj,
		int64(in.Timeout), in.CreatedAt, in.UpdatedAt, cond, in.StepName, stj, aj, tj,
	}, nil
}

// checkTexts reports the first field, in name order, whose value PostgreSQL's text cannot hold
// as it is: a NUL byte, or invalid UTF-8 (which encoding/json would also replace silently). The
// error names the field, never the value.
func checkTexts(fields map[string]string) error {
	var bad []string
	for name, v := range fields {
		if strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
			bad = append(bad, name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return fmt.Errorf("%s: contains a NUL byte or invalid UTF-8", strings.Join(bad, ", "))
}

func scanIntegration(row pgx.CollectableRow) (*integration.Integration, error) {
	var (
		in                     integration.Integration
		headers                []storedHeader
		secrets                []storedSecret
		tmpl, cond             []byte
		steps                  []integration.Step
		actions                []integration.Action
		triggers               []integration.Trigger
		timeout                int64
		createdAt, updatedAt   time.Time
		query                  []integration.QueryParam
		vars                   []string
		cacheMinutes           int64
		displayEnabled, active bool
	)
	err := row.Scan(&in.ID, &in.TeamID, &in.Version, &in.Name, &in.Description, &in.Method, &in.URL,
		&headers, &query, &in.Body, &cacheMinutes, &active, &displayEnabled, &tmpl, &vars, &secrets,
		&timeout, &createdAt, &updatedAt, &cond, &in.StepName, &steps, &actions, &triggers)
	if err != nil {
		return nil, err
	}
	for _, h := range headers {
		in.Headers = append(in.Headers, integration.Header(h))
	}
	for _, sc := range secrets {
		in.Secrets = append(in.Secrets, integration.Secret{Name: sc.Name, Sealed: sc.Sealed})
	}
	if len(query) > 0 {
		in.Query = query
	}
	if len(vars) > 0 {
		in.RequiredVariables = vars
	}
	if tmpl != nil {
		in.Display.Template = json.RawMessage(tmpl)
	}
	if cond != nil {
		in.Condition = json.RawMessage(cond)
	}
	if len(steps) > 0 {
		in.Steps = steps
	}
	if len(actions) > 0 {
		in.Actions = actions
	}
	if len(triggers) > 0 {
		in.Triggers = triggers
	}
	in.CacheMinutes, in.Active, in.Display.Enabled = int(cacheMinutes), active, displayEnabled
	in.Timeout = time.Duration(timeout)
	in.CreatedAt, in.UpdatedAt = createdAt.UTC(), updatedAt.UTC()
	return &in, nil
}
