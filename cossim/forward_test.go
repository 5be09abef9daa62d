package cossim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// fwdPost returns the forum post's example: Φ(x) = [1 2 3 4]·x and
// D(z) = W z with W = [[1,0],[0,5],[1,0],[1,0]], both without bias, at
// z = (1, 0.5).
func fwdPost() (Problem, []float64) {
	phi := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}), B: []float64{0}}}}
	d := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}), B: make([]float64, 4)}}}
	return Problem{Phi: phi, D: d}, []float64{1, 0.5}
}

func TestForwardPostExample(t *testing.T) {
	// Hand derivation (issue 4, docs/math.md): g = w = (1,2,3,4), so
	// G = 30; u₁ = (1,0,1,1), u₂ = (0,5,0,0), so c = (8, 10) and
	// U = (3, 25). g does not depend on x, so ∂G/∂θ = 0 and
	//	∂s₁/∂W_r0 = 2c₁g_r/(G·U₁) − 2c₁²u₁_r/(G·U₁²) = (8/45)g_r − (64/135)u₁_r,
	//	∂s₂/∂W_r1 = (2/75)g_r − (8/75)u₂_r,
	// the other weight columns and all biases give 0. For Φ's weights w,
	//	∂sᵢ/∂w_k = 2cᵢuᵢ_k/(G·Uᵢ) − 2cᵢ²w_k/(G²·Uᵢ),
	// that is (8/45)u₁_k − (32/675)w_k and (2/75)u₂_k − (2/225)w_k, and
	// ∂sᵢ/∂b = 0.
	wantS := []float64{64.0 / 90, 100.0 / 750}
	wantDot := []float64{8, 10}
	wantU := []float64{3, 25}
	wantGradD := mat.NewDense(2, 12, []float64{
		-8.0 / 27, 0, 16.0 / 45, 0, 8.0 / 135, 0, 32.0 / 135, 0, 0, 0, 0, 0,
		0, 2.0 / 75, 0, 0, 0, 6.0 / 75, 0, 8.0 / 75, 0, 0, 0, 0,
	})
	wantGradPhi := mat.NewDense(2, 5, []float64{
		88.0 / 675, -64.0 / 675, 24.0 / 675, -8.0 / 675, 0,
		-2.0 / 225, 26.0 / 225, -6.0 / 225, -8.0 / 225, 0,
	})
	const tol = 1e-15
	for _, wrt := range []Wrt{WrtNone, WrtD, WrtPhi, WrtBoth} {
		t.Run(fmt.Sprint("wrt=", wrt), func(t *testing.T) {
			p, z := fwdPost()
			f, err := NewForward(p, Options{Wrt: wrt})
			if err != nil {
				t.Fatal(err)
			}
			res := NewResult(p, wrt)
			if err := f.Eval(res, z); err != nil {
				t.Fatal(err)
			}
			fwdCheckSlice(t, "S", res.S, wantS, tol)
			fwdCheckSlice(t, "Dot", res.Dot, wantDot, tol)
			fwdCheckSlice(t, "ColNormSq", res.ColNormSq, wantU, tol)
			if math.Abs(res.GradNormSq-30) > tol {
				t.Errorf("GradNormSq = %v, want 30", res.GradNormSq)
			}
			if wrt&WrtD != 0 && !mat.EqualApprox(res.GradD, wantGradD, tol) {
				t.Errorf("GradD =\n%v\nwant\n%v", mat.Formatted(res.GradD), mat.Formatted(wantGradD))
			}
			if wrt&WrtPhi != 0 && !mat.EqualApprox(res.GradPhi, wantGradPhi, tol) {
				t.Errorf("GradPhi =\n%v\nwant\n%v", mat.Formatted(res.GradPhi), mat.Formatted(wantGradPhi))
			}
		})
	}
}

func fwdCheckSlice(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s has length %d, want %d", name, len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
}

// fwdNet returns a network with the given widths and activations and random
// parameters scaled so that pre-activations stay in the curved range.
func fwdNet(rng *rand.Rand, widths []int, acts []layers.Activation) *layers.Network {
	n := &layers.Network{}
	for l, act := range acts {
		in, out := widths[l], widths[l+1]
		w := mat.NewDense(out, in, nil)
		for i := 0; i < out; i++ {
			for j := 0; j < in; j++ {
				w.Set(i, j, 1.2*rng.NormFloat64()/math.Sqrt(float64(in)))
			}
		}
		b := make([]float64, out)
		for i := range b {
			b[i] = 0.3 * rng.NormFloat64()
		}
		n.Layers = append(n.Layers, layers.Layer{W: w, B: b, Act: act})
	}
	return n
}

