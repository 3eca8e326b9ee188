package inbox

import "github.com/inboxkit/inboxkit/variables"

// activityTemplate is a compiled MINIMAL text or link template. Text
// templates use the variables.Text target (no escaping: the host displays
// plain text); link templates use variables.URL, so that event values are
// path- or query-escaped and cannot change the link's scheme or host.
type activityTemplate struct {
	t *variables.Template
}

func compileActivity(src string, names []string, link bool) (*activityTemplate, error) {
	target := variables.Text
	if link {
		target = variables.URL
	}
	t, err := variables.Compile(src, target, &variables.Options{Names: names, Strict: true})
	if err != nil {
		return nil, err
	}
	return &activityTemplate{t: t}, nil
}

func (a *activityTemplate) expand(r variables.Resolver) (string, error) {
	return a.t.Expand(r)
}
