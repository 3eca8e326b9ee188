package render

import (
	htmltemplate "html/template"
	"io"
	"strings"

	"github.com/inboxkit/inboxkit/template"
)

// htmlSource is the HTML renderer's template. Every string of the tree
// goes through html/template's contextual escaping; Href fields, which
// already passed the template package's allow-list, are filtered again by
// html/template's URL sanitizer (tel: URLs of phone number characters
// excepted, see href).
const htmlSource = `{{define "value"}}{{if .Href}}<a class="ik-value ik-{{.Kind}}" href="{{href .Href}}" rel="noopener noreferrer nofollow" target="_blank">{{.Text}}</a>{{else if eq (print .Kind) "badge"}}<span class="ik-badge ik-tone-{{.Tone}}">{{.Text}}</span>{{else if eq (print .Kind) "empty"}}<span class="ik-value ik-empty">—</span>{{else}}<span class="ik-value ik-{{.Kind}}">{{.Text}}</span>{{end}}{{end}}
{{- define "summary"}}{{if lt .Shown .Total}}<p class="ik-summary">{{.Shown}} of {{.Total}} shown</p>{{end}}{{if and (eq .Total 0) .Text}}<p class="ik-empty-list">{{.Text}}</p>{{end}}{{end}}
{{- define "node"}}
{{- $t := print .Type}}
{{- if eq $t "card"}}<section class="ik-card">{{if .Title}}<h3>{{.Title}}</h3>{{end}}{{range .Children}}{{template "node" .}}{{end}}</section>
{{- else if eq $t "keyvalue"}}<section class="ik-keyvalue">{{if .Title}}<h3>{{.Title}}</h3>{{end}}<dl>{{range .Items}}<dt>{{.Label}}</dt><dd>{{template "value" .Value}}</dd>{{end}}</dl></section>
{{- else if eq $t "table"}}<section class="ik-table">{{if .Title}}<h3>{{.Title}}</h3>{{end}}<table><thead><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr></thead><tbody>{{range .Rows}}<tr>{{range .}}<td>{{template "value" .}}</td>{{end}}</tr>{{end}}</tbody></table>{{template "summary" .}}</section>
{{- else if eq $t "repeat"}}<section class="ik-repeat">{{if .Title}}<h3>{{.Title}}</h3>{{end}}{{range .Children}}{{template "node" .}}{{end}}{{template "summary" .}}</section>
{{- else if eq $t "text"}}<p class="ik-text{{if .Style}} ik-{{.Style}}{{end}}">{{.Text}}</p>
{{- else if eq $t "divider"}}<hr class="ik-divider">
{{- else if eq $t "link"}}<a class="ik-link" href="{{href .Href}}" rel="noopener noreferrer nofollow" target="_blank">{{.Text}}</a>
{{- else if eq $t "button"}}<a class="ik-button ik-button-{{.Style}}" role="button" href="{{href .Href}}" rel="noopener noreferrer nofollow" target="_blank">{{.Text}}</a>
{{- else if eq $t "badge"}}<p class="ik-badge-line">{{if .Title}}<span class="ik-label">{{.Title}}</span> {{end}}{{with .Value}}{{template "value" .}}{{end}}</p>
{{- else if eq $t "image"}}<img class="ik-image" src="{{.Href}}" alt="{{.Text}}"{{if .Width}} width="{{.Width}}"{{end}}{{if .Height}} height="{{.Height}}"{{end}}>
{{- end}}
{{end}}
{{- define "output"}}<div class="ik-output">
{{range .Nodes}}{{template "node" .}}{{end -}}
</div>
{{end}}`

// HTML writes out as an HTML fragment: a <div class="ik-output"> with one
// element per node (section, dl, table, p, hr, a, img) and ik- class
// names a stylesheet can target. All text is escaped; links open in a new
// tab with rel="noopener noreferrer nofollow". A nil out writes nothing.
func HTML(w io.Writer, out *template.Output) error {
	if out == nil {
		return nil
	}
	t, err := htmltemplate.New("render").Funcs(htmltemplate.FuncMap{"href": href}).Parse(htmlSource)
	if err != nil {
		return err
	}
	return t.ExecuteTemplate(w, "output", out)
}

// href passes tel: URLs made only of phone number characters through
// html/template's URL filter, which knows only http, https and mailto and
// would replace them with "#ZgotmplZ". Any other URL is left to the
// filter, so a hand-built tree with a javascript: Href still renders
// harmless.
func href(s string) any {
	if len(s) <= 4 || !strings.EqualFold(s[:4], "tel:") {
		return s
	}
	for i := 4; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("+-.()*;=", c) >= 0) {
			return s
		}
	}
	return htmltemplate.URL(s)
}
