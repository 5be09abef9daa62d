package cossim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

func TestParseKind(t *testing.T) {
	for _, c := range []struct {
		s    string
		want Kind
		ok   bool
	}{
		{"auto", EngineAuto, true},
		{"forward", EngineForward, true},
		{"adjoint", EngineAdjoint, true},
		{"looped", EngineLooped, true},
		{"Adjoint", 0, false},
		{"", 0, false},
		{"reverse", 0, false},
	} {
		k, err := ParseKind(c.s)
		if (err == nil) != c.ok || (c.ok && k != c.want) {
			t.Errorf("ParseKind(%q) = %v, %v", c.s, k, err)
		}
		if c.ok && k.String() != c.s {
			t.Errorf("%v.String() = %q, want %q", k, k.String(), c.s)
		}
	}
	if s := Kind(9).String(); s != "Kind(9)" {
		t.Errorf("Kind(9).String() = %q", s)
	}
}

func TestNew(t *testing.T) {
	p, _ := postExample()
	for _, c := range []struct {
		k    Kind
		want string
	}{
		{EngineAuto, "*cossim.Adjoint"}, // see TestChooseKind
		{EngineForward, "*cossim.Forward"},
		{EngineAdjoint, "*cossim.Adjoint"},
		{EngineLooped, "*cossim.Looped"},
	} {
		e, err := New(p, Options{Wrt: WrtD}, c.k)
		if err != nil {
			t.Fatalf("%v: %v", c.k, err)
		}
		if got := fmt.Sprintf("%T", e); got != c.want {
			t.Errorf("New(%v) is %s, want %s", c.k, got, c.want)
		}
	}
	if _, err := New(p, Options{}, Kind(9)); err == nil {
		t.Error("New(Kind(9)) gave no error")
	}
}

// largeProblem is issue 5's large case: m = 16, D: 16→256→256→784 and
// Φ: 784→256→1, tanh throughout.
func largeProblem() Problem {
	p, _ := benchProblem(benchCases[3], 1)
	return p
}

// TestChooseKind checks the engine choice on the post's toy and the large
// case. The adjoint engine is the faster on both: BenchmarkEngines measured
// 2.0–2.5 µs (forward) against 0.32–0.39 µs (adjoint) per Eval on the toy, and on
// the large case the forward engine would need 67 GiB.
func TestChooseKind(t *testing.T) {
	toy, _ := postExample()
	large := largeProblem()
	if pd := large.D.NumParams(); pd != 271632 {
		t.Fatalf("large case has P_D = %d, want 271,632", pd)
	}
	for _, c := range []struct {
		name string
		p    Problem
		wrt  Wrt
		want Kind
	}{
		{"toy", toy, WrtD, EngineAdjoint},
		{"toy/both", toy, WrtBoth, EngineAdjoint},
		{"toy/none", toy, WrtNone, EngineAdjoint},
		{"large", large, WrtD, EngineAdjoint},
	} {
		if k := ChooseKind(c.p, Options{Wrt: c.wrt}); k != c.want {
			t.Errorf("%s: ChooseKind = %v, want %v (estimates: forward %.3g ns, adjoint %.3g ns)",
				c.name, k, c.want, defaultCost.forward(c.p, c.wrt), defaultCost.adjoint(c.p, c.wrt))
		}
	}
	// The large case's forward blocks far exceed the default budget, and
	// New refuses them with an error rather than trying to allocate.
	if b := ForwardBytes(large, WrtD); b <= DefaultForwardMemory {
		t.Errorf("large case: ForwardBytes = %d, want more than %d", b, int64(DefaultForwardMemory))
	}
	_, err := New(large, Options{Wrt: WrtD}, EngineForward)
	if err == nil || !strings.Contains(err.Error(), "budget") {
		t.Errorf("New(large, forward) = %v, want a budget error", err)
	} else {
		t.Logf("large case, forward engine: %v", err)
	}
}

