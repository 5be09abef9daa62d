package passes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/examples"
	"github.com/dualgrad/dualgrad/layers"
	"github.com/dualgrad/dualgrad/ops"
)

// sweep runs the value, identity-tangent and reverse-over-forward passes of
// a tape and returns the output's tangents and the parameter cotangents
// (one row per direction, full, or one row, sum).
func sweep(t *testing.T, g *graph.Graph, z []float64, identity, full bool) (tan, grad []float64) {
	tape := NewTape(g)
	tape.NoInputCotangent = true
	m, n := len(z), g.OutputShape().Size()
	tape.Forward(graph.MakeBlock(z, 1, m))
	if identity {
		tape.TangentIdentity()
	} else {
		seed := make([]float64, m*m)
		for i := 0; i < m; i++ {
			seed[i*m+i] = 1
		}
		tape.Tangent(graph.MakeBlock(seed, m, m))
	}
	tan = append(tan, tape.Tan(g.OutputNode()).Data...)
	rng := rand.New(rand.NewPCG(3, 4))
	w := examples.Vec(rng, m*n)
	vRows := m
	if !full {
		vRows = 1
	}
	v := examples.Vec(rng, vRows*n)
	P := g.NumParams()
	grad = make([]float64, vRows*P)
	sink := func(k int) graph.Block {
		q := g.Params()[k]
		return graph.Block{Data: grad[q.Offset:], Rows: vRows, Size: q.Shape.Size(), Stride: P}
	}
	tape.Reverse2(graph.MakeBlock(w, m, n), graph.MakeBlock(v, vRows, n), true, vRows, sink)
	return tan, grad
}

// TestTangentIdentityChunks checks the implicit identity seed, formed in
// chunks of 2 rows, against the explicit m × m seed, for full and summed
// cotangents.
func TestTangentIdentityChunks(t *testing.T) {
	defer func(c, e int) { identityChunk, explicitIdentity = c, e }(identityChunk, explicitIdentity)
	explicitIdentity = 0 // the implicit route, even for this small seed
	rng := rand.New(rand.NewPCG(1, 2))
	net := examples.RandDense(rng, []int{7, 5, 3}, []layers.Activation{layers.Tanh, layers.GELU}, 1)
	z := examples.Vec(rng, 7)
	for _, full := range []bool{true, false} {
		identityChunk = 1 << 20
		tanE, gradE := sweep(t, net.Graph(), z, false, full)
		identityChunk = 2 * 7 // two rows at a time
		tanI, gradI := sweep(t, net.Graph(), z, true, full)
		for _, c := range [][2][]float64{{tanI, tanE}, {gradI, gradE}} {
			for k := range c[1] {
				if math.Abs(c[0][k]-c[1][k]) > 1e-14*(1+math.Abs(c[1][k])) {
					t.Fatalf("full %v: element %d: implicit %v, explicit %v", full, k, c[0][k], c[1][k])
				}
			}
		}
	}
}

// TestTapeAllocs: once sized, the passes make no allocations.
func TestTapeAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := examples.RandDense(rng, []int{4, 6, 3}, []layers.Activation{layers.Softplus, layers.Sin}, 1).Graph()
	z := examples.Vec(rng, 4)
	tape := NewTape(g)
	tape.NoInputCotangent = true
	w := examples.Vec(rng, 4*3)
	grad := make([]float64, g.NumParams())
	sink := func(k int) graph.Block {
		q := g.Params()[k]
		return graph.Block{Data: grad[q.Offset:], Rows: 1, Size: q.Shape.Size(), Stride: g.NumParams()}
	}
	run := func() {
		tape.Forward(graph.MakeBlock(z, 1, 4))
		tape.TangentIdentity()
		tape.Reverse2(graph.MakeBlock(w, 4, 3), graph.Block{}, true, 1, sink)
	}
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops items at random, so allocations are measured without -race")
	}
	run()
	if n := testing.AllocsPerRun(10, run); n != 0 {
		t.Errorf("%v allocations per run, want 0", n)
	}
}

