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
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// testNets returns small networks that together use every activation, with
// N(0, 0.8²) weights and N(0, 0.3²) biases.
func testNets() []*Network {
	rng := rand.New(rand.NewPCG(7, 11))
	specs := []struct {
		widths []int
		acts   []Activation
	}{
		{[]int{3, 5, 4, 2}, []Activation{Tanh, GELU, SiLU}},
		{[]int{2, 6, 6, 3}, []Activation{Softplus, ELU, Sin}},
		{[]int{4, 3, 3, 1}, []Activation{Sigmoid, ReLU, Identity}},
	}
	var nets []*Network
	for _, s := range specs {
		n := &Network{}
		for l, act := range s.acts {
			r, c := s.widths[l+1], s.widths[l]
			w := mat.NewDense(r, c, nil)
			b := make([]float64, r)
			for i := range r {
				for j := range c {
					w.Set(i, j, 0.8*rng.NormFloat64())
				}
				b[i] = 0.3 * rng.NormFloat64()
			}
			n.Layers = append(n.Layers, Layer{W: w, B: b, Act: act})
		}
		nets = append(nets, n)
	}
	return nets
}

func gaussVec(rng *rand.Rand, k int) []float64 {
	v := make([]float64, k)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// refForward evaluates n at x in plain float64 with the closed-form
// activations of activation_test.go and the flat parameters theta; it shares
// no code with the passes under test.
func refForward(n *Network, x, theta []float64) []float64 {
	in := x
	off := 0
	for _, lay := range n.Layers {
		r, c := lay.W.Dims()
		out := make([]float64, r)
		for i := range r {
			a := theta[off+r*c+i]
			for j := range c {
				a += theta[off+i*c+j] * in[j]
			}
			out[i], _, _ = closedForm[lay.Act](a)
		}
		in = out
		off += r*c + r
	}
	return in
}

func TestScalarValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for k, n := range testNets() {
		x := gaussVec(rng, n.In())
		want := refForward(n, x, n.Params(nil))
		xd := make([]dual.Number, len(x))
		xh := make([]hyperdual.Number, len(x))
		for i, v := range x {
			xd[i] = dual.Number{Real: v}
			xh[i] = hyperdual.Number{Real: v}
		}
		theta := n.Params(nil)
		pd := make([]dual.Number, len(theta))
		ph := make([]hyperdual.Number, len(theta))
		for i, v := range theta {
			pd[i] = dual.Number{Real: v}
			ph[i] = hyperdual.Number{Real: v}
		}
		for _, params := range []bool{false, true} {
			var yd []dual.Number
			var yh []hyperdual.Number
			if params {
				yd, yh = n.EvalDual(nil, xd, pd), n.EvalHyper(nil, xh, ph)
			} else {
				yd, yh = n.EvalDual(nil, xd, nil), n.EvalHyper(nil, xh, nil)
			}
			for i := range want {
				if !near(yd[i].Real, want[i], 1e-14) || yd[i].Eps != 0 {
					t.Errorf("net %d, params %v: EvalDual output %d = %+v, want %v", k, params, i, yd[i], want[i])
				}
				if yh[i] != (hyperdual.Number{Real: yd[i].Real}) {
					t.Errorf("net %d, params %v: EvalHyper output %d = %+v, want %v", k, params, i, yh[i], yd[i].Real)
				}
			}
		}
	}
}