// TestChooseKindBudget checks that the memory budget overrides the cost
// estimate, with a model in which the forward engine is free.
func TestChooseKindBudget(t *testing.T) {
	p, _ := postExample()
	free := costModel{adjCall: 1}
	need := ForwardBytes(p, WrtD)
	for _, c := range []struct {
		budget int64
		want   Kind
	}{
		{0, EngineForward}, // the default, 1 GiB
		{need, EngineForward},
		{need - 1, EngineAdjoint},
	} {
		if k := free.choose(p, Options{Wrt: WrtD, ForwardMemory: c.budget}); k != c.want {
			t.Errorf("budget %d (need %d): chose %v, want %v", c.budget, need, k, c.want)
		}
	}
	// An invalid problem is left to New to report.
	if k := free.choose(Problem{}, Options{}); k != EngineAdjoint {
		t.Errorf("invalid problem: chose %v", k)
	}
	if _, err := New(Problem{}, Options{}, EngineAuto); err == nil {
		t.Error("New(invalid problem, auto) gave no error")
	}
}

// TestEnginesPostExample checks every engine and every Wrt against the
// post's golden values (helpers_test.go, derived in docs/math.md), and that
// unselected Jacobians are left alone.
func TestEnginesPostExample(t *testing.T) {
	p, z := postExample()
	const tol = 1e-15 // the values are O(1): a few ulps
	for _, k := range engineKinds {
		for _, wrt := range []Wrt{WrtNone, WrtD, WrtPhi, WrtBoth} {
			t.Run(fmt.Sprintf("%v/wrt=%d", k, wrt), func(t *testing.T) {
				res := NewResult(p, WrtBoth)
				fillNaN(res)
				if err := mustEngine(t, p, Options{Wrt: wrt}, k).Eval(res, z); err != nil {
					t.Fatal(err)
				}
				for _, q := range []struct {
					what      string
					got, want []float64
					selected  bool
				}{
					{"s", res.S, postS, true},
					{"dot", res.Dot, postDot, true},
					{"|g|²", []float64{res.GradNormSq}, []float64{postG2}, true},
					{"|u|²", res.ColNormSq, postU2, true},
					{"∂s/∂θ", flat(res.GradD), postGradD, wrt&WrtD != 0},
					{"∂s/∂φ", flat(res.GradPhi), postGradPhi, wrt&WrtPhi != 0},
				} {
					for i := range q.want {
						switch {
						case !q.selected && !math.IsNaN(q.got[i]):
							t.Errorf("unselected %s[%d] was written", q.what, i)
						case q.selected && !(math.Abs(q.got[i]-q.want[i]) <= tol):
							t.Errorf("%s[%d] = %.17g, want %.17g", q.what, i, q.got[i], q.want[i])
						}
					}
				}
			})
		}
	}
	// The post printed s = [2.8444, 0.5333] and ∂s₁/∂W_D[:,0] = [−1.1852,
	// 1.4222, 0.2370, 0.9481] (4 decimals), exactly 4× the right values:
	// z.grad accumulated twice, doubling cᵢ (docs/math.md).
	for i, v := range []float64{2.8444, 0.5333} {
		if math.Abs(4*postS[i]-v) > 5e-5 {
			t.Errorf("4·s%d = %v, post printed %v", i+1, 4*postS[i], v)
		}
	}
	for r, v := range []float64{-1.1852, 1.4222, 0.2370, 0.9481} {
		if got := 4 * postGradD[2*r]; math.Abs(got-v) > 5e-5 {
			t.Errorf("4·∂s₁/∂W_D[%d][0] = %v, post printed %v", r, got, v)
		}
	}
}

// fdTol bounds the normwise relative difference between an engine's
// Jacobian and central differences of refS, which are accurate to about
// 1e-10 (the largest difference measured is logged).
const fdTol = 1e-8

// TestEnginesFiniteDifference compares every engine's s and both Jacobians
// with the independent scalar reference refS and its central differences,
// on random networks with every activation, a nonzero Eps and m = 1.
func TestEnginesFiniteDifference(t *testing.T) {
	worst := map[Kind]float64{}
	for ci, c := range engineCases() {
		p, z := randProblem(t, c, uint64(ci+1))
		opt := Options{Wrt: WrtBoth, Eps: c.eps}
		wantD, wantPhi := refFD(p, p.D, z, c.eps), refFD(p, p.Phi, z, c.eps)
		for _, k := range engineKinds {
			res := mustEval(t, p, opt, k, z)
			if e := normRel(res.S, refS(p, z, c.eps)); !(e <= 1e-13) {
				t.Errorf("%s/%v: s differs from the reference by %.3g", c.name, k, e)
			}
			for _, q := range []struct {
				what      string
				got, want []float64
			}{{"∂s/∂θ", flat(res.GradD), wantD}, {"∂s/∂φ", flat(res.GradPhi), wantPhi}} {
				e := normRel(q.got, q.want)
				worst[k] = math.Max(worst[k], e)
				if !(e <= fdTol) {
					t.Errorf("%s/%v: %s differs from central differences by %.3g > %g", c.name, k, q.what, e, fdTol)
				}
			}
		}
	}
	for _, k := range engineKinds {
		t.Logf("%v: largest normwise difference from central differences over %d cases: %.2g", k, len(engineCases()), worst[k])
	}
}

