// Package pipeline is the one place that decides what a check, a build
// and a save rebuild: load the repository, read its git history, apply
// the policy (generator/policy), render the Markdown bodies, derive the
// site model and render or publish the pages. The one-shot Check and Build
// serve changebook check, build, export and list; a Session serves the
// preview, the editor server and sign, and owns every cache kept between
// runs (the previous load, each record's findings, the rendered bodies,
// each record's part of the site model, the theme's compiled assets), so
// what a save rebuilds is decided here and nowhere else.
package pipeline
