// Package realfn holds the float64 kernels that package dual and package
// hyperdual share, so that every derivative formula is written once and both
// packages compute the same bits: a dual number's ε part is, bit for bit, the
// E1 part of the hyper-dual number with the same real part and ε₁ tangent.
//
// A unary kernel returns a Jet and a Mode: f(a), the coefficients the chain
// rule multiplies the tangents by, and how. A binary kernel returns a Grad, a
// Hess and a Prescale: f, its first and second partials, and what is done to
// the tangents first. The number packages apply them, each to its own parts,
// with Tangent, Ratio and Prescale; the files are split by function family
// like theirs.
package realfn

import "math"

// minNormal is the smallest positive normal float64.
const minNormal = 0x1p-1022

// Tangent returns d·t, except that it is 0 when t is ±0 and d is not finite:
// a derivative term whose tangent factor is exactly zero contributes exactly
// zero. Where d is finite the result is the IEEE product, so a signed zero
// keeps its sign. It multiplies first and checks only when the product is
// NaN, which keeps the common path to one multiplication and one comparison.
func Tangent(d, t float64) float64 {
	p := d * t
	if p != p && t == 0 {
		return 0
	}
	return p
}

// Ratio returns t/d, except that it is 0 when t is ±0 and d is 0 or NaN: the
// zero-tangent rule for a tangent divided by a derivative's denominator.
func Ratio(t, d float64) float64 {
	q := t / d
	if q != q && t == 0 {
		return 0
	}
	return q
}

// Form says how a Jet's second-order coefficient enters the ε₁ε₂ part of
// f(a + bε₁ + cε₂ + dε₁ε₂) = f(a) + f′(a)(bε₁ + cε₂ + dε₁ε₂) + f″(a)·b·c·ε₁ε₂.
// Package dual uses only the first-order part and the Constant form.
type Form uint8

const (
	// Plain: D2 is f″, and the second-order term is D2·b·c.
	Plain Form = iota
	// Relative: D2 is k = f″/f′², and the second-order term is
	// k·(f′b)·(f′c), formed from the first-order parts. It stays right
	// where f′ and those parts are representable though f″ or b·c are
	// not (asinh at 1e200 has f″ = −1e-400 but k = −1); it suits
	// functions whose f′ has no zeros.
	Relative
	// Linear: f″ is identically 0 on a neighbourhood of a, so there is no
	// second-order term at all, not even 0·b·c (NaN for an infinite b).
	Linear
	// Constant: f is constant near a, so every derivative part is exactly
	// 0, whatever the tangents, infinite and NaN ones included.
	Constant
)

// A Prescale is applied to every tangent before a jet's coefficients
// multiply it: nothing (the zero value), a multiplication by S (Times) or a
// division by S (Over), each with the zero-tangent rule. It lets a
// derivative that would overflow, or one that is best applied as a
// quotient, be applied in two factors.
type Prescale struct {
	op uint8
	S  float64
}

const (
	opNone uint8 = iota
	opTimes
	opOver
)

// Times returns the Prescale that multiplies the tangents by s.
func Times(s float64) Prescale { return Prescale{opTimes, s} }

// Over returns the Prescale that divides the tangents by s.
func Over(s float64) Prescale { return Prescale{opOver, s} }

// None reports whether p leaves the tangents alone, the common case, for
// which Apply is the identity and Term(c, t, t) is Tangent(c, t).
func (p Prescale) None() bool { return p.op == opNone }

// Apply returns the tangent t prescaled by p.
func (p Prescale) Apply(t float64) float64 {
	switch p.op {
	case opTimes:
		return Tangent(p.S, t)
	case opOver:
		return Ratio(t, p.S)
	}
	return t
}

// Term returns the first-order term c·pt of a coefficient c and a tangent t
// whose prescaled value is pt = p.Apply(t), by Tangent. Where pt overflowed
// though t is finite (a tangent divided by a tiny S) it returns p.Apply(c·t)
// instead: for |c| ≤ 1, like Atan2's unit direction, that overflows only if
// the term does, and a zero coefficient gives 0 rather than 0·∞ = NaN.
func (p Prescale) Term(c, t, pt float64) float64 {
	if r := c * pt; r-r == 0 {
		// Finite, so Tangent's value: the common path, inlined.
		return r
	}
	return p.term(c, t, pt)
}

func (p Prescale) term(c, t, pt float64) float64 {
	if p.op == opOver && math.IsInf(pt, 0) && !math.IsInf(t, 0) {
		return p.Apply(Tangent(c, t))
	}
	return Tangent(c, pt)
}

// A Jet is what the chain rule needs of a unary f at a: f(a) and the
// coefficients D1 and D2 of the tangents after the Mode's prescale. Without a
// prescale D1 = f′(a) and D2 = f″(a), or f″/f′² for the Relative form. The
// prescaled kernels are all Plain: with Times(s), f′ = D1·s and f″ = D2·s²;
// with Over(s), f′ = D1/s and f″ = D2/s².
//
// A unary kernel returns a Jet and a Mode rather than one struct holding
// both: each is small enough for the compiler to keep in registers, which
// halves the cost of a call on the number packages' hot paths.
type Jet struct {
	F, D1, D2 float64
}

// A Mode says how a Jet applies: its Form and the Prescale of the tangents.
// The zero Mode is Plain with no prescale.
type Mode struct {
	Form Form
	Pre  Prescale
}

// A Grad holds a binary f at (a, c) and its partials with respect to the
// first (x) and second (y) argument, whatever the function calls them; a
// Hess holds the second partials. A binary kernel returns both and the
// Prescale of the tangents they apply to.
type Grad struct {
	F, Fx, Fy float64
}

// A Hess holds the second partials of a binary f; see Grad.
type Hess struct {
	Fxx, Fxy, Fyy float64
}

// Unit returns f, f′ and f″ from a unary kernel's jet as the number
// packages' chain rule computes them at unit seeds, x = a + ε₁ + ε₂: the
// E1 part is Tangent(D1, 1) and the E12 part Tangent(D1, 0) plus the
// form's second-order term at b = c = 1. It reports false where that term
// needs the chain rule's general form (prescaled tangents, or a relative
// form whose f′² is not a normal number); the caller then evaluates the
// hyper-dual number itself. Element-wise ops use it to read σ, σ′ and σ″
// off the kernel without a hyper-dual evaluation, with the same bits.
func Unit(j Jet, m Mode) (f, d1, d2 float64, ok bool) {
	if m.Form == Constant {
		return j.F, 0, 0, true
	}
	if !m.Pre.None() {
		return 0, 0, 0, false
	}
	d1, d2 = Tangent(j.D1, 1), Tangent(j.D1, 0)
	switch m.Form {
	case Plain:
		d2 += j.D2 // D2·(1·1): the product of the unit seeds is normal
	case Relative:
		sq := d1 * d1
		if math.Float64bits(sq)>>52&0x7ff-1 >= 0x7fe { // not normal and finite
			return 0, 0, 0, false
		}
		d2 += j.D2 * sq
	}
	return j.F, d1, d2, true
}