// TestEvalDualJacobians checks one tangent per call, seeded on an input or
// on a parameter with a non-unit seed, against central differences of the
// plain reference.
func TestEvalDualJacobians(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	settings := &fd.JacobianSettings{Formula: fd.Central}
	for k, n := range testNets() {
		x := gaussVec(rng, n.In())
		theta := n.Params(nil)
		out := n.Out()

		jx := mat.NewDense(out, len(x), nil)
		fd.Jacobian(jx, func(y, x []float64) { copy(y, refForward(n, x, theta)) }, x, settings)
		jp := mat.NewDense(out, len(theta), nil)
		fd.Jacobian(jp, func(y, th []float64) { copy(y, refForward(n, x, th)) }, theta, settings)

		const seed = -1.75
		xd := make([]dual.Number, len(x))
		for j := range x {
			for i, v := range x {
				xd[i] = dual.Number{Real: v}
			}
			xd[j].Eps = seed
			y := n.EvalDual(nil, xd, nil)
			for i := range out {
				if want := seed * jx.At(i, j); !near(y[i].Eps, want, 1e-8) {
					t.Errorf("net %d: ∂y%d/∂x%d·%v = %v, finite differences %v", k, i, j, seed, y[i].Eps, want)
				}
			}
		}
		pd := make([]dual.Number, len(theta))
		for i := range x {
			xd[i] = dual.Number{Real: x[i]}
		}
		for p := range theta {
			for q, v := range theta {
				pd[q] = dual.Number{Real: v}
			}
			pd[p].Eps = seed
			y := n.EvalDual(nil, xd, pd)
			for i := range out {
				if want := seed * jp.At(i, p); !near(y[i].Eps, want, 1e-8) {
					t.Errorf("net %d: ∂y%d/∂θ%d·%v = %v, finite differences %v", k, i, p, seed, y[i].Eps, want)
				}
			}
		}
	}
}

// TestEvalHyperSecondOrder seeds ε₁, ε₂ and ε₁ε₂ with independent random
// directions a, b, d over all of (x, θ) and checks the chain rule
//
//	E1 = ∂ₐy, E2 = ∂_b y, E12 = ∂_d y + ∂ₐ∂_b y
//
// against gonum diff/fd differences of the plain reference along those
// directions. It then checks the unit seeds ε₁ = eᵢ on x and ε₂ = eₚ on θ
// that the looped engine uses, E12 = ∂²yₖ/∂xᵢ∂θₚ, against the output
// Hessians Hₖ from fd.Hessian.
func TestEvalHyperSecondOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	first := &fd.Settings{Formula: fd.Central}
	second := &fd.Settings{Formula: fd.Central, Step: 1e-4}
	for k, n := range testNets() {
		x := gaussVec(rng, n.In())
		theta := n.Params(nil)
		nx, np, out := len(x), len(theta), n.Out()
		y0 := append(append([]float64(nil), x...), theta...)
		ref := func(y []float64) []float64 { return refForward(n, y[:nx], y[nx:]) }
		// along returns output o at y0 + s·u + t·v.
		along := func(o int, u, v []float64, s, t float64) float64 {
			y := make([]float64, len(y0))
			for i := range y {
				y[i] = y0[i] + s*u[i] + t*v[i]
			}
			return ref(y)[o]
		}

		// Directions of norm about 1 keep the differences' truncation error
		// small; their entries are far from 0 and ±1.
		a, b, d := gaussVec(rng, nx+np), gaussVec(rng, nx+np), gaussVec(rng, nx+np)
		for _, v := range [][]float64{a, b, d} {
			floats.Scale(1/math.Sqrt(float64(nx+np)), v)
		}
		seeded := make([]hyperdual.Number, nx+np)
		for i, v := range y0 {
			seeded[i] = hyperdual.Number{Real: v, E1: a[i], E2: b[i], E12: d[i]}
		}
		got := n.EvalHyper(nil, seeded[:nx], seeded[nx:])
		for o := range out {
			da := fd.Derivative(func(s float64) float64 { return along(o, a, a, s, 0) }, 0, first)
			db := fd.Derivative(func(s float64) float64 { return along(o, b, b, s, 0) }, 0, first)
			dd := fd.Derivative(func(s float64) float64 { return along(o, d, d, s, 0) }, 0, first)
			var h mat.SymDense
			fd.Hessian(&h, func(st []float64) float64 { return along(o, a, b, st[0], st[1]) }, []float64{0, 0}, second)
			wantE12 := dd + h.At(0, 1)
			if !near(got[o].E1, da, 1e-8) || !near(got[o].E2, db, 1e-8) || !near(got[o].E12, wantE12, 1e-7) {
				t.Errorf("net %d output %d: %+v; finite differences E1 %v, E2 %v, E12 %v", k, o, got[o], da, db, wantE12)
			}
		}

		H := make([]*mat.SymDense, out)
		for o := range out {
			H[o] = mat.NewSymDense(nx+np, nil)
			fd.Hessian(H[o], func(y []float64) float64 { return ref(y)[o] }, y0, second)
		}

		// The dual pass along a agrees with E1 to rounding.
		sd := make([]dual.Number, nx+np)
		for i, v := range y0 {
			sd[i] = dual.Number{Real: v, Eps: a[i]}
		}
		gd := n.EvalDual(nil, sd[:nx], sd[nx:])
		for o := range out {
			if !near(gd[o].Eps, got[o].E1, 1e-14) {
				t.Errorf("net %d output %d: EvalDual tangent %v, EvalHyper E1 %v", k, o, gd[o].Eps, got[o].E1)
			}
		}

		// Unit seeds with non-unit scale: ε₁ = 0.5·eᵢ on x, ε₂ = −3·eₚ on θ.
		for i := range nx {
			for p := range np {
				for q, v := range y0 {
					seeded[q] = hyperdual.Number{Real: v}
				}
				seeded[i].E1 = 0.5
				seeded[nx+p].E2 = -3
				got := n.EvalHyper(nil, seeded[:nx], seeded[nx:])
				for o := range out {
					if want := -1.5 * H[o].At(i, nx+p); !near(got[o].E12, want, 1e-6) {
						t.Errorf("net %d: ∂²y%d/∂x%d∂θ%d·(−1.5) = %v, finite differences %v", k, o, i, p, got[o].E12, want)
					}
				}
			}
		}
	}
}

