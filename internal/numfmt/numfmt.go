// Package numfmt prints the numbers of package dual and package hyperdual,
// (a+bε) and (a+bε₁+cε₂+dε₁ε₂): a real part, then each derivative part
// with its sign and its unit, like package fmt prints a complex number.
package numfmt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A Layout describes a number type: its name as %#v and error verbs print
// it ("dual.Number"), its field names, and the unit after each part ("" for
// the real part, then "ε", or "ε₁", "ε₂", "ε₁ε₂").
type Layout struct {
	Type          string
	Fields, Units []string
}

// Text returns parts in the shortest form that reads back exactly, as %v
// prints them: (1-2ε). It is the %v result without going through fmt.
func (l *Layout) Text(parts ...float64) string {
	b := make([]byte, 0, 24*len(parts))
	b = append(b, '(')
	for i, p := range parts {
		// strconv signs only negative numbers and +Inf; the derivative
		// parts are always signed, as %+g signs them.
		if i > 0 && (math.IsNaN(p) || !math.Signbit(p) && !math.IsInf(p, 1)) {
			b = append(b, '+')
		}
		b = strconv.AppendFloat(b, p, 'g', -1, 64)
		b = append(b, l.Units[i]...)
	}
	b = append(b, ')')
	return string(b)
}

// FormatParts implements fmt.Formatter for the type described by l: the
// type's Format method calls it with the parts. Like complex numbers in
// package fmt, the verbs for float64 (%v, %e, %E, %f, %F, %g, %G, %x, %X,
// %b) and their width, precision and flags apply to each part, and the
// derivative parts always carry a sign: %.2f gives (1.00-2.00ε). %s formats
// like %v, %#v prints a Go composite literal, and any other verb gives
// %!verb(Type=(…)).
func (l *Layout) FormatParts(fs fmt.State, verb rune, parts ...float64) {
	var b strings.Builder
	switch verb {
	case 'v', 's':
		if verb == 'v' && fs.Flag('#') {
			b.WriteString(l.Type)
			b.WriteByte('{')
			for i, p := range parts {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%s:%#v", l.Fields[i], p)
			}
			b.WriteByte('}')
			fs.Write([]byte(b.String()))
			return
		}
		// %v of a float64 is %g; the '+' flag of %+v then signs the real part.
		verb = 'g'
	case 'e', 'E', 'f', 'F', 'g', 'G', 'x', 'X', 'b':
	default:
		fmt.Fprintf(fs, "%%!%c(%s=%s)", verb, l.Type, l.Text(parts...))
		return
	}
	// The real part is formatted as fs asks; the derivative parts with a
	// '+' flag added, which overrides a ' ' flag.
	real := fmt.FormatString(fs, verb)
	part := "%+" + real[1:]
	b.WriteByte('(')
	for i, p := range parts {
		if i == 0 {
			fmt.Fprintf(&b, real, p)
		} else {
			fmt.Fprintf(&b, part, p)
		}
		b.WriteString(l.Units[i])
	}
	b.WriteByte(')')
	fs.Write([]byte(b.String()))
}
