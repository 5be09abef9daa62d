package jsonstrict

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is an error about JSON input or output: malformed JSON, a value of
// the wrong kind, an unknown key, a number that cannot be written.
type Error struct {
	// Line and Col locate the first character of the offending token (or,
	// within a string, of the offending character or escape), both
	// counting from 1; Col counts Unicode code points. They are 0 when the
	// error has no place in the input, as for input over the size limit or
	// an error of Writer.
	Line, Col int

	// Path leads from the top-level value to the offending one, as in
	// d.layers[2].weight[0][3]; it is empty for the top-level value.
	Path string

	// Msg says what is wrong, such as "null, want a number".
	Msg string
}

// Error returns "line L, column C: PATH: MSG", leaving out the position or
// the path where there is none.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(e.Col))
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxQuoted is the number of characters of user text that messages quote;
// longer text is cut and marked with "…", so that a megabyte-long key does
// not make a megabyte-long error.
const maxQuoted = 40

// quote returns s in Go (and, for printable text, JSON) double-quoted form,
// cut to maxQuoted characters.
func quote(s string) string {
	return strconv.Quote(clip(s))
}

// clip cuts s to maxQuoted characters, marking the cut with "…".
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	n := 0
	for i := range s {
		if n == maxQuoted {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// segment is one step of a path: a key or an array index.
type segment struct {
	key   string
	index int // -1 for a key, -2 for an unknown step
}

// maxSegments is the number of path segments shown in full; deeper paths
// show their first and last maxSegments/2 steps around "…".
const maxSegments = 32

// formatPath renders segs as a.b[2]["odd key"].
func formatPath(segs []segment) string {
	var b strings.Builder
	for i, s := range segs {
		if len(segs) > maxSegments && i >= maxSegments/2 && i < len(segs)-maxSegments/2 {
			if i == maxSegments/2 {
				b.WriteString("…")
			}
			continue
		}
		switch {
		case s.index == -2:
			b.WriteString("[?]")
		case s.index >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case isIdent(s.key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		default:
			b.WriteByte('[')
			b.WriteString(quote(s.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// isIdent reports whether k can stand in a path as .k: a non-empty run of
// ASCII letters, digits and underscores not starting with a digit.
func isIdent(k string) bool {
	if k == "" || len(k) > maxQuoted {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c != '_' && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && !(i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// position returns the 1-based line and column of byte offset off in src,
// counting lines by '\n' and columns by code point (an invalid byte counts
// as one).
func position(src string, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	start := strings.LastIndexByte(src[:off], '\n') + 1
	return 1 + strings.Count(src[:start], "\n"), 1 + utf8.RuneCountInString(src[start:off])
}
