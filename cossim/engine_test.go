package cossim

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/internal/examples"
	"gonum.org/v1/gonum/mat"
)

// agreeTol bounds the engines' differences from each other, relative to
// each quantity's largest entry: they compute the same numbers by
// different orders of operations.
const agreeTol = 1e-12

// fdTol bounds the difference from central differences: their truncation
// and round-off are about 1e-10 of the largest entry for these networks.
const fdTol = 1e-7

func TestEnginesPostExample(t *testing.T) {
	p, z := postProblem()
	for _, k := range engineKinds {
		res := mustEval(t, p, Options{Wrt: WrtBoth}, k, z)
		for _, q := range []struct {
			what      string
			got, want []float64
		}{
			{"s", res.S, examples.PostS}, {"dot", res.Dot, examples.PostDot},
			{"|g|²", []float64{res.GradNormSq}, []float64{examples.PostG2}}, {"|u|²", res.ColNormSq, examples.PostU2},
			{"∂s/∂θ", flat(res.GradD), examples.PostGradD}, {"∂s/∂φ", flat(res.GradPhi), examples.PostGradPhi},
		} {
			if e := normRel(q.got, q.want); e > 1e-15 {
				t.Errorf("%v: %s = %v, want %v (relative error %.2g)", k, q.what, q.got, q.want, e)
			}
		}
	}
}

func TestEnginesFiniteDifference(t *testing.T) {
	for _, c := range engineCases() {
		t.Run(c.name, func(t *testing.T) {
			p, z := randProblem(t, c, 1)
			opt := Options{Wrt: WrtBoth, Eps: c.eps}
			ref := NewResult(p, WrtBoth)
			if err := FiniteDifference(ref, p, opt, z); err != nil {
				t.Fatal(err)
			}
			for _, k := range engineKinds {
				res := mustEval(t, p, opt, k, z)
				if e := fdRel(flat(res.GradD), flat(ref.GradD)); e > fdTol {
					t.Errorf("%v: ∂s/∂θ differs from central differences by %.2g", k, e)
				}
				if e := fdRel(flat(res.GradPhi), flat(ref.GradPhi)); e > fdTol {
					t.Errorf("%v: ∂s/∂φ differs from central differences by %.2g", k, e)
				}
			}
		})
	}
}

// fdRel is normRel with an absolute floor of 1e-2 on the scale: where a
// Jacobian is exactly zero (relu networks with one live unit make s locally
// constant), central differences return round-off of about 1e-11, and the
// engines their own round-off of about 1e-16 to 1e-15, which is agreement,
// not a relative difference of order 1.
func fdRel(a, b []float64) float64 {
	scale := 0.0
	for _, v := range b {
		scale = math.Max(scale, math.Abs(v))
	}
	return normRel(a, b) * scale / math.Max(scale, 1e-2)
}

func TestEnginesAgree(t *testing.T) {
	worst := 0.0
	for _, c := range engineCases() {
		for seed := uint64(1); seed <= 3; seed++ {
			p, z := randProblem(t, c, seed)
			opt := Options{Wrt: WrtBoth, Eps: c.eps}
			adj := mustEval(t, p, opt, KindAdjoint, z)
			for _, k := range []Kind{KindForward, KindLooped} {
				r := mustEval(t, p, opt, k, z)
				for qi, q := range [][2][]float64{
					{r.S, adj.S}, {r.Dot, adj.Dot}, {r.ColNormSq, adj.ColNormSq},
					{flat(r.GradD), flat(adj.GradD)}, {flat(r.GradPhi), flat(adj.GradPhi)},
				} {
					e := normRel(q[0], q[1])
					if qi >= 3 {
						e = fdRel(q[0], q[1])
					}
					worst = math.Max(worst, e)
					if e > agreeTol {
						t.Errorf("%s seed %d: %v differs from adjoint by %.2g", c.name, seed, k, e)
					}
				}
			}
		}
	}
	t.Logf("largest difference between engines: %.2g", worst)
}