// agreeTol is issue 5's agreement bound between the engines.
const agreeTol = 1e-12

// TestEnginesAgree compares the forward and looped engines with the adjoint
// engine, with which they share no derivative code, on random networks.
func TestEnginesAgree(t *testing.T) {
	worst := map[Kind]float64{}
	for ci, c := range engineCases() {
		p, z := randProblem(t, c, uint64(200+ci))
		opt := Options{Wrt: WrtBoth, Eps: c.eps}
		want := mustEval(t, p, opt, EngineAdjoint, z)
		for _, k := range []Kind{EngineForward, EngineLooped} {
			got := mustEval(t, p, opt, k, z)
			for _, q := range []struct {
				what      string
				got, want []float64
			}{
				{"s", got.S, want.S},
				{"dot", got.Dot, want.Dot},
				{"|g|²", []float64{got.GradNormSq}, []float64{want.GradNormSq}},
				{"|u|²", got.ColNormSq, want.ColNormSq},
				{"∂s/∂θ", flat(got.GradD), flat(want.GradD)},
				{"∂s/∂φ", flat(got.GradPhi), flat(want.GradPhi)},
			} {
				d := normRel(q.got, q.want)
				worst[k] = math.Max(worst[k], d)
				if !(d <= agreeTol) {
					t.Errorf("%s/%v: %s differs from the adjoint engine's by %.3g", c.name, k, q.what, d)
				}
			}
		}
	}
	t.Logf("largest normwise difference from the adjoint engine: forward %.2g, looped %.2g", worst[EngineForward], worst[EngineLooped])
}

// TestEnginesWrt checks that WrtD, WrtPhi and WrtNone give what WrtBoth
// gives for what they select; the forward engine lays its blocks out
// differently for each, so the comparison allows round-off.
func TestEnginesWrt(t *testing.T) {
	c := caseByName(t, "mixed")
	p, z := randProblem(t, c, 11)
	for _, k := range engineKinds {
		both := mustEval(t, p, Options{Wrt: WrtBoth}, k, z)
		for _, wrt := range []Wrt{WrtNone, WrtD, WrtPhi} {
			res := mustEval(t, p, Options{Wrt: wrt}, k, z)
			if !sameBits(res.S, both.S) && normRel(res.S, both.S) > 1e-14 {
				t.Errorf("%v/wrt=%d: s differs from WrtBoth's", k, wrt)
			}
			for _, q := range []struct {
				bit       Wrt
				got, want []float64
			}{{WrtD, flat(res.GradD), flat(both.GradD)}, {WrtPhi, flat(res.GradPhi), flat(both.GradPhi)}} {
				if wrt&q.bit != 0 {
					if d := normRel(q.got, q.want); d > 1e-14 {
						t.Errorf("%v/wrt=%d: Jacobian %d differs from WrtBoth's by %.3g", k, wrt, q.bit, d)
					}
				}
			}
		}
	}
}

