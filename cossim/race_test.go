//go:build race

package cossim

// raceEnabled reports a -race build, under which sync.Pool drops items at
// random, so that allocation counts mean nothing.
const raceEnabled = true
