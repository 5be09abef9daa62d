package cossim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/dual"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// loopedPost returns the forum post's problem: Φ(x) = [1,2,3,4]·x and
// D(z) = [[1,0],[0,5],[1,0],[1,0]]·z, zero biases, at z = [1, 0.5].
func loopedPost() (Problem, []float64) {
	phi := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}), B: []float64{0}}}}
	d := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}), B: make([]float64, 4)}}}
	return Problem{Phi: phi, D: d}, []float64{1, 0.5}
}

func loopedEval(t *testing.T, p Problem, opt Options, z []float64) *Result {
	t.Helper()
	l, err := NewLooped(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	res := NewResult(p, opt.Wrt)
	if err := l.Eval(res, z); err != nil {
		t.Fatal(err)
	}
	return res
}

// loopedClose reports whether every got[k] is within tol of want[k],
// relative to max(1, |want[k]|).
func loopedClose(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for k := range want {
		if !(math.Abs(got[k]-want[k]) <= tol*math.Max(1, math.Abs(want[k]))) {
			return false
		}
	}
	return true
}

// TestLoopedPostExample checks the forum post's example against the values
// derived by hand in docs/math.md. With g = w = [1,2,3,4] (Φ is linear),
// u₁ = [1,0,1,1], u₂ = [0,5,0,0]: c = [8, 10], G = 30, U = [3, 25],
// s = [64/90, 100/750]. Only W_D[k][i] moves uᵢ, by e_k, and G does not
// depend on θ, so ∂sᵢ/∂W_D[k][i] = 2cᵢg_k/(GUᵢ) − 2cᵢ²u_ik/(GUᵢ²) and every
// bias derivative is 0. For φ = (w, b_Φ): ∂sᵢ/∂w = 2cᵢuᵢ/(GUᵢ) − 2cᵢ²w/(G²Uᵢ)
// and ∂sᵢ/∂b_Φ = 0.
func TestLoopedPostExample(t *testing.T) {
	p, z := loopedPost()
	res := loopedEval(t, p, Options{Wrt: WrtBoth}, z)
	tests := []struct {
		name      string
		got, want []float64
	}{
		{"s", res.S, []float64{64.0 / 90, 100.0 / 750}},
		{"dot", res.Dot, []float64{8, 10}},
		{"|g|²", []float64{res.GradNormSq}, []float64{30}},
		{"|u|²", res.ColNormSq, []float64{3, 25}},
		// W_D row-major (4 × 2), then the 4 biases.
		{"∂s₁/∂θ", res.GradD.RawRowView(0), []float64{
			-8.0 / 27, 0, 16.0 / 45, 0, 8.0 / 135, 0, 32.0 / 135, 0,
			0, 0, 0, 0}},
		{"∂s₂/∂θ", res.GradD.RawRowView(1), []float64{
			0, 2.0 / 75, 0, 0, 0, 6.0 / 75, 0, 8.0 / 75,
			0, 0, 0, 0}},
		// w, then b_Φ. ∂s₁/∂w = (8/45)u₁ − (32/675)w, ∂s₂/∂w = (2/75)u₂ − (2/225)w.
		{"∂s₁/∂φ", res.GradPhi.RawRowView(0), []float64{88.0 / 675, -64.0 / 675, 24.0 / 675, -8.0 / 675, 0}},
		{"∂s₂/∂φ", res.GradPhi.RawRowView(1), []float64{-2.0 / 225, 26.0 / 225, -6.0 / 225, -8.0 / 225, 0}},
	}
	for _, tc := range tests {
		if !loopedClose(tc.got, tc.want, 1e-15) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	// The post printed s = [2.8444, 0.5333] and ∂s₁/∂W_D[:,0] = [−1.1852,
	// 1.4222, 0.2370, 0.9481], exactly 4× ours: z.grad accumulated twice,
	// doubling cᵢ.
	for i, v := range []float64{2.8444, 0.5333} {
		if math.Abs(4*res.S[i]-v) > 5e-5 {
			t.Errorf("4·s%d = %v, post printed %v", i+1, 4*res.S[i], v)
		}
	}
	for k, v := range []float64{-1.1852, 1.4222, 0.2370, 0.9481} {
		if got := 4 * res.GradD.At(0, 2*k); math.Abs(got-v) > 5e-5 {
			t.Errorf("4·∂s₁/∂W_D[%d][0] = %v, post printed %v", k, got, v)
		}
	}
}

// loopedNet returns a random network with the given widths and activations,
// weights N(0, scale²) and biases N(0, 0.2²).
func loopedNet(rng *rand.Rand, widths []int, acts []layers.Activation, scale float64) *layers.Network {
	n := &layers.Network{}
	for l, act := range acts {
		r, c := widths[l+1], widths[l]
		w := mat.NewDense(r, c, nil)
		b := make([]float64, r)
		for i := range r {
			for j := range c {
				w.Set(i, j, scale*rng.NormFloat64())
			}
			b[i] = 0.2 * rng.NormFloat64()
		}
		n.Layers = append(n.Layers, layers.Layer{W: w, B: b, Act: act})
	}
	return n
}

// loopedRefS computes s in float64 from one dual pass per direction, the
// first-order pieces only; finite differences of it are the oracle for the
// engine's second-order parts.
func loopedRefS(p Problem, z []float64, eps float64) []float64 {
	m, n := p.M(), p.N()
	zd := make([]dual.Number, m)
	u := make([][]float64, m)
	var x []float64
	for i := range m {
		for k, v := range z {
			zd[k] = dual.Number{Real: v}
		}
		zd[i].Eps = 1
		out := p.D.EvalDual(nil, zd, nil)
		u[i] = make([]float64, n)
		x = make([]float64, n)
		for k, v := range out {
			x[k], u[i][k] = v.Real, v.Eps
		}
	}
	g := make([]float64, n)
	xd := make([]dual.Number, n)
	for j := range n {
		for k, v := range x {
			xd[k] = dual.Number{Real: v}
		}
		xd[j].Eps = 1
		g[j] = p.Phi.EvalDual(nil, xd, nil)[0].Eps
	}
	s := make([]float64, m)
	for i := range m {
		var c, G, U float64
		for k := range n {
			c += g[k] * u[i][k]
			G += g[k] * g[k]
			U += u[i][k] * u[i][k]
		}
		s[i] = c * c / (G*U + eps)
	}
	return s
}

// loopedFD returns ∂s/∂(net's parameters) by central differences.
func loopedFD(p Problem, net *layers.Network, z []float64, eps float64) *mat.Dense {
	theta := net.Params(nil)
	defer net.SetParams(append([]float64(nil), theta...))
	J := mat.NewDense(p.M(), len(theta), nil)
	fd.Jacobian(J, func(s, th []float64) {
		net.SetParams(th)
		copy(s, loopedRefS(p, z, eps))
	}, theta, &fd.JacobianSettings{Formula: fd.Central})
	return J
}

// loopedMaxRel returns max|a − b| / max|b|.
func loopedMaxRel(a, b *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, math.Inf(1)) / mat.Norm(b, math.Inf(1))
}

var loopedCases = []struct {
	name       string
	dW, phiW   []int
	dAct, pAct []layers.Activation
}{
	{"tanh-gelu/softplus-silu", []int{3, 5, 4}, []int{4, 6, 1},
		[]layers.Activation{layers.Tanh, layers.GELU}, []layers.Activation{layers.Softplus, layers.SiLU}},
	{"sigmoid-elu/sin", []int{2, 4, 3}, []int{3, 5, 1},
		[]layers.Activation{layers.Sigmoid, layers.ELU}, []layers.Activation{layers.Sin, layers.Identity}},
	{"relu-identity/tanh-relu", []int{4, 6, 5}, []int{5, 4, 4, 1},
		[]layers.Activation{layers.ReLU, layers.Identity}, []layers.Activation{layers.Tanh, layers.ReLU, layers.Identity}},
	{"one layer each", []int{2, 3}, []int{3, 1},
		[]layers.Activation{layers.SiLU}, []layers.Activation{layers.Softplus}},
}

// TestLoopedFiniteDifference compares both Jacobians with central
// differences on random nonlinear networks, with and without Eps.
func TestLoopedFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	worst := 0.0
	for _, tc := range loopedCases {
		for _, eps := range []float64{0, 0.3} {
			p := Problem{
				D:   loopedNet(rng, tc.dW, tc.dAct, 0.9),
				Phi: loopedNet(rng, tc.phiW, tc.pAct, 0.9),
			}
			z := make([]float64, p.M())
			for i := range z {
				z[i] = rng.NormFloat64()
			}
			res := loopedEval(t, p, Options{Wrt: WrtBoth, Eps: eps}, z)
			if want := loopedRefS(p, z, eps); !loopedClose(res.S, want, 1e-14) {
				t.Errorf("%s, eps %v: s = %v, reference %v", tc.name, eps, res.S, want)
			}
			for _, j := range []struct {
				name string
				got  *mat.Dense
				net  *layers.Network
			}{{"GradD", res.GradD, p.D}, {"GradPhi", res.GradPhi, p.Phi}} {
				e := loopedMaxRel(j.got, loopedFD(p, j.net, z, eps))
				worst = math.Max(worst, e)
				if !(e < 1e-7) {
					t.Errorf("%s, eps %v: %s differs from finite differences by %.3g", tc.name, eps, j.name, e)
				}
			}
		}
	}
	t.Logf("largest difference from finite differences, relative to the Jacobian's largest entry: %.2g", worst)
}

