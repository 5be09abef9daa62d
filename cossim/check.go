package cossim

import (
	"math"

	"github.com/dualgrad/dualgrad/dual"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// Pieces returns x = D(z), g = ∇Φ(x) and J = ∂D/∂z (n × m), computed by
// scalar dual-number passes, one per direction. It is simple and slow: a
// reference for reports and finite-difference checks, not an engine.
func Pieces(p Problem, z []float64) (x, g []float64, J *mat.Dense) {
	m, n := p.M(), p.N()
	J = mat.NewDense(n, m, nil)
	zd := make([]dual.Number, m)
	var out []dual.Number
	for i := 0; i < m; i++ {
		for j := range zd {
			zd[j] = dual.Number{Real: z[j]}
		}
		zd[i].Eps = 1
		out = p.D.EvalDual(out, zd, nil)
		for r, v := range out {
			J.Set(r, i, v.Eps)
		}
	}
	x = make([]float64, n)
	for r, v := range out {
		x[r] = v.Real
	}
	if m == 0 {
		for j := range zd {
			zd[j] = dual.Number{Real: z[j]}
		}
		for r, v := range p.D.EvalDual(nil, zd, nil) {
			x[r] = v.Real
		}
	}
	g = make([]float64, n)
	xd := make([]dual.Number, n)
	var y []dual.Number
	for j := 0; j < n; j++ {
		for k := range xd {
			xd[k] = dual.Number{Real: x[k]}
		}
		xd[j].Eps = 1
		y = p.Phi.EvalDual(y, xd, nil)
		g[j] = y[0].Eps
	}
	return x, g, J
}

// values writes sᵢ = cᵢ²/(|g|²|uᵢ|² + eps) into s from the plain pieces.
func values(s []float64, p Problem, z []float64, eps float64) {
	_, g, J := Pieces(p, z)
	g2 := dot(g, g)
	for i := range s {
		u := mat.Col(nil, i, J)
		c := dot(g, u)
		s[i] = c * c / (g2*dot(u, u) + eps)
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// FiniteDifference estimates the Jacobians that opt.Wrt selects by central
// differences (gonum diff/fd) of s computed in plain float64, and stores them
// in res.GradD and res.GradPhi, which must be sized as by NewResult. It is an
// independent check of the engines: it shares none of their derivative code.
// The networks in p are perturbed during the call and restored before it
// returns.
func FiniteDifference(res *Result, p Problem, opt Options, z []float64) {
	perturb := func(net *layers.Network, dst *mat.Dense) {
		theta := net.Params(nil)
		orig := append([]float64(nil), theta...)
		defer net.SetParams(orig)
		fd.Jacobian(dst, func(s, th []float64) {
			net.SetParams(th)
			values(s, p, z, opt.Eps)
		}, theta, &fd.JacobianSettings{Formula: fd.Central})
	}
	if opt.Wrt&WrtD != 0 {
		perturb(p.D, res.GradD)
	}
	if opt.Wrt&WrtPhi != 0 {
		perturb(p.Phi, res.GradPhi)
	}
}

// MaxRelDiff returns max|aᵢⱼ − bᵢⱼ| / max|bᵢⱼ|, the largest difference
// relative to b's largest entry. Measuring against the matrix's scale, not
// entry by entry, keeps entries that are zero up to round-off (finite
// differences of a zero derivative are ~1e-10, not 0) from dominating.
// It returns the absolute difference if b is zero.
func MaxRelDiff(a, b mat.Matrix) float64 {
	r, c := b.Dims()
	scale, diff := 0.0, 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			x, y := a.At(i, j), b.At(i, j)
			scale = math.Max(scale, math.Abs(y))
			if d := math.Abs(x - y); d > diff || math.IsNaN(d) {
				diff = d
			}
		}
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}