func TestEnginesWrt(t *testing.T) {
	p, z := randProblem(t, engineCases()[1], 2)
	for _, k := range engineKinds {
		for _, wrt := range []Wrt{WrtNone, WrtD, WrtPhi, WrtBoth} {
			res := NewResult(p, WrtBoth)
			fillNaN(res)
			if err := mustEngine(t, p, Options{Wrt: wrt}, k).Eval(res, z); err != nil {
				t.Fatalf("%v/%v: %v", k, wrt, err)
			}
			for _, c := range []struct {
				sel bool
				m   *mat.Dense
			}{{wrt&WrtD != 0, res.GradD}, {wrt&WrtPhi != 0, res.GradPhi}} {
				if nan := math.IsNaN(flat(c.m)[0]); nan == c.sel {
					t.Errorf("%v/%v: Jacobian written %v, want %v", k, wrt, !nan, c.sel)
				}
			}
		}
	}
}

func TestEnginesUndefined(t *testing.T) {
	phi, d, z := examples.Post()
	// A zero column 1 of D: u₂ = 0.
	d.Layers[0].W.Set(1, 1, 0)
	p := Problem{Phi: phi.Graph(), D: d.Graph()}
	for _, k := range engineKinds {
		err := mustEngine(t, p, Options{Wrt: WrtBoth}, k).Eval(NewResult(p, WrtBoth), z)
		var ue *UndefinedError
		if !errors.As(err, &ue) || ue.Direction != 1 {
			t.Errorf("%v: zero column: %v, want an UndefinedError for direction 1", k, err)
		}
		res := mustEval(t, p, Options{Wrt: WrtBoth, Eps: 1e-3}, k, z)
		if res.S[1] != 0 || res.S[0] == 0 {
			t.Errorf("%v: with Eps, s = %v, want s₂ = 0", k, res.S)
		}
		for _, v := range flat(res.GradD)[12:] { // row 2
			if v != 0 {
				t.Errorf("%v: with Eps, ∂s₂/∂θ = %v, want 0", k, flat(res.GradD)[12:])
				break
			}
		}
	}
	// A zero Φ: g = 0.
	phi, d, z = examples.Post()
	phi.Layers[0].W.Zero()
	p = Problem{Phi: phi.Graph(), D: d.Graph()}
	for _, k := range engineKinds {
		err := mustEngine(t, p, Options{Wrt: WrtD}, k).Eval(NewResult(p, WrtD), z)
		var ue *UndefinedError
		if !errors.As(err, &ue) || ue.Direction != -1 || !strings.Contains(err.Error(), "Options.Eps") {
			t.Errorf("%v: zero g: %v, want an UndefinedError for every direction", k, err)
		}
	}
}

func TestEnginesBadInput(t *testing.T) {
	p, z := postProblem()
	for _, k := range engineKinds {
		e := mustEngine(t, p, Options{Wrt: WrtBoth}, k)
		good := NewResult(p, WrtBoth)
		for name, c := range map[string]struct {
			res  *Result
			z    []float64
			want string
		}{
			"short z":   {good, z[:1], "z has length 1, want 2"},
			"NaN z":     {good, []float64{math.NaN(), 1}, "z[0] = NaN is not finite"},
			"nil res":   {nil, z, "result is nil"},
			"no GradD":  {NewResult(p, WrtPhi), z, "result has no GradD"},
			"short S":   {&Result{S: []float64{0}, Dot: []float64{0, 0}, ColNormSq: []float64{0, 0}}, z, "result's S has length 1"},
			"wrong Jac": {&Result{S: make([]float64, 2), Dot: make([]float64, 2), ColNormSq: make([]float64, 2), GradD: mat.NewDense(2, 3, nil)}, z, "GradD is 2 × 3, want 2 × 12"},
		} {
			err := e.Eval(c.res, c.z)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v %s: %v, want an error containing %q", k, name, err, c.want)
			}
		}
	}
}

// TestEnginesParamNaN: a parameter set to NaN after the engine was made is
// an error naming it, not a NaN result (issue 13, item 4).
func TestEnginesParamNaN(t *testing.T) {
	for _, k := range engineKinds {
		phi, d, z := examples.Post()
		p := Problem{Phi: phi.Graph(), D: d.Graph()}
		e := mustEngine(t, p, Options{Wrt: WrtBoth}, k)
		res := NewResult(p, WrtBoth)
		d.Layers[0].W.Set(2, 0, math.NaN()) // the graph shares the layer's storage
		err := e.Eval(res, z)
		if err == nil || !strings.Contains(err.Error(), "layers.0.weight") || !strings.Contains(err.Error(), "NaN") {
			t.Errorf("%v: %v, want an error naming layers.0.weight and NaN", k, err)
		}
	}
}

func TestEnginesAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops items at random, so allocations are measured without -race")
	}
	p, z := randProblem(t, engineCases()[1], 3)
	for _, k := range engineKinds {
		e := mustEngine(t, p, Options{Wrt: WrtBoth}, k)
		res := NewResult(p, WrtBoth)
		if err := e.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(10, func() { e.Eval(res, z) }); n != 0 {
			t.Errorf("%v: %v allocations per Eval, want 0", k, n)
		}
	}
	a, _ := NewAdjoint(p, Options{})
	grad := make([]float64, p.D.NumParams())
	a.SumGrad(grad, nil, z, nil)
	if n := testing.AllocsPerRun(10, func() { a.SumGrad(grad, nil, z, nil) }); n != 0 {
		t.Errorf("SumGrad: %v allocations, want 0", n)
	}
}

func TestSumGrad(t *testing.T) {
	p, z := randProblem(t, engineCases()[2], 4)
	w := []float64{0.5, -2, 3}
	a, err := NewAdjoint(p, Options{Wrt: WrtBoth})
	if err != nil {
		t.Fatal(err)
	}
	res := NewResult(p, WrtBoth)
	if err := a.Eval(res, z); err != nil {
		t.Fatal(err)
	}
	gd, gp := make([]float64, p.D.NumParams()), make([]float64, p.Phi.NumParams())
	sum, err := a.SumGrad(gd, gp, z, w)
	if err != nil {
		t.Fatal(err)
	}
	wantSum := 0.0
	wantD, wantP := make([]float64, len(gd)), make([]float64, len(gp))
	for i, wi := range w {
		wantSum += wi * res.S[i]
		for k, v := range res.GradD.RawRowView(i) {
			wantD[k] += wi * v
		}
		for k, v := range res.GradPhi.RawRowView(i) {
			wantP[k] += wi * v
		}
	}
	if math.Abs(sum-wantSum) > 1e-14*math.Abs(wantSum) {
		t.Errorf("Σ wᵢsᵢ = %v, want %v", sum, wantSum)
	}
	if e := normRel(gd, wantD); e > 1e-13 {
		t.Errorf("∇_θ differs from the weighted Jacobian rows by %.2g", e)
	}
	if e := normRel(gp, wantP); e > 1e-13 {
		t.Errorf("∇_φ differs from the weighted Jacobian rows by %.2g", e)
	}
	for name, c := range map[string]struct {
		gd, gp, w []float64
		want      string
	}{
		"short gradD": {gd[:1], nil, nil, "gradD has length 1"},
		"short w":     {gd, nil, w[:1], "weights have length 1, want 3"},
		"NaN w":       {gd, nil, []float64{1, math.NaN(), 1}, "weights[1] = NaN"},
	} {
		if _, err := a.SumGrad(c.gd, c.gp, z, c.w); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	// Overflowing weights are an error naming the sum, not +Inf.
	if _, err := a.SumGrad(gd, nil, z, []float64{1e308, 1e308, 1e308}); err == nil || !strings.Contains(err.Error(), "Σ wᵢsᵢ") {
		t.Errorf("overflowing weights: %v, want a RangeError naming Σ wᵢsᵢ", err)
	}
}

func TestParseKindWrt(t *testing.T) {
	for k := KindAuto; k < numKinds; k++ {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseKind("fast"); err == nil || !strings.Contains(err.Error(), `"fast"`) {
		t.Errorf("ParseKind(fast): %v", err)
	}
	for _, w := range []Wrt{WrtNone, WrtD, WrtPhi, WrtBoth} {
		if got, err := ParseWrt(w.String()); err != nil || got != w {
			t.Errorf("ParseWrt(%q) = %v, %v", w.String(), got, err)
		}
	}
	if _, err := ParseWrt(strings.Repeat("x", 1000)); err == nil || len(err.Error()) > 200 {
		t.Errorf("ParseWrt of a long name: %v", err)
	}
}
