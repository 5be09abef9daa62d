package cossim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// Shared test fixtures, independent oracles and comparisons for every
// engine's tests.

// engineKinds are the engines that every cross-engine test runs.
var engineKinds = []Kind{EngineForward, EngineAdjoint, EngineLooped}

// postExample returns the forum post's example (issue 4): Φ(x) = [1 2 3 4]·x
// and D(z) = W·z with W = [[1,0],[0,5],[1,0],[1,0]], both without bias, at
// z = (1, 0.5).
func postExample() (Problem, []float64) {
	phi := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}), B: []float64{0}}}}
	d := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}), B: make([]float64, 4)}}}
	return Problem{Phi: phi, D: d}, []float64{1, 0.5}
}

// The post's golden values, derived by hand in docs/math.md ("The post's
// example, by hand"): g = w = (1,2,3,4), u₁ = (1,0,1,1), u₂ = (0,5,0,0).
var (
	postS   = []float64{64.0 / 90, 100.0 / 750}
	postDot = []float64{8, 10}
	postG2  = 30.0
	postU2  = []float64{3, 25}
	// ∂s/∂θ, 2 × 12: W_D row-major (4 × 2), then the 4 biases. Only column
	// i of W_D moves sᵢ: ∂sᵢ/∂W[r,i] = 2cᵢw_r/(G·Uᵢ) − 2cᵢ²uᵢᵣ/(G·Uᵢ²).
	postGradD = []float64{
		-8.0 / 27, 0, 16.0 / 45, 0, 8.0 / 135, 0, 32.0 / 135, 0, 0, 0, 0, 0,
		0, 2.0 / 75, 0, 0, 0, 6.0 / 75, 0, 8.0 / 75, 0, 0, 0, 0,
	}
	// ∂s/∂φ, 2 × 5: w, then Φ's bias. ∂sᵢ/∂w_r = 2cᵢuᵢᵣ/(G·Uᵢ) −
	// 2cᵢ²w_r/(G²·Uᵢ), that is (8/45)u₁ − (32/675)w and (2/75)u₂ − (2/225)w;
	// the bias does not move g.
	postGradPhi = []float64{
		88.0 / 675, -64.0 / 675, 24.0 / 675, -8.0 / 675, 0,
		-2.0 / 225, 26.0 / 225, -6.0 / 225, -8.0 / 225, 0,
	}
)

// randNet returns a network with the given widths (input first) and
// activations; weights and biases are scale·N(0, 1)/√fan_in, as
// bench/torch_bench.py draws them for scale = 1.
func randNet(rng *rand.Rand, widths []int, acts []layers.Activation, scale float64) *layers.Network {
	net := &layers.Network{}
	for l, act := range acts {
		in, out := widths[l], widths[l+1]
		s := scale / math.Sqrt(float64(in))
		w := mat.NewDense(out, in, nil)
		for i := 0; i < out; i++ {
			for j := 0; j < in; j++ {
				w.Set(i, j, s*rng.NormFloat64())
			}
		}
		b := make([]float64, out)
		for i := range b {
			b[i] = s * rng.NormFloat64()
		}
		net.Layers = append(net.Layers, layers.Layer{W: w, B: b, Act: act})
	}
	return net
}

// randVec returns n numbers uniform in [−1, 1).
func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

// engineCase is a random problem shape for the derivative tests.
type engineCase struct {
	name       string
	dW, phiW   []int // widths, input first
	dAct, fAct []layers.Activation
	eps        float64
}

