package realfn

import "math"

// Sqrt returns the jet of √x at a: f′ = 1/(2√a) and f″/f′² = −1/√a. At ±0
// it has the one-sided derivatives f′ = +Inf and f″ = −Inf, also at −0,
// whose math.Sqrt is −0.
func Sqrt(a float64) (Jet, Mode) {
	s := math.Sqrt(a)
	r := math.Abs(s) // +0 for −0, so that the limits come from the right
	return Jet{s, 0.5 / r, -1 / r}, Mode{Form: Relative}
}

// Cbrt returns the jet of ∛x at a: f′ = 1/(3∛a²) and f″/f′² = −2/∛a, which
// is ∓Inf at ±0.
func Cbrt(a float64) (Jet, Mode) {
	r := math.Cbrt(a)
	return Jet{r, 1 / (3 * r * r), -2 / r}, Mode{Form: Relative}
}

// PowReal returns the jet of xᵖ at a for a constant p: f′ = p·aᵖ⁻¹ and
// f″ = p(p−1)·aᵖ⁻², with no clamping of small bases, and for negative bases
// wherever math.Pow(a, p) is defined, that is for integer p. x⁰ = 1 is
// Constant for every a, NaN included (PyTorch's pow_backward returns zeros
// for exponent 0), and x¹ is Linear.
func PowReal(a, p float64) (Jet, Mode) {
	f := math.Pow(a, p)
	switch p {
	case 0:
		return Jet{f, 0, 0}, Mode{Form: Constant}
	case 1:
		return Jet{f, 1, 0}, Mode{Form: Linear}
	}
	if m := math.Abs(f); m >= minNormal && m <= math.MaxFloat64 && !math.IsInf(p, 0) {
		// a ≠ 0 and aᵖ is normal: aᵖ⁻¹ = aᵖ/a to within an ulp, which
		// saves two calls of math.Pow; f″/f′² = (p−1)/(p·aᵖ).
		return Jet{f, p * (f / a), (p - 1) / (p * f)}, Mode{Form: Relative}
	}
	// aᵖ is 0, subnormal, infinite or NaN, or p is infinite; aᵖ⁻¹ may still
	// be finite. Tangent, not a plain product: where aᵖ⁻ᵏ is 0 the
	// derivative is 0 even for infinite p, as aᵖ is then constant near a.
	return Jet{f, Tangent(p, math.Pow(a, p-1)), Tangent(p*(p-1), math.Pow(a, p-2))}, Mode{}
}

// Pow returns the partials of xʸ at (a, c). The partials with respect to y,
// aᶜ·log a and aᶜ·log²a, come from exp(y·log x); they are 0 at a = 0 for
// c ≥ 0 (PyTorch masks base 0 with exponent ≥ 0) and, through Tangent,
// wherever aᶜ is 0 (locally constant in c); for a < 0 they are NaN. The
// number packages use this jet only where y has a tangent, PowReal
// otherwise.
func Pow(a, c float64) (Grad, Hess, Prescale) {
	f := math.Pow(a, c)
	l := math.Log(a)
	// g = aᶜ⁻¹ and g2 = aᶜ⁻², by division where aᶜ is normal.
	var g, g2 float64
	if m := math.Abs(f); m >= minNormal && m <= math.MaxFloat64 && !math.IsInf(c, 0) {
		g = f / a
		g2 = g / a
	} else {
		g, g2 = math.Pow(a, c-1), math.Pow(a, c-2)
	}
	p := Grad{F: f}
	// ∂²/∂x∂y = aᶜ⁻¹·(1 + c·log a); Tangent makes it 0 where aᶜ⁻¹ is 0,
	// for example at a = 0 with c > 1.
	h := Hess{Fxy: Tangent(1+c*l, g)}
	switch c {
	case 0:
		// a⁰ = 1 for every a: ∂/∂x and ∂²/∂x² are 0.
	case 1:
		p.Fx = 1
	default:
		p.Fx = Tangent(c, g)
		h.Fxx = Tangent(c*(c-1), g2)
	}
	if !(a == 0 && c >= 0) {
		p.Fy = Tangent(l, f)
		h.Fyy = Tangent(l*l, f)
	}
	return p, h, Prescale{}
}

// Hypot returns the partials of √(x²+y²) at (a, c). Its first partials are the
// unit direction (u, v) = (a/h, c/h) and its second partials v²/h, −uv/h,
// u²/h, all finite where a² would overflow. At the origin, a kink, every
// partial is 0 (like Abs, and PyTorch's vector_norm); with one infinite
// argument the first partials are ±1 for it and 0 for the other; with both
// infinite, NaN (the direction is undefined); where only h overflows, the
// direction of (a/2, c/2). Where h overflows or an argument is infinite, the
// O(1/h) second partials are 0. NaN arguments give NaN partials.
func Hypot(a, c float64) (Grad, Hess, Prescale) {
	h := math.Hypot(a, c)
	p := Grad{F: h}
	var q Hess
	switch {
	case h == 0:
	case !math.IsInf(h, 1):
		u, v := a/h, c/h
		p.Fx, p.Fy = u, v
		q = Hess{v * v / h, -u * v / h, u * u / h}
	case math.IsInf(a, 0) && math.IsInf(c, 0):
		p.Fx, p.Fy = math.NaN(), math.NaN()
	case math.IsInf(a, 0):
		p.Fx = math.Copysign(1, a)
	case math.IsInf(c, 0):
		p.Fy = math.Copysign(1, c)
	default:
		h2 := math.Hypot(a/2, c/2)
		p.Fx, p.Fy = a/2/h2, c/2/h2
	}
	return p, q, Prescale{}
}
