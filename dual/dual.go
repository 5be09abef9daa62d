package dual

import "github.com/dualgrad/dualgrad/internal/realfn"

// Number is the dual number Real + Eps·ε.
type Number struct {
	Real, Eps float64
}

// Var returns x + 1ε, an independent variable seeded for differentiation.
func Var(x float64) Number { return Number{Real: x, Eps: 1} }

// Const returns x + 0ε, a constant.
func Const(x float64) Number { return Number{Real: x} }

// chain returns f(x) for the jet j and mode m of a unary f at x.Real, as
// its kernel in package realfn gives them (x.chain(realfn.F(x.Real))):
// f(a) + f′(a)·bε. It is the one chain-rule helper every unary function
// except the arithmetic ones goes through. The tangent is prescaled as m
// says and multiplied by j.D1 with the zero-tangent rule (realfn.Tangent,
// realfn.Prescale.Term), so an infinite derivative never turns an absent
// tangent into NaN; a Constant jet has a zero ε part whatever b is.
func (x Number) chain(j realfn.Jet, m realfn.Mode) Number {
	switch {
	case m.Form == realfn.Constant:
		return Number{Real: j.F}
	case m.Pre.None():
		return Number{j.F, realfn.Tangent(j.D1, x.Eps)}
	}
	return Number{j.F, m.Pre.Term(j.D1, x.Eps, m.Pre.Apply(x.Eps))}
}

// chain2 returns f(x, y) for the partials g of a binary f at (x.Real,
// y.Real), for tangents prescaled by p: the ε part is f_x·b + f_y·d, each
// term with the zero-tangent rule.
func chain2(x, y Number, g realfn.Grad, p realfn.Prescale) Number {
	if p.None() {
		return Number{g.F, realfn.Tangent(g.Fx, x.Eps) + realfn.Tangent(g.Fy, y.Eps)}
	}
	return Number{g.F, p.Term(g.Fx, x.Eps, p.Apply(x.Eps)) + p.Term(g.Fy, y.Eps, p.Apply(y.Eps))}
}
