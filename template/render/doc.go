// Package render draws a [template.Output] node tree: [Text] as plain
// text with box-drawing characters (for terminals, logs, e-mail and
// tests), [HTML] as escaped, semantic HTML built with html/template.
//
// Both are reference renderers: they show how a front end should treat
// the tree (text is text, never markup; only Href fields become links)
// and give golden files something readable to pin. Their output for a
// given tree is deterministic.
//
//	out, err := tmpl.Render(body, nil)
//	if err != nil {
//		return err
//	}
//	return render.Text(os.Stdout, out)
package render
