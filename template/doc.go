// Package template turns an external API's JSON response into a
// validated, safe, UI-neutral node tree that any front end can draw.
//
// (Full documentation follows in a later commit.)
package template
