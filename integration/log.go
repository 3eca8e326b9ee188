package integration

import (
	"errors"
	"log/slog"
	"net/url"

	"github.com/inboxkit/inboxkit/httpexec"
)

// callAttrs identifies a call of in in the inbox inboxID for a log record without a contact's
// values: the team, inbox and integration IDs, the method, the host and the URL template as the
// admin wrote it (never expanded: an expanded path holds emails and names).
func callAttrs(in *Integration, inboxID string) []slog.Attr {
	host := ""
	if origin, ok := urlOrigin(in.URL); ok {
		if u, err := url.Parse(origin); err == nil {
			host = u.Hostname()
		}
	}
	return []slog.Attr{
		slog.String("team", in.TeamID),
		slog.String("inbox", inboxID),
		slog.String("integration", in.ID),
		slog.Int64("version", in.Version),
		slog.String("method", in.EffectiveMethod()),
		slog.String("host", host),
		slog.String("url_template", in.URL),
	}
}

// errorAttrs describes err, of category cat, for a log record without a contact's values or a
// secret: the category, the upstream status, and a detail only where the text is known to hold
// neither. That is this package's configuration and request problems, which name fields and
// variables, never values, and httpexec's detail; never an httpexec error's text, whose URL is
// the expanded one, nor a rendering error, which may quote the response.
func errorAttrs(cat Category, err error) []slog.Attr {
	attrs := []slog.Attr{slog.String("category", string(cat))}
	if se, ok := errors.AsType[*httpexec.StatusError](err); ok {
		return append(attrs, slog.Int("status", se.StatusCode))
	}
	if he, ok := errors.AsType[*httpexec.Error](err); ok {
		if he.Detail != "" && cat != CategoryConfiguration {
			attrs = append(attrs, slog.String("detail", he.Detail))
		}
		if he.Attempts > 0 {
			attrs = append(attrs, slog.Int("attempts", he.Attempts))
		}
	}
	var ce *configError
	var re *requestError
	switch {
	case errors.As(err, &ce):
		attrs = append(attrs, slog.String("detail", ce.err.Error()))
	case errors.As(err, &re):
		attrs = append(attrs, slog.String("detail", re.err.Error()))
	}
	return attrs
}