// TestLoopedUndefined checks the typed errors for |g| = 0 and |uᵢ| = 0, and
// that Eps regularizes them.
func TestLoopedUndefined(t *testing.T) {
	zeroPhi := func() Problem {
		p, _ := loopedPost()
		p.Phi.Layers[0].W.Zero()
		return p
	}
	zeroCol := func() Problem {
		p, _ := loopedPost()
		for k := range 4 {
			p.D.Layers[0].W.Set(k, 1, 0)
		}
		return p
	}
	tests := []struct {
		name string
		p    Problem
		err  UndefinedError
		g2   float64
		u2   []float64
		// With Eps = 0.5: c = [8, 0] for zeroCol, so s = [64/(30·3+0.5), 0];
		// s = 0 for zeroPhi.
		sEps []float64
	}{
		{"zero gradient", zeroPhi(), UndefinedError{Direction: -1, Cause: "zero gradient of Φ"}, 0, []float64{3, 25}, []float64{0, 0}},
		{"zero column", zeroCol(), UndefinedError{Direction: 1, Cause: "zero Jacobian column of D"}, 30, []float64{3, 0}, []float64{64 / 90.5, 0}},
	}
	_, z := loopedPost()
	for _, tc := range tests {
		l, err := NewLooped(tc.p, Options{Wrt: WrtBoth})
		if err != nil {
			t.Fatal(err)
		}
		res := NewResult(tc.p, WrtBoth)
		err = l.Eval(res, z)
		var ue *UndefinedError
		if !errors.As(err, &ue) || *ue != tc.err {
			t.Errorf("%s: error %v, want %v", tc.name, err, &tc.err)
		}
		if res.GradNormSq != tc.g2 || !loopedClose(res.ColNormSq, tc.u2, 0) {
			t.Errorf("%s: pieces |g|² = %v, |u|² = %v not written", tc.name, res.GradNormSq, res.ColNormSq)
		}

		const eps = 0.5
		res = loopedEval(t, tc.p, Options{Wrt: WrtBoth, Eps: eps}, z)
		if !loopedClose(res.S, tc.sEps, 1e-15) {
			t.Errorf("%s, Eps %v: s = %v, want %v", tc.name, eps, res.S, tc.sEps)
		}
		// Compare absolutely: for zeroPhi, s ≡ 0 and both Jacobians vanish.
		for _, j := range []struct {
			name string
			got  *mat.Dense
			net  *layers.Network
		}{{"GradD", res.GradD, tc.p.D}, {"GradPhi", res.GradPhi, tc.p.Phi}} {
			var d mat.Dense
			d.Sub(j.got, loopedFD(tc.p, j.net, z, eps))
			if e := mat.Norm(&d, math.Inf(1)); !(e < 1e-8) {
				t.Errorf("%s, Eps %v: %s differs from finite differences by %.3g", tc.name, eps, j.name, e)
			}
		}
	}
}