// TestEnginesUndefined checks the typed error for |g| = 0 and |uᵢ| = 0 on
// the post's example, that the pieces are still written, and that Eps
// regularizes it.
func TestEnginesUndefined(t *testing.T) {
	for _, c := range []struct {
		name   string
		mutate func(p Problem)
		want   UndefinedError
		// s with Eps = 0.5, by hand: Φ = 0 gives c = 0, so s = 0; a zero
		// column 1 gives c = (8, 0), so s = (64/(30·3 + 0.5), 0).
		sEps []float64
	}{
		{"zero g", func(p Problem) { p.Phi.Layers[0].W.Zero() },
			UndefinedError{Direction: -1, Cause: "zero gradient of Φ"}, []float64{0, 0}},
		{"zero u1", func(p Problem) {
			for r := 0; r < 4; r++ {
				p.D.Layers[0].W.Set(r, 1, 0)
			}
		}, UndefinedError{Direction: 1, Cause: "zero Jacobian column of D"}, []float64{64 / 90.5, 0}},
	} {
		for _, k := range engineKinds {
			t.Run(c.name+"/"+k.String(), func(t *testing.T) {
				p, z := postExample()
				c.mutate(p)
				res := NewResult(p, WrtBoth)
				err := mustEngine(t, p, Options{Wrt: WrtBoth}, k).Eval(res, z)
				var ue *UndefinedError
				if !errors.As(err, &ue) || *ue != c.want {
					t.Fatalf("error %v, want %v", err, &c.want)
				}
				dot, g2, u2 := refPieces(p, z)
				if !sameBits(res.Dot, dot) || res.GradNormSq != g2 || !sameBits(res.ColNormSq, u2) {
					t.Errorf("pieces %v, %v, %v, want %v, %v, %v", res.Dot, res.GradNormSq, res.ColNormSq, dot, g2, u2)
				}

				const eps = 0.5
				res = mustEval(t, p, Options{Wrt: WrtBoth, Eps: eps}, k, z)
				if d := normRel(res.S, c.sEps); d > 1e-15 {
					t.Errorf("Eps %v: s = %v, want %v", eps, res.S, c.sEps)
				}
				// Compare absolutely: for zero g, s ≡ 0 near φ = 0 and
				// both Jacobians vanish.
				for _, q := range []struct {
					what string
					got  []float64
					net  *layers.Network
				}{{"∂s/∂θ", flat(res.GradD), p.D}, {"∂s/∂φ", flat(res.GradPhi), p.Phi}} {
					want := refFD(p, q.net, z, eps)
					for i := range want {
						if !(math.Abs(q.got[i]-want[i]) <= 1e-8) {
							t.Errorf("Eps %v: %s[%d] = %v, central difference %v", eps, q.what, i, q.got[i], want[i])
						}
					}
				}
			})
		}
	}
}

// TestEnginesBadInput checks that every engine refuses bad problems,
// options, latents and results with the same message, naming the network,
// layer, field or element.
func TestEnginesBadInput(t *testing.T) {
	post := func(f func(*Problem)) Problem {
		p, _ := postExample()
		if f != nil {
			f(&p)
		}
		return p
	}
	for _, c := range []struct {
		name string
		p    Problem
		opt  Options
		want string
	}{
		{"nil D", post(func(p *Problem) { p.D = nil }), Options{}, "cossim: D network is missing"},
		{"empty Φ", post(func(p *Problem) { p.Phi = &layers.Network{} }), Options{}, "cossim: Φ: layers: network has no layers"},
		{"Φ with 2 outputs", post(func(p *Problem) {
			p.Phi.Layers[0] = layers.Layer{W: mat.NewDense(2, 4, nil), B: make([]float64, 2)}
		}), Options{}, "cossim: Φ has 2 outputs, want 1"},
		{"D does not chain into Φ", post(func(p *Problem) {
			p.Phi.Layers[0] = layers.Layer{W: mat.NewDense(1, 3, nil), B: make([]float64, 1)}
		}), Options{}, "cossim: D's output width 4 does not match Φ's input width 3"},
		{"bias length", post(func(p *Problem) { p.D.Layers[0].B = []float64{0, 0} }), Options{},
			"cossim: D: layers: layer 0: bias: has length 2, want 4 (the weight's row count)"},
		{"layers do not chain", post(func(p *Problem) {
			p.D.Layers = append(p.D.Layers, layers.Layer{W: mat.NewDense(4, 3, nil), B: make([]float64, 4)})
		}), Options{}, "cossim: D: layers: layer 1: weight: has 3 columns, want 4 to match layer 0's 4 outputs"},
		{"activation", post(func(p *Problem) { p.D.Layers[0].Act = 99 }), Options{}, "cossim: D: layers: layer 0: activation: invalid value 99"},
		{"NaN weight", post(func(p *Problem) { p.Phi.Layers[0].W.Set(0, 2, math.NaN()) }), Options{},
			"cossim: Φ: layers: layer 0: weight: row 0, column 2 is NaN, want a finite number"},
		{"negative Eps", post(nil), Options{Eps: -1}, "cossim: Eps = -1, want a finite number ≥ 0"},
		{"NaN Eps", post(nil), Options{Eps: math.NaN()}, "cossim: Eps = NaN, want a finite number ≥ 0"},
		{"Inf Eps", post(nil), Options{Eps: math.Inf(1)}, "cossim: Eps = +Inf, want a finite number ≥ 0"},
		{"unknown Wrt", post(nil), Options{Wrt: 4}, "cossim: unknown Wrt value 4"},
	} {
		for _, k := range engineKinds {
			if e, err := New(c.p, c.opt, k); e != nil || err == nil || err.Error() != c.want {
				t.Errorf("%s: New(%v) = %v, %v; want error %s", c.name, k, e, err, c.want)
			}
		}
	}

	p, z := postExample()
	res := func(f func(*Result)) *Result {
		r := NewResult(p, WrtBoth)
		if f != nil {
			f(r)
		}
		return r
	}
	for _, c := range []struct {
		name string
		res  *Result
		z    []float64
		want string
	}{
		{"short z", res(nil), z[:1], "cossim: z has length 1, want 2"},
		{"long z", res(nil), []float64{1, 2, 3}, "cossim: z has length 3, want 2"},
		{"NaN z", res(nil), []float64{1, math.NaN()}, "cossim: z[1] = NaN is not finite"},
		{"Inf z", res(nil), []float64{math.Inf(-1), 1}, "cossim: z[0] = -Inf is not finite"},
		{"nil result", nil, z, "cossim: result is nil; make it with NewResult"},
		{"empty result", &Result{}, z, "cossim: result's S has length 0, want m = 2; make the result with NewResult"},
		{"short Dot", res(func(r *Result) { r.Dot = r.Dot[:1] }), z, "cossim: result's Dot has length 1, want m = 2; make the result with NewResult"},
		{"result for WrtD", NewResult(p, WrtD), z, "cossim: result has no GradPhi; make it with NewResult and the engine's Wrt"},
		{"GradD wrong shape", res(func(r *Result) { r.GradD = mat.NewDense(2, 11, nil) }), z, "cossim: result's GradD is 2 × 11, want 2 × 12"},
	} {
		for _, k := range engineKinds {
			if err := mustEngine(t, p, Options{Wrt: WrtBoth}, k).Eval(c.res, c.z); err == nil || err.Error() != c.want {
				t.Errorf("%s: %v.Eval: error %v, want %s", c.name, k, err, c.want)
			}
		}
	}
}

