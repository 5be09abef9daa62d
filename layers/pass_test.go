package layers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/dual"
	"github.com/dualgrad/dualgrad/hyperdual"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// The vectorized passes are checked against the scalar passes EvalDual and
// EvalHyper, one direction (pair) at a time, and against gonum's finite
// differences.

// passTol bounds |vectorized − scalar| relative to max(1, |scalar|). The two
// differ only in the order of the sums inside a GEMM.
const passTol = 1e-13

// fdTol bounds |exact − finite difference| relative to max(1, |exact|) for
// central differences.
const fdTol = 1e-8

// netCase is a test network: layer widths and activations.
type netCase struct {
	name  string
	sizes []int
	acts  []Activation
}

// netCases cover depth 1 to 3, non-square layers and every activation.
var netCases = []netCase{
	{"1 layer tanh", []int{3, 2}, []Activation{Tanh}},
	{"1 layer identity wide", []int{2, 5}, []Activation{Identity}},
	{"2 layers sigmoid softplus", []int{2, 5, 3}, []Activation{Sigmoid, Softplus}},
	{"3 layers relu elu silu", []int{4, 3, 6, 2}, []Activation{ReLU, ELU, SiLU}},
	{"3 layers gelu sin identity", []int{3, 4, 2, 3}, []Activation{GELU, Sin, Identity}},
	{"2 layers elu tanh scalar out", []int{2, 3, 1}, []Activation{ELU, Tanh}},
}

func TestNetCasesCoverEveryActivation(t *testing.T) {
	seen := make(map[Activation]bool)
	for _, c := range netCases {
		for _, a := range c.acts {
			seen[a] = true
		}
	}
	for a := Activation(0); a < numActivations; a++ {
		if !seen[a] {
			t.Errorf("no test network uses %v", a)
		}
	}
}

// randNet returns a network with the given widths and activations and random
// parameters of a size that keeps pre-activations in the curved part of
// every activation, on both sides of relu's and elu's kinks.
func randNet(rng *rand.Rand, sizes []int, acts []Activation) *Network {
	n := &Network{}
	for l, act := range acts {
		in, out := sizes[l], sizes[l+1]
		w := mat.NewDense(out, in, nil)
		for i := 0; i < out; i++ {
			for j := 0; j < in; j++ {
				w.Set(i, j, rng.NormFloat64()/math.Sqrt(float64(in)))
			}
		}
		b := make([]float64, out)
		for i := range b {
			b[i] = 0.3 * rng.NormFloat64()
		}
		n.Layers = append(n.Layers, Layer{W: w, B: b, Act: act})
	}
	if err := n.Validate(); err != nil {
		panic(err)
	}
	return n
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	return mat.NewDense(r, c, randVec(rng, r*c))
}

// closeTo reports whether got is within tol of want, relative to max(1, |want|).
func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// maxErr tracks the largest relative discrepancy seen by a test.
type maxErr struct {
	t   *testing.T
	tol float64
	max float64
}

func (m *maxErr) check(got, want float64, format string, args ...any) {
	m.t.Helper()
	e := math.Abs(got-want) / math.Max(1, math.Abs(want))
	if e > m.max || math.IsNaN(e) {
		m.max = e
	}
	if !closeTo(got, want, m.tol) {
		m.t.Errorf("%s: got %v, want %v", fmt.Sprintf(format, args...), got, want)
	}
}

func TestForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range netCases {
		t.Run(c.name, func(t *testing.T) {
			n := randNet(rng, c.sizes, c.acts)
			var w Workspace
			m := maxErr{t: t, tol: passTol}
			for trial := 0; trial < 3; trial++ {
				x := randVec(rng, n.In())
				got := n.Forward(&w, x)
				xd := make([]dual.Number, len(x))
				for j, v := range x {
					xd[j] = dual.Const(v)
				}
				want := n.EvalDual(nil, xd, nil)
				for r := range want {
					m.check(got[r], want[r].Real, "y[%d]", r)
				}
			}
			t.Logf("max relative difference from EvalDual: %.2g", m.max)
		})
	}
}

