package layers

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/dual"
	"gonum.org/v1/gonum/mat"
)

// benchNet is a width → width → width network with tanh activations.
func benchNet(width int) *Network {
	rng := rand.New(rand.NewPCG(uint64(width), 1))
	return randNet(rng, []int{width, width, width}, []Activation{Tanh, Tanh})
}

// benchWidths are the widths of the benchmarks. At width 256 a product has
// more than three 64×64 blocks, where gonum's Dgemm would start goroutines
// and allocate on every call; the passes tile their products to stay below
// that, so they still allocate nothing after the first call.
var benchWidths = []int{16, 64, 256}

func BenchmarkForward(b *testing.B) {
	for _, width := range benchWidths {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			n := benchNet(width)
			x := randVec(rand.New(rand.NewPCG(1, 1)), width)
			var w Workspace
			n.Forward(&w, x) // size the workspace outside the timed loop
			b.ReportAllocs()
			for b.Loop() {
				n.Forward(&w, x)
			}
		})
	}
}

// BenchmarkTangent computes the full width × width Jacobian in one pass.
func BenchmarkTangent(b *testing.B) {
	for _, width := range benchWidths {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			n := benchNet(width)
			x := randVec(rand.New(rand.NewPCG(1, 1)), width)
			seed := mat.NewDiagDense(width, nil)
			for i := 0; i < width; i++ {
				seed.SetDiag(i, 1)
			}
			var w Workspace
			n.Tangent(&w, x, seed)
			b.ReportAllocs()
			for b.Loop() {
				n.Tangent(&w, x, seed)
			}
		})
	}
}

// BenchmarkJacobianLoop is BenchmarkTangent's baseline: the same Jacobian
// from one scalar dual pass per input direction, the post's loop.
func BenchmarkJacobianLoop(b *testing.B) {
	for _, width := range benchWidths {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			n := benchNet(width)
			x := randVec(rand.New(rand.NewPCG(1, 1)), width)
			xd := make([]dual.Number, width)
			dst := make([]dual.Number, width)
			var w ScalarWorkspace
			w.EvalDual(n, dst, xd, nil)
			b.ReportAllocs()
			for b.Loop() {
				for i := range xd {
					for j := range xd {
						xd[j] = dual.Const(x[j])
					}
					xd[i].Eps = 1
					w.EvalDual(n, dst, xd, nil)
				}
			}
		})
	}
}

// BenchmarkHyper carries k₁ = 4 and k₂ = 8 input directions.
func BenchmarkHyper(b *testing.B) {
	for _, width := range benchWidths {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			n := benchNet(width)
			rng := rand.New(rand.NewPCG(1, 1))
			in := &HyperBlock{V: randVec(rng, width), E1: randDense(rng, width, 4),
				E2: randDense(rng, width, 8), E12: randDense(rng, width, 32), Live: 8}
			var w Workspace
			n.Hyper(&w, in, ParamSeed{})
			b.ReportAllocs()
			for b.Loop() {
				n.Hyper(&w, in, ParamSeed{})
			}
		})
	}
}

// BenchmarkHyperParams carries k₁ = 3 input directions and every parameter
// as an ε₂ direction: y, ∂y/∂x, ∂y/∂θ and ∂²y/∂x∂θ in one pass.
func BenchmarkHyperParams(b *testing.B) {
	for _, width := range []int{16, 64} {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			n := benchNet(width)
			rng := rand.New(rand.NewPCG(1, 1))
			in := &HyperBlock{V: randVec(rng, width), E1: randDense(rng, width, 3)}
			seed := ParamSeed{To: len(n.Layers)}
			var w Workspace
			n.Hyper(&w, in, seed)
			b.ReportAllocs()
			for b.Loop() {
				n.Hyper(&w, in, seed)
			}
			b.ReportMetric(float64(n.NumParams()), "params")
		})
	}
}
