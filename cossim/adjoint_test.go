package cossim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/blas/blas64"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// adjNet returns a network with the given widths (input first) and
// activations, with deterministic random weights and biases of scale
// scale/√fan_in.
func adjNet(rng *rand.Rand, widths []int, acts []layers.Activation, scale float64) *layers.Network {
	net := &layers.Network{}
	for l := 0; l+1 < len(widths); l++ {
		in, out := widths[l], widths[l+1]
		s := scale / math.Sqrt(float64(in))
		w := mat.NewDense(out, in, nil)
		for i := 0; i < out; i++ {
			for j := 0; j < in; j++ {
				w.Set(i, j, s*(2*rng.Float64()-1))
			}
		}
		b := make([]float64, out)
		for i := range b {
			b[i] = s * (2*rng.Float64() - 1)
		}
		net.Layers = append(net.Layers, layers.Layer{W: w, B: b, Act: acts[l]})
	}
	return net
}

func adjVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}

// adjPost is the forum post's example.
func adjPost() (Problem, []float64) {
	phi := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}), B: []float64{0}}}}
	d := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}), B: make([]float64, 4)}}}
	return Problem{Phi: phi, D: d}, []float64{1, 0.5}
}

// adjForward runs net on x with plain loops over W.At and returns every
// layer's pre-activation and the output.
func adjForward(net *layers.Network, x []float64) (pre [][]float64, out []float64) {
	h := x
	for _, ly := range net.Layers {
		r, c := ly.W.Dims()
		a := make([]float64, r)
		next := make([]float64, r)
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

// adjRefS computes s = c²/(G·U + eps) directly from its definition, with
// scalar loops: a tangent pass through D per latent direction for uᵢ and
// a tangent pass through Φ per input coordinate for g. It shares no code
// with the engines, and is the function whose parameter Jacobian the
// finite-difference oracle differentiates.
func adjRefS(p Problem, z []float64, eps float64) []float64 {
	c, g2, u2 := adjRefPieces(p, z)
	s := make([]float64, len(c))
	for i := range s {
		s[i] = c[i] * c[i] / (g2*u2[i] + eps)
	}
	return s
}

// adjRefPieces returns c, G and U as adjRefS computes them.
func adjRefPieces(p Problem, z []float64) (c []float64, g2 float64, u2 []float64) {
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
	dotp := func(a, b []float64) float64 {
		s := 0.0
		for k := range a {
			s += a[k] * b[k]
		}
		return s
	}
	c, u2 = make([]float64, m), make([]float64, m)
	for i := range c {
		c[i], u2[i] = dotp(g, u[i]), dotp(u[i], u[i])
	}
	return c, dotp(g, g), u2
}

// adjFD returns the central-difference Jacobian of adjRefS with respect to
// net's parameters (net is p.D or p.Phi), restoring them afterwards.
func adjFD(p Problem, net *layers.Network, z []float64, eps float64) *mat.Dense {
	theta := net.Params(nil)
	orig := append([]float64(nil), theta...)
	defer net.SetParams(orig)
	dst := mat.NewDense(p.M(), len(theta), nil)
	fd.Jacobian(dst, func(s, th []float64) {
		net.SetParams(th)
		copy(s, adjRefS(p, z, eps))
	}, theta, &fd.JacobianSettings{Formula: fd.Central})
	return dst
}

// adjNormRel returns max|a−b| / max|b|, the normwise relative difference.
func adjNormRel(a, b []float64) float64 {
	scale, diff := 0.0, 0.0
	for k := range b {
		scale = math.Max(scale, math.Abs(b[k]))
		diff = math.Max(diff, math.Abs(a[k]-b[k]))
	}
	if len(a) != len(b) || math.IsNaN(diff) {
		return math.Inf(1)
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}

// adjKinkMargin returns the smallest |pre-activation| over the ReLU and ELU
// layers of both networks at z, so that finite differences stay on one
// side of the kinks.
func adjKinkMargin(p Problem, z []float64) float64 {
	margin := math.Inf(1)
	preD, x := adjForward(p.D, z)
	preF, _ := adjForward(p.Phi, x)
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

func TestAdjointPostExample(t *testing.T) {
	p, z := adjPost()
	a, err := NewAdjoint(p, Options{Wrt: WrtBoth})
	if err != nil {
		t.Fatal(err)
	}
	res := NewResult(p, WrtBoth)
	if err := a.Eval(res, z); err != nil {
		t.Fatal(err)
	}
	// Hand-derived in docs/math.md ("The post's example, by hand"): g = w,
	// u₁ = [1,0,1,1], u₂ = [0,5,0,0], G = 30, c = [8, 10], U = [3, 25].
	wantD := []float64{
		-8.0 / 27, 0, 16.0 / 45, 0, 8.0 / 135, 0, 32.0 / 135, 0, 0, 0, 0, 0,
		0, 2.0 / 75, 0, 0, 0, 6.0 / 75, 0, 8.0 / 75, 0, 0, 0, 0,
	}
	// ∂sᵢ/∂w_r = 2cᵢuᵢᵣ/(G·Uᵢ) − 2cᵢ²w_r/(G²·Uᵢ) (docs/math.md); Φ's bias
	// does not move g, so its derivative is 0.
	w := []float64{1, 2, 3, 4}
	u := [][]float64{{1, 0, 1, 1}, {0, 5, 0, 0}}
	c, G, U := []float64{8, 10}, 30.0, []float64{3, 25}
	var wantPhi []float64
	for i := range 2 {
		for r := range 4 {
			wantPhi = append(wantPhi, 2*c[i]*u[i][r]/(G*U[i])-2*c[i]*c[i]*w[r]/(G*G*U[i]))
		}
		wantPhi = append(wantPhi, 0)
	}
	for _, q := range []struct {
		what      string
		got, want []float64
	}{
		{"s", res.S, []float64{64.0 / 90, 100.0 / 750}},
		{"dot", res.Dot, c},
		{"|u|²", res.ColNormSq, U},
		{"|g|²", []float64{res.GradNormSq}, []float64{G}},
		{"∂s/∂θ", res.GradD.RawMatrix().Data, wantD},
		{"∂s/∂φ", res.GradPhi.RawMatrix().Data, wantPhi},
	} {
		for i := range q.want {
			if math.Abs(q.got[i]-q.want[i]) > 1e-15 {
				t.Errorf("%s[%d] = %.17g, want %.17g", q.what, i, q.got[i], q.want[i])
			}
		}
	}
}

// adjCase is a random problem for the derivative tests.
type adjCase struct {
	name       string
	dW, phiW   []int
	dAct, fAct []layers.Activation
	eps        float64
}

func adjCases() []adjCase {
	var cs []adjCase
	for _, act := range []layers.Activation{
		layers.Identity, layers.Tanh, layers.Sigmoid, layers.Softplus, layers.ReLU,
		layers.ELU, layers.SiLU, layers.GELU, layers.Sin,
	} {
		cs = append(cs, adjCase{
			name: act.String(),
			dW:   []int{3, 5, 4}, dAct: []layers.Activation{act, act},
			phiW: []int{4, 6, 1}, fAct: []layers.Activation{act, act},
		})
	}
	return append(cs,
		adjCase{
			name: "mixed",
			dW:   []int{2, 4, 3, 5}, dAct: []layers.Activation{layers.Tanh, layers.Sin, layers.GELU},
			phiW: []int{5, 3, 4, 1}, fAct: []layers.Activation{layers.Softplus, layers.ELU, layers.Sigmoid},
		},
		adjCase{
			name: "eps",
			dW:   []int{4, 3}, dAct: []layers.Activation{layers.SiLU},
			phiW: []int{3, 2, 1}, fAct: []layers.Activation{layers.Tanh, layers.Sin},
			eps: 0.25,
		},
		adjCase{
			name: "m=1",
			dW:   []int{1, 3, 2}, dAct: []layers.Activation{layers.Tanh, layers.Identity},
			phiW: []int{2, 1}, fAct: []layers.Activation{layers.Sin},
		},
	)
}

// adjProblem draws a problem and latent for c, redrawing until ReLU and
// ELU pre-activations are at least 0.05 from their kink and |g|², |uᵢ|²
// are at least 10⁻³.
func adjProblem(t *testing.T, c adjCase, seed uint64) (Problem, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for range 100 {
		p := Problem{D: adjNet(rng, c.dW, c.dAct, 1.5), Phi: adjNet(rng, c.phiW, c.fAct, 1.5)}
		z := adjVec(rng, c.dW[0])
		_, g2, u2 := adjRefPieces(p, z)
		if adjKinkMargin(p, z) >= 0.05 && g2 >= 1e-3 && slices.Min(u2) >= 1e-3 {
			return p, z
		}
	}
	t.Fatalf("%s: no draw away from the kinks", c.name)
	return Problem{}, nil
}

// TestAdjointFiniteDifference compares both Jacobians with central
// differences of the independent scalar reference adjRefS. Central
// differences are accurate to about 1e-10 of the Jacobian's scale, so the
// comparison is normwise: max|got − fd| / max|fd|.
func TestAdjointFiniteDifference(t *testing.T) {
	const tol = 1e-8
	worst := 0.0
	for ci, c := range adjCases() {
		t.Run(c.name, func(t *testing.T) {
			p, z := adjProblem(t, c, uint64(ci+1))
			opt := Options{Wrt: WrtBoth, Eps: c.eps}
			a, err := NewAdjoint(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			res := NewResult(p, WrtBoth)
			if err := a.Eval(res, z); err != nil {
				t.Fatal(err)
			}
			if e := adjNormRel(res.S, adjRefS(p, z, c.eps)); e > 1e-13 {
				t.Errorf("s differs from the reference by %.3g", e)
			}
			for _, q := range []struct {
				what string
				got  *mat.Dense
				net  *layers.Network
			}{{"∂s/∂θ", res.GradD, p.D}, {"∂s/∂φ", res.GradPhi, p.Phi}} {
				want := adjFD(p, q.net, z, c.eps)
				e := adjNormRel(q.got.RawMatrix().Data, want.RawMatrix().Data)
				worst = math.Max(worst, e)
				if !(e <= tol) {
					t.Errorf("%s: largest relative difference from finite differences %.3g > %g\ngot  %v\nwant %v",
						q.what, e, tol, mat.Formatted(q.got), mat.Formatted(want))
				}
			}
		})
	}
	t.Logf("largest normwise relative difference from central differences: %.3g", worst)
}

// TestAdjointWrt checks that each Wrt computes its Jacobians exactly as
// WrtBoth does and leaves unselected ones alone.
func TestAdjointWrt(t *testing.T) {
	p, z := adjProblem(t, adjCases()[9], 11)
	eval := func(wrt Wrt) *Result {
		a, err := NewAdjoint(p, Options{Wrt: wrt})
		if err != nil {
			t.Fatal(err)
		}
		res := NewResult(p, WrtBoth)
		res.GradD.Set(0, 0, 42)
		res.GradPhi.Set(0, 0, 42)
		if err := a.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		return res
	}
	both, onlyD, onlyPhi, none := eval(WrtBoth), eval(WrtD), eval(WrtPhi), eval(WrtNone)
	if !mat.Equal(both.GradD, onlyD.GradD) || !mat.Equal(both.GradPhi, onlyPhi.GradPhi) {
		t.Error("WrtD or WrtPhi alone differs from WrtBoth")
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"WrtD's GradPhi", onlyD.GradPhi.At(0, 0)}, {"WrtPhi's GradD", onlyPhi.GradD.At(0, 0)},
		{"WrtNone's GradD", none.GradD.At(0, 0)}, {"WrtNone's GradPhi", none.GradPhi.At(0, 0)}} {
		if r.v != 42 {
			t.Errorf("%s was overwritten", r.name)
		}
	}
	for i := range both.S {
		if both.S[i] != none.S[i] || both.Dot[i] != none.Dot[i] || both.ColNormSq[i] != none.ColNormSq[i] {
			t.Errorf("values differ between WrtBoth and WrtNone at %d", i)
		}
	}
}

// TestAdjointSumGrad checks SumGrad against wᵀ·(the full Jacobian).
func TestAdjointSumGrad(t *testing.T) {
	const tol = 1e-12
	worst := 0.0
	for ci, c := range adjCases() {
		t.Run(c.name, func(t *testing.T) {
			p, z := adjProblem(t, c, uint64(100+ci))
			opt := Options{Wrt: WrtBoth, Eps: c.eps}
			a, err := NewAdjoint(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			res := NewResult(p, WrtBoth)
			if err := a.Eval(res, z); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(ci), 3))
			for _, w := range [][]float64{nil, adjVec(rng, p.M())} {
				ones := w
				if ones == nil {
					ones = make([]float64, p.M())
					for i := range ones {
						ones[i] = 1
					}
				}
				wantSum := mat.Dot(mat.NewVecDense(len(ones), ones), mat.NewVecDense(len(res.S), res.S))
				wantD := mat.NewVecDense(p.D.NumParams(), nil)
				wantD.MulVec(res.GradD.T(), mat.NewVecDense(len(ones), ones))
				wantPhi := mat.NewVecDense(p.Phi.NumParams(), nil)
				wantPhi.MulVec(res.GradPhi.T(), mat.NewVecDense(len(ones), ones))

				gd, gp := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
				sum, err := a.SumGrad(gd, gp, z, w)
				if err != nil {
					t.Fatal(err)
				}
				if e := math.Abs(sum-wantSum) / math.Abs(wantSum); e > tol {
					t.Errorf("w=%v: sum %v, want %v", w, sum, wantSum)
				}
				for _, q := range []struct {
					what      string
					got, want []float64
				}{{"θ", gd, wantD.RawVector().Data}, {"φ", gp, wantPhi.RawVector().Data}} {
					e := adjNormRel(q.got, q.want)
					worst = math.Max(worst, e)
					if !(e <= tol) {
						t.Errorf("w=%v: gradient wrt %s differs from wᵀJ by %.3g", w, q.what, e)
					}
				}
				// Skipping one gradient must not change the other.
				gd2, gp2 := make([]float64, len(gd)), make([]float64, len(gp))
				if _, err := a.SumGrad(gd2, nil, z, w); err != nil {
					t.Fatal(err)
				}
				if _, err := a.SumGrad(nil, gp2, z, w); err != nil {
					t.Fatal(err)
				}
				if adjNormRel(gd2, gd) != 0 || adjNormRel(gp2, gp) != 0 {
					t.Error("a gradient alone differs from both together")
				}
			}
		})
	}
	t.Logf("largest normwise relative difference of SumGrad from wᵀJ: %.3g", worst)
}

func TestAdjointUndefined(t *testing.T) {
	for _, c := range []struct {
		name    string
		mutate  func(p Problem)
		dir     int
		noError bool
	}{
		// Φ = 0·x: g = 0 for every direction.
		{name: "zero g", mutate: func(p Problem) { p.Phi.Layers[0].W.Zero() }, dir: -1},
		// Column 1 of D's weight zero: u₁ = 0.
		{name: "zero u1", mutate: func(p Problem) {
			for r := 0; r < 4; r++ {
				p.D.Layers[0].W.Set(r, 1, 0)
			}
		}, dir: 1},
	} {
		for _, eps := range []float64{0, 1e-3} {
			t.Run(fmt.Sprintf("%s/eps=%g", c.name, eps), func(t *testing.T) {
				p, z := adjPost()
				c.mutate(p)
				a, err := NewAdjoint(p, Options{Wrt: WrtBoth, Eps: eps})
				if err != nil {
					t.Fatal(err)
				}
				res := NewResult(p, WrtBoth)
				err = a.Eval(res, z)
				_, serr := a.SumGrad(make([]float64, p.D.NumParams()), nil, z, nil)
				if eps > 0 {
					if err != nil || serr != nil {
						t.Fatalf("Eps > 0: errors %v, %v", err, serr)
					}
					for _, v := range append(append(append([]float64{}, res.S...), res.GradD.RawMatrix().Data...), res.GradPhi.RawMatrix().Data...) {
						if math.IsNaN(v) || math.IsInf(v, 0) {
							t.Fatalf("Eps > 0 gave a non-finite result: s = %v", res.S)
						}
					}
					return
				}
				for _, e := range []error{err, serr} {
					var ue *UndefinedError
					if !errors.As(e, &ue) {
						t.Fatalf("error %v, want *UndefinedError", e)
					}
					if ue.Direction != c.dir || ue.Sample != 0 {
						t.Errorf("error names sample %d direction %d, want 0, %d: %v", ue.Sample, ue.Direction, c.dir, ue)
					}
				}
			})
		}
	}
}

func TestAdjointBadInput(t *testing.T) {
	p, z := adjPost()
	a, err := NewAdjoint(p, Options{Wrt: WrtBoth})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"short z", func() error { return a.Eval(NewResult(p, WrtBoth), z[:1]) }},
		{"NaN z", func() error { return a.Eval(NewResult(p, WrtBoth), []float64{1, math.NaN()}) }},
		{"no GradPhi", func() error { return a.Eval(NewResult(p, WrtD), z) }},
		{"nil result", func() error { return a.Eval(nil, z) }},
		{"short w", func() error { _, err := a.SumGrad(nil, nil, z, []float64{1}); return err }},
		{"short gradD", func() error { _, err := a.SumGrad(make([]float64, 3), nil, z, nil); return err }},
		{"short gradPhi", func() error { _, err := a.SumGrad(nil, make([]float64, 3), z, nil); return err }},
	} {
		if err := c.run(); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	bad := []struct {
		name string
		p    func() Problem
	}{
		{"nil D", func() Problem { p, _ := adjPost(); p.D = nil; return p }},
		{"Φ with two outputs", func() Problem {
			p, _ := adjPost()
			p.Phi.Layers[0] = layers.Layer{W: mat.NewDense(2, 4, nil), B: make([]float64, 2)}
			return p
		}},
		{"bias length", func() Problem { p, _ := adjPost(); p.D.Layers[0].B = nil; return p }},
		{"width mismatch", func() Problem {
			p, _ := adjPost()
			p.D.Layers = append(p.D.Layers, layers.Layer{W: mat.NewDense(4, 3, nil), B: make([]float64, 4)})
			return p
		}},
		{"activation", func() Problem { p, _ := adjPost(); p.D.Layers[0].Act = 99; return p }},
		{"negative eps", nil},
	}
	for _, c := range bad {
		var err error
		if c.p == nil {
			_, err = NewAdjoint(p, Options{Eps: -1})
		} else {
			_, err = NewAdjoint(c.p(), Options{})
		}
		if err == nil {
			t.Errorf("%s: no error", c.name)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
}

// TestAdjointAllocs proves that Eval and SumGrad do not allocate after the
// first call, on a small problem and on one whose steps run on 2 goroutines.
func TestAdjointAllocs(t *testing.T) {
	small, zs := adjProblem(t, adjCases()[9], 5)
	medium, zm := adjMedium(t)
	for _, c := range []struct {
		name    string
		p       Problem
		z       []float64
		threads int
	}{{"small", small, zs, 1}, {"medium", medium, zm, 2}} {
		p, z := c.p, c.z
		a, err := NewAdjoint(p, Options{Wrt: WrtBoth})
		if err != nil {
			t.Fatal(err)
		}
		a.SetThreads(c.threads)
		res := NewResult(p, WrtBoth)
		gd, gp := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
		w := adjVec(rand.New(rand.NewPCG(1, 1)), p.M())
		for _, f := range []struct {
			name string
			f    func()
		}{
			{"Eval", func() { _ = a.Eval(res, z) }},
			{"SumGrad", func() { _, _ = a.SumGrad(gd, gp, z, w) }},
		} {
			f.f()
			if n := testing.AllocsPerRun(20, f.f); n != 0 {
				t.Errorf("%s, %d threads: %s makes %v allocations per call", c.name, c.threads, f.name, n)
			}
		}
	}
}

// TestAdjointAgreesWithEngines compares the adjoint engine with the forward
// and looped engines, which share none of its derivative code, on random
// networks with every activation.
func TestAdjointAgreesWithEngines(t *testing.T) {
	const tol = 1e-12
	worst := map[string]float64{}
	for ci, c := range adjCases() {
		t.Run(c.name, func(t *testing.T) {
			p, z := adjProblem(t, c, uint64(200+ci))
			opt := Options{Wrt: WrtBoth, Eps: c.eps}
			a, err := NewAdjoint(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			want := NewResult(p, WrtBoth)
			if err := a.Eval(want, z); err != nil {
				t.Fatal(err)
			}
			f, err := NewForward(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			l, err := NewLooped(p, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range []struct {
				name string
				eng  Engine
			}{{"forward", f}, {"looped", l}} {
				got := NewResult(p, WrtBoth)
				if err := e.eng.Eval(got, z); err != nil {
					t.Fatal(err)
				}
				for _, q := range []struct {
					what      string
					got, want []float64
				}{
					{"s", got.S, want.S},
					{"dot", got.Dot, want.Dot},
					{"|g|²", []float64{got.GradNormSq}, []float64{want.GradNormSq}},
					{"|u|²", got.ColNormSq, want.ColNormSq},
					{"∂s/∂θ", got.GradD.RawMatrix().Data, want.GradD.RawMatrix().Data},
					{"∂s/∂φ", got.GradPhi.RawMatrix().Data, want.GradPhi.RawMatrix().Data},
				} {
					d := adjNormRel(q.got, q.want)
					worst[e.name] = math.Max(worst[e.name], d)
					if !(d <= tol) {
						t.Errorf("%s: %s differs from the adjoint engine's by %.3g", e.name, q.what, d)
					}
				}
			}
		})
	}
	t.Logf("largest normwise relative difference from the adjoint engine: forward %.3g, looped %.3g", worst["forward"], worst["looped"])
}

// adjMedium is a problem large enough for Adjoint to split its steps across
// goroutines (work ≥ adjParMin).
func adjMedium(t *testing.T) (Problem, []float64) {
	return adjProblem(t, adjCase{
		name: "medium",
		dW:   []int{6, 64, 96}, dAct: []layers.Activation{layers.Tanh, layers.SiLU},
		phiW: []int{96, 64, 1}, fAct: []layers.Activation{layers.Softplus, layers.Sin},
	}, 77)
}

// TestAdjointThreads checks that splitting steps across goroutines leaves
// every bit of the results unchanged.
func TestAdjointThreads(t *testing.T) {
	p, z := adjMedium(t)
	w := adjVec(rand.New(rand.NewPCG(2, 9)), p.M())
	var want *Result
	var wantD, wantPhi []float64
	for _, threads := range []int{1, 2, 3, 7} {
		a, err := NewAdjoint(p, Options{Wrt: WrtBoth})
		if err != nil {
			t.Fatal(err)
		}
		a.SetThreads(threads)
		res := NewResult(p, WrtBoth)
		if err := a.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		gd, gp := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
		if _, err := a.SumGrad(gd, gp, z, w); err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want, wantD, wantPhi = res, gd, gp
			continue
		}
		if !adjSameResult(res, want) || !adjSameBits(gd, wantD) || !adjSameBits(gp, wantPhi) {
			t.Errorf("%d threads: results differ from 1 thread's", threads)
		}
	}
}

// adjWrapBLAS is gonum's native BLAS under another type, so that the engine
// takes its blas64 route, as it would with OpenBLAS.
type adjWrapBLAS struct{ gonumblas.Implementation }

// TestAdjointBLAS checks the blas64 route against the engine's own kernels.
func TestAdjointBLAS(t *testing.T) {
	p, z := adjMedium(t)
	eval := func() (*Result, []float64) {
		a, err := NewAdjoint(p, Options{Wrt: WrtBoth})
		if err != nil {
			t.Fatal(err)
		}
		res := NewResult(p, WrtBoth)
		if err := a.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		gd := make([]float64, p.D.NumParams())
		if _, err := a.SumGrad(gd, nil, z, nil); err != nil {
			t.Fatal(err)
		}
		return res, gd
	}
	own, ownD := eval()
	blas64.Use(adjWrapBLAS{})
	defer blas64.Use(gonumblas.Implementation{})
	if !adjBLAS() {
		t.Fatal("the wrapped implementation is not taken for another BLAS")
	}
	viaBLAS, viaD := eval()
	for _, q := range []struct {
		what      string
		got, want []float64
	}{
		{"s", viaBLAS.S, own.S},
		{"∂s/∂θ", viaBLAS.GradD.RawMatrix().Data, own.GradD.RawMatrix().Data},
		{"∂s/∂φ", viaBLAS.GradPhi.RawMatrix().Data, own.GradPhi.RawMatrix().Data},
		{"SumGrad", viaD, ownD},
	} {
		if d := adjNormRel(q.got, q.want); d > 1e-13 {
			t.Errorf("%s: blas64 route differs by %.3g", q.what, d)
		}
	}
}