// seedCase is a tangent seed: a function building an In × k matrix.
type seedCase struct {
	name string
	make func(rng *rand.Rand, in int) mat.Matrix
}

var seedCases = []seedCase{
	{"identity Dense", func(_ *rand.Rand, in int) mat.Matrix {
		s := mat.NewDense(in, in, nil)
		for i := 0; i < in; i++ {
			s.Set(i, i, 1)
		}
		return s
	}},
	{"random 3 columns", func(rng *rand.Rand, in int) mat.Matrix { return randDense(rng, in, 3) }},
	{"one column", func(rng *rand.Rand, in int) mat.Matrix { return randDense(rng, in, 1) }},
	{"strided view", func(rng *rand.Rand, in int) mat.Matrix {
		return randDense(rng, in+2, 6).Slice(1, in+1, 2, 5)
	}},
	{"transpose", func(rng *rand.Rand, in int) mat.Matrix { return randDense(rng, 4, in).T() }},
	{"diagonal", func(rng *rand.Rand, in int) mat.Matrix { return mat.NewDiagDense(in, randVec(rng, in)) }},
}

func TestTangentMatchesEvalDual(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range netCases {
		for _, s := range seedCases {
			t.Run(c.name+"/"+s.name, func(t *testing.T) {
				n := randNet(rng, c.sizes, c.acts)
				x := randVec(rng, n.In())
				seed := s.make(rng, n.In())
				var w Workspace
				y, dy := n.Tangent(&w, x, seed)
				_, k := seed.Dims()
				if r, c := dy.Dims(); r != n.Out() || c != k {
					t.Fatalf("tangent block is %d×%d, want %d×%d", r, c, n.Out(), k)
				}
				m := maxErr{t: t, tol: passTol}
				xd := make([]dual.Number, n.In())
				for col := 0; col < k; col++ {
					for j := range xd {
						xd[j] = dual.Number{Real: x[j], Eps: seed.At(j, col)}
					}
					want := n.EvalDual(nil, xd, nil)
					for r := range want {
						m.check(y[r], want[r].Real, "y[%d]", r)
						m.check(dy.At(r, col), want[r].Eps, "dy[%d,%d]", r, col)
					}
				}
				t.Logf("max relative difference from EvalDual: %.2g", m.max)
			})
		}
	}
}

func TestTangentJacobianMatchesFD(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range netCases {
		t.Run(c.name, func(t *testing.T) {
			n := randNet(rng, c.sizes, c.acts)
			x := randVec(rng, n.In())
			var w Workspace
			_, jac := n.Tangent(&w, x, seedCases[0].make(nil, n.In()))
			var fw Workspace
			want := mat.NewDense(n.Out(), n.In(), nil)
			fd.Jacobian(want, func(y, x []float64) { copy(y, n.Forward(&fw, x)) }, x,
				&fd.JacobianSettings{Formula: fd.Central})
			m := maxErr{t: t, tol: fdTol}
			for r := 0; r < n.Out(); r++ {
				for j := 0; j < n.In(); j++ {
					m.check(jac.At(r, j), want.At(r, j), "J[%d,%d]", r, j)
				}
			}
			t.Logf("max relative difference from fd: %.2g", m.max)
		})
	}
}

// hyperCase configures a Hyper pass: k1 ε₁ and k2 ε₂ input directions with
// live live, and a parameter seed. Negative To means len(n.Layers). A
// negative k2 means the parameter count plus -k2-1 spare directions.
type hyperCase struct {
	name      string
	k1, k2    int
	live      int
	seed      ParamSeed
	stridedIn bool // build the input blocks as views with padded strides
}

