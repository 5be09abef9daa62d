package cossim

import (
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/passes"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// reference computes s from x = D(z), U = ∂D/∂z and g = ∇Φ(x) with plain
// first-order passes, for the finite-difference checks: it shares none of
// the engines' second-order code.
type reference struct {
	p      Problem
	dt, ft *passes.Tape
	seed   []float64
	onehot []float64
	res    *Result
	cos    *cosines
	g      []float64
}

func newReference(p Problem) *reference {
	m, n := p.M(), p.N()
	r := &reference{p: p, dt: passes.NewTape(p.D), ft: passes.NewTape(p.Phi), seed: make([]float64, m*m),
		onehot: make([]float64, p.Phi.OutputShape().Size()), cos: newCosines(m, n), g: make([]float64, n),
		res: &Result{S: make([]float64, m), Dot: make([]float64, m), ColNormSq: make([]float64, m)}}
	for i := 0; i < m; i++ {
		r.seed[i*m+i] = 1
	}
	r.onehot[p.PhiOutput] = 1
	return r
}

// values writes s at z into dst, or NaN where it is undefined.
func (r *reference) values(dst, z []float64, eps float64) {
	m, n := r.p.M(), r.p.N()
	r.dt.Forward(graph.MakeBlock(z, 1, m))
	r.dt.Tangent(graph.MakeBlock(r.seed, m, m))
	r.ft.Forward(graph.MakeBlock(r.dt.Output().Data, 1, n))
	r.ft.Reverse(graph.MakeBlock(r.onehot, 1, len(r.onehot)), func(int) graph.Block { return graph.Block{} })
	if g := r.ft.W(r.p.Phi.InputNode()); g.Zero() {
		clear(r.g)
	} else {
		copy(r.g, g.Row(0))
	}
	U := r.dt.Tan(r.p.D.OutputNode())
	var u []float64
	if !U.Zero() {
		u = U.Data
	} else {
		u = make([]float64, m*n)
	}
	if err := r.cos.eval(r.res, r.g, u, eps); err != nil {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return
	}
	copy(dst, r.res.S)
}

// FiniteDifference estimates the Jacobians that opt.Wrt selects by central
// differences (gonum diff/fd) of s, and stores them in res.GradD and
// res.GradPhi, sized as by NewResult. It is an independent check of the
// engines: s comes from first-order passes alone. It costs 2·P passes; see
// FiniteDifferenceColumns for large networks. The parameters are perturbed
// during the call and restored before it returns, so p must not be in use
// elsewhere meanwhile.
func FiniteDifference(res *Result, p Problem, opt Options, z []float64) error {
	if opt.Wrt&WrtD != 0 && res.GradD != nil {
		if err := FiniteDifferenceColumns(res.GradD, p, opt, z, WrtD, nil); err != nil {
			return err
		}
	}
	if opt.Wrt&WrtPhi != 0 && res.GradPhi != nil {
		return FiniteDifferenceColumns(res.GradPhi, p, opt, z, WrtPhi, nil)
	}
	return nil
}

// FiniteDifferenceColumns estimates the columns cols of ∂s/∂θ (wrt WrtD) or
// ∂s/∂φ (WrtPhi) by central differences and stores them in dst
// (m × len(cols)); cols nil means every parameter. Each parameter's step is
// relative to its tensor's scale (the root mean square of its entries), so
// that networks with weights of 1e−90 or 1e40 are checked as well as those
// of order 1.
func FiniteDifferenceColumns(dst *mat.Dense, p Problem, opt Options, z []float64, wrt Wrt, cols []int) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := checkLatent(z, p.M()); err != nil {
		return err
	}
	var g *graph.Graph
	switch wrt {
	case WrtD:
		g = p.D
	case WrtPhi:
		g = p.Phi
	default:
		return fmt.Errorf("cossim: FiniteDifferenceColumns wants WrtD or WrtPhi, not %v", wrt)
	}
	theta := g.ParamVector(nil)
	orig := append([]float64(nil), theta...)
	defer g.SetParamVector(orig)
	if cols == nil {
		cols = make([]int, len(theta))
		for k := range cols {
			cols[k] = k
		}
	}
	if r, c := dst.Dims(); r != p.M() || c != len(cols) {
		return fmt.Errorf("cossim: FiniteDifferenceColumns destination is %d × %d, want %d × %d", r, c, p.M(), len(cols))
	}
	h := make([]float64, len(cols))
	for k, c := range cols {
		if c < 0 || c >= len(theta) {
			return fmt.Errorf("cossim: column %d is not a parameter (P = %d)", c, len(theta))
		}
		h[k] = 1e-6 * paramScale(g, orig, c)
	}
	ref := newReference(p)
	fd.Jacobian(dst, func(s, t []float64) {
		for k, c := range cols {
			theta[c] = orig[c] + h[k]*t[k]
		}
		g.SetParamVector(theta)
		ref.values(s, z, opt.Eps)
	}, make([]float64, len(cols)), &fd.JacobianSettings{Formula: fd.Central, Step: 1})
	for i := 0; i < p.M(); i++ {
		row := dst.RawRowView(i)
		for k := range row {
			row[k] /= h[k]
		}
	}
	return nil
}

// paramScale returns the root mean square of the entries of the parameter
// tensor holding element c of the vector theta, or 1 if they are all 0.
func paramScale(g *graph.Graph, theta []float64, c int) float64 {
	for _, q := range g.Params() {
		n := q.Shape.Size()
		if c >= q.Offset && c < q.Offset+n {
			v := norm2(theta[q.Offset:q.Offset+n]) / math.Sqrt(float64(n))
			if v == 0 {
				return 1
			}
			return v
		}
	}
	return 1
}
