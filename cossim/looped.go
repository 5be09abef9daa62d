package cossim

import (
	"github.com/dualgrad/dualgrad/dual"
	"github.com/dualgrad/dualgrad/hyperdual"
	"github.com/dualgrad/dualgrad/layers"
)

// Looped is the reference engine: the forum post's approach done right, one
// scalar pass per derivative direction, with no vectorization to get wrong.
//
// Values come from dual passes: D with ε = eᵢ on z gives x and uᵢ, and Φ on
// that output gives cᵢ = g·uᵢ; Φ with ε = eⱼ at x gives gⱼ. For each
// parameter θₚ of D, hyper-dual passes of Φ∘D with ε₁ = eᵢ on z and ε₂ = eₚ
// on θ give ∂cᵢ/∂θₚ (Φ's ε₁ε₂ part) and ∂uᵢ/∂θₚ (D's ε₁ε₂ parts), and D with
// ε₂ = eₚ followed by Φ with ε₁ = eⱼ at its input gives ∂gⱼ/∂θₚ. Φ's
// parameters φ_q are handled alike, with ε₂ = e_q on φ. The quotient rule
// then assembles ∂s/∂θ and ∂s/∂φ.
//
// That is m + n dual passes for the values, P_D·(m + 1) passes of D and
// P_D·(m + n) of Φ for ∂s/∂θ, and P_Φ·(m + n) passes of Φ for ∂s/∂φ. It is
// the benchmarks' baseline and the engines' test oracle, not a tool for
// real sizes.
//
// A Looped engine reads the networks' parameters at every call, so they may
// be updated in place between calls; their shapes must not change. It is not
// safe for concurrent use. After the first call, Eval makes no allocations.
type Looped struct {
	engine
	n int

	dw, fw     layers.ScalarWorkspace
	theta, phi []float64 // the networks' current parameters

	zd, xd, yd []dual.Number      // z, x = D(z), Φ(x)
	zh, xh, yh []hyperdual.Number // z, x, Φ(x)
	xin        []hyperdual.Number // Φ's seeded input
	th, fh     []hyperdual.Number // θ and φ with one ε₂ seed
	dx         []hyperdual.Number // ∂x/∂θₚ in the ε₂ parts

	x, g  []float64   // x, g
	u     [][]float64 // uᵢ
	c, u2 []float64   // cᵢ, Uᵢ = |uᵢ|²
	g2    float64     // G = |g|²
	dcD   [][]float64 // ∂cᵢ/∂θ, m × P_D
	duD   [][]float64 // ∂Uᵢ/∂θ, m × P_D
	dgD   []float64   // ∂G/∂θ
	dcF   [][]float64 // ∂cᵢ/∂φ, m × P_Φ
	dgF   []float64   // ∂G/∂φ
}

// NewLooped returns a looped reference engine for p with the options opt.
// Only opt.Wrt, which Jacobians Eval computes, and opt.Eps are used. It
// checks both networks completely (layers.Network.Validate) and that they
// fit together.
func NewLooped(p Problem, opt Options) (*Looped, error) {
	base, err := newEngine(p, opt)
	if err != nil {
		return nil, err
	}
	m, n := base.m, p.N()
	l := &Looped{engine: base, n: n}
	l.theta = make([]float64, l.pd)
	l.phi = make([]float64, l.pf)
	l.zd, l.xd, l.yd = make([]dual.Number, m), make([]dual.Number, n), make([]dual.Number, 1)
	l.zh, l.xh, l.yh = make([]hyperdual.Number, m), make([]hyperdual.Number, n), make([]hyperdual.Number, 1)
	l.xin, l.dx = make([]hyperdual.Number, n), make([]hyperdual.Number, n)
	l.th, l.fh = make([]hyperdual.Number, l.pd), make([]hyperdual.Number, l.pf)
	l.x, l.g = make([]float64, n), make([]float64, n)
	l.u = loopedRows(m, n)
	l.c, l.u2 = make([]float64, m), make([]float64, m)
	if opt.Wrt&WrtD != 0 {
		l.dcD, l.duD, l.dgD = loopedRows(m, l.pd), loopedRows(m, l.pd), make([]float64, l.pd)
	}
	if opt.Wrt&WrtPhi != 0 {
		l.dcF, l.dgF = loopedRows(m, l.pf), make([]float64, l.pf)
	}
	return l, nil
}

// loopedRows returns an r × c matrix as a slice of rows sharing one allocation.
func loopedRows(r, c int) [][]float64 {
	data := make([]float64, r*c)
	s := make([][]float64, r)
	for i := range s {
		s[i] = data[i*c : (i+1)*c]
	}
	return s
}

