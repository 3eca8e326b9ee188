//go:build !race

package variables_test

// raceEnabled reports whether the race detector is on: it changes escape analysis, so
// allocation counts are asserted only without it.
const raceEnabled = false
