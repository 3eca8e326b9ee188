package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/integration"
	"github.com/inboxkit/inboxkit/integration/catalog"
	"github.com/inboxkit/inboxkit/template"
)

// CatalogList is the body of listCatalog.
type CatalogList struct {
	Entries []CatalogEntry `json:"entries"`
}

// CatalogEntry is one ready-made integration as the gallery shows it: what it is, what the
// admin supplies to install it, and its display template rendered against the service's
// sample response.
type CatalogEntry struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Category    string `json:"category"`
	// Method and URL are the request the integration sends, with {{setting.NAME}}
	// placeholders where the admin's settings go.
	Method string `json:"method"`
	URL    string `json:"url"`
	// Secrets and Settings are the values installCatalogEntry takes, by name.
	Secrets  []CatalogField `json:"secrets"`
	Settings []CatalogField `json:"settings"`
	// Reference is the page of the service's API reference the sample comes from.
	Reference string `json:"reference"`
	// Preview is the display template rendered against the sample response.
	Preview *template.Output `json:"preview"`
}

// CatalogField is one value an admin supplies to install an entry.
type CatalogField struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Help  string `json:"help"`
	// Pattern is the RE2 expression the value must match, when the entry sets one.
	Pattern string `json:"pattern,omitempty"`
}

// InstallRequest is the body of installCatalogEntry.
type InstallRequest struct {
	// Values maps each secret and setting name of the entry to its value.
	Values map[string]string `json:"values"`
}

func (h *Handler) listCatalog(w http.ResponseWriter, r *http.Request, _ integration.Actor) error {
	entries, err := catalog.List()
	if err != nil {
		return err
	}
	now := time.Now()
	out := CatalogList{Entries: make([]CatalogEntry, 0, len(entries))}
	for _, e := range entries {
		ce, err := catalogEntry(e, now)
		if err != nil {
			return err
		}
		out.Entries = append(out.Entries, ce)
	}
	return writeJSON(w, http.StatusOK, out)
}

// previewSetting stands in for every setting in a preview: links such as
// https://{{setting.shop}}.myshopify.com/... show as https://example.myshopify.com/....
const previewSetting = "example"

// catalogEntry describes e, rendering its sample at now.
func catalogEntry(e *catalog.Entry, now time.Time) (CatalogEntry, error) {
	def := string(e.Integration.Display.Template)
	for _, f := range e.Settings {
		def = strings.ReplaceAll(def, "{{setting."+f.Name+"}}", previewSetting)
	}
	t, err := template.Parse([]byte(def))
	if err != nil {
		return CatalogEntry{}, err
	}
	preview, err := t.Render(e.Sample.Response, &template.RenderOptions{Now: now})
	if err != nil {
		return CatalogEntry{}, err
	}
	return CatalogEntry{
		ID: e.ID, Name: e.Name, Description: e.Description, Category: e.Category,
		Method: cmpOr(e.Integration.Method, http.MethodGet), URL: e.Integration.URL,
		Secrets: catalogFields(e.Secrets), Settings: catalogFields(e.Settings),
		Reference: e.Sample.Reference, Preview: preview,
	}, nil
}

// catalogFields copies fs without what stays on the server (a secret's Append).
func catalogFields(fs []catalog.Field) []CatalogField {
	out := make([]CatalogField, len(fs))
	for i, f := range fs {
		out[i] = CatalogField{Name: f.Name, Label: f.Label, Help: f.Help, Pattern: f.Pattern}
	}
	return out
}

func (h *Handler) installCatalogEntry(w http.ResponseWriter, r *http.Request, a integration.Actor) error {
	// Only admins create integrations: say so before judging the values.
	if a.Role != integration.RoleAdmin {
		return integration.ErrForbidden
	}
	var req InstallRequest
	if err := h.decode(r, "InstallRequest", &req); err != nil {
		return err
	}
	in, err := catalog.Install(r.PathValue("entry_id"), req.Values)
	if errors.Is(err, catalog.ErrNotFound) {
		return errNotFound
	}
	if ie, ok := errors.AsType[*catalog.InstallError](err); ok {
		return invalid("The values do not install the entry.", prefixed("/values", ie.Problems)...)
	}
	if err != nil {
		return err
	}
	out, err := h.svc.Create(r.Context(), a, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}
