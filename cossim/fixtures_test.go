package cossim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// torchCases is testdata/torch_cases.json, written by
// tools/torchref/make_fixtures.py with PyTorch (functorch jacfwd/jacrev,
// float64): an implementation that shares no code with dualgrad.
type torchCases struct {
	Generator    string `json:"generator"`
	TorchVersion string `json:"torch_version"`
	Cases        []struct {
		Name     string          `json:"name"`
		Phi      json.RawMessage `json:"phi"`
		D        json.RawMessage `json:"d"`
		Z        [][]float64     `json:"z"`
		Expected []struct {
			S          []float64   `json:"s"`
			Dot        []float64   `json:"dot"`
			GradNormSq float64     `json:"grad_norm_sq"`
			ColNormSq  []float64   `json:"col_norm_sq"`
			GradD      [][]float64 `json:"grad_d"`
			GradPhi    [][]float64 `json:"grad_phi"`
		} `json:"expected"`
	} `json:"cases"`
}

// fixtureTol is issue 4's agreement bound with PyTorch, relative to each
// quantity's largest magnitude.
const fixtureTol = 1e-10

func loadTorchCases(t *testing.T) *torchCases {
	t.Helper()
	data, err := os.ReadFile("testdata/torch_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var tc torchCases
	if err := json.Unmarshal(data, &tc); err != nil {
		t.Fatal(err)
	}
	if len(tc.Cases) == 0 {
		t.Fatal("no fixture cases")
	}
	return &tc
}

func readNetwork(t *testing.T, raw json.RawMessage) *layers.Network {
	t.Helper()
	n, err := layers.ReadJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// relErr returns max|got − want| / max(max|want|, tiny).
func relErr(got, want []float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	scale, diff := 0.0, 0.0
	for k := range want {
		scale = math.Max(scale, math.Abs(want[k]))
		diff = math.Max(diff, math.Abs(got[k]-want[k]))
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}

func flatRows(rows [][]float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// TestTorchFixtures runs every engine on every PyTorch case, single latents
// and batches, and compares all outputs.
func TestTorchFixtures(t *testing.T) {
	tc := loadTorchCases(t)
	engines := []Kind{EngineForward, EngineAdjoint, EngineLooped}
	worst := map[Kind]float64{}
	for _, c := range tc.Cases {
		p := Problem{Phi: readNetwork(t, c.Phi), D: readNetwork(t, c.D)}
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if len(c.Z) != len(c.Expected) {
			t.Fatalf("%s: %d latents, %d expectations", c.Name, len(c.Z), len(c.Expected))
		}
		opt := Options{Wrt: WrtBoth}
		for _, k := range engines {
			if k == EngineLooped && testing.Short() && p.D.NumParams()+p.Phi.NumParams() > 2000 {
				continue
			}
			res := make([]*Result, len(c.Z))
			for b := range res {
				res[b] = NewResult(p, opt.Wrt)
			}
			Z := mat.NewDense(len(c.Z), p.M(), nil)
			for b, z := range c.Z {
				Z.SetRow(b, z)
			}
			if err := EvalBatch(p, opt, k, Z, res); err != nil {
				t.Fatalf("%s/%v: %v", c.Name, k, err)
			}
			for b, want := range c.Expected {
				r := res[b]
				for _, q := range []struct {
					what      string
					got, want []float64
				}{
					{"s", r.S, want.S},
					{"dot", r.Dot, want.Dot},
					{"grad_norm_sq", []float64{r.GradNormSq}, []float64{want.GradNormSq}},
					{"col_norm_sq", r.ColNormSq, want.ColNormSq},
					{"grad_d", r.GradD.RawMatrix().Data, flatRows(want.GradD)},
					{"grad_phi", r.GradPhi.RawMatrix().Data, flatRows(want.GradPhi)},
				} {
					e := relErr(q.got, q.want)
					worst[k] = math.Max(worst[k], e)
					if !(e <= fixtureTol) {
						t.Errorf("%s/%v sample %d: %s relative error %.3g > %g", c.Name, k, b, q.what, e, fixtureTol)
					}
				}
			}
		}
	}
	for _, k := range engines {
		t.Logf("%v: largest relative difference from PyTorch over %d cases: %.3g", k, len(tc.Cases), worst[k])
	}
}

// TestPostExampleAllEngines checks the hand-derived golden values of
// docs/math.md through every engine.
func TestPostExampleAllEngines(t *testing.T) {
	phi := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}), B: []float64{0}}}}
	d := &layers.Network{Layers: []layers.Layer{{W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}), B: make([]float64, 4)}}}
	p := Problem{Phi: phi, D: d}
	z := []float64{1, 0.5}
	wantD := []float64{
		-8.0 / 27, 0, 16.0 / 45, 0, 8.0 / 135, 0, 32.0 / 135, 0, 0, 0, 0, 0,
		0, 2.0 / 75, 0, 0, 0, 6.0 / 75, 0, 8.0 / 75, 0, 0, 0, 0,
	}
	for _, k := range []Kind{EngineForward, EngineAdjoint, EngineLooped} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			eng, err := New(p, Options{Wrt: WrtD}, k)
			if err != nil {
				t.Fatal(err)
			}
			res := NewResult(p, WrtD)
			if err := eng.Eval(res, z); err != nil {
				t.Fatal(err)
			}
			check := func(what string, got, want []float64) {
				t.Helper()
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-15 {
						t.Errorf("%s[%d] = %.17g, want %.17g", what, i, got[i], want[i])
					}
				}
			}
			check("s", res.S, []float64{64.0 / 90, 100.0 / 750})
			check("dot", res.Dot, []float64{8, 10})
			check("|u|²", res.ColNormSq, []float64{3, 25})
			check("|g|²", []float64{res.GradNormSq}, []float64{30})
			check("∂s/∂θ", res.GradD.RawMatrix().Data, wantD)
		})
	}
}
