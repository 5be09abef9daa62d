package cossim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/examples"
	"github.com/dualgrad/dualgrad/layers"
	"github.com/dualgrad/dualgrad/passes"
	"gonum.org/v1/gonum/mat"
)

// engineKinds are the engines that every cross-engine test runs.
var engineKinds = []Kind{KindForward, KindAdjoint, KindLooped}

// postProblem returns the forum post's problem (internal/examples).
func postProblem() (Problem, []float64) {
	phi, d, z := examples.Post()
	return Problem{Phi: phi.Graph(), D: d.Graph()}, z
}

// engineCase is a random dense problem shape for the derivative tests.
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
	)
}

// randProblem draws a problem and latent for c, redrawing until every
// pre-activation is at least 0.05 from 0 (the kink of relu and elu), so
// that central differences stay on one side, and |g|², |uᵢ|² ≥ 10⁻³.
func randProblem(t testing.TB, c engineCase, seed uint64) (Problem, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for range 100 {
		d := examples.RandDense(rng, c.dW, c.dAct, 1.5)
		phi := examples.RandDense(rng, c.phiW, c.fAct, 1.5)
		z := examples.Vec(rng, c.dW[0])
		p := Problem{D: d.Graph(), Phi: phi.Graph()}
		if kinkMargin(d, phi, z) < 0.05 {
			continue
		}
		res := NewResult(p, WrtNone)
		ref := newReference(p)
		ref.values(res.S, z, 0)
		if ref.res.GradNormSq >= 1e-3 && minOf(ref.res.ColNormSq) >= 1e-3 {
			return p, z
		}
	}
	t.Fatalf("%s: no draw away from the kinks", c.name)
	return Problem{}, nil
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = math.Min(m, x)
	}
	return m
}

// kinkMargin returns the smallest |pre-activation| of both networks at z,
// from plain loops over the weights.
func kinkMargin(d, phi *layers.Network, z []float64) float64 {
	margin := math.Inf(1)
	h := z
	for _, net := range []*layers.Network{d, phi} {
		for _, ly := range net.Layers {
			r, c := ly.W.Dims()
			next := make([]float64, r)
			for i := 0; i < r; i++ {
				a := ly.B[i]
				for j := 0; j < c; j++ {
					a += ly.W.At(i, j) * h[j]
				}
				margin = math.Min(margin, math.Abs(a))
				next[i] = actValue(ly.Act, a)
			}
			h = next
		}
	}
	return margin
}

// actValue evaluates an activation through a one-unit network's graph.
func actValue(a layers.Activation, x float64) float64 {
	n := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 1, []float64{1}), B: []float64{0}, Act: a}}}
	t := passes.NewTape(n.Graph())
	t.Forward(graph.MakeBlock([]float64{x}, 1, 1))
	return t.Output().Data[0]
}

// normRel returns max|a−b| / max|b|, the normwise relative difference. It
// returns max|a−b| if b is zero, and +Inf if the lengths differ or a
// difference is NaN.
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
func flat(m *mat.Dense) []float64 {
	if m == nil {
		return nil
	}
	return m.RawMatrix().Data
}

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
	return sameBits(a.S, b.S) && sameBits(a.Dot, b.Dot) && sameBits(a.ColNormSq, b.ColNormSq) &&
		math.Float64bits(a.GradNormSq) == math.Float64bits(b.GradNormSq) &&
		sameBits(flat(a.GradD), flat(b.GradD)) && sameBits(flat(a.GradPhi), flat(b.GradPhi))
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
// the Jacobians opt.Wrt selects, or stops the test.
func mustEval(t testing.TB, p Problem, opt Options, k Kind, z []float64) *Result {
	t.Helper()
	res := NewResult(p, opt.Wrt)
	if err := mustEngine(t, p, opt, k).Eval(res, z); err != nil {
		t.Fatalf("%v: %v", k, err)
	}
	return res
}

// wantNoAllocs runs run once to size its buffers, then fails t unless it
// makes no allocation in steady state. Under -race, where sync.Pool drops
// items at random, the measurement means nothing, so t is skipped.
func wantNoAllocs(t *testing.T, run func()) {
	t.Helper()
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops items at random, so allocations are measured without -race")
	}
	run()
	if n := testing.AllocsPerRun(5, run); n != 0 {
		t.Errorf("%v allocations per run, want 0", n)
	}
}
