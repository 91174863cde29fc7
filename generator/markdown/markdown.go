// Package markdown renders the Markdown of change records to HTML with
// goldmark: GitHub Flavored Markdown (tables, task lists, strikethrough,
// autolinks), footnotes and heading anchors.
//
// A body is shown below the record page's own headings: its headings keep
// their structure but start at TopHeading, whatever level it began at.
//
// Record bodies are untrusted: anyone who can open a pull request writes
// them, and the site is evidence shown to auditors. So raw HTML is omitted
// (goldmark's default, never WithUnsafe), element attributes cannot be
// written from Markdown, and link and image destinations are checked
// against an allowlist of schemes before rendering: what is not allowed is
// dropped, leaving the text of the link.
package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Renderer turns Markdown into safe HTML. It is safe for concurrent use.
type Renderer struct {
	md goldmark.Markdown
}

// Links rewrites a link or image destination before it is checked and
// rendered: a link to another record's file becomes a link to its page.
// It returns the new destination and true, or false to keep dest.
type Links func(dest string) (string, bool)

var linksKey = parser.NewContextKey()

// New returns a Renderer.
func New() *Renderer {
	md := goldmark.New(
		// GitHub Flavored Markdown, with table alignment written as align
		// attributes: the default writes style attributes, which a
		// Content-Security-Policy without 'unsafe-inline' blocks, and
		// which nothing else in a rendered body may carry.
		goldmark.WithExtensions(extension.Linkify, extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough, extension.TaskList, extension.Footnote),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			// goldmark runs transformers by ascending priority: rewriting
			// first, the safety check last, after every other transformer.
			parser.WithASTTransformers(util.Prioritized(rewriteLinks{}, 100), util.Prioritized(nestHeadings{}, 200), util.Prioritized(safeLinks{}, 10000)),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(headingRenderer{}, 100)),
		),
	)
	return &Renderer{md: md}
}

// ErrTooSlow is returned by RenderWithin for a body that did not render
// in time.
var ErrTooSlow = errors.New("did not render in time")

// RenderWithin is Render bounded in time. goldmark takes quadratic time
// on some inputs (40,000 unclosed links take 12 s here, a 1 MiB body of
// them minutes); a build must report such a record, not hang on it. The
// render cannot be interrupted: when it overruns, it is abandoned and
// finishes in the background, bounded by the size of the body.
func (r *Renderer) RenderWithin(src []byte, links Links, limit time.Duration) ([]byte, error) {
	type result struct {
		html []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		html, err := r.Render(src, links)
		done <- result{html, err}
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case res := <-done:
		return res.html, res.err
	case <-timer.C:
		return nil, ErrTooSlow
	}
}

// Render converts src to HTML; links, when not nil, rewrites destinations.
func (r *Renderer) Render(src []byte, links Links) ([]byte, error) {
	var b bytes.Buffer
	pc := parser.NewContext()
	if links != nil {
		pc.Set(linksKey, links)
	}
	if err := r.md.Convert(src, &b, parser.WithContext(pc)); err != nil {
		return nil, fmt.Errorf("rendering markdown: %w", err)
	}
	return b.Bytes(), nil
}

// SafeURL reports whether dest may be a link target: a relative reference,
// a fragment, or an http, https or mailto URL. Images pass allowImage and
// may not be mailto. Every other scheme (javascript:, data:, vbscript:,
// file:...) is refused, whatever its case or the blanks a browser would
// ignore around it.
func SafeURL(dest string, image bool) bool {
	trimmed := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1 // browsers drop these in schemes: "java\tscript:"
		}
		return r
	}, dest)
	u, err := url.Parse(trimmed)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "":
		// A relative URL, unless a colon before any "/", "?" or "#" makes
		// browsers read a scheme that url.Parse did not.
		if i := strings.IndexAny(trimmed, "/?#"); i >= 0 {
			trimmed = trimmed[:i]
		}
		return !strings.Contains(trimmed, ":")
	case "http", "https":
		return true
	case "mailto":
		return !image
	}
	return false
}

// rewriteLinks applies the Links of the parser context.
type rewriteLinks struct{}

func (rewriteLinks) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	links, ok := pc.Get(linksKey).(Links)
	if !ok {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if dest, ok := links(string(n.Destination)); ok {
				n.Destination = []byte(dest)
			}
		case *ast.Image:
			if dest, ok := links(string(n.Destination)); ok {
				n.Destination = []byte(dest)
			}
		}
		return ast.WalkContinue, nil
	})
}

// safeLinks drops the destination of every link and image that SafeURL
// refuses; the link's text stays, as text.
type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unsafe []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !safeDestination(n.Destination, false) {
				unsafe = append(unsafe, n)
			}
		case *ast.Image:
			if !safeDestination(n.Destination, true) {
				unsafe = append(unsafe, n)
			}
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkURL && !SafeURL(string(n.URL(source)), false) {
				unsafe = append(unsafe, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unsafe {
		unwrap(n, source)
	}
}

// safeDestination checks a destination as written and as the renderer
// will write it, entities decoded: "java&#9;script:" is "java\tscript:".
func safeDestination(dest []byte, image bool) bool {
	return SafeURL(string(dest), image) && SafeURL(html.UnescapeString(string(dest)), image)
}

// unwrap replaces a link or image by its text.
func unwrap(n ast.Node, source []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	switch n := n.(type) {
	case *ast.AutoLink:
		parent.ReplaceChild(parent, n, ast.NewString(n.Label(source)))
		return
	case *ast.Image:
		// An image's children are its alt text.
		var alt bytes.Buffer
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				alt.Write(t.Segment.Value(source))
			}
		}
		parent.ReplaceChild(parent, n, ast.NewString(alt.Bytes()))
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// TopHeading is the level of a body's highest headings: the record page
// shows the body under its h2 "Notes".
const TopHeading = 3

// nestHeadings moves a body's headings to start at TopHeading, each keeping
// its distance from the highest (## and ### become h3 and h4; a lone ####
// becomes h3), and none below h6.
type nestHeadings struct{}

func (nestHeadings) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	top := 7
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			top = min(top, h.Level)
		}
		return ast.WalkContinue, nil
	})
	if top == 7 || top == TopHeading {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level-top+TopHeading, 6)
		}
		return ast.WalkContinue, nil
	})
}

// headingRenderer renders headings with their id and a link to them, so a
// reader can share a link to one section of a record.
type headingRenderer struct{}

func (headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
}

func renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	level := "0123456"[n.Level]
	id, _ := n.AttributeString("id")
	idBytes, _ := id.([]byte)
	if entering {
		_, _ = w.WriteString("<h")
		_ = w.WriteByte(level)
		if len(idBytes) > 0 {
			_, _ = w.WriteString(` id="`)
			_, _ = w.Write(util.EscapeHTML(idBytes))
			_ = w.WriteByte('"')
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if len(idBytes) > 0 {
		_, _ = w.WriteString(` <a class="anchor" href="#`)
		_, _ = w.Write(util.EscapeHTML(util.URLEscape(idBytes, false)))
		_, _ = w.WriteString(`" aria-hidden="true" tabindex="-1">#</a>`)
	}
	_, _ = w.WriteString("</h")
	_ = w.WriteByte(level)
	_, _ = w.WriteString(">\n")
	return ast.WalkContinue, nil
}