func TestScalarWorkspaceAllocs(t *testing.T) {
	n := testNets()[0]
	var w ScalarWorkspace
	xh := make([]hyperdual.Number, n.In())
	ph := make([]hyperdual.Number, n.NumParams())
	yh := make([]hyperdual.Number, n.Out())
	xd := make([]dual.Number, n.In())
	yd := make([]dual.Number, n.Out())
	if a := testing.AllocsPerRun(20, func() { w.EvalHyper(n, yh, xh, ph) }); a != 0 {
		t.Errorf("ScalarWorkspace.EvalHyper: %v allocs/op, want 0", a)
	}
	if a := testing.AllocsPerRun(20, func() { w.EvalDual(n, yd, xd, nil) }); a != 0 {
		t.Errorf("ScalarWorkspace.EvalDual: %v allocs/op, want 0", a)
	}
}

func TestScalarPanics(t *testing.T) {
	n := twoLayer() // 2 → 3 → 1, 13 parameters
	h := func(k int) []hyperdual.Number { return make([]hyperdual.Number, k) }
	d := func(k int) []dual.Number { return make([]dual.Number, k) }
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"hyper x", func() { n.EvalHyper(nil, h(3), nil) }, "input has length 3, want 2"},
		{"hyper dst", func() { n.EvalHyper(h(2), h(2), nil) }, "output has length 2, want 1"},
		{"hyper params", func() { n.EvalHyper(nil, h(2), h(12)) }, "parameter vector has length 12, want 13"},
		{"dual x", func() { n.EvalDual(nil, d(1), nil) }, "input has length 1, want 2"},
		{"dual dst", func() { n.EvalDual(d(0), d(2), nil) }, "output has length 0, want 1"},
		{"dual params", func() { n.EvalDual(nil, d(2), d(14)) }, "parameter vector has length 14, want 13"},
	}
	for _, tc := range tests {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.Contains(s, tc.want) {
					t.Errorf("%s: recovered %v, want a panic containing %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

// BenchmarkScalarEvalHyper measures one scalar hyper-dual pass with seeded
// parameters through a width → width → 1 tanh network, the looped engine's
// unit of work.
func BenchmarkScalarEvalHyper(b *testing.B) {
	for _, width := range []int{4, 16, 64} {
		b.Run(fmt.Sprint("width=", width), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			n := randomLayers(rng, []int{width, width, 1}, rng.NormFloat64)
			n.Layers[0].Act, n.Layers[1].Act = Tanh, Identity
			var w ScalarWorkspace
			x := make([]hyperdual.Number, width)
			for i := range x {
				x[i] = hyperdual.Number{Real: rng.NormFloat64()}
			}
			x[0].E1 = 1
			p := make([]hyperdual.Number, n.NumParams())
			for i, v := range n.Params(nil) {
				p[i] = hyperdual.Number{Real: v}
			}
			p[1].E2 = 1
			y := make([]hyperdual.Number, 1)
			w.EvalHyper(n, y, x, p) // size the workspace outside the timed loop
			b.ReportAllocs()
			for b.Loop() {
				w.EvalHyper(n, y, x, p)
			}
		})
	}
}