// fwdPieces computes c, G and U with the layers tangent passes, which the
// layers tests check against scalar dual passes and finite differences.
func fwdPieces(p Problem, z []float64) (c []float64, G float64, U []float64) {
	m, n := p.M(), p.N()
	var wd, wp layers.Workspace
	x, J := p.D.Tangent(&wd, z, fwdEye(m))
	_, gT := p.Phi.Tangent(&wp, x, fwdEye(n))
	g := mat.Row(nil, 0, gT)
	for _, v := range g {
		G += v * v
	}
	c, U = make([]float64, m), make([]float64, m)
	for i := 0; i < m; i++ {
		u := mat.Col(nil, i, J)
		c[i] = mat.Dot(mat.NewVecDense(n, u), mat.NewVecDense(n, g))
		U[i] = mat.Dot(mat.NewVecDense(n, u), mat.NewVecDense(n, u))
	}
	return c, G, U
}

func fwdEye(n int) *mat.Dense {
	e := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		e.Set(i, i, 1)
	}
	return e
}

// fwdS returns sᵢ = cᵢ²/(G·Uᵢ + eps) from fwdPieces.
func fwdS(p Problem, z []float64, eps float64) []float64 {
	c, G, U := fwdPieces(p, z)
	s := make([]float64, len(c))
	for i := range s {
		s[i] = c[i] * c[i] / (G*U[i] + eps)
	}
	return s
}

// fwdFD returns ∂s/∂params(net) by central differences.
func fwdFD(p Problem, net *layers.Network, z []float64, eps float64) *mat.Dense {
	theta := net.Params(nil)
	defer net.SetParams(append([]float64(nil), theta...))
	jac := mat.NewDense(p.M(), len(theta), nil)
	fd.Jacobian(jac, func(s, th []float64) {
		net.SetParams(th)
		copy(s, fwdS(p, z, eps))
	}, theta, &fd.JacobianSettings{Formula: fd.Central})
	return jac
}

type fwdCase struct {
	name       string
	dW, phiW   []int
	dAct, fAct []layers.Activation
	eps        float64
}

var fwdCases = []fwdCase{
	{"m=1 tanh/sigmoid", []int{1, 3}, []int{3, 2, 1}, []layers.Activation{layers.Tanh}, []layers.Activation{layers.Sigmoid, layers.Identity}, 0},
	{"m=2 softplus,gelu/silu", []int{2, 4, 3}, []int{3, 5, 1}, []layers.Activation{layers.Softplus, layers.GELU}, []layers.Activation{layers.SiLU, layers.Tanh}, 0},
	{"m=3 sin,elu,identity/relu,tanh", []int{3, 5, 2, 4}, []int{4, 6, 3, 1}, []layers.Activation{layers.Sin, layers.ELU, layers.Identity}, []layers.Activation{layers.ReLU, layers.Tanh, layers.Softplus}, 0},
	{"m=2 elu/gelu,sin with eps", []int{2, 3}, []int{3, 4, 1}, []layers.Activation{layers.ELU}, []layers.Activation{layers.GELU, layers.Sin}, 0.1},
}

// fwdTol bounds |engine − central difference| relative to max(1, |fd|).
const fwdTol = 1e-7

func TestForwardFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, c := range fwdCases {
		t.Run(c.name, func(t *testing.T) {
			p := Problem{D: fwdNet(rng, c.dW, c.dAct), Phi: fwdNet(rng, c.phiW, c.fAct)}
			z := make([]float64, p.M())
			for i := range z {
				z[i] = rng.NormFloat64()
			}
			f, err := NewForward(p, Options{Wrt: WrtBoth, Eps: c.eps})
			if err != nil {
				t.Fatal(err)
			}
			res := NewResult(p, WrtBoth)
			if err := f.Eval(res, z); err != nil {
				t.Fatal(err)
			}
			dot, G, U := fwdPieces(p, z)
			fwdCheckSlice(t, "S", res.S, fwdS(p, z, c.eps), 1e-13)
			fwdCheckSlice(t, "Dot", res.Dot, dot, 1e-13)
			fwdCheckSlice(t, "ColNormSq", res.ColNormSq, U, 1e-13)
			fwdCheckSlice(t, "GradNormSq", []float64{res.GradNormSq}, []float64{G}, 1e-13)
			var worst float64
			for _, g := range []struct {
				name string
				got  *mat.Dense
				net  *layers.Network
			}{{"GradD", res.GradD, p.D}, {"GradPhi", res.GradPhi, p.Phi}} {
				want := fwdFD(p, g.net, z, c.eps)
				r, k := want.Dims()
				for i := 0; i < r; i++ {
					for j := 0; j < k; j++ {
						e := math.Abs(g.got.At(i, j)-want.At(i, j)) / math.Max(1, math.Abs(want.At(i, j)))
						worst = math.Max(worst, e)
						if !(e <= fwdTol) {
							t.Errorf("%s[%d,%d] = %v, finite difference %v", g.name, i, j, g.got.At(i, j), want.At(i, j))
						}
					}
				}
			}
			t.Logf("P_D = %d, P_Φ = %d: max relative difference from fd %.2g", p.D.NumParams(), p.Phi.NumParams(), worst)
		})
	}
}