// Eval computes s, its pieces and the Jacobians that the engine's Wrt
// selects, writing them into res, which must be sized as by NewResult.
// Jacobians that Wrt does not select are left unchanged. It returns an error
// if z does not have length m or is not finite, if res does not fit, if a
// network's shapes changed since NewLooped or a piece of s is not finite,
// and an *UndefinedError if a denominator is zero and Eps is not positive;
// Dot, GradNormSq and ColNormSq are still written in the last two cases.
func (l *Looped) Eval(res *Result, z []float64) error {
	if err := l.checkEval(res, z); err != nil {
		return err
	}
	l.p.D.Params(l.theta)
	l.p.Phi.Params(l.phi)
	l.values(z)
	copy(res.Dot, l.c)
	copy(res.ColNormSq, l.u2)
	res.GradNormSq = l.g2
	if err := checkFinite(l.g2, l.u2); err != nil {
		return err
	}
	if err := checkDefined(l.g2, l.u2, l.opt.Eps); err != nil {
		return err
	}
	for i, c := range l.c {
		res.S[i] = c * c / (l.g2*l.u2[i] + l.opt.Eps)
	}
	if l.opt.Wrt&WrtD != 0 {
		l.gradD(z)
		for i := range l.m {
			quotientGrad(res.GradD.RawRowView(i), l.c[i], l.g2, l.u2[i], l.opt.Eps, l.dcD[i], l.dgD, l.duD[i])
		}
	}
	if l.opt.Wrt&WrtPhi != 0 {
		l.gradPhi()
		for i := range l.m {
			quotientGrad(res.GradPhi.RawRowView(i), l.c[i], l.g2, l.u2[i], l.opt.Eps, l.dcF[i], l.dgF, nil)
		}
	}
	return nil
}

// values computes x, uᵢ, cᵢ, g, G and Uᵢ with dual passes, one per latent
// direction and one per input dimension of Φ.
func (l *Looped) values(z []float64) {
	for i := range l.m {
		for k, v := range z {
			l.zd[k] = dual.Number{Real: v}
		}
		l.zd[i].Eps = 1
		l.dw.EvalDual(l.p.D, l.xd, l.zd, nil)
		l.u2[i] = 0
		for k, v := range l.xd {
			l.x[k] = v.Real
			l.u[i][k] = v.Eps
			l.u2[i] += v.Eps * v.Eps
		}
		l.fw.EvalDual(l.p.Phi, l.yd, l.xd, nil)
		l.c[i] = l.yd[0].Eps
	}
	l.g2 = 0
	for j := range l.n {
		for k, v := range l.x {
			l.xd[k] = dual.Number{Real: v}
		}
		l.xd[j].Eps = 1
		l.fw.EvalDual(l.p.Phi, l.yd, l.xd, nil)
		l.g[j] = l.yd[0].Eps
		l.g2 += l.g[j] * l.g[j]
	}
}

// gradD computes ∂cᵢ/∂θ, ∂Uᵢ/∂θ and ∂G/∂θ, one parameter θₚ at a time.
func (l *Looped) gradD(z []float64) {
	for k, v := range l.theta {
		l.th[k] = hyperdual.Number{Real: v}
	}
	for p := range l.pd {
		l.th[p].E2 = 1

		// Φ∘D with ε₁ = eᵢ on z: ∂cᵢ/∂θₚ and ∂uᵢ/∂θₚ.
		for i := range l.m {
			for k, v := range z {
				l.zh[k] = hyperdual.Number{Real: v}
			}
			l.zh[i].E1 = 1
			l.dw.EvalHyper(l.p.D, l.xh, l.zh, l.th)
			l.fw.EvalHyper(l.p.Phi, l.yh, l.xh, nil)
			l.dcD[i][p] = l.yh[0].E12
			du := 0.0
			for _, v := range l.xh {
				du += 2 * v.E1 * v.E12 // ∂|uᵢ|²/∂θₚ = 2 uᵢ·∂uᵢ/∂θₚ
			}
			l.duD[i][p] = du
		}

		// D with ε₂ alone, then Φ with ε₁ = eⱼ at its input: ∂gⱼ/∂θₚ.
		for k, v := range z {
			l.zh[k] = hyperdual.Number{Real: v}
		}
		l.dw.EvalHyper(l.p.D, l.dx, l.zh, l.th)
		l.dgD[p] = l.gradNormSqDeriv(l.dx, nil)

		l.th[p].E2 = 0
	}
}

// gradPhi computes ∂cᵢ/∂φ and ∂G/∂φ, one parameter φ_q at a time; Uᵢ does
// not depend on φ.
func (l *Looped) gradPhi() {
	for k, v := range l.phi {
		l.fh[k] = hyperdual.Number{Real: v}
	}
	for k, v := range l.x {
		l.dx[k] = hyperdual.Number{Real: v}
	}
	for q := range l.pf {
		l.fh[q].E2 = 1

		// Φ at x + uᵢε₁, which is D's output seeded along zᵢ: ∂cᵢ/∂φ_q.
		for i := range l.m {
			for k, v := range l.x {
				l.xin[k] = hyperdual.Number{Real: v, E1: l.u[i][k]}
			}
			l.fw.EvalHyper(l.p.Phi, l.yh, l.xin, l.fh)
			l.dcF[i][q] = l.yh[0].E12
		}
		l.dgF[q] = l.gradNormSqDeriv(l.dx, l.fh)

		l.fh[q].E2 = 0
	}
}

// gradNormSqDeriv returns ∂G/∂p = 2 Σⱼ gⱼ ∂gⱼ/∂p, where x carries ∂x/∂p in
// its ε₂ parts and phi, if not nil, carries ε₂ on one of Φ's parameters:
// Φ at x + eⱼε₁ has ∂gⱼ/∂p in its ε₁ε₂ part.
func (l *Looped) gradNormSqDeriv(x, phi []hyperdual.Number) float64 {
	dG := 0.0
	for j := range l.n {
		copy(l.xin, x)
		l.xin[j].E1 = 1
		l.fw.EvalHyper(l.p.Phi, l.yh, l.xin, phi)
		dG += 2 * l.g[j] * l.yh[0].E12
	}
	return dG
}
