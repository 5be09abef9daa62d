package realfn

import "math"

// Sinh returns the jet of sinh x at a: f′ = cosh a, f″ = sinh a. Where
// math.Cosh overflows (from |a| ≈ 709.44 on amd64, whose math.Exp overflows
// early, and 710.48 elsewhere), cosh a = |sinh a| = e^|a|/2 to full
// precision, and the derivatives are applied like Exp's, to tangents
// multiplied by h = e^(|a|/2).
func Sinh(a float64) (Jet, Mode) {
	s, c := math.Sinh(a), math.Cosh(a)
	if c > math.MaxFloat64 {
		h := math.Exp(math.Abs(a) / 2)
		return Jet{s, 0.5 * h, math.Copysign(0.5, a)}, Mode{Pre: Times(h)}
	}
	return Jet{s, c, s}, Mode{}
}

// Cosh returns the jet of cosh x at a: f′ = sinh a, f″ = cosh a, scaled like
// Sinh's where they overflow.
func Cosh(a float64) (Jet, Mode) {
	s, c := math.Sinh(a), math.Cosh(a)
	if c > math.MaxFloat64 {
		h := math.Exp(math.Abs(a) / 2)
		return Jet{c, math.Copysign(0.5, a) * h, 0.5}, Mode{Pre: Times(h)}
	}
	return Jet{c, s, c}, Mode{}
}

// Tanh returns the jet of tanh x at a: f′ = sech²a and f″ = −2·tanh a·f′,
// from at most one exponential. The value is math.Tanh's, bit for bit: its
// polynomial for |a| < 0.625, 1 − 2/(s+1) with s = e^(2|a|) up to 44, and
// ±1 beyond. f′ is (1−t)(1+t) on the polynomial's range, where t² < 0.31
// cannot cancel; 4s/(s+1)² = 4e/(1+e)² (e = e^(−2|a|)) above it, which keeps
// full relative precision where 1 − tanh²a would cancel (relative error
// 1e-8 at a = 10); and 4e^(−2|a|) beyond 44, where (1+e)² rounds to 1 and
// which goes to 0 without overflow, where 1/cosh² would underflow early.
func Tanh(a float64) (Jet, Mode) {
	const lim = 0.5 * 8.8029691931113054295988e+01 // math.Tanh's ½·log(2¹²⁷)
	x := math.Abs(a)
	var t, d1 float64
	switch {
	case x < 0.625 || x != x:
		t = math.Tanh(a)
		d1 = (1 - t) * (1 + t)
	case x <= lim:
		s := math.Exp(2 * x)
		r := 1 / (s + 1)
		t = math.Copysign(1-2*r, a)
		d1 = 4 * s * r * r
	default:
		t = math.Copysign(1, a)
		d1 = 4 * math.Exp(-2*x)
	}
	return Jet{t, d1, -2 * t * d1}, Mode{}
}

// Asinh returns the jet of asinh x at a: f′ = 1/√(1+a²), with √(1+a²)
// evaluated as math.Hypot(1, a) so that it does not overflow, and
// f″/f′² = −a/√(1+a²), in [−1, 1]. At ±Inf the ratio is NaN, but it
// multiplies first-order parts that are zero there.
func Asinh(a float64) (Jet, Mode) {
	d1 := 1 / math.Hypot(1, a)
	return Jet{math.Asinh(a), d1, -a * d1}, Mode{Form: Relative}
}

// Acosh returns the jet of acosh x at a: f′ = 1/√(a²−1), with √(a²−1)
// evaluated as √(a−1)·√(a+1) so that it neither cancels near 1 nor
// overflows, and f″/f′² = −a/√(a²−1), near −1 for large a.
func Acosh(a float64) (Jet, Mode) {
	d1 := 1 / (math.Sqrt(a-1) * math.Sqrt(a+1))
	return Jet{math.Acosh(a), d1, -a * d1}, Mode{Form: Relative}
}

// Atanh returns the jet of atanh x at a: f′ = 1/((1−a)(1+a)) and
// f″/f′² = 2a. Outside [−1, 1] f′ is NaN.
func Atanh(a float64) (Jet, Mode) {
	d1 := math.NaN()
	if math.Abs(a) <= 1 {
		d1 = 1 / ((1 - a) * (1 + a))
	}
	return Jet{math.Atanh(a), d1, 2 * a}, Mode{Form: Relative}
}