func TestLoopedWrt(t *testing.T) {
	p, z := loopedPost()
	full := loopedEval(t, p, Options{Wrt: WrtBoth}, z)
	for _, wrt := range []Wrt{WrtNone, WrtD, WrtPhi} {
		l, err := NewLooped(p, Options{Wrt: wrt})
		if err != nil {
			t.Fatal(err)
		}
		res := NewResult(p, WrtBoth)
		res.GradD.Set(0, 0, 99)
		res.GradPhi.Set(0, 0, 99)
		if err := l.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		if !loopedClose(res.S, full.S, 0) || !loopedClose(res.Dot, full.Dot, 0) {
			t.Errorf("Wrt %v: values differ", wrt)
		}
		for _, j := range []struct {
			w         Wrt
			got, want *mat.Dense
		}{{WrtD, res.GradD, full.GradD}, {WrtPhi, res.GradPhi, full.GradPhi}} {
			if wrt&j.w != 0 && !mat.Equal(j.got, j.want) {
				t.Errorf("Wrt %v: Jacobian %v differs", wrt, j.w)
			}
			if wrt&j.w == 0 && j.got.At(0, 0) != 99 {
				t.Errorf("Wrt %v: unselected Jacobian %v was written", wrt, j.w)
			}
		}
	}
}

