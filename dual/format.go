package dual

import (
	"fmt"

	"github.com/dualgrad/dualgrad/internal/numfmt"
)

var layout = numfmt.Layout{Type: "dual.Number", Fields: []string{"Real", "Eps"}, Units: []string{"", "ε"}}

// String returns x as (a+bε), each part in the shortest form that reads back
// exactly, as %v prints it: Number{1, -2} is "(1-2ε)".
func (x Number) String() string {
	return layout.Text(x.Real, x.Eps)
}

// Format implements fmt.Formatter. Like complex numbers in package fmt, the
// verbs for float64 (%v, %e, %E, %f, %F, %g, %G, %x, %X, %b) and their width,
// precision and flags apply to each part, and the ε part always carries a
// sign: fmt.Sprintf("%.2f", x) gives (1.00-2.00ε). %s formats like %v, and
// %#v prints a Go composite literal.
func (x Number) Format(fs fmt.State, verb rune) {
	layout.FormatParts(fs, verb, x.Real, x.Eps)
}
