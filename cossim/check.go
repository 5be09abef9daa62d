package cossim

import (
	"math"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Pieces returns x = D(z), g = ∇Φ(x) and J = ∂D/∂z (n × m), from two
// tangent passes of package layers with identity seeds: one through D with
// the m latent directions and one through Φ with the n data directions. It
// shares no code with the engines, so it serves the command's report and
// the finite-difference checks as a reference. It panics if len(z) is not
// p.M() or p is invalid: validate user data first (Problem.Validate).
func Pieces(p Problem, z []float64) (x, g []float64, J *mat.Dense) {
	var pc pieces
	pc.eval(p, z)
	return pc.x, pc.g, pc.J
}

// pieces holds the reference quantities and the workspace that computes
// them, for repeated evaluation.
type pieces struct {
	ws         layers.Workspace
	eyeM, eyeN *mat.DiagDense
	x, g, u    []float64
	J          *mat.Dense
}

// eval fills x, g and J; the finite-difference loops call it 2·P times, so
// it allocates only on the first call.
func (pc *pieces) eval(p Problem, z []float64) {
	m, n := p.M(), p.N()
	if pc.J == nil {
		pc.eyeM, pc.eyeN = eye(m), eye(n)
		pc.g, pc.u = make([]float64, n), make([]float64, n)
		pc.J = mat.NewDense(n, m, nil)
	}
	x, J := p.D.Tangent(&pc.ws, z, pc.eyeM)
	pc.x = append(pc.x[:0], x...)
	pc.J.Copy(J)
	_, G := p.Phi.Tangent(&pc.ws, pc.x, pc.eyeN)
	mat.Row(pc.g, 0, G)
}

func eye(k int) *mat.DiagDense {
	d := make([]float64, k)
	for i := range d {
		d[i] = 1
	}
	return mat.NewDiagDense(k, d)
}

// values writes sᵢ = cᵢ²/(|g|²|uᵢ|² + eps) into s from the reference pieces.
func (pc *pieces) values(s []float64, p Problem, z []float64, eps float64) {
	pc.eval(p, z)
	g2 := floats.Dot(pc.g, pc.g)
	for i := range s {
		u := mat.Col(pc.u, i, pc.J)
		c := floats.Dot(pc.g, u)
		s[i] = c * c / (g2*floats.Dot(u, u) + eps)
	}
}

// FiniteDifference estimates the Jacobians that opt.Wrt selects by central
// differences (gonum diff/fd) of s computed from Pieces, and stores them in
// res.GradD and res.GradPhi, which must be sized as by NewResult. It is an
// independent check of the engines: it shares none of their derivative
// code. It costs 2·P evaluations of Pieces; see FiniteDifferenceColumns for
// large networks. The networks in p are perturbed during the call and
// restored before it returns, so p must not be in use elsewhere meanwhile.
// Like Pieces, it panics on a z of the wrong length.
func FiniteDifference(res *Result, p Problem, opt Options, z []float64) {
	if opt.Wrt&WrtD != 0 {
		FiniteDifferenceColumns(res.GradD, p, opt, z, p.D, nil)
	}
	if opt.Wrt&WrtPhi != 0 {
		FiniteDifferenceColumns(res.GradPhi, p, opt, z, p.Phi, nil)
	}
}

// FiniteDifferenceColumns estimates the columns cols of ∂s/∂θ for the
// parameters θ of net, which must be p.D or p.Phi, by central differences,
// and stores them in dst (m × len(cols)). cols nil means every parameter.
func FiniteDifferenceColumns(dst *mat.Dense, p Problem, opt Options, z []float64, net *layers.Network, cols []int) {
	theta := net.Params(nil)
	orig := append([]float64(nil), theta...)
	defer net.SetParams(orig)
	if cols == nil {
		cols = make([]int, len(theta))
		for k := range cols {
			cols[k] = k
		}
	}
	sub := make([]float64, len(cols))
	for k, c := range cols {
		sub[k] = theta[c]
	}
	var pc pieces
	fd.Jacobian(dst, func(s, th []float64) {
		for k, c := range cols {
			theta[c] = th[k]
		}
		net.SetParams(theta)
		pc.values(s, p, z, opt.Eps)
	}, sub, &fd.JacobianSettings{Formula: fd.Central})
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