// TestForwardWrt checks that each Wrt gives the same numbers as WrtBoth for
// what it selects, and leaves the rest of the Result alone.
func TestForwardWrt(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	c := fwdCases[2]
	p := Problem{D: fwdNet(rng, c.dW, c.dAct), Phi: fwdNet(rng, c.phiW, c.fAct)}
	z := []float64{0.3, -0.7, 1.1}
	fb, err := NewForward(p, Options{Wrt: WrtBoth})
	if err != nil {
		t.Fatal(err)
	}
	both := NewResult(p, WrtBoth)
	if err := fb.Eval(both, z); err != nil {
		t.Fatal(err)
	}
	for _, wrt := range []Wrt{WrtNone, WrtD, WrtPhi} {
		f, err := NewForward(p, Options{Wrt: wrt})
		if err != nil {
			t.Fatal(err)
		}
		res := NewResult(p, WrtBoth) // both Jacobians present; the unselected one must stay NaN
		for _, g := range []*mat.Dense{res.GradD, res.GradPhi} {
			r, k := g.Dims()
			for i := 0; i < r; i++ {
				for j := 0; j < k; j++ {
					g.Set(i, j, math.NaN())
				}
			}
		}
		if err := f.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		fwdCheckSlice(t, fmt.Sprint(wrt, " S"), res.S, both.S, 1e-14)
		for _, g := range []struct {
			bit       Wrt
			got, want *mat.Dense
		}{{WrtD, res.GradD, both.GradD}, {WrtPhi, res.GradPhi, both.GradPhi}} {
			selected := wrt&g.bit != 0
			if selected && !mat.EqualApprox(g.got, g.want, 1e-14) {
				t.Errorf("wrt=%v: Jacobian %v differs from WrtBoth's", wrt, g.bit)
			}
			if !selected && !math.IsNaN(g.got.At(0, 0)) {
				t.Errorf("wrt=%v: unselected Jacobian %v was written", wrt, g.bit)
			}
		}
	}
}

func TestForwardMemoryBudget(t *testing.T) {
	p, _ := fwdPost()
	need := ForwardBytes(p, WrtBoth)
	if _, err := NewForward(p, Options{Wrt: WrtBoth, ForwardMemory: need}); err != nil {
		t.Errorf("budget = ForwardBytes = %d: %v", need, err)
	}
	_, err := NewForward(p, Options{Wrt: WrtBoth, ForwardMemory: need - 1})
	if err == nil {
		t.Fatalf("budget = ForwardBytes−1 = %d: no error", need-1)
	}
	for _, s := range []string{fmt.Sprintf("needs %d bytes", need), fmt.Sprintf("budget of %d bytes", need-1), "Adjoint"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}

	// A problem of realistic size exceeds the default budget; NewForward
	// refuses it before allocating anything.
	rng := rand.New(rand.NewPCG(25, 26))
	big := Problem{
		D:   fwdNet(rng, []int{8, 256, 256, 784}, []layers.Activation{layers.Tanh, layers.Tanh, layers.Sigmoid}),
		Phi: fwdNet(rng, []int{784, 256, 1}, []layers.Activation{layers.Tanh, layers.Identity}),
	}
	need = ForwardBytes(big, WrtD)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = NewForward(big, Options{Wrt: WrtD})
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatalf("%d bytes needed: no error with the default budget", need)
	}
	if s := fmt.Sprintf("budget of %d bytes", int64(DefaultForwardMemory)); !strings.Contains(err.Error(), s) {
		t.Errorf("error %q does not contain %q", err, s)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
		t.Errorf("refusing allocated %d bytes", a)
	}
	t.Logf("refusal: %v", err)
}