// TestEnginesMutatedNetworks checks that engines read parameters at every
// call, and refuse, rather than panic or return stale numbers, when a
// network's shapes or activations changed since the engine was made or
// its parameters became non-finite.
func TestEnginesMutatedNetworks(t *testing.T) {
	// Identity activations, so that a huge weight overflows rather than
	// saturates: D is 3→5→4, Φ is 4→6→1.
	c := caseByName(t, "identity")
	for _, k := range engineKinds {
		p, z := randProblem(t, c, 5)
		e := mustEngine(t, p, Options{Wrt: WrtBoth}, k)
		res := NewResult(p, WrtBoth)
		if err := e.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		for _, net := range []*layers.Network{p.D, p.Phi} {
			th := net.Params(nil)
			for i := range th {
				th[i] *= 1.1
			}
			net.SetParams(th)
		}
		if err := e.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		if fresh := mustEval(t, p, Options{Wrt: WrtBoth}, k, z); !sameResult(res, fresh) {
			t.Errorf("%v: Eval after SetParams differs from a fresh engine's", k)
		}

		for _, m := range []struct {
			name   string
			mutate func() (undo func())
			want   string
		}{
			{"layer appended", func() func() {
				old := p.D.Layers
				p.D.Layers = append(slices.Clip(old), layers.Layer{W: mat.NewDense(4, 4, nil), B: make([]float64, 4)})
				return func() { p.D.Layers = old }
			}, "cossim: D has 3 layers, had 2 when the engine was made; make a new engine"},
			{"weight replaced", func() func() {
				old := p.Phi.Layers[1].W
				p.Phi.Layers[1].W = mat.NewDense(2, 6, nil)
				return func() { p.Phi.Layers[1].W = old }
			}, "cossim: Φ: layer 1: weight is 2 × 6, was 1 × 6 when the engine was made; make a new engine"},
			{"weight removed", func() func() {
				old := p.Phi.Layers[1].W
				p.Phi.Layers[1].W = nil
				return func() { p.Phi.Layers[1].W = old }
			}, "cossim: Φ: layer 1: weight is 0 × 0, was 1 × 6 when the engine was made; make a new engine"},
			{"bias shortened", func() func() {
				old := p.D.Layers[0].B
				p.D.Layers[0].B = old[:3]
				return func() { p.D.Layers[0].B = old }
			}, "cossim: D: layer 0: bias has length 3, was 5 when the engine was made; make a new engine"},
			{"invalid activation", func() func() {
				old := p.D.Layers[1].Act
				p.D.Layers[1].Act = 42
				return func() { p.D.Layers[1].Act = old }
			}, "cossim: D: layer 1: activation: invalid value 42"},
			{"NaN weight in Φ", func() func() {
				old := p.Phi.Layers[0].W.At(0, 0)
				p.Phi.Layers[0].W.Set(0, 0, math.NaN())
				return func() { p.Phi.Layers[0].W.Set(0, 0, old) }
			}, "cossim: |g|² = NaN is not finite: a network overflows at this z, or has non-finite parameters"},
			{"D overflows", func() func() {
				old := p.D.Layers[1].W.At(0, 0)
				p.D.Layers[1].W.Set(0, 0, 1e300)
				return func() { p.D.Layers[1].W.Set(0, 0, old) }
			}, "cossim: direction 0 (from 0): |u|² = +Inf is not finite: D overflows at this z, or has non-finite parameters"},
			{"|g|²·|u|² overflows", func() func() {
				// |u|² and |g|² ~ 1e200 each, finite; c² and their
				// product are not, and s would be Inf/Inf = NaN.
				od, of := p.D.Layers[1].W.At(0, 0), p.Phi.Layers[0].W.At(0, 0)
				p.D.Layers[1].W.Set(0, 0, 1e100)
				p.Phi.Layers[0].W.Set(0, 0, 1e100)
				return func() { p.D.Layers[1].W.Set(0, 0, od); p.Phi.Layers[0].W.Set(0, 0, of) }
			}, "cossim: direction 0 (from 0): |g|²·|u|² = "},
		} {
			undo := m.mutate()
			err := e.Eval(res, z)
			undo()
			// want is the whole message, or its start where it prints
			// random numbers.
			if err == nil || !strings.HasPrefix(err.Error(), m.want) {
				t.Errorf("%v, %s: error %v, want %s", k, m.name, err, m.want)
			}
			// The engine works again once the network is restored.
			if err := e.Eval(res, z); err != nil {
				t.Errorf("%v, after undoing %s: %v", k, m.name, err)
			}
		}
	}
}