var hyperCases = []hyperCase{
	{name: "input ε₂ only, dead tail", k1: 2, k2: 3, live: 2},
	{name: "params only, no input ε₂", k1: 3, seed: ParamSeed{To: -1}},
	{name: "input ε₂ then params", k1: 2, k2: 2, live: 2, seed: ParamSeed{Offset: 2, To: -1}},
	{name: "params of later layers, gap, spare", k1: 1, k2: -4, live: 1, seed: ParamSeed{Offset: 2, From: 1, To: -1}},
	{name: "first layer only", k1: 2, k2: 1, live: 1, seed: ParamSeed{Offset: 1, To: 1}},
	{name: "params overlapping input ε₂", k1: 2, k2: 4, live: 4, seed: ParamSeed{Offset: 1, To: -1}},
	{name: "no ε₁", k1: 0, k2: 2, live: 2, seed: ParamSeed{Offset: 2, To: -1}},
	{name: "no ε₂", k1: 3},
	{name: "strided input blocks", k1: 2, k2: 3, live: 3, seed: ParamSeed{Offset: 3, To: -1}, stridedIn: true},
}

// hyperInput builds a random input block for hc, with NaN in the dead ε₂
// directions [live, k2) to show that Hyper does not read them.
func hyperInput(rng *rand.Rand, n *Network, hc hyperCase) (*HyperBlock, ParamSeed) {
	seed := hc.seed
	if seed.To < 0 {
		seed.To = len(n.Layers)
	}
	k2 := hc.k2
	if k2 < 0 {
		k2 = n.NumParams() - k2 - 1
	}
	in := n.In()
	b := &HyperBlock{V: randVec(rng, in), Live: hc.live}
	block := func(c int) *mat.Dense {
		if hc.stridedIn {
			return randDense(rng, in+1, c+3).Slice(1, in+1, 2, c+2).(*mat.Dense)
		}
		return randDense(rng, in, c)
	}
	if hc.k1 > 0 {
		b.E1 = block(hc.k1)
	}
	if k2 > 0 {
		b.E2 = block(k2)
		for j := 0; j < in; j++ {
			for c := hc.live; c < k2; c++ {
				b.E2.Set(j, c, math.NaN())
			}
		}
	}
	if hc.k1 > 0 && k2 > 0 {
		b.E12 = block(k2 * hc.k1)
		for j := 0; j < in; j++ {
			for c := hc.live * hc.k1; c < k2*hc.k1; c++ {
				b.E12.Set(j, c, math.NaN())
			}
		}
	}
	return b, seed
}

// hyperOracle returns the scalar hyper-dual outputs for ε₁ direction a and ε₂
// direction b of the Hyper pass from in with seed: one EvalHyper call.
func hyperOracle(n *Network, in *HyperBlock, seed ParamSeed, a, b int) []hyperdual.Number {
	_, k1, _ := in.Dims()
	x := make([]hyperdual.Number, len(in.V))
	for j := range x {
		x[j].Real = in.V[j]
		if a < k1 {
			x[j].E1 = in.E1.At(j, a)
		}
		if b < in.Live {
			x[j].E2 = in.E2.At(j, b)
			if a < k1 {
				x[j].E12 = in.E12.At(j, b*k1+a)
			}
		}
	}
	theta := n.Params(nil)
	p := make([]hyperdual.Number, len(theta))
	lo, hi := n.ParamOffset(seed.From), n.ParamOffset(seed.To)
	for i, v := range theta {
		p[i].Real = v
		if i >= lo && i < hi && seed.Offset+i-lo == b {
			p[i].E2 = 1
		}
	}
	return n.EvalHyper(nil, x, p)
}

func TestHyperMatchesEvalHyper(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range netCases {
		for _, hc := range hyperCases {
			t.Run(c.name+"/"+hc.name, func(t *testing.T) {
				n := randNet(rng, c.sizes, c.acts)
				in, seed := hyperInput(rng, n, hc)
				_, k1, k2 := in.Dims()
				k2out, liveWant := k2, in.Live
				if seed.From < seed.To {
					end := seed.Offset + n.ParamOffset(seed.To) - n.ParamOffset(seed.From)
					k2out, liveWant = max(k2, end), max(in.Live, end)
				}
				var w Workspace
				out := n.Hyper(&w, in, seed)

				no, ok1, ok2 := out.Dims()
				if no != n.Out() || ok1 != k1 || ok2 != k2out {
					t.Fatalf("output dims (%d, %d, %d), want (%d, %d, %d)", no, ok1, ok2, n.Out(), k1, k2out)
				}
				if out.Live != liveWant {
					t.Errorf("output Live = %d, want %d", out.Live, liveWant)
				}

				m := maxErr{t: t, tol: passTol}
				for b := 0; b < max(k2out, 1); b++ {
					for a := 0; a < max(k1, 1); a++ {
						want := hyperOracle(n, in, seed, a, b)
						for r, y := range want {
							m.check(out.V[r], y.Real, "V[%d]", r)
							if k1 > 0 {
								m.check(out.E1.At(r, a), y.E1, "E1[%d,%d]", r, a)
							}
							if k2out > 0 {
								m.check(out.E2.At(r, b), y.E2, "E2[%d,%d]", r, b)
							}
							if k1 > 0 && k2out > 0 {
								m.check(out.E12.At(r, b*k1+a), y.E12, "E12[%d,%d·%d+%d]", r, b, k1, a)
							}
						}
					}
				}
				t.Logf("max relative difference from EvalHyper over %d×%d direction pairs: %.2g", k1, k2out, m.max)
			})
		}
	}
}

