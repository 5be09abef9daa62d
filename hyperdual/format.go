package hyperdual

import (
	"fmt"

	"github.com/dualgrad/dualgrad/internal/numfmt"
)

var layout = numfmt.Layout{
	Type:   "hyperdual.Number",
	Fields: []string{"Real", "E1", "E2", "E12"},
	Units:  []string{"", "ε₁", "ε₂", "ε₁ε₂"},
}

// String returns x in the form (1+2ε₁+3ε₂+4ε₁ε₂), each part in the shortest
// form that reads back exactly, as %v prints it.
func (x Number) String() string {
	return layout.Text(x.Real, x.E1, x.E2, x.E12)
}

// Format implements fmt.Formatter. Like complex numbers in package fmt, the
// verbs for float64 (%v, %e, %E, %f, %F, %g, %G, %x, %X, %b) and their width,
// precision and flags apply to each of the four parts, and the derivative
// parts always carry a sign: fmt.Sprintf("%.2f", x) gives
// (1.00+2.00ε₁-3.00ε₂+4.00ε₁ε₂). %s formats like %v, and %#v prints a Go
// composite literal.
func (x Number) Format(s fmt.State, verb rune) {
	layout.FormatParts(s, verb, x.Real, x.E1, x.E2, x.E12)
}