// TestEnginesOneDimensional checks n = 1, where every uᵢ is parallel to g:
// sᵢ = 1 whatever the parameters, so both Jacobians vanish. The engines'
// quotient-rule terms are O(1) and cancel, leaving round-off of a few ulps.
func TestEnginesOneDimensional(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for _, m := range []int{1, 3} {
		p := Problem{
			D:   randNet(rng, []int{m, 3, 1}, []layers.Activation{layers.Tanh, layers.Sigmoid}, 1),
			Phi: randNet(rng, []int{1, 2, 1}, []layers.Activation{layers.Softplus, layers.Identity}, 1),
		}
		z := randVec(rng, m)
		for _, k := range engineKinds {
			res := mustEval(t, p, Options{Wrt: WrtBoth}, k, z)
			for i, s := range res.S {
				if math.Abs(s-1) > 1e-14 {
					t.Errorf("m=%d, n=1, %v: s[%d] = %v, want 1", m, k, i, s)
				}
			}
			for _, v := range append(flat(res.GradD), flat(res.GradPhi)...) {
				if !(math.Abs(v) <= 1e-12) {
					t.Errorf("m=%d, n=1, %v: Jacobian entry %v, want 0", m, k, v)
					break
				}
			}
		}
	}
}

// dropUnit returns net without hidden unit u of layer l (row u of layer l,
// column u of layer l+1) and, for each parameter of the result, the index
// of the same parameter in net.
func dropUnit(net *layers.Network, l, u int) (*layers.Network, []int) {
	out := &layers.Network{}
	var keep []int
	for i, ly := range net.Layers {
		r, c := ly.W.Dims()
		rows, cols := make([]int, 0, r), make([]int, 0, c)
		for a := 0; a < r; a++ {
			if i != l || a != u {
				rows = append(rows, a)
			}
		}
		for b := 0; b < c; b++ {
			if i != l+1 || b != u {
				cols = append(cols, b)
			}
		}
		// Parameters in the order of Params: the weight row-major, then
		// the bias.
		w := mat.NewDense(len(rows), len(cols), nil)
		b := make([]float64, len(rows))
		off := net.ParamOffset(i)
		for ai, a := range rows {
			for bi, bb := range cols {
				w.Set(ai, bi, ly.W.At(a, bb))
				keep = append(keep, off+a*c+bb)
			}
		}
		for ai, a := range rows {
			b[ai] = ly.B[a]
			keep = append(keep, off+r*c+a)
		}
		out.Layers = append(out.Layers, layers.Layer{W: w, B: b, Act: ly.Act})
	}
	return out, keep
}

