package cossim

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
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

// fixtureTol is the agreement bound with PyTorch, relative to each
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

func flatRows(rows [][]float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

func TestTorchFixtures(t *testing.T) {
	tc := loadTorchCases(t)
	worst := 0.0
	for _, c := range tc.Cases {
		p := Problem{Phi: readNetwork(t, c.Phi).Graph(), D: readNetwork(t, c.D).Graph()}
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		opt := Options{Wrt: WrtBoth}
		for _, mk := range []func() (Engine, error){
			func() (Engine, error) { return NewAdjoint(p, opt) },
			func() (Engine, error) { return NewForward(p, opt) },
			func() (Engine, error) { return NewLooped(p, opt) },
		} {
			a, err := mk()
			if err != nil {
				t.Fatal(err)
			}
			for b, want := range c.Expected {
				r := NewResult(p, opt.Wrt)
				if err := a.Eval(r, c.Z[b]); err != nil {
					t.Fatalf("%s: %v", c.Name, err)
				}
				for _, q := range []struct {
					what      string
					got, want []float64
				}{
					{"s", r.S, want.S},
					{"dot", r.Dot, want.Dot},
					{"grad_norm_sq", []float64{r.GradNormSq}, []float64{want.GradNormSq}},
					{"col_norm_sq", r.ColNormSq, want.ColNormSq},
					{"grad_d", flat(r.GradD), flatRows(want.GradD)},
					{"grad_phi", flat(r.GradPhi), flatRows(want.GradPhi)},
				} {
					e := normRel(q.got, q.want)
					worst = math.Max(worst, e)
					if !(e <= fixtureTol) {
						t.Errorf("%s %T sample %d: %s relative error %.3g > %g", c.Name, a, b, q.what, e, fixtureTol)
					}
				}
			}
		}
	}
	t.Logf("largest relative difference from PyTorch %.2g", worst)
}