// TestForwardBytes checks the estimate against what NewForward and the first
// Eval actually allocate.
func TestForwardBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	p := Problem{
		D:   fwdNet(rng, []int{3, 10, 12}, []layers.Activation{layers.Tanh, layers.Sigmoid}),
		Phi: fwdNet(rng, []int{12, 8, 1}, []layers.Activation{layers.SiLU, layers.Identity}),
	}
	z := []float64{0.1, 0.2, -0.3}
	for _, wrt := range []Wrt{WrtD, WrtPhi, WrtBoth} {
		res := NewResult(p, wrt)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f, err := NewForward(p, Options{Wrt: wrt})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		got := int64(after.TotalAlloc - before.TotalAlloc)
		est := ForwardBytes(p, wrt)
		// Allocation rounds sizes up to size classes, and headers and
		// gonum's goroutines add a little.
		if est > got || float64(got) > 1.15*float64(est)+32<<10 {
			t.Errorf("wrt=%v: ForwardBytes = %d, allocated %d", wrt, est, got)
		}
		t.Logf("wrt=%v: ForwardBytes = %d, allocated %d", wrt, est, got)
	}
}

func TestForwardAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	c := fwdCases[1]
	p := Problem{D: fwdNet(rng, c.dW, c.dAct), Phi: fwdNet(rng, c.phiW, c.fAct)}
	z := []float64{0.4, -0.2}
	for _, wrt := range []Wrt{WrtNone, WrtD, WrtPhi, WrtBoth} {
		f, err := NewForward(p, Options{Wrt: wrt})
		if err != nil {
			t.Fatal(err)
		}
		res := NewResult(p, wrt)
		if err := f.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(20, func() { f.Eval(res, z) }); a != 0 {
			t.Errorf("wrt=%v: %v allocations per Eval, want 0", wrt, a)
		}
	}
}

func TestForwardUndefined(t *testing.T) {
	zeroPhi := func(p Problem) { p.Phi.Layers[0].W.Zero() }
	zeroCol1 := func(p Problem) {
		for r := 0; r < 4; r++ {
			p.D.Layers[0].W.Set(r, 1, 0)
		}
	}
	for _, c := range []struct {
		name      string
		breakIt   func(Problem)
		direction int
		cause     string
	}{
		{"zero gradient", zeroPhi, -1, "zero gradient of Φ"},
		{"zero column 1", zeroCol1, 1, "zero Jacobian column of D"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, z := fwdPost()
			c.breakIt(p)
			f, err := NewForward(p, Options{Wrt: WrtBoth})
			if err != nil {
				t.Fatal(err)
			}
			res := NewResult(p, WrtBoth)
			err = f.Eval(res, z)
			var ue *UndefinedError
			if !errors.As(err, &ue) {
				t.Fatalf("error %v, want an *UndefinedError", err)
			}
			if ue.Sample != 0 || ue.Direction != c.direction || ue.Cause != c.cause {
				t.Errorf("error %+v, want sample 0, direction %d, cause %q", *ue, c.direction, c.cause)
			}
			// The pieces are still written: c = g·u and |u|² of the broken problem.
			dot, G, U := fwdPieces(p, z)
			fwdCheckSlice(t, "Dot", res.Dot, dot, 0)
			fwdCheckSlice(t, "ColNormSq", res.ColNormSq, U, 0)
			if res.GradNormSq != G {
				t.Errorf("GradNormSq = %v, want %v", res.GradNormSq, G)
			}

			// With Eps the result is finite and equals the regularized
			// quotient and its finite differences.
			const eps = 1e-3
			f, err = NewForward(p, Options{Wrt: WrtBoth, Eps: eps})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Eval(res, z); err != nil {
				t.Fatalf("Eps = %v: %v", eps, err)
			}
			fwdCheckSlice(t, "S", res.S, fwdS(p, z, eps), 1e-14)
			for _, g := range []struct {
				got *mat.Dense
				net *layers.Network
			}{{res.GradD, p.D}, {res.GradPhi, p.Phi}} {
				want := fwdFD(p, g.net, z, eps)
				if !mat.EqualApprox(g.got, want, 1e-6) {
					t.Errorf("Eps = %v: Jacobian\n%v\nfinite differences\n%v", eps, mat.Formatted(g.got), mat.Formatted(want))
				}
				r, k := g.got.Dims()
				for i := 0; i < r; i++ {
					for j := 0; j < k; j++ {
						if v := g.got.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
							t.Fatalf("Eps = %v: Jacobian entry %d,%d = %v", eps, i, j, v)
						}
					}
				}
			}
		})
	}
}

