package hyperdual

import "math"

// Abs returns the absolute value of x. Away from 0 it returns x or −x
// unchanged in every part; at the kink a = ±0 every derivative is 0,
// PyTorch's convention.
//
// Special cases are:
//
//	Abs(±0) = +0; f′ = f″ = 0, so the derivative parts are 0·b, 0·c, 0·d
//	Abs(±Inf) = +Inf; f′ = ±1, f″ = 0
//	Abs(NaN) = NaN; f′ = f″ = NaN
func Abs(x Number) Number {
	a := x.Real
	switch {
	case a > 0:
		return x
	case a < 0:
		return Neg(x)
	case a == 0:
		return Number{0, 0 * x.E1, 0 * x.E2, 0 * x.E12}
	}
	return chain(x, math.Abs(a), math.NaN(), math.NaN())
}

// Max returns the larger of x and y, comparing real parts only. At a tie the
// derivative is split evenly, ½ to each argument, as in PyTorch's maximum.
//
// Special cases are:
//
//	Max(x, y) = ½(x+y) in the derivative parts where x.Real == y.Real, including ±0 and ±Inf ties
//	Max(x, y) = x where x.Real = +Inf and y.Real is NaN, and likewise with x and y exchanged
//	Max(x, y) = NaN; partials NaN, where either real part is NaN and neither is +Inf
func Max(x, y Number) Number {
	a, c := x.Real, y.Real
	switch {
	case a > c, math.IsInf(a, 1) && c != c:
		return x
	case a < c, math.IsInf(c, 1) && a != a:
		return y
	case a == c:
		return tie(math.Max(a, c), x, y)
	}
	return unordered(x, y)
}

// Min returns the smaller of x and y, comparing real parts only. At a tie the
// derivative is split evenly, ½ to each argument, as in PyTorch's minimum.
//
// Special cases are:
//
//	Min(x, y) = ½(x+y) in the derivative parts where x.Real == y.Real, including ±0 and ±Inf ties
//	Min(x, y) = x where x.Real = −Inf and y.Real is NaN, and likewise with x and y exchanged
//	Min(x, y) = NaN; partials NaN, where either real part is NaN and neither is −Inf
func Min(x, y Number) Number {
	a, c := x.Real, y.Real
	switch {
	case a < c, math.IsInf(a, -1) && c != c:
		return x
	case a > c, math.IsInf(c, -1) && a != a:
		return y
	case a == c:
		return tie(math.Min(a, c), x, y)
	}
	return unordered(x, y)
}

// tie returns m with the mean of the derivative parts of x and y.
func tie(m float64, x, y Number) Number {
	return Number{m, x.E1/2 + y.E1/2, x.E2/2 + y.E2/2, x.E12/2 + y.E12/2}
}

// unordered returns NaN with NaN partials applied to the tangents of x and y.
func unordered(x, y Number) Number {
	nan := math.NaN()
	return Number{
		Real: nan,
		E1:   tangent(nan, x.E1) + tangent(nan, y.E1),
		E2:   tangent(nan, x.E2) + tangent(nan, y.E2),
		E12:  tangent(nan, x.E12) + tangent(nan, y.E12),
	}
}
