package cossim

import (
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/passes"
)

// Forward is the hyper-dual block engine: one pass through D and one
// through Φ on rectangular hyper-dual blocks, with no loop over latent
// directions, data dimensions or parameters. ε₁ carries the m latent
// directions (and, in Φ, one more: the constant g, seeded at Φ's input);
// ε₂ carries the P selected parameters, seeded at their nodes. At Φ's output
// element, E1 holds cᵢ and |g| (the extra direction is seeded with the unit
// vector ĝ), and E12 holds ∂cᵢ/∂p and ∂|g|/∂p; D's output gives uᵢ and
// ∂uᵢ/∂θ. Its blocks grow with m·P per node, so it suits small
// networks and refuses, with a *BudgetError, problems over
// Options.MaxMemory. It shares no derivative code with the adjoint engine
// beyond the ops' JVP rules and Φ's gradient g. See docs/math.md.
type Forward struct {
	p            Problem
	opt          Options
	m, n, pd, pf int
	k2           int // ε₂ directions: the selected parameters
	hd, hf       *passes.HyperBlock
	ft           *passes.Tape
	cos          *cosines
	e1, e2, e12  []float64 // Φ's input blocks
	seedZ, seedK []float64
	dc, dG, dU   []float64
}

// forwardShape returns the ε₂ layout: the column of each parameter of D
// and of Φ (−1 if not selected) and the number of columns.
func forwardShape(p Problem, wrt Wrt) (colD, colF []int, k2 int) {
	colD, colF = make([]int, len(p.D.Params())), make([]int, len(p.Phi.Params()))
	for k, q := range p.D.Params() {
		colD[k] = -1
		if wrt&WrtD != 0 {
			colD[k] = q.Offset
		}
	}
	if wrt&WrtD != 0 {
		k2 = p.D.NumParams()
	}
	for k, q := range p.Phi.Params() {
		colF[k] = -1
		if wrt&WrtPhi != 0 {
			colF[k] = k2 + q.Offset
		}
	}
	if wrt&WrtPhi != 0 {
		k2 += p.Phi.NumParams()
	}
	return colD, colF, max(k2, 1)
}

// forwardBytes estimates the forward engine's blocks for p.
func forwardBytes(p Problem, wrt Wrt) int64 {
	_, _, k2 := forwardShape(p, wrt)
	m := p.M()
	return 8 * (passes.HyperBlockFloats(p.D, m, k2) + passes.HyperBlockFloats(p.Phi, m+1, k2))
}

// NewForward returns a forward engine for p, or a *BudgetError if its
// blocks would exceed opt.MaxMemory.
func NewForward(p Problem, opt Options) (*Forward, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkOptions(opt); err != nil {
		return nil, err
	}
	if need := forwardBytes(p, opt.Wrt); need > opt.budget() {
		return nil, &BudgetError{What: "the forward engine's hyper-dual blocks", Need: need, Budget: opt.budget()}
	}
	colD, colF, k2 := forwardShape(p, opt.Wrt)
	m, n := p.M(), p.N()
	f := &Forward{p: p, opt: opt, m: m, n: n, pd: p.D.NumParams(), pf: p.Phi.NumParams(), k2: k2,
		hd: passes.NewHyperBlock(p.D, m, k2, colD), hf: passes.NewHyperBlock(p.Phi, m+1, k2, colF),
		ft: passes.NewTape(p.Phi), cos: newCosines(m, n),
		e1: make([]float64, (m+1)*n), e2: make([]float64, k2*n), e12: make([]float64, (m+1)*k2*n),
		seedZ: make([]float64, m*m), seedK: make([]float64, p.Phi.OutputShape().Size()),
		dc: make([]float64, k2), dG: make([]float64, k2), dU: make([]float64, k2)}
	for i := 0; i < m; i++ {
		f.seedZ[i*m+i] = 1
	}
	f.seedK[p.PhiOutput] = 1
	return f, nil
}

