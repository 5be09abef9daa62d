package realfn

import "math"

// Abs returns the jet of |x| at a. The derivative is sgn(a), and 0 at the
// kink a = ±0, PyTorch's convention (torch.abs has gradient grad·sgn(x)).
// Abs is Linear: on each side of the kink f″ is identically 0, so the
// parts are those of x or −x unchanged, and 0 times them at the kink. At NaN
// every derivative is NaN.
func Abs(a float64) (Jet, Mode) {
	f := math.Abs(a)
	switch {
	case a > 0:
		return Jet{f, 1, 0}, Mode{Form: Linear}
	case a < 0:
		return Jet{f, -1, 0}, Mode{Form: Linear}
	case a == 0:
		return Jet{f, 0, 0}, Mode{Form: Linear}
	}
	nan := math.NaN()
	return Jet{f, nan, nan}, Mode{}
}

// A Side says which argument of Max or Min carries the derivative.
type Side uint8

const (
	// First and Second: that argument wins, and its parts are the result's.
	First Side = iota
	Second
	// Tie: equal real parts; each part is the mean of the two, ½ to each
	// argument, as in PyTorch's maximum and minimum (grad/2 to each side
	// where self == other).
	Tie
	// Unordered: a NaN real part, and neither the winner by math.Max's
	// or math.Min's rule for infinities; NaN partials.
	Unordered
)

// Mix returns the part of the result for the parts t of the first argument
// and u of the second.
func (s Side) Mix(t, u float64) float64 {
	switch s {
	case First:
		return t
	case Second:
		return u
	case Tie:
		// A half of each, not half their sum, which could overflow.
		return t/2 + u/2
	}
	nan := math.NaN()
	return Tangent(nan, t) + Tangent(nan, u)
}

// Max returns math.Max(a, c) and the Side that carries the derivative,
// comparing real parts only: math.Max(+Inf, NaN) = +Inf is the +Inf side.
func Max(a, c float64) (float64, Side) {
	m := math.Max(a, c)
	switch {
	case a > c, math.IsInf(a, 1) && c != c:
		return m, First
	case a < c, math.IsInf(c, 1) && a != a:
		return m, Second
	case a == c:
		return m, Tie
	}
	return m, Unordered
}

// Min returns math.Min(a, c) and the Side that carries the derivative, like
// Max: math.Min(−Inf, NaN) = −Inf is the −Inf side.
func Min(a, c float64) (float64, Side) {
	m := math.Min(a, c)
	switch {
	case a < c, math.IsInf(a, -1) && c != c:
		return m, First
	case a > c, math.IsInf(c, -1) && a != a:
		return m, Second
	case a == c:
		return m, Tie
	}
	return m, Unordered
}