// TestHyperMatchesFD checks one pass with E1 = I at the input and every
// parameter seeded as an ε₂ direction: E1 is ∂y/∂x, E2 is ∂y/∂θ and E12 is
// ∂²y/∂x∂θ, all three against central differences (the last by differencing
// the Jacobian from EvalDual with respect to θ).
func TestHyperMatchesFD(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, c := range netCases {
		t.Run(c.name, func(t *testing.T) {
			n := randNet(rng, c.sizes, c.acts)
			ni, no, np := n.In(), n.Out(), n.NumParams()
			x := randVec(rng, ni)
			in := NewHyperBlock(ni, ni, 0)
			copy(in.V, x)
			for j := 0; j < ni; j++ {
				in.E1.Set(j, j, 1)
			}
			var w Workspace
			out := n.Hyper(&w, in, ParamSeed{To: len(n.Layers)})

			theta := n.Params(nil)
			defer n.SetParams(theta)
			settings := &fd.JacobianSettings{Formula: fd.Central}
			var fw Workspace
			jx := mat.NewDense(no, ni, nil)
			fd.Jacobian(jx, func(y, x []float64) { copy(y, n.Forward(&fw, x)) }, x, settings)
			jt := mat.NewDense(no, np, nil)
			fd.Jacobian(jt, func(y, p []float64) {
				n.SetParams(p)
				copy(y, n.Forward(&fw, x))
			}, theta, settings)
			// jxt[r·ni + a, b] = ∂/∂θ_b ∂y_r/∂x_a
			jxt := mat.NewDense(no*ni, np, nil)
			xd := make([]dual.Number, ni)
			fd.Jacobian(jxt, func(y, p []float64) {
				n.SetParams(p)
				for a := 0; a < ni; a++ {
					for j := range xd {
						xd[j] = dual.Const(x[j])
					}
					xd[a].Eps = 1
					for r, v := range n.EvalDual(nil, xd, nil) {
						y[r*ni+a] = v.Eps
					}
				}
			}, theta, settings)
			n.SetParams(theta)

			m := maxErr{t: t, tol: fdTol}
			for r := 0; r < no; r++ {
				for a := 0; a < ni; a++ {
					m.check(out.E1.At(r, a), jx.At(r, a), "∂y%d/∂x%d", r, a)
				}
				for b := 0; b < np; b++ {
					m.check(out.E2.At(r, b), jt.At(r, b), "∂y%d/∂θ%d", r, b)
					for a := 0; a < ni; a++ {
						m.check(out.E12.At(r, b*ni+a), jxt.At(r*ni+a, b), "∂²y%d/∂x%d∂θ%d", r, a, b)
					}
				}
			}
			t.Logf("max relative difference from fd: %.2g", m.max)
		})
	}
}

