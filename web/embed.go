// Package web holds Tianmu's pages (templ components) and static assets.
// Components are pure: they receive a props struct and render it.
package web

import "embed"

// Static holds the stylesheet and other assets, served under /static/.
//
//go:embed static
var Static embed.FS
