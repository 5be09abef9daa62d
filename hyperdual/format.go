package hyperdual

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// String returns x in the form (1+2ε₁+3ε₂+4ε₁ε₂), each part formatted like
// %v formats a float64.
func (x Number) String() string {
	return fmt.Sprint(x)
}

// Format implements fmt.Formatter. Like complex numbers in package fmt, the
// verbs for float64 (%v, %e, %E, %f, %F, %g, %G, %x, %X, %b) and their width,
// precision and flags apply to each of the four parts, and the derivative
// parts always carry a sign: fmt.Sprintf("%.2f", x) gives
// (1.00+2.00ε₁-3.00ε₂+4.00ε₁ε₂). %s formats like %v, and %#v prints a Go
// composite literal.
func (x Number) Format(s fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		if verb == 'v' && s.Flag('#') {
			fmt.Fprintf(s, "hyperdual.Number{Real:%#v, E1:%#v, E2:%#v, E12:%#v}", x.Real, x.E1, x.E2, x.E12)
			return
		}
		// %v of a float64 is %g; the '+' flag of %+v then signs the real part.
		verb = 'g'
	case 'e', 'E', 'f', 'F', 'g', 'G', 'x', 'X', 'b':
	default:
		fmt.Fprintf(s, "%%!%c(hyperdual.Number=%v)", verb, x)
		return
	}
	real := fmt.FormatString(s, verb)
	// The derivative parts always show their sign: '+' replaces ' '.
	part := []byte{'%', '+'}
	for _, f := range "-#0" {
		if s.Flag(int(f)) {
			part = append(part, byte(f))
		}
	}
	if w, ok := s.Width(); ok {
		part = strconv.AppendInt(part, int64(w), 10)
	}
	if p, ok := s.Precision(); ok {
		part = append(part, '.')
		part = strconv.AppendInt(part, int64(p), 10)
	}
	part = utf8.AppendRune(part, verb)
	var b strings.Builder
	b.WriteByte('(')
	fmt.Fprintf(&b, real, x.Real)
	fmt.Fprintf(&b, string(part), x.E1)
	b.WriteString("ε₁")
	fmt.Fprintf(&b, string(part), x.E2)
	b.WriteString("ε₂")
	fmt.Fprintf(&b, string(part), x.E12)
	b.WriteString("ε₁ε₂)")
	s.Write([]byte(b.String()))
}