// TestWorkspaceReuse runs passes of different shapes through one workspace
// and checks that each result is bit for bit the result of a fresh one, so
// that no stale data leaks between shapes.
func TestWorkspaceReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := randNet(rng, []int{3, 4, 2}, []Activation{Tanh, SiLU})
	var shared Workspace
	for round := 0; round < 2; round++ {
		for i, hc := range hyperCases {
			in, seed := hyperInput(rng, n, hc)
			var fresh Workspace
			want := n.Hyper(&fresh, in, seed)
			got := n.Hyper(&shared, in, seed)
			if !hyperEqual(got, want) {
				t.Errorf("round %d, case %d (%s): reused workspace differs from a fresh one", round, i, hc.name)
			}
			x := randVec(rng, n.In())
			seedT := randDense(rng, n.In(), 1+i%3)
			yw, dyw := n.Tangent(&fresh, x, seedT)
			yg, dyg := n.Tangent(&shared, x, seedT)
			if !equalSlices(yg, yw) || !mat.Equal(dyg, dyw) {
				t.Errorf("round %d, case %d: Tangent with a reused workspace differs", round, i)
			}
			if !equalSlices(n.Forward(&shared, x), n.Forward(&fresh, x)) {
				t.Errorf("round %d, case %d: Forward with a reused workspace differs", round, i)
			}
		}
	}
}

func equalSlices(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func hyperEqual(a, b *HyperBlock) bool {
	eq := func(x, y *mat.Dense) bool {
		if x == nil || y == nil {
			return x == nil && y == nil
		}
		return mat.Equal(x, y)
	}
	return a.Live == b.Live && equalSlices(a.V, b.V) && eq(a.E1, b.E1) && eq(a.E2, b.E2) && eq(a.E12, b.E12)
}

func TestHyperBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	n := randNet(rng, []int{3, 5, 4, 2}, []Activation{Tanh, Sigmoid, Identity})
	for _, hc := range hyperCases {
		t.Run(hc.name, func(t *testing.T) {
			in, seed := hyperInput(rng, n, hc)
			_, k1, k2 := in.Dims()
			var w Workspace
			n.Hyper(&w, in, seed)
			held := 0
			for _, h := range w.hyp {
				held += cap(h.v) + cap(h.e1) + cap(h.e2) + cap(h.e12)
			}
			if got, want := n.HyperBytes(k1, k2, in.Live, seed), int64(8*held); got != want {
				t.Errorf("HyperBytes = %d, want the %d bytes the workspace holds", got, want)
			}
		})
	}
	// Inner layers store only their live ε₂ directions: with every
	// parameter seeded, layer l stores ParamOffset(l+1) of them.
	seed := ParamSeed{To: 3}
	want := int64(0)
	for l := range n.Layers {
		width := n.ParamOffset(l + 1)
		want += int64(n.Layers[l].Out() * (1 + 2 + width + 2*width))
	}
	if got := n.HyperBytes(2, 0, 0, seed); got != 8*want {
		t.Errorf("HyperBytes with every parameter seeded = %d, want %d", got, 8*want)
	}
}

func TestPassesDoNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	n := randNet(rng, []int{3, 6, 4, 2}, []Activation{GELU, ELU, Tanh})
	x := randVec(rng, n.In())
	seedT := randDense(rng, n.In(), 3)
	diag := mat.NewDiagDense(n.In(), randVec(rng, n.In()))
	in, seed := hyperInput(rng, n, hyperCases[3])
	var w Workspace
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Forward", func() { n.Forward(&w, x) }},
		{"Tangent", func() { n.Tangent(&w, x, seedT) }},
		{"Tangent diagonal seed", func() { n.Tangent(&w, x, diag) }},
		{"Hyper", func() { n.Hyper(&w, in, seed) }},
	} {
		c.f()
		if a := testing.AllocsPerRun(20, c.f); a != 0 {
			t.Errorf("%s: %v allocations per run after the first, want 0", c.name, a)
		}
	}
}

func TestPassesPanicOnBadShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	n := randNet(rng, []int{3, 4, 2}, []Activation{Tanh, Identity})
	var w Workspace
	good := func() *HyperBlock {
		b := NewHyperBlock(3, 2, 2)
		b.Live = 2
		return b
	}
	for _, c := range []struct {
		name, msg string
		f         func()
	}{
		{"Forward short input", "input has length 2", func() { n.Forward(&w, []float64{1, 2}) }},
		{"Tangent short input", "do not match input width 3", func() { n.Tangent(&w, []float64{1}, mat.NewDense(3, 1, nil)) }},
		{"Tangent seed rows", "do not match input width 3", func() { n.Tangent(&w, []float64{1, 2, 3}, mat.NewDense(2, 1, nil)) }},
		{"Hyper rows", "has 2 rows, want 3", func() { n.Hyper(&w, NewHyperBlock(2, 1, 1), ParamSeed{}) }},
		{"Hyper E1 rows", "E1 has 4 rows", func() { b := good(); b.E1 = mat.NewDense(4, 2, nil); n.Hyper(&w, b, ParamSeed{}) }},
		{"Hyper E12 columns", "E12 has 2 columns, want k₂·k₁ = 4", func() { b := good(); b.E12 = mat.NewDense(3, 2, nil); n.Hyper(&w, b, ParamSeed{}) }},
		{"Hyper E12 nil", "E12 is nil", func() { b := good(); b.E12 = nil; n.Hyper(&w, b, ParamSeed{}) }},
		{"Hyper Live too large", "Live = 3 is outside [0, 2]", func() { b := good(); b.Live = 3; n.Hyper(&w, b, ParamSeed{}) }},
		{"Hyper Live negative", "Live = -1", func() { b := good(); b.Live = -1; n.Hyper(&w, b, ParamSeed{}) }},
		{"seed past last layer", "invalid ParamSeed", func() { n.Hyper(&w, good(), ParamSeed{To: 3}) }},
		{"seed range reversed", "invalid ParamSeed", func() { n.Hyper(&w, good(), ParamSeed{From: 2, To: 1}) }},
		{"seed negative offset", "invalid ParamSeed", func() { n.Hyper(&w, good(), ParamSeed{Offset: -1, To: 1}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if s := fmt.Sprint(r); !strings.Contains(s, c.msg) {
					t.Errorf("panic %q does not contain %q", s, c.msg)
				}
			}()
			c.f()
		})
	}
}

// TestTiledProducts uses layers wider than the GEMM tiles (192 rows, 64
// columns) so that products are split along both dimensions, and checks the
// results and that no call allocates (gonum's parallel Dgemm would).
func TestTiledProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	n := randNet(rng, []int{3, 200, 2}, []Activation{Tanh, Sigmoid})
	x := randVec(rng, n.In())
	seed := randDense(rng, n.In(), 70)
	var w Workspace
	y, dy := n.Tangent(&w, x, seed)
	m := maxErr{t: t, tol: passTol}
	xd := make([]dual.Number, n.In())
	for col := 0; col < 70; col++ {
		for j := range xd {
			xd[j] = dual.Number{Real: x[j], Eps: seed.At(j, col)}
		}
		for r, v := range n.EvalDual(nil, xd, nil) {
			m.check(y[r], v.Real, "y[%d]", r)
			m.check(dy.At(r, col), v.Eps, "dy[%d,%d]", r, col)
		}
	}

	in := &HyperBlock{V: x, E1: randDense(rng, 3, 2)}
	ps := ParamSeed{To: 2}
	out := n.Hyper(&w, in, ps)
	for _, b := range []int{0, 5, 599, 600, 799, 800, 801, n.NumParams() - 1} {
		for a := 0; a < 2; a++ {
			want := hyperOracle(n, in, ps, a, b)
			for r, v := range want {
				m.check(out.E1.At(r, a), v.E1, "E1[%d,%d]", r, a)
				m.check(out.E2.At(r, b), v.E2, "E2[%d,%d]", r, b)
				m.check(out.E12.At(r, b*2+a), v.E12, "E12[%d,%d]", r, b*2+a)
			}
		}
	}
	t.Logf("max relative difference from the scalar passes: %.2g", m.max)
	if a := testing.AllocsPerRun(5, func() { n.Tangent(&w, x, seed) }); a != 0 {
		t.Errorf("Tangent: %v allocations per run, want 0", a)
	}
	if a := testing.AllocsPerRun(5, func() { n.Hyper(&w, in, ps) }); a != 0 {
		t.Errorf("Hyper: %v allocations per run, want 0", a)
	}
}
