package dual

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	for _, tc := range []struct {
		x    Number
		want string
	}{
		{Number{1, 2}, "(1+2ε)"},
		{Number{1, -2}, "(1-2ε)"},
		{Number{-1.5, 0}, "(-1.5+0ε)"},
		{Number{0, negZero}, "(0-0ε)"},
		{Number{negZero, 0.25}, "(-0+0.25ε)"},
		{Number{nan, nan}, "(NaN+NaNε)"},
		{Number{nan, math.Copysign(nan, -1)}, "(NaN+NaNε)"},
		{Number{inf, -inf}, "(+Inf-Infε)"},
		{Number{-inf, inf}, "(-Inf+Infε)"},
		{Number{1e21, 1e-7}, "(1e+21+1e-07ε)"},
		{Number{0.1, -1.0 / 3}, "(0.1-0.3333333333333333ε)"},
	} {
		if got := tc.x.String(); got != tc.want {
			t.Errorf("String(%#v) = %q, want %q", tc.x, got, tc.want)
		}
		if got := fmt.Sprint(tc.x); got != tc.want {
			t.Errorf("Sprint(%#v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	x := Number{1, -2}
	for _, tc := range []struct {
		format string
		x      Number
		want   string
	}{
		{"%v", x, "(1-2ε)"},
		{"%.2f", x, "(1.00-2.00ε)"},
		{"%+.1f", x, "(+1.0-2.0ε)"},
		{"%.3e", Number{12345, 0.5}, "(1.234e+04+5.000e-01ε)"},
		{"%E", Number{1, 2}, "(1.000000E+00+2.000000E+00ε)"},
		{"%g", Number{1e-7, 3}, "(1e-07+3ε)"},
		{"%G", Number{1e-7, 3}, "(1E-07+3ε)"},
		// Width applies to each part, as for complex128.
		{"%6.2f", x, "(  1.00 -2.00ε)"},
		{"%-6.1f|", x, "(1.0   -2.0  ε)|"},
		{"%#v", x, "dual.Number{Real:1, Eps:-2}"},
		{"%d", x, "%!d(dual.Number=(1-2ε))"},
		{"%s", x, "(1-2ε)"},
		{"%+v", x, "(+1-2ε)"},
		{"%x", Number{1, 0.5}, "(0x1p+00+0x1p-01ε)"},
		{"%q", x, "%!q(dual.Number=(1-2ε))"},
	} {
		if got := fmt.Sprintf(tc.format, tc.x); got != tc.want {
			t.Errorf("Sprintf(%q, %#v) = %q, want %q", tc.format, tc.x, got, tc.want)
		}
	}
	// Flags, width and precision act on each part as fmt applies them to
	// complex128's parts.
	for _, f := range []string{"%v", "%.2f", "%8.3e", "%-7.1g", "%+g", "%010.4f", "% .3G", "%X", "%b", "%#g"} {
		got := fmt.Sprintf(f, Number{-3.25, 0.125})
		want := strings.TrimSuffix(fmt.Sprintf(f, complex(-3.25, 0.125)), "i)") + "ε)"
		if got != want {
			t.Errorf("Sprintf(%q) = %q, want %q", f, got, want)
		}
	}
}

// TestStringIsV checks that String agrees with %v, the fmt route, at random
// values of every magnitude.
func TestStringIsV(t *testing.T) {
	rnd := newRand()
	for range 1000 {
		x := Number{
			math.Float64frombits(rnd.Uint64()),
			math.Float64frombits(rnd.Uint64()),
		}
		if got, want := x.String(), fmt.Sprintf("%v", x); got != want {
			t.Errorf("String() = %q, %%v gives %q", got, want)
		}
	}
}
