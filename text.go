package parley

import "errors"

// Text is a post's Markdown and, once rendered, the sanitised HTML made from it. The HTML
// can only come from Render, so a store that takes posts as Texts, and refuses one not
// rendered, holds no HTML but the rendering of the body stored beside it, whoever calls it.
type Text struct {
	body, html string
	rendered   bool
}

// Draft is a body not rendered yet: what a use case validates before it renders once.
func Draft(body string) Text { return Text{body: body} }

// Render renders the body with r, refusing HTML too large or too deeply nested to show
// (ValidateHTML).
func (t Text) Render(r Renderer) (Text, error) {
	html := r.Render(t.body)
	if err := ValidateHTML(html); err != nil {
		return Text{}, err
	}
	return Text{body: t.body, html: html, rendered: true}, nil
}

// Body is the Markdown as written.
func (t Text) Body() string { return t.body }

// HTML is the rendering of Body, or "" for a draft.
func (t Text) HTML() string { return t.html }

// errNotRendered is a store refusing a draft: a mistake of its caller, not of a writer.
var errNotRendered = errors.New("a post's text must be rendered before it is stored")

// checkRendered refuses a draft.
func (t Text) checkRendered() error {
	if !t.rendered {
		return errNotRendered
	}
	return nil
}
