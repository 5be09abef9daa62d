package cossim

import (
	"bytes"
	"encoding/json"
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

func flatRows(rows [][]float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// TestTorchFixtures runs every engine on every PyTorch case, single latents
// and batches, compares all outputs with PyTorch's to fixtureTol, and the
// forward and looped engines with the adjoint engine to agreeTol (issue 5).
func TestTorchFixtures(t *testing.T) {
	tc := loadTorchCases(t)
	worst := map[Kind]float64{}
	agree := map[Kind]float64{}
	for _, c := range tc.Cases {
		p := Problem{Phi: readNetwork(t, c.Phi), D: readNetwork(t, c.D)}
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if len(c.Z) != len(c.Expected) {
			t.Fatalf("%s: %d latents, %d expectations", c.Name, len(c.Z), len(c.Expected))
		}
		opt := Options{Wrt: WrtBoth}
		Z := mat.NewDense(len(c.Z), p.M(), nil)
		for b, z := range c.Z {
			Z.SetRow(b, z)
		}
		byKind := map[Kind][]*Result{}
		for _, k := range engineKinds {
			res := make([]*Result, len(c.Z))
			for b := range res {
				res[b] = NewResult(p, opt.Wrt)
			}
			if err := EvalBatch(p, opt, k, Z, res); err != nil {
				t.Fatalf("%s/%v: %v", c.Name, k, err)
			}
			byKind[k] = res
		}
		for b, want := range c.Expected {
			adj := byKind[EngineAdjoint][b]
			for _, k := range engineKinds {
				r := byKind[k][b]
				for _, q := range []struct {
					what           string
					got, want, adj []float64
				}{
					{"s", r.S, want.S, adj.S},
					{"dot", r.Dot, want.Dot, adj.Dot},
					{"grad_norm_sq", []float64{r.GradNormSq}, []float64{want.GradNormSq}, []float64{adj.GradNormSq}},
					{"col_norm_sq", r.ColNormSq, want.ColNormSq, adj.ColNormSq},
					{"grad_d", flat(r.GradD), flatRows(want.GradD), flat(adj.GradD)},
					{"grad_phi", flat(r.GradPhi), flatRows(want.GradPhi), flat(adj.GradPhi)},
				} {
					e := normRel(q.got, q.want)
					worst[k] = math.Max(worst[k], e)
					if !(e <= fixtureTol) {
						t.Errorf("%s/%v sample %d: %s relative error %.3g > %g", c.Name, k, b, q.what, e, fixtureTol)
					}
					d := normRel(q.got, q.adj)
					agree[k] = math.Max(agree[k], d)
					if !(d <= agreeTol) {
						t.Errorf("%s/%v sample %d: %s differs from the adjoint engine's by %.3g > %g", c.Name, k, b, q.what, d, agreeTol)
					}
				}
			}
		}
	}
	for _, k := range engineKinds {
		t.Logf("%v: over %d cases, largest relative difference from PyTorch %.2g, from the adjoint engine %.2g", k, len(tc.Cases), worst[k], agree[k])
	}
}
