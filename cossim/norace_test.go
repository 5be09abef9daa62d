//go:build !race

package cossim

const raceEnabled = false