// TestLoopedParamsUpdate checks that parameters are read at every call.
func TestLoopedParamsUpdate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	c := loopedCases[0]
	p := Problem{D: loopedNet(rng, c.dW, c.dAct, 1), Phi: loopedNet(rng, c.phiW, c.pAct, 1)}
	z := []float64{0.3, -0.8, 1.1}
	l, err := NewLooped(p, Options{Wrt: WrtBoth})
	if err != nil {
		t.Fatal(err)
	}
	res := NewResult(p, WrtBoth)
	if err := l.Eval(res, z); err != nil {
		t.Fatal(err)
	}
	for _, net := range []*layers.Network{p.D, p.Phi} {
		th := net.Params(nil)
		for k := range th {
			th[k] *= 1.1
		}
		net.SetParams(th)
	}
	if err := l.Eval(res, z); err != nil {
		t.Fatal(err)
	}
	fresh := loopedEval(t, p, Options{Wrt: WrtBoth}, z)
	if !loopedClose(res.S, fresh.S, 0) || !mat.Equal(res.GradD, fresh.GradD) || !mat.Equal(res.GradPhi, fresh.GradPhi) {
		t.Error("Eval after SetParams differs from a fresh engine")
	}
}

func TestLoopedBadInput(t *testing.T) {
	p, z := loopedPost()
	l, err := NewLooped(p, Options{Wrt: WrtBoth})
	if err != nil {
		t.Fatal(err)
	}
	good := NewResult(p, WrtBoth)
	evalTests := []struct {
		name string
		res  *Result
		z    []float64
		want string
	}{
		{"short z", good, []float64{1}, "cossim: z has length 1, want 2"},
		{"NaN z", good, []float64{1, math.NaN()}, "cossim: z[1] = NaN is not finite"},
		{"Inf z", good, []float64{math.Inf(-1), 0}, "cossim: z[0] = -Inf is not finite"},
		{"nil result", nil, z, "cossim: result not sized for m = 2"},
		{"no GradPhi", NewResult(p, WrtD), z, "cossim: result has no GradPhi"},
		{"wrong GradD", &Result{S: make([]float64, 2), Dot: make([]float64, 2), ColNormSq: make([]float64, 2),
			GradD: mat.NewDense(2, 3, nil), GradPhi: mat.NewDense(2, 5, nil)}, z, "cossim: GradD is 2 × 3, want 2 × 12"},
	}
	for _, tc := range evalTests {
		if err := l.Eval(tc.res, tc.z); err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
	}

	twoOut, _ := loopedPost()
	twoOut.Phi = &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(2, 4, nil), B: []float64{0, 0}}}}
	narrow, _ := loopedPost()
	narrow.Phi = &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 3, nil), B: []float64{0}}}}
	badBias, _ := loopedPost()
	badBias.D.Layers[0].B = []float64{0, 0}
	newTests := []struct {
		name string
		p    Problem
		opt  Options
		want string
	}{
		{"two outputs", twoOut, Options{}, "cossim: Φ has 2 outputs, want 1"},
		{"widths", narrow, Options{}, "cossim: D's output width 4 does not match Φ's input width 3"},
		{"bad D", badBias, Options{}, "cossim: D network: layers: layer 0: bias: has length 2, want 4 (the weight's row count)"},
		{"nil Φ", Problem{D: p.D}, Options{}, "cossim: Φ network: layers: network has no layers"},
		{"negative Eps", p, Options{Eps: -1}, "cossim: Eps = -1, want a finite number ≥ 0"},
		{"NaN Eps", p, Options{Eps: math.NaN()}, "cossim: Eps = NaN, want a finite number ≥ 0"},
		{"Inf Eps", p, Options{Eps: math.Inf(1)}, "cossim: Eps = +Inf, want a finite number ≥ 0"},
		{"bad Wrt", p, Options{Wrt: 4}, "cossim: unknown Wrt value 4"},
	}
	for _, tc := range newTests {
		l, err := NewLooped(tc.p, tc.opt)
		if l != nil || err == nil || err.Error() != tc.want {
			t.Errorf("%s: NewLooped = %v, %v; want error %s", tc.name, l, err, tc.want)
		}
	}
}

func TestLoopedAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	c := loopedCases[0]
	p := Problem{D: loopedNet(rng, c.dW, c.dAct, 1), Phi: loopedNet(rng, c.phiW, c.pAct, 1)}
	l, err := NewLooped(p, Options{Wrt: WrtBoth})
	if err != nil {
		t.Fatal(err)
	}
	res := NewResult(p, WrtBoth)
	z := []float64{0.5, -1, 2}
	if a := testing.AllocsPerRun(5, func() {
		if err := l.Eval(res, z); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("Eval makes %v allocations per call, want 0", a)
	}
}

// BenchmarkLooped measures the reference engine on m → h → n → h → 1 tanh
// networks, the baseline for the loop-free engines.
func BenchmarkLooped(b *testing.B) {
	for _, sz := range []struct{ m, h, n int }{{2, 4, 4}, {4, 8, 8}, {8, 16, 16}} {
		for _, wrt := range []Wrt{WrtD, WrtBoth} {
			b.Run(fmt.Sprintf("m=%d/h=%d/n=%d/wrt=%d", sz.m, sz.h, sz.n, wrt), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				tanh := []layers.Activation{layers.Tanh, layers.Identity}
				p := Problem{
					D:   loopedNet(rng, []int{sz.m, sz.h, sz.n}, tanh, 1),
					Phi: loopedNet(rng, []int{sz.n, sz.h, 1}, tanh, 1),
				}
				l, err := NewLooped(p, Options{Wrt: wrt})
				if err != nil {
					b.Fatal(err)
				}
				res := NewResult(p, wrt)
				z := make([]float64, sz.m)
				for i := range z {
					z[i] = rng.NormFloat64()
				}
				if err := l.Eval(res, z); err != nil { // size the workspaces
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := l.Eval(res, z); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// The engine satisfies Engine.
var _ Engine = (*Looped)(nil)