func TestForwardBadInput(t *testing.T) {
	p, z := fwdPost()
	f, err := NewForward(p, Options{Wrt: WrtD})
	if err != nil {
		t.Fatal(err)
	}
	twoOut := Problem{D: p.D, Phi: &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(2, 4, nil), B: make([]float64, 2)}}}}
	badChain := Problem{D: p.D, Phi: &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 3, nil), B: make([]float64, 1)}}}}
	badBias := Problem{Phi: p.Phi, D: &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, nil), B: make([]float64, 3)}}}}
	for _, c := range []struct {
		name string
		err  func() error
		msg  string
	}{
		{"nil D", func() error { _, err := NewForward(Problem{Phi: p.Phi}, Options{}); return err }, "D network is missing"},
		{"empty Φ", func() error { _, err := NewForward(Problem{Phi: &layers.Network{}, D: p.D}, Options{}); return err }, "Φ: layers: network has no layers"},
		{"Φ with 2 outputs", func() error { _, err := NewForward(twoOut, Options{}); return err }, "Φ has 2 outputs"},
		{"D does not chain into Φ", func() error { _, err := NewForward(badChain, Options{}); return err }, "does not match Φ's input width 3"},
		{"bad bias", func() error { _, err := NewForward(badBias, Options{}); return err }, "D: layers: layer 0: bias"},
		{"negative Eps", func() error { _, err := NewForward(p, Options{Eps: -1}); return err }, "Eps = -1"},
		{"NaN Eps", func() error { _, err := NewForward(p, Options{Eps: math.NaN()}); return err }, "Eps = NaN"},
		{"unknown Wrt", func() error { _, err := NewForward(p, Options{Wrt: 4}); return err }, "unknown Wrt"},
		{"negative budget", func() error { _, err := NewForward(p, Options{ForwardMemory: -1}); return err }, "ForwardMemory = -1"},
		{"short z", func() error { return f.Eval(NewResult(p, WrtD), z[:1]) }, "z has length 1, want 2"},
		{"NaN z", func() error { return f.Eval(NewResult(p, WrtD), []float64{1, math.NaN()}) }, "z[1] = NaN is not finite"},
		{"Inf z", func() error { return f.Eval(NewResult(p, WrtD), []float64{math.Inf(-1), 1}) }, "z[0] = -Inf"},
		{"nil result", func() error { return f.Eval(nil, z) }, "result not sized"},
		{"result without GradD", func() error { return f.Eval(NewResult(p, WrtPhi), z) }, "result has no GradD"},
		{"GradD wrong shape", func() error {
			r := NewResult(p, WrtD)
			r.GradD = mat.NewDense(2, 11, nil)
			return f.Eval(r, z)
		}, "GradD is 2 × 11, want 2 × 12"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not contain %q", err, c.msg)
			}
		})
	}
}

func BenchmarkForward(b *testing.B) {
	for _, c := range []struct {
		name     string
		dW, phiW []int
	}{
		{"post", []int{2, 4}, []int{4, 1}},
		{"small", []int{4, 32, 16}, []int{16, 32, 1}},
		{"medium", []int{8, 64, 64}, []int{64, 64, 1}},
	} {
		for _, wrt := range []Wrt{WrtD, WrtBoth} {
			b.Run(fmt.Sprintf("%s/wrt=%v", c.name, wrt), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(31, 32))
				acts := func(k int) []layers.Activation {
					a := make([]layers.Activation, k)
					for i := range a {
						a[i] = layers.Tanh
					}
					return a
				}
				p := Problem{D: fwdNet(rng, c.dW, acts(len(c.dW)-1)), Phi: fwdNet(rng, c.phiW, acts(len(c.phiW)-1))}
				z := make([]float64, p.M())
				for i := range z {
					z[i] = rng.NormFloat64()
				}
				f, err := NewForward(p, Options{Wrt: wrt})
				if err != nil {
					b.Fatal(err)
				}
				res := NewResult(p, wrt)
				if err := f.Eval(res, z); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					f.Eval(res, z)
				}
				b.ReportMetric(float64(ForwardBytes(p, wrt)), "bytes-held")
			})
		}
	}
}
