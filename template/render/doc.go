// Package render draws a [template.Output] node tree: [Text] as plain
// text with box-drawing characters (for terminals, logs, e-mail and
// tests), [Sheet] as a whole profile sheet of cards in boxes of one
// width, and [HTML] as escaped, semantic HTML built with html/template.
//
//	out, err := tmpl.Render(body, nil)
//	if err != nil {
//		return err
//	}
//	return render.Text(os.Stdout, out)
//
// A host drawing a contact's profile sheet passes each card as plain
// values (this package does not import integration):
//
//	sheet := []render.Card{{Title: c.Name, Status: render.Status(c.Status),
//		Output: c.Output, Updated: c.FetchedAt, Stale: c.Stale, Message: msg}}
//	err := render.Sheet(os.Stdout, sheet, &render.SheetOptions{Width: 64})
//
// # Decisions
//
// These are reference renderers: they show how a front end should treat
// the tree (text is text, never markup; only Href fields become links)
// and give golden files something readable to pin. Their output for a
// given tree is deterministic ([Sheet]'s given SheetOptions.Now).
//
// A sheet shows agents sentences, never machine categories: a failed card
// is a box with its Message ("The service failed (HTTP 503)."), its state
// ("failed", "stale · updated 2 hours ago") is in the top border, and the
// card's title replaces the title of the template's first section rather
// than stacking two titles. Text from outside the tree (raw JSON, titles,
// messages) is cleaned of control and format characters before printing.
package render
