package nn_test

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/graph"
	"gonum.org/v1/gonum/mat"
)

var torchDump = flag.String("torchdump", "", "write the examples' networks to this file, for testdata/torch_reference.py")

// torchProblems are the examples' problems, checked against PyTorch.
var torchProblems = []struct {
	name  string
	build func() (cossim.Problem, []float64)
}{
	{"dcgan", dcgan}, {"resnet", resnet}, {"mnist", mnist},
}

// dumpGraph is a graph's tensors by name: parameters in graph order, then
// the constants (batch norm buffers).
type dumpGraph struct {
	Params  []dumpTensor `json:"params"`
	Buffers []dumpTensor `json:"buffers"`
}

type dumpTensor struct {
	Name  string    `json:"name"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func dump(g *graph.Graph) dumpGraph {
	var d dumpGraph
	for _, q := range g.Params() {
		d.Params = append(d.Params, dumpTensor{q.Name, q.Shape, g.ParamData(q.Name)})
	}
	for i := 0; i < g.Len(); i++ {
		if g.Kind(i) == graph.KindConst {
			d.Buffers = append(d.Buffers, dumpTensor{g.Name(i), g.Shape(i), g.Data(i)})
		}
	}
	return d
}

// torchRef is one problem's PyTorch results (testdata/torch_reference.json):
// per network, the parameters() names in order and, per parameter tensor
// and latent direction i, the norm, the sum and two entries (the first and
// the middle one) of ∂sᵢ/∂tensor.
type torchRef struct {
	Name       string    `json:"name"`
	S          []float64 `json:"s"`
	Dot        []float64 `json:"dot"`
	GradNormSq float64   `json:"grad_norm_sq"`
	ColNormSq  []float64 `json:"col_norm_sq"`
	RawD       refJac    `json:"d"`
	RawPhi     refJac    `json:"phi"`
}

type refJac struct {
	Names []string      `json:"names"`
	Norm  [][]float64   `json:"norm"`  // [tensor][i]
	Sum   [][]float64   `json:"sum"`   // [tensor][i]
	Entry [][][]float64 `json:"entry"` // [tensor][i][first, middle]
}

// TestTorchReference checks the examples' networks against PyTorch 1.13:
// testdata/torch_reference.py builds the same modules, loads the
// parameters and buffers that -torchdump wrote (load_state_dict(strict)),
// and computes s and its Jacobians by autograd in float64. The names and
// order of the parameters must be PyTorch's, and every number must agree
// with the adjoint engine to 1e−9 relative.
//
// Regenerate with
//
//	go test ./nn -run TestTorchReference -torchdump /tmp/nn_dump.json
//	/usr/bin/python3 nn/testdata/torch_reference.py /tmp/nn_dump.json nn/testdata/torch_reference.json
func TestTorchReference(t *testing.T) {
	if *torchDump != "" {
		out := map[string]any{}
		for _, c := range torchProblems {
			p, z := c.build()
			out[c.name] = map[string]any{"z": z, "phi_output": p.PhiOutput, "D": dump(p.D), "Phi": dump(p.Phi),
				"d_in": p.D.InputShape(), "phi_in": p.Phi.InputShape()}
		}
		data, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*torchDump, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skipf("wrote %s", *torchDump)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "torch_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var refs []torchRef
	if err := json.Unmarshal(data, &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs) != len(torchProblems) {
		t.Fatalf("%d reference problems, want %d", len(refs), len(torchProblems))
	}
	for k, c := range torchProblems {
		ref := refs[k]
		if ref.Name != c.name {
			t.Fatalf("reference %d is %s, want %s", k, ref.Name, c.name)
		}
		p, z := c.build()
		res := cossim.NewResult(p, cossim.WrtBoth)
		eng, err := cossim.NewAdjoint(p, cossim.Options{Wrt: cossim.WrtBoth})
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		const tol = 1e-9
		worst := 0.0
		check := func(what string, got, want []float64) {
			t.Helper()
			e := relErr(got, want)
			worst = math.Max(worst, e)
			if e > tol {
				t.Errorf("%s: %s: relative error %.3g against PyTorch\n got %v\nwant %v", c.name, what, e, got, want)
			}
		}
		check("s", res.S, ref.S)
		check("dot", res.Dot, ref.Dot)
		check("|g|²", []float64{res.GradNormSq}, []float64{ref.GradNormSq})
		check("|u|²", res.ColNormSq, ref.ColNormSq)
		for _, j := range []struct {
			net string
			g   *graph.Graph
			jac *mat.Dense
			ref refJac
		}{{"D", p.D, res.GradD, ref.RawD}, {"Φ", p.Phi, res.GradPhi, ref.RawPhi}} {
			ps := j.g.Params()
			if len(ps) != len(j.ref.Names) {
				t.Errorf("%s: %s has %d parameter tensors, PyTorch's module %d", c.name, j.net, len(ps), len(j.ref.Names))
				continue
			}
			for q, par := range ps {
				if par.Name != j.ref.Names[q] {
					t.Errorf("%s: %s parameter %d is %s, PyTorch's %s", c.name, j.net, q, par.Name, j.ref.Names[q])
					continue
				}
				n := par.Shape.Size()
				for i := range res.S {
					row := j.jac.RawRowView(i)[par.Offset : par.Offset+n]
					norm, sum := 0.0, 0.0
					for _, v := range row {
						norm += v * v
						sum += v
					}
					norm = math.Sqrt(norm)
					scale := math.Max(j.ref.Norm[q][i], 1e-300)
					for _, e := range []float64{math.Abs(norm - j.ref.Norm[q][i]), math.Abs(sum-j.ref.Sum[q][i]) / math.Sqrt(float64(n)),
						math.Abs(row[0] - j.ref.Entry[q][i][0]), math.Abs(row[n/2] - j.ref.Entry[q][i][1])} {
						worst = math.Max(worst, e/scale)
					}
					what := j.net + " " + par.Name
					if math.Abs(norm-j.ref.Norm[q][i]) > tol*scale || math.Abs(sum-j.ref.Sum[q][i]) > tol*scale*math.Sqrt(float64(n)) ||
						math.Abs(row[0]-j.ref.Entry[q][i][0]) > tol*scale || math.Abs(row[n/2]-j.ref.Entry[q][i][1]) > tol*scale {
						t.Errorf("%s: ∂s%d/∂%s: norm %v sum %v entries %v %v, PyTorch's %v %v %v", c.name, i, what,
							norm, sum, row[0], row[n/2], j.ref.Norm[q][i], j.ref.Sum[q][i], j.ref.Entry[q][i])
					}
				}
			}
		}
		t.Logf("%s: worst relative difference from PyTorch %.2g", c.name, worst)
	}
}

// relErr returns max|a−b| / max|b| (max|a−b| if b is zero), +Inf if the
// lengths differ or a difference is NaN.
func relErr(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	scale, diff := 0.0, 0.0
	for k := range b {
		d := math.Abs(a[k] - b[k])
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		scale = math.Max(scale, math.Abs(b[k]))
		diff = math.Max(diff, d)
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}