// Eval computes s, its pieces and the selected Jacobians at z into res.
// Errors are as for Adjoint.Eval.
func (f *Forward) Eval(res *Result, z []float64) error {
	if err := checkLatent(z, f.m); err != nil {
		return err
	}
	if err := checkResult(res, f.m, f.opt.Wrt, f.pd, f.pf); err != nil {
		return err
	}
	if err := validGraphs(f.p); err != nil {
		return err
	}
	m, n, k2 := f.m, f.n, f.k2
	f.hd.Eval(z, graph.MakeBlock(f.seedZ, m, m), graph.Block{}, graph.Block{})
	x, U, dx, dU := f.hd.Node(f.p.D.OutputNode())

	// ĝ = g/|g|, from Φ's reverse sweep, is the extra ε₁ direction at Φ's
	// input: the ε₁ε₂ parts it gives are ∂|g|/∂p (quotient.go).
	f.ft.Forward(graph.MakeBlock(x, 1, n))
	f.ft.Reverse(graph.MakeBlock(f.seedK, 1, len(f.seedK)), func(int) graph.Block { return graph.Block{} })
	g := f.ft.W(f.p.Phi.InputNode())
	gv := f.e1[m*n : (m+1)*n]
	if g.Zero() {
		clear(gv)
	} else {
		copy(gv, g.Row(0))
	}
	if err := f.cos.eval(res, gv, U.Data, f.opt.Eps); err != nil {
		return err
	}
	copy(gv, f.cos.ghat)
	copy(f.e1, U.Data)
	copy(f.e2, dx.Data)
	copy(f.e12, dU.Data)
	clear(f.e12[m*k2*n:])
	f.hf.Eval(x, graph.MakeBlock(f.e1, m+1, n), graph.MakeBlock(f.e2, k2, n), graph.MakeBlock(f.e12, (m+1)*k2, n))
	if f.opt.Wrt&WrtBoth == 0 {
		return nil
	}
	_, _, _, y12 := f.hf.Node(f.p.Phi.OutputNode())
	K := f.p.PhiOutput
	for p := 0; p < k2; p++ {
		f.dG[p] = y12.Row(m*k2 + p)[K] // E12[(m, p)] = ĝ·∂g/∂p = ∂|g|/∂p
	}
	for i := 0; i < m; i++ {
		u := U.Row(i)
		for p := 0; p < k2; p++ {
			f.dc[p] = y12.Row(i*k2 + p)[K]
			f.dU[p] = normDeriv(u, dU.Row(i*k2+p), f.cos.un[i]) // ∂|uᵢ|/∂p, zero for p ∈ φ
		}
		if f.opt.Wrt&WrtD != 0 && f.pd > 0 {
			f.cos.quotient(res.GradD.RawRowView(i), i, f.dc[:f.pd], f.dG[:f.pd], f.dU[:f.pd])
		}
		if f.opt.Wrt&WrtPhi != 0 && f.pf > 0 {
			off := k2 - f.pf
			f.cos.quotient(res.GradPhi.RawRowView(i), i, f.dc[off:], f.dG[off:], f.dU[off:])
		}
	}
	return checkResultJacobians(res, f.opt.Wrt, f.pd, f.pf)
}

// validGraphs reports a non-finite parameter written after the engine was
// made.
func validGraphs(p Problem) error {
	if err := p.D.Validate(); err != nil {
		return err
	}
	return p.Phi.Validate()
}

// checkResultJacobians reports a non-finite entry of the selected
// Jacobians.
func checkResultJacobians(res *Result, wrt Wrt, pd, pf int) error {
	if wrt&WrtD != 0 && pd > 0 {
		if err := checkJac("∂s/∂θ", res.GradD); err != nil {
			return err
		}
	}
	if wrt&WrtPhi != 0 && pf > 0 {
		return checkJac("∂s/∂φ", res.GradPhi)
	}
	return nil
}