// TestCotangentRequests runs one tape through requests that want different
// parameters' cotangents, with and without the input's, and checks each
// against a fresh tape: the cotangent flags a tape keeps from its last
// request must follow the sinks and NoInputCotangent.
func TestCotangentRequests(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	g := examples.RandDense(rng, []int{3, 5, 2}, []layers.Activation{layers.Tanh, layers.Softplus}, 1).Graph()
	z := examples.Vec(rng, 3)
	m, n, P := 3, g.OutputShape().Size(), g.NumParams()
	w, v := examples.Vec(rng, m*n), examples.Vec(rng, n)
	// run makes one request of tape: Reverse into the sinks in want, then
	// Reverse2 both ways; it returns the sinks and the input's cotangents.
	run := func(tape *Tape, want []bool, noInput bool) []float64 {
		tape.NoInputCotangent = noInput
		var got []float64
		grad := make([]float64, m*P)
		sinks := func(rows int) ParamSink {
			clear(grad)
			return func(k int) graph.Block {
				if !want[k] {
					return graph.Block{}
				}
				q := g.Params()[k]
				return graph.Block{Data: grad[q.Offset:], Rows: rows, Size: q.Shape.Size(), Stride: P}
			}
		}
		tape.Forward(graph.MakeBlock(z, 1, m))
		tape.TangentIdentity()
		tape.Reverse(graph.MakeBlock(v, 1, n), sinks(1))
		got = append(append(got, grad...), tape.W(g.InputNode()).Data...)
		tape.Reverse2(graph.Block{}, graph.Block{}, false, m, sinks(m))
		got = append(append(got, grad...), tape.V(g.InputNode()).Data...)
		tape.Reverse2(graph.MakeBlock(w, m, n), graph.MakeBlock(v, 1, n), true, 1, sinks(1))
		return append(append(got, grad...), tape.V(g.InputNode()).Data...)
	}
	np := len(g.Params())
	reused := NewTape(g)
	for req := 0; req < 12; req++ {
		want := make([]bool, np)
		for k := range want {
			want[k] = (req>>k)&1 == 0 || k == req%np
		}
		for _, noInput := range []bool{req%2 == 0, req%2 != 0} {
			got, exp := run(reused, want, noInput), run(NewTape(g), want, noInput)
			if len(got) != len(exp) {
				t.Fatalf("request %d (want %v, no input %v): %d numbers, a fresh tape %d", req, want, noInput, len(got), len(exp))
			}
			for k := range exp {
				if got[k] != exp[k] {
					t.Fatalf("request %d (want %v, no input %v): number %d is %v, a fresh tape's %v", req, want, noInput, k, got[k], exp[k])
				}
			}
		}
	}
}

// plainOp hides an op's Reverse2Fresh: the tape then clears its sinks and
// adds to them, the route the fresh one must agree with.
type plainOp struct{ graph.Op }

