package realfn

import "math"

// Sin returns the jet of sin x at a: f′ = cos a, f″ = −sin a. math.Sincos
// returns math.Sin's and math.Cos's values bit for bit.
func Sin(a float64) (Jet, Mode) {
	s, c := math.Sincos(a)
	return Jet{s, c, -s}, Mode{}
}

// Cos returns the jet of cos x at a: f′ = −sin a, f″ = −cos a.
func Cos(a float64) (Jet, Mode) {
	s, c := math.Sincos(a)
	return Jet{c, -s, -c}, Mode{}
}

// Tan returns the jet of tan x at a: f′ = 1 + tan²a, f″ = 2·tan a·f′.
func Tan(a float64) (Jet, Mode) {
	t := math.Tan(a)
	d1 := 1 + t*t
	return Jet{t, d1, 2 * t * d1}, Mode{}
}

// Asin returns the jet of asin x at a: f′ = 1/√(1−a²) with 1−a² evaluated
// as (1−a)(1+a), which does not cancel near ±1, and f″/f′² = a/√(1−a²).
func Asin(a float64) (Jet, Mode) {
	d1 := 1 / math.Sqrt((1-a)*(1+a))
	return Jet{math.Asin(a), d1, a * d1}, Mode{Form: Relative}
}

// Acos returns the jet of acos x at a: f′ = −1/√(1−a²), evaluated like
// Asin's, and f″/f′² = −a/√(1−a²).
func Acos(a float64) (Jet, Mode) {
	d1 := -1 / math.Sqrt((1-a)*(1+a))
	return Jet{math.Acos(a), d1, a * d1}, Mode{Form: Relative}
}

// Atan returns the jet of atan x at a: f′ = 1/(1+a²) and f″/f′² = −2a,
// which is representable where f″ = −2a/(1+a²)² underflows.
func Atan(a float64) (Jet, Mode) {
	return Jet{math.Atan(a), 1 / (1 + a*a), -2 * a}, Mode{Form: Relative}
}

// Atan2 returns the partials of atan2(y, x) at (b, a); the first argument,
// x in Grad and Hess, is y. With r = Hypot(a, b) and the unit direction
// (u, v) = (a/r, b/r) the partials are u/r, −v/r and −2uv/r², (v²−u²)/r²,
// 2uv/r²: homogeneous of degree −1 and −2, so they are applied to the
// tangents divided by r, and the coefficients are of degree 0 and never
// overflow or underflow where the parts do not. Where r overflows although
// a and b are finite, both are scaled down by 4 first, exactly. At the
// origin, a branch point, the partials are NaN; where an argument is
// infinite and neither is NaN they are 0, since they decay as 1/r; where an
// argument is NaN, NaN.
func Atan2(b, a float64) (Grad, Hess, Prescale) {
	f := math.Atan2(b, a)
	if a != a || b != b {
		// Checked first: math.Hypot(±Inf, NaN) = +Inf would otherwise give
		// the zero partials of the infinite case to a NaN real part.
		nan := math.NaN()
		return Grad{f, nan, nan}, Hess{nan, nan, nan}, Prescale{}
	}
	r := math.Hypot(a, b)
	s := 1.0
	if math.IsInf(r, 1) {
		if math.IsInf(a, 0) || math.IsInf(b, 0) {
			return Grad{F: f}, Hess{}, Prescale{}
		}
		s = 4
		a, b = a/s, b/s
		r = math.Hypot(a, b)
	}
	u, v := a/r, b/r
	uv := u * v
	s2 := s * s
	return Grad{f, u / s, -v / s}, Hess{-2 * uv / s2, (v - u) * (v + u) / s2, 2 * uv / s2}, Over(r)
}
