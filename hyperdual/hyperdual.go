package hyperdual

import (
	"math"

	"github.com/dualgrad/dualgrad/internal/realfn"
)

// Number is the hyper-dual number Real + E1·ε₁ + E2·ε₂ + E12·ε₁ε₂. The zero
// value is the constant 0.
type Number struct {
	Real, E1, E2, E12 float64
}

// Var returns x + ε₁ + ε₂, an independent variable seeded so that the E1 and
// E2 parts of a result are its first derivative and the E12 part its second.
func Var(x float64) Number { return Number{Real: x, E1: 1, E2: 1} }

// Const returns x with zero derivative parts, a constant.
func Const(x float64) Number { return Number{Real: x} }

// chain returns f(x) for the jet j and mode m of a unary f at x.Real, as
// its kernel in package realfn gives them (x.chain(realfn.F(x.Real))):
//
//	f(a) + f′(a)(bε₁ + cε₂ + dε₁ε₂) + f″(a)·b·c·ε₁ε₂.
//
// It is the one chain-rule helper every unary function except the
// arithmetic ones goes through. The tangents are prescaled as m says; each
// term is formed with the zero-tangent rule (realfn.Tangent,
// realfn.Prescale.Term, mixed), so an infinite derivative never turns an
// absent tangent into NaN.
// The second-order term is f″·b·c (Plain), or k·(f′b)·(f′c) with
// k = f″/f′² (Relative), which stays right where f′ and the first-order
// parts are representable though f″ or b·c are not; a Linear jet has none,
// and a Constant one has zero derivative parts whatever the tangents.
func (x Number) chain(j realfn.Jet, m realfn.Mode) Number {
	if m.Form == realfn.Constant {
		return Number{Real: j.F}
	}
	// b, c and d are the prescaled tangents.
	b, c, d := x.E1, x.E2, x.E12
	var e1, e2, e12 float64
	if p := m.Pre; p.None() {
		e1, e2, e12 = realfn.Tangent(j.D1, b), realfn.Tangent(j.D1, c), realfn.Tangent(j.D1, d)
	} else {
		b, c, d = p.Apply(b), p.Apply(c), p.Apply(d)
		e1, e2, e12 = p.Term(j.D1, x.E1, b), p.Term(j.D1, x.E2, c), p.Term(j.D1, x.E12, d)
	}
	switch m.Form {
	case realfn.Plain:
		e12 += mixed(j.D2, b, c)
	case realfn.Relative:
		e12 += mixed(j.D2, e1, e2)
	}
	return Number{j.F, e1, e2, e12}
}

// chain2 returns f(x, y) for the partials g and h of a binary f at
// (x.Real, y.Real), for tangents prescaled by p: the two-variable series with
// the partials fx, fy, fxx, fxy and fyy. The two
// cross terms are added as one pair so that swapping the ε₁ and ε₂ seeds
// swaps E1 and E2 and leaves E12 identical bit for bit.
func chain2(x, y Number, g realfn.Grad, h realfn.Hess, p realfn.Prescale) Number {
	if !p.None() {
		// First-order terms from the raw tangents, by Term; the
		// second-order ones from the prescaled tangents.
		x1, x2, x12 := p.Apply(x.E1), p.Apply(x.E2), p.Apply(x.E12)
		y1, y2, y12 := p.Apply(y.E1), p.Apply(y.E2), p.Apply(y.E12)
		return Number{
			Real: g.F,
			E1:   p.Term(g.Fx, x.E1, x1) + p.Term(g.Fy, y.E1, y1),
			E2:   p.Term(g.Fx, x.E2, x2) + p.Term(g.Fy, y.E2, y2),
			E12: p.Term(g.Fx, x.E12, x12) + p.Term(g.Fy, y.E12, y12) +
				mixed(h.Fxx, x1, x2) +
				(mixed(h.Fxy, x1, y2) + mixed(h.Fxy, x2, y1)) +
				mixed(h.Fyy, y1, y2),
		}
	}
	return Number{
		Real: g.F,
		E1:   realfn.Tangent(g.Fx, x.E1) + realfn.Tangent(g.Fy, y.E1),
		E2:   realfn.Tangent(g.Fx, x.E2) + realfn.Tangent(g.Fy, y.E2),
		E12: realfn.Tangent(g.Fx, x.E12) + realfn.Tangent(g.Fy, y.E12) +
			mixed(h.Fxx, x.E1, x.E2) +
			(mixed(h.Fxy, x.E1, y.E2) + mixed(h.Fxy, x.E2, y.E1)) +
			mixed(h.Fyy, y.E1, y.E2),
	}
}

// mixed returns d·b·c, the second-order term of the expansion. It is 0 when b
// or c is ±0, whatever d is, and it does not overflow or underflow in b·c
// when the whole product is representable.
func mixed(d, b, c float64) float64 {
	bc := b * c
	// A biased exponent in [1, 2046] means bc is normal and finite.
	if math.Float64bits(bc)>>52&0x7ff-1 < 0x7fe {
		return d * bc
	}
	return mixedSlow(d, b, c)
}

func mixedSlow(d, b, c float64) float64 {
	switch {
	case b == 0 || c == 0:
		if r := d * (b * c); r == r {
			return r
		}
		return 0
	case math.IsNaN(b) || math.IsNaN(c) || math.IsInf(b, 0) || math.IsInf(c, 0):
		return d * (b * c)
	}
	// b·c left the normal range: multiply the fractions and scale once.
	// fb·fc is in [¼, 1), so d·(fb·fc) overflows only if the result does.
	fb, eb := math.Frexp(b)
	fc, ec := math.Frexp(c)
	return math.Ldexp(d*(fb*fc), eb+ec)
}
