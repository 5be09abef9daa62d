package cossim

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
	"github.com/dualgrad/dualgrad/passes"
)

// Looped is the reference engine: the post's approach done right, with one
// scalar hyper-dual pass (each op's Hyper) per latent direction and
// parameter, giving uᵢ, ∂x/∂θ_p and ∂uᵢ/∂θ_p, and one per data dimension
// and parameter, giving g and ∂g/∂p. It costs (m + n)·P scalar passes of
// the networks and exists as the benchmarks' baseline and an oracle that
// shares no block-pass code with the other engines.
type Looped struct {
	p            Problem
	opt          Options
	m, n, pd, pf int
	sd, sf       *passes.Scalar
	cos          *cosines
	zh, xh       []hyperdual.Number
	x, g, U      []float64
	dx, dg, du   []float64 // for one parameter: ∂x/∂p, ∂g/∂p, ∂uᵢ/∂p (m × n)
	dc, dG, dU   []float64 // for one parameter, per direction
	col          []float64
}

// NewLooped returns a looped engine for p.
func NewLooped(p Problem, opt Options) (*Looped, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkOptions(opt); err != nil {
		return nil, err
	}
	m, n := p.M(), p.N()
	return &Looped{p: p, opt: opt, m: m, n: n, pd: p.D.NumParams(), pf: p.Phi.NumParams(),
		sd: passes.NewScalar(p.D), sf: passes.NewScalar(p.Phi), cos: newCosines(m, n),
		zh: make([]hyperdual.Number, m), xh: make([]hyperdual.Number, n),
		x: make([]float64, n), g: make([]float64, n), U: make([]float64, m*n),
		dx: make([]float64, n), dg: make([]float64, n), du: make([]float64, m*n),
		dc: make([]float64, m), dG: make([]float64, m), dU: make([]float64, m), col: make([]float64, m)}, nil
}

// seedParam returns a seed that puts ε₂ on element e of parameter k.
func seedParam(k, e int) func(int, []hyperdual.Number) {
	return func(p int, v []hyperdual.Number) {
		if p == k {
			v[e].E2 = 1
		}
	}
}

// dPass runs D with ε₁ on zᵢ and the seed, and returns its output.
func (l *Looped) dPass(z []float64, i int, seed func(int, []hyperdual.Number)) []hyperdual.Number {
	for k, v := range z {
		l.zh[k] = hyperdual.Number{Real: v}
	}
	l.zh[i].E1 = 1
	return l.sd.Eval(l.zh, seed)
}

// phiPass runs Φ at x with ε₁ on x_j, ε₂ parts dx at the input (nil for
// none) and the seed, and returns Φ's output element.
func (l *Looped) phiPass(j int, dx []float64, seed func(int, []hyperdual.Number)) hyperdual.Number {
	for k, v := range l.x {
		l.xh[k] = hyperdual.Number{Real: v}
		if dx != nil {
			l.xh[k].E2 = dx[k]
		}
	}
	l.xh[j].E1 = 1
	return l.sf.Eval(l.xh, seed)[l.p.PhiOutput]
}

// Eval computes s, its pieces and the selected Jacobians at z into res.
// Errors are as for Adjoint.Eval.
func (l *Looped) Eval(res *Result, z []float64) error {
	if err := checkLatent(z, l.m); err != nil {
		return err
	}
	if err := checkResult(res, l.m, l.opt.Wrt, l.pd, l.pf); err != nil {
		return err
	}
	if err := validGraphs(l.p); err != nil {
		return err
	}
	m, n := l.m, l.n
	for i := 0; i < m; i++ {
		y := l.dPass(z, i, nil)
		for k, v := range y {
			l.x[k], l.U[i*n+k] = v.Real, v.E1
		}
	}
	for j := 0; j < n; j++ {
		l.g[j] = l.phiPass(j, nil, nil).E1
	}
	if err := l.cos.eval(res, l.g, l.U, l.opt.Eps); err != nil {
		return err
	}
	if l.opt.Wrt&WrtD != 0 && l.pd > 0 {
		raw := res.GradD.RawMatrix()
		l.params(l.p.D, true, z, raw.Data, raw.Stride)
	}
	if l.opt.Wrt&WrtPhi != 0 && l.pf > 0 {
		raw := res.GradPhi.RawMatrix()
		l.params(l.p.Phi, false, z, raw.Data, raw.Stride)
	}
	return checkResultJacobians(res, l.opt.Wrt, l.pd, l.pf)
}

// params fills the Jacobian columns of the parameters of D (inD) or Φ,
// one parameter element at a time.
func (l *Looped) params(g *graph.Graph, inD bool, z []float64, jac []float64, stride int) {
	m, n := l.m, l.n
	for k, q := range g.Params() {
		for e := 0; e < q.Shape.Size(); e++ {
			seed := seedParam(k, e)
			var dx []float64
			clear(l.du)
			if inD {
				for i := 0; i < m; i++ {
					y := l.dPass(z, i, seed)
					for r, v := range y {
						l.dx[r], l.du[i*n+r] = v.E2, v.E12
					}
				}
				dx, seed = l.dx, nil
			}
			for j := 0; j < n; j++ {
				l.dg[j] = l.phiPass(j, dx, seed).E12
			}
			dG := normDeriv(l.g, l.dg, l.cos.gn) // ∂|g|
			for i := 0; i < m; i++ {
				u, du := l.U[i*n:(i+1)*n], l.du[i*n:(i+1)*n]
				l.dc[i] = dot(l.dg, u) + dot(l.g, du)
				l.dG[i] = dG
				l.dU[i] = normDeriv(u, du, l.cos.un[i]) // ∂|uᵢ|
				l.cos.quotient(l.col[i:i+1], i, l.dc[i:i+1], l.dG[i:i+1], l.dU[i:i+1])
				jac[i*stride+q.Offset+e] = l.col[i]
			}
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for k, v := range a {
		s += v * b[k]
	}
	return s
}