// engineCases covers every activation in both networks, deeper mixed
// networks, a nonzero Eps and m = 1.
func engineCases() []engineCase {
	var cs []engineCase
	for a := layers.Activation(0); ; a++ {
		if _, ok := layers.ParseActivation(a.String()); !ok {
			break
		}
		cs = append(cs, engineCase{
			name: a.String(),
			dW:   []int{3, 5, 4}, dAct: []layers.Activation{a, a},
			phiW: []int{4, 6, 1}, fAct: []layers.Activation{a, a},
		})
	}
	return append(cs,
		engineCase{
			name: "mixed",
			dW:   []int{2, 4, 3, 5}, dAct: []layers.Activation{layers.Tanh, layers.Sin, layers.GELU},
			phiW: []int{5, 3, 4, 1}, fAct: []layers.Activation{layers.Softplus, layers.ELU, layers.Sigmoid},
		},
		engineCase{
			name: "eps",
			dW:   []int{4, 3}, dAct: []layers.Activation{layers.SiLU},
			phiW: []int{3, 2, 1}, fAct: []layers.Activation{layers.Tanh, layers.Sin},
			eps: 0.25,
		},
		engineCase{
			name: "m=1",
			dW:   []int{1, 3, 2}, dAct: []layers.Activation{layers.Tanh, layers.Identity},
			phiW: []int{2, 1}, fAct: []layers.Activation{layers.Sin},
		},
		engineCase{
			name: "m=1 eps relu",
			dW:   []int{1, 4}, dAct: []layers.Activation{layers.ReLU},
			phiW: []int{4, 3, 1}, fAct: []layers.Activation{layers.ReLU, layers.Softplus},
			eps: 1e-2,
		},
	)
}