// TestEnginesReLUKink puts a hidden ReLU unit of each network exactly at
// its kink, for every latent: its weights and bias are zero, so its
// pre-activation is exactly 0. With PyTorch's relu′(0) = relu″(0) = 0 the
// unit is dead: s and the other parameters' derivatives are those of the
// networks without it, and its own parameters' derivatives are 0. The
// networks without the unit are away from every kink, so central
// differences check them.
func TestEnginesReLUKink(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2))
	var p Problem
	var z []float64
	for {
		p = Problem{
			D:   randNet(rng, []int{2, 4, 3}, []layers.Activation{layers.ReLU, layers.Tanh}, 1.5),
			Phi: randNet(rng, []int{3, 4, 2, 1}, []layers.Activation{layers.ReLU, layers.Tanh, layers.Identity}, 1.5),
		}
		for _, ly := range []layers.Layer{p.D.Layers[0], p.Phi.Layers[0]} {
			ly.W.SetRow(0, make([]float64, ly.W.RawMatrix().Cols))
			ly.B[0] = 0
		}
		z = randVec(rng, 2)
		_, g2, u2 := refPieces(p, z)
		if g2 < 1e-3 || slices.Min(u2) < 1e-3 {
			continue
		}
		// Every unit but the two dead ones is at least 0.05 from its kink.
		rd, _ := dropUnit(p.D, 0, 0)
		rf, _ := dropUnit(p.Phi, 0, 0)
		if kinkMargin(Problem{D: rd, Phi: rf}, z) >= 0.05 {
			break
		}
	}
	rd, keepD := dropUnit(p.D, 0, 0)
	rf, keepPhi := dropUnit(p.Phi, 0, 0)
	reduced := Problem{D: rd, Phi: rf}
	wantS := refS(reduced, z, 0)
	wantD, wantPhi := refFD(reduced, rd, z, 0), refFD(reduced, rf, z, 0)
	for _, k := range engineKinds {
		res := mustEval(t, p, Options{Wrt: WrtBoth}, k, z)
		if d := normRel(res.S, wantS); d > 1e-13 {
			t.Errorf("%v: s = %v, without the dead units %v", k, res.S, wantS)
		}
		for _, q := range []struct {
			what string
			full *mat.Dense
			keep []int
			want []float64
		}{{"∂s/∂θ", res.GradD, keepD, wantD}, {"∂s/∂φ", res.GradPhi, keepPhi, wantPhi}} {
			m, np := q.full.Dims()
			kept := make(map[int]bool, len(q.keep))
			got := make([]float64, 0, m*len(q.keep))
			for i := 0; i < m; i++ {
				row := q.full.RawRowView(i)
				for _, j := range q.keep {
					got = append(got, row[j])
					kept[j] = true
				}
				for j := 0; j < np; j++ {
					if !kept[j] && row[j] != 0 {
						t.Errorf("%v: %s[%d, %d] of a dead unit = %v, want 0", k, q.what, i, j, row[j])
					}
				}
			}
			if d := normRel(got, q.want); !(d <= fdTol) {
				t.Errorf("%v: %s differs from central differences without the dead units by %.3g", k, q.what, d)
			}
		}
	}
}

// TestEnginesAllocs proves that Eval makes no allocations after the first
// call, for every engine and Wrt.
func TestEnginesAllocs(t *testing.T) {
	p, z := randProblem(t, caseByName(t, "mixed"), 29)
	for _, k := range engineKinds {
		for _, wrt := range []Wrt{WrtNone, WrtD, WrtPhi, WrtBoth} {
			e := mustEngine(t, p, Options{Wrt: wrt}, k)
			res := NewResult(p, wrt)
			f := func() {
				if err := e.Eval(res, z); err != nil {
					t.Fatal(err)
				}
			}
			f()
			if a := testing.AllocsPerRun(10, f); a != 0 {
				t.Errorf("%v, wrt=%d: %v allocations per Eval, want 0", k, wrt, a)
			}
		}
	}
}