// TestFresh: the cotangents that Reverse2 leaves to a FreshWriter (a
// parameter's sink, an op's result or the input, feeding one input of one
// Linear or Tanh and nothing else) are written whole; those of a shared
// weight, of a result used twice (a residual) and of a result that feeds
// an op that is no FreshWriter (Add) are cleared and added to. With the
// sinks filled with NaN before the sweep, and the tape's own buffers left
// with the data of a different sweep, the sinks, V(x) and W(x) equal those
// of the same graph with Reverse2Fresh hidden, for Jacobian and summed
// sinks, with and without the input's cotangent, with the identity seed
// explicit and implicit.
func TestFresh(t *testing.T) {
	defer func(c, e int) { identityChunk, explicitIdentity = c, e }(identityChunk, explicitIdentity)
	rng := rand.New(rand.NewPCG(9, 10))
	const m = 3
	data := func(n int) []float64 { return examples.Vec(rng, n) }
	wd, b1d, w2d := data(m*m), data(m), data(2*m)
	var wantFresh []int
	build := func(wrap func(graph.Op) graph.Op) *graph.Graph {
		g := graph.New()
		x := g.Input("x", m)
		w := g.Param("w", graph.Shape{m, m}, wd) // shared by two layers
		b1 := g.Param("b1", graph.Shape{m}, b1d)
		w2 := g.Param("w2", graph.Shape{2, m}, w2d) // one use: fresh
		a1 := g.Apply(wrap(ops.LinearOp()), "l1", x, w, b1)
		h1 := g.Apply(wrap(ops.Tanh()), "", a1) // used twice
		a2 := g.Apply(wrap(ops.LinearOp()), "l2", h1, w)
		h2 := g.Apply(wrap(ops.Tanh()), "", a2) // feeds Add
		s := g.Apply(ops.Add(), "", h2, h1)
		if err := g.SetOutput(g.Apply(wrap(ops.LinearOp()), "l3", s, w2)); err != nil {
			t.Fatal(err)
		}
		wantFresh = []int{x.ID(), a1.ID(), a2.ID(), s.ID()}
		return g
	}
	ref := build(func(op graph.Op) graph.Op { return plainOp{op} })
	g := build(func(op graph.Op) graph.Op { return op })
	tape, refTape := NewTape(g), NewTape(ref)
	if want := []bool{false, true, true}; fmt.Sprint(tape.freshSink) != fmt.Sprint(want) {
		t.Errorf("fresh sinks %v, want %v (w is shared)", tape.freshSink, want)
	}
	var fresh []int
	for i, f := range tape.freshNode {
		if f {
			fresh = append(fresh, i)
		}
	}
	if fmt.Sprint(fresh) != fmt.Sprint(wantFresh) {
		t.Errorf("fresh nodes %v, want %v", fresh, wantFresh)
	}
	z := data(m)
	n, P := 2, g.NumParams()
	for _, explicit := range []int{1 << 14, 0} {
		explicitIdentity = explicit
		for _, noInput := range []bool{true, false} {
			for _, rows := range []int{m, 1} {
				run := func(tape *Tape, fill float64, wc, v []float64) []float64 {
					grad := make([]float64, rows*P)
					for i := range grad {
						grad[i] = fill
					}
					tape.NoInputCotangent = noInput
					tape.Forward(graph.MakeBlock(z, 1, m))
					tape.TangentIdentity()
					tape.Reverse2(graph.MakeBlock(wc, m, n), graph.MakeBlock(v, rows, n), true, rows, func(k int) graph.Block {
						q := g.Params()[k]
						return graph.Block{Data: grad[q.Offset:], Rows: rows, Size: q.Shape.Size(), Stride: P}
					})
					in := g.InputNode()
					if !noInput {
						grad = append(grad, tape.V(in).Data...)
						grad = append(grad, tape.W(in).Data...)
					}
					return grad
				}
				run(tape, math.NaN(), data(m*n), data(rows*n)) // leaves its data in the tape's buffers
				wc, v := data(m*n), data(rows*n)
				want, got := run(refTape, 0, wc, v), run(tape, math.NaN(), wc, v)
				if len(got) != len(want) {
					t.Fatalf("%d numbers, want %d", len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("implicit %v, no input %v, %d sink rows: number %d is %v, %v without Reverse2Fresh",
							explicit == 0, noInput, rows, i, got[i], want[i])
					}
				}
			}
		}
	}
	// Reverse writes the same fresh cotangents: two seed rows, sinks of one
	// or two rows, over buffers an earlier sweep left dirty.
	for _, rows := range []int{1, 2} {
		run := func(tape *Tape, fill float64, seed []float64) []float64 {
			grad := make([]float64, rows*P)
			for i := range grad {
				grad[i] = fill
			}
			tape.Forward(graph.MakeBlock(z, 1, m))
			tape.Reverse(graph.MakeBlock(seed, 2, n), func(k int) graph.Block {
				q := g.Params()[k]
				return graph.Block{Data: grad[q.Offset:], Rows: rows, Size: q.Shape.Size(), Stride: P}
			})
			for i := 0; i < g.Len(); i++ {
				grad = append(grad, tape.W(i).Data...)
			}
			return grad
		}
		run(tape, math.NaN(), data(2*n))
		seed := data(2 * n)
		want, got := run(refTape, 0, seed), run(tape, math.NaN(), seed)
		if len(got) != len(want) {
			t.Fatalf("Reverse: %d numbers, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("Reverse, %d sink rows: number %d is %v, %v without Reverse2Fresh", rows, i, got[i], want[i])
			}
		}
	}
}

// TestUnitMark checks which input tangents carry graph.Block.Unit: the
// identity seed of several samples, formed whole, and never a caller's
// seed or the implicit one.
func TestUnitMark(t *testing.T) {
	defer func(e int) { explicitIdentity = e }(explicitIdentity)
	rng := rand.New(rand.NewPCG(3, 4))
	const m, nb = 5, 3
	g := examples.RandDense(rng, []int{m, 4, 2}, []layers.Activation{layers.Tanh, layers.Tanh}, 1).Graph()
	tape := NewTape(g)
	in := g.InputNode()
	check := func(what string, want bool) {
		t.Helper()
		if got := tape.Tan(in).Unit; got != want {
			t.Errorf("%s: Unit %v, want %v", what, got, want)
		}
	}
	tape.Forward(graph.MakeBlock(examples.Vec(rng, nb*m), nb, m))
	tape.TangentIdentity()
	check("identity seed of 3 samples", true)
	seed := make([]float64, nb*m*m)
	for r := 0; r < nb*m; r++ {
		seed[r*m+r%m] = 1 // the same rows, but the caller's
	}
	tape.Tangent(graph.MakeBlock(seed, nb*m, m))
	check("a caller's seed", false)
	tape.TangentIdentity()
	check("the identity seed again", true)
	explicitIdentity = 0
	tape.Forward(graph.MakeBlock(examples.Vec(rng, m), 1, m))
	tape.TangentIdentity()
	check("the implicit seed of one sample", false)
}