// caseByName returns the case of engineCases with the given name.
func caseByName(t testing.TB, name string) engineCase {
	for _, c := range engineCases() {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no case %q", name)
	return engineCase{}
}

// randProblem draws a problem and latent for c, redrawing until every ReLU
// and ELU pre-activation is at least 0.05 from its kink, so that central
// differences (step ~6e-6) stay on one side, and |g|², |uᵢ|² ≥ 10⁻³.
func randProblem(t testing.TB, c engineCase, seed uint64) (Problem, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for range 100 {
		p := Problem{D: randNet(rng, c.dW, c.dAct, 1.5), Phi: randNet(rng, c.phiW, c.fAct, 1.5)}
		z := randVec(rng, c.dW[0])
		_, g2, u2 := refPieces(p, z)
		if kinkMargin(p, z) >= 0.05 && g2 >= 1e-3 && slices.Min(u2) >= 1e-3 {
			return p, z
		}
	}
	t.Fatalf("%s: no draw away from the kinks", c.name)
	return Problem{}, nil
}

// refForward runs net on x with plain loops over W.At and returns every
// layer's pre-activation and the output.
func refForward(net *layers.Network, x []float64) (pre [][]float64, out []float64) {
	h := x
	for _, ly := range net.Layers {
		r, c := ly.W.Dims()
		a, next := make([]float64, r), make([]float64, r)
		for i := 0; i < r; i++ {
			a[i] = ly.B[i]
			for j := 0; j < c; j++ {
				a[i] += ly.W.At(i, j) * h[j]
			}
			next[i], _, _ = ly.Act.Eval(a[i])
		}
		pre = append(pre, a)
		h = next
	}
	return pre, h
}

// kinkMargin returns the smallest |pre-activation| over the ReLU and ELU
// layers of both networks at z.
func kinkMargin(p Problem, z []float64) float64 {
	margin := math.Inf(1)
	preD, x := refForward(p.D, z)
	preF, _ := refForward(p.Phi, x)
	for _, c := range []struct {
		net *layers.Network
		pre [][]float64
	}{{p.D, preD}, {p.Phi, preF}} {
		for l, a := range c.pre {
			if act := c.net.Layers[l].Act; act != layers.ReLU && act != layers.ELU {
				continue
			}
			for _, v := range a {
				margin = math.Min(margin, math.Abs(v))
			}
		}
	}
	return margin
}

// refPieces returns c, G = |g|² and Uᵢ = |uᵢ|² from their definitions, with
// scalar loops: a tangent pass through D per latent direction for uᵢ and
// one through Φ per input coordinate for g. It shares no code with the
// engines but the activations' Eval.
func refPieces(p Problem, z []float64) (c []float64, g2 float64, u2 []float64) {
	m, n := p.M(), p.N()
	tangent := func(net *layers.Network, x, dx []float64) (y, dy []float64) {
		h, t := x, dx
		for _, ly := range net.Layers {
			r, c := ly.W.Dims()
			hn, tn := make([]float64, r), make([]float64, r)
			for i := 0; i < r; i++ {
				a, at := ly.B[i], 0.0
				for j := 0; j < c; j++ {
					a += ly.W.At(i, j) * h[j]
					at += ly.W.At(i, j) * t[j]
				}
				s, d1, _ := ly.Act.Eval(a)
				hn[i], tn[i] = s, d1*at
			}
			h, t = hn, tn
		}
		return h, t
	}
	u := make([][]float64, m)
	var x []float64
	for i := range u {
		e := make([]float64, m)
		e[i] = 1
		x, u[i] = tangent(p.D, z, e)
	}
	g := make([]float64, n)
	for j := range g {
		e := make([]float64, n)
		e[j] = 1
		_, dy := tangent(p.Phi, x, e)
		g[j] = dy[0]
	}
	dot := func(a, b []float64) float64 {
		s := 0.0
		for k := range a {
			s += a[k] * b[k]
		}
		return s
	}
	c, u2 = make([]float64, m), make([]float64, m)
	for i := range c {
		c[i], u2[i] = dot(g, u[i]), dot(u[i], u[i])
	}
	return c, dot(g, g), u2
}

// refS returns sᵢ = cᵢ²/(G·Uᵢ + eps) from refPieces.
func refS(p Problem, z []float64, eps float64) []float64 {
	c, g2, u2 := refPieces(p, z)
	s := make([]float64, len(c))
	for i := range s {
		s[i] = c[i] * c[i] / (g2*u2[i] + eps)
	}
	return s
}

// refFD returns the central-difference Jacobian of refS with respect to
// net's parameters (net is p.D or p.Phi), restoring them afterwards.
// Central differences of these smooth functions are accurate to about
// 1e-10 of the Jacobian's largest entry.
func refFD(p Problem, net *layers.Network, z []float64, eps float64) []float64 {
	theta := net.Params(nil)
	orig := append([]float64(nil), theta...)
	defer net.SetParams(orig)
	dst := mat.NewDense(p.M(), len(theta), nil)
	fd.Jacobian(dst, func(s, th []float64) {
		net.SetParams(th)
		copy(s, refS(p, z, eps))
	}, theta, &fd.JacobianSettings{Formula: fd.Central})
	return dst.RawMatrix().Data
}

// normRel returns max|a−b| / max|b|, the normwise relative difference: it
// measures entries that are zero up to round-off against the Jacobian's
// scale, not against themselves. It returns max|a−b| if b is zero, and +Inf
// if the lengths differ or a difference is NaN.
func normRel(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	scale, diff := 0.0, 0.0
	for k := range b {
		d := math.Abs(a[k] - b[k])
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		scale = math.Max(scale, math.Abs(b[k]))
		diff = math.Max(diff, d)
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}

// flat returns the elements of a Jacobian made by NewResult, row-major.
func flat(m *mat.Dense) []float64 { return m.RawMatrix().Data }

// sameBits reports whether a and b hold identical float64 bit patterns.
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// sameResult reports whether a and b are bit-for-bit equal.
func sameResult(a, b *Result) bool {
	same := sameBits(a.S, b.S) && sameBits(a.Dot, b.Dot) && sameBits(a.ColNormSq, b.ColNormSq) &&
		math.Float64bits(a.GradNormSq) == math.Float64bits(b.GradNormSq)
	if a.GradD != nil {
		same = same && b.GradD != nil && sameBits(flat(a.GradD), flat(b.GradD))
	}
	if a.GradPhi != nil {
		same = same && b.GradPhi != nil && sameBits(flat(a.GradPhi), flat(b.GradPhi))
	}
	return same
}

// fillNaN sets every element of the Jacobians in res to NaN, so that a test
// can tell which ones an engine wrote.
func fillNaN(res *Result) {
	for _, g := range []*mat.Dense{res.GradD, res.GradPhi} {
		if g != nil {
			v := flat(g)
			for i := range v {
				v[i] = math.NaN()
			}
		}
	}
}

// mustEngine returns New(p, opt, k) or stops the test.
func mustEngine(t testing.TB, p Problem, opt Options, k Kind) Engine {
	t.Helper()
	e, err := New(p, opt, k)
	if err != nil {
		t.Fatalf("New(%v): %v", k, err)
	}
	return e
}

// mustEval evaluates z on a new engine of kind k into a new Result with
// both Jacobians, or stops the test.
func mustEval(t testing.TB, p Problem, opt Options, k Kind, z []float64) *Result {
	t.Helper()
	res := NewResult(p, WrtBoth)
	if err := mustEngine(t, p, opt, k).Eval(res, z); err != nil {
		t.Fatalf("%v: %v", k, err)
	}
	return res
}
