package cossim

import (
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// benchCase is one of bench/torch_bench.py's shapes: every layer uses the
// same activation, weights and biases are N(0, 1/fan_in).
type benchCase struct {
	name   string
	d, phi []int
	act    layers.Activation
	large  bool // skipped under -short
}

var benchCases = []benchCase{
	{name: "toy", d: []int{2, 4}, phi: []int{4, 1}, act: layers.Identity},
	{name: "small", d: []int{4, 32, 16}, phi: []int{16, 32, 1}, act: layers.Tanh},
	{name: "medium", d: []int{8, 64, 64, 64}, phi: []int{64, 64, 1}, act: layers.Tanh},
	{name: "large", d: []int{16, 256, 256, 784}, phi: []int{784, 256, 1}, act: layers.Tanh, large: true},
}

// acts returns n copies of a.
func acts(a layers.Activation, n int) []layers.Activation {
	s := make([]layers.Activation, n)
	for i := range s {
		s[i] = a
	}
	return s
}

// benchProblem returns the case's problem and a batch of nb latents;
// the toy case is the post's example, its first latent the post's z.
func benchProblem(c benchCase, nb int) (Problem, *mat.Dense) {
	rng := rand.New(rand.NewPCG(6, 6))
	var p Problem
	if c.name == "toy" {
		p, _ = postExample()
	} else {
		p = Problem{D: randNet(rng, c.d, acts(c.act, len(c.d)-1), 1), Phi: randNet(rng, c.phi, acts(c.act, len(c.phi)-1), 1)}
	}
	Z := mat.NewDense(nb, p.M(), nil)
	for b := 0; b < nb; b++ {
		for i := 0; i < p.M(); i++ {
			Z.Set(b, i, rng.NormFloat64())
		}
	}
	if c.name == "toy" {
		Z.SetRow(0, []float64{1, 0.5})
	}
	return p, Z
}

// BenchmarkAdjoint times one latent: "full" is s with the m × P_D Jacobian
// ∂s/∂θ, "sumgrad" is Σᵢsᵢ with its gradient wrt θ. The engine splits large
// steps across GOMAXPROCS goroutines; the "/1thread" variants of the large
// case do not.
func BenchmarkAdjoint(b *testing.B) {
	for _, c := range benchCases {
		p, Z := benchProblem(c, 1)
		z := Z.RawRowView(0)
		threads := []int{0}
		if c.large {
			threads = append(threads, 1)
		}
		for _, th := range threads {
			suffix := ""
			if th == 1 {
				suffix = "/1thread"
			}
			b.Run(c.name+"/full"+suffix, func(b *testing.B) {
				if c.large && testing.Short() {
					b.Skip("large case under -short")
				}
				a, err := NewAdjoint(p, Options{Wrt: WrtD})
				if err != nil {
					b.Fatal(err)
				}
				a.SetThreads(th)
				res := NewResult(p, WrtD)
				if err := a.Eval(res, z); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := a.Eval(res, z); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(c.name+"/sumgrad"+suffix, func(b *testing.B) {
				if c.large && testing.Short() {
					b.Skip("large case under -short")
				}
				a, err := NewAdjoint(p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				a.SetThreads(th)
				grad := make([]float64, p.D.NumParams())
				if _, err := a.SumGrad(grad, nil, z, nil); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := a.SumGrad(grad, nil, z, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkEngines times Eval with ∂s/∂θ on the forward and adjoint engines
// for the shapes where both fit, the data behind ChooseKind's cost model.
func BenchmarkEngines(b *testing.B) {
	for _, c := range benchCases {
		p, Z := benchProblem(c, 1)
		z := Z.RawRowView(0)
		for _, k := range []Kind{EngineForward, EngineAdjoint} {
			b.Run(c.name+"/"+k.String(), func(b *testing.B) {
				if c.large && testing.Short() {
					b.Skip("large case under -short")
				}
				e, err := New(p, Options{Wrt: WrtD}, k)
				if err != nil {
					b.Skip(err)
				}
				res := NewResult(p, WrtD)
				if err := e.Eval(res, z); err != nil { // sizes the workspaces
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := e.Eval(res, z); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
