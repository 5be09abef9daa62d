package hyperdual

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestFormat(t *testing.T) {
	x := Number{1, 2, 3, 4}
	neg := Number{-1.5, -2, 0.25, -4e-20}
	special := Number{math.Inf(1), math.NaN(), math.Inf(-1), math.Copysign(0, -1)}
	tests := []struct {
		format string
		x      Number
		want   string
	}{
		{"%v", x, "(1+2ε₁+3ε₂+4ε₁ε₂)"},
		{"%v", neg, "(-1.5-2ε₁+0.25ε₂-4e-20ε₁ε₂)"},
		{"%v", special, "(+Inf+NaNε₁-Infε₂-0ε₁ε₂)"},
		{"%v", Number{}, "(0+0ε₁+0ε₂+0ε₁ε₂)"},
		{"%s", x, "(1+2ε₁+3ε₂+4ε₁ε₂)"},
		{"%g", neg, "(-1.5-2ε₁+0.25ε₂-4e-20ε₁ε₂)"},
		{"%.2f", neg, "(-1.50-2.00ε₁+0.25ε₂-0.00ε₁ε₂)"},
		{"%.3e", x, "(1.000e+00+2.000e+00ε₁+3.000e+00ε₂+4.000e+00ε₁ε₂)"},
		{"%6.1f", x, "(   1.0  +2.0ε₁  +3.0ε₂  +4.0ε₁ε₂)"},
		{"%-6.1f|", x, "(1.0   +2.0  ε₁+3.0  ε₂+4.0  ε₁ε₂)|"},
		{"%+v", x, "(+1+2ε₁+3ε₂+4ε₁ε₂)"},
		{"% v", x, "( 1+2ε₁+3ε₂+4ε₁ε₂)"},
		{"%#v", neg, "hyperdual.Number{Real:-1.5, E1:-2, E2:0.25, E12:-4e-20}"},
		{"%d", x, "%!d(hyperdual.Number=(1+2ε₁+3ε₂+4ε₁ε₂))"},
		{"%v", Var(2), "(2+1ε₁+1ε₂+0ε₁ε₂)"},
	}
	for _, tt := range tests {
		if got := fmt.Sprintf(tt.format, tt.x); got != tt.want {
			t.Errorf("Sprintf(%q, %#v) = %q, want %q", tt.format, tt.x, got, tt.want)
		}
	}
	if got, want := neg.String(), "(-1.5-2ε₁+0.25ε₂-4e-20ε₁ε₂)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := fmt.Sprint([]Number{x, neg}), "[(1+2ε₁+3ε₂+4ε₁ε₂) (-1.5-2ε₁+0.25ε₂-4e-20ε₁ε₂)]"; got != want {
		t.Errorf("Sprint of a slice = %q, want %q", got, want)
	}
}

// TestStringIsV checks that String agrees with %v, the fmt route, at special
// values and at random values of every magnitude.
func TestStringIsV(t *testing.T) {
	for _, tc := range []struct {
		x    Number
		want string
	}{
		{Number{nan, math.Copysign(nan, -1), inf, -inf}, "(NaN+NaNε₁+Infε₂-Infε₁ε₂)"},
		{Number{-inf, negZero, 0, 1e21}, "(-Inf-0ε₁+0ε₂+1e+21ε₁ε₂)"},
		{Number{0.1, -1.0 / 3, 1e-7, 5e-324}, "(0.1-0.3333333333333333ε₁+1e-07ε₂+5e-324ε₁ε₂)"},
	} {
		if got := tc.x.String(); got != tc.want {
			t.Errorf("String(%#v) = %q, want %q", tc.x, got, tc.want)
		}
	}
	rnd := rand.New(rand.NewPCG(2, 7))
	for range 1000 {
		x := Number{
			math.Float64frombits(rnd.Uint64()), math.Float64frombits(rnd.Uint64()),
			math.Float64frombits(rnd.Uint64()), math.Float64frombits(rnd.Uint64()),
		}
		if got, want := x.String(), fmt.Sprintf("%v", x); got != want {
			t.Errorf("String() = %q, %%v gives %q", got, want)
		}
	}
}
