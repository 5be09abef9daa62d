package dual

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// String returns x as (a+bε), each part in the shortest form that reads back
// exactly, as %v prints it: Number{1, -2} is "(1-2ε)".
func (x Number) String() string {
	b := make([]byte, 0, 48)
	b = append(b, '(')
	b = strconv.AppendFloat(b, x.Real, 'g', -1, 64)
	// strconv signs only negative numbers and +Inf; %+g signs everything.
	if math.IsNaN(x.Eps) || !math.Signbit(x.Eps) && !math.IsInf(x.Eps, 1) {
		b = append(b, '+')
	}
	b = strconv.AppendFloat(b, x.Eps, 'g', -1, 64)
	b = append(b, "ε)"...)
	return string(b)
}

// Format implements fmt.Formatter. Like complex numbers in package fmt, the
// verbs for float64 (%v, %e, %E, %f, %F, %g, %G, %x, %X, %b) and their width,
// precision and flags apply to each part, and the ε part always carries a
// sign: fmt.Sprintf("%.2f", x) gives (1.00-2.00ε). %s formats like %v, and
// %#v prints a Go composite literal.
func (x Number) Format(fs fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		if verb == 'v' && fs.Flag('#') {
			fmt.Fprintf(fs, "dual.Number{Real:%#v, Eps:%#v}", x.Real, x.Eps)
			return
		}
		// %v of a float64 is %g; the '+' flag of %+v then signs the real part.
		verb = 'g'
	case 'e', 'E', 'f', 'F', 'g', 'G', 'x', 'X', 'b':
	default:
		fmt.Fprintf(fs, "%%!%c(dual.Number=%s)", verb, x.String())
		return
	}
	fmt.Fprintf(fs, "("+directive(fs, verb, false)+directive(fs, verb, true)+"ε)", x.Real, x.Eps)
}

// directive rebuilds the fmt directive of fs for one float64 part, forcing
// the plus flag for the ε part.
func directive(fs fmt.State, verb rune, plus bool) string {
	var b strings.Builder
	b.WriteByte('%')
	for _, f := range "+-# 0" {
		if fs.Flag(int(f)) || (f == '+' && plus) {
			b.WriteRune(f)
		}
	}
	if w, ok := fs.Width(); ok {
		b.WriteString(strconv.Itoa(w))
	}
	if p, ok := fs.Precision(); ok {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(p))
	}
	b.WriteRune(verb)
	return b.String()
}
