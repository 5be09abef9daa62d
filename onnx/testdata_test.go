package onnx

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The manifest written by tools/onnxref/export.py from the onnx Python
// package's own parse of each file.
type manifest struct {
	Models   map[string]manifestModel   `json:"models"`
	Problems map[string]manifestProblem `json:"problems"`
}

type manifestModel struct {
	IRVersion  int64            `json:"ir_version"`
	Opset      map[string]int64 `json:"opset"`
	Producer   string           `json:"producer"`
	GraphName  string           `json:"graph_name"`
	Ops        []string         `json:"ops"`
	Nodes      []manifestNode   `json:"nodes"`
	Inputs     []manifestValue  `json:"inputs"`
	Outputs    []manifestValue  `json:"outputs"`
	Inits      []manifestInit   `json:"initializers"`
	Parameters []struct {
		Name  string  `json:"name"`
		Shape []int64 `json:"shape"`
		ONNX  string  `json:"onnx"`
	} `json:"parameters"`
	Aliases map[string]string `json:"identity_aliases"`
	DType   string            `json:"dtype"`
}

type manifestNode struct {
	Name    string         `json:"name"`
	OpType  string         `json:"op_type"`
	Domain  string         `json:"domain"`
	Inputs  []string       `json:"inputs"`
	Outputs []string       `json:"outputs"`
	Attrs   []manifestAttr `json:"attributes"`
}

type manifestAttr struct {
	Name  string          `json:"name"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

type manifestTensor struct {
	Name   string    `json:"name"`
	DType  string    `json:"dtype"`
	Dims   []int64   `json:"dims"`
	Values []float64 `json:"values"`
}

type manifestValue struct {
	Name     string `json:"name"`
	ElemType string `json:"elem_type"`
	Shape    []any  `json:"shape"`
}

type manifestInit struct {
	Name    string   `json:"name"`
	DType   string   `json:"dtype"`
	Shape   []int64  `json:"shape"`
	Role    string   `json:"role"`
	First   *float64 `json:"first"`
	Last    *float64 `json:"last"`
	Sum     float64  `json:"sum"`
	Aliases []string `json:"aliases"`
}

type manifestProblem struct {
	D          string `json:"d"`
	Phi        string `json:"phi"`
	LayersJSON *struct {
		D   string `json:"d"`
		Phi string `json:"phi"`
	} `json:"layers_json"`
}

func readManifest(t *testing.T) *manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Models) == 0 {
		t.Fatal("manifest lists no models")
	}
	return &m
}

// TestExportedModels decodes every committed PyTorch export and compares it,
// field by field, with the onnx Python package's parse recorded in the
// manifest: nodes with their attributes (Constant tensors included), graph
// inputs and outputs, and initializers (shape, first and last value, and
// their sum in file order, all to the bit).
func TestExportedModels(t *testing.T) {
	man := readManifest(t)
	names := make([]string, 0, len(man.Models))
	for name := range man.Models {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		want := man.Models[name]
		t.Run(name, func(t *testing.T) {
			m, err := ReadFile(filepath.Join("testdata", name), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if m.IRVersion != want.IRVersion || m.Opsets[""] != want.Opset["ai.onnx"] || len(m.Opsets) != len(want.Opset) {
				t.Errorf("IR %d opsets %v, want IR %d opsets %v", m.IRVersion, m.Opsets, want.IRVersion, want.Opset)
			}
			if got := m.Producer + " " + m.ProducerVersion; got != want.Producer {
				t.Errorf("producer %q, want %q", got, want.Producer)
			}
			g := &m.Graph
			if g.Name != want.GraphName {
				t.Errorf("graph name %q, want %q", g.Name, want.GraphName)
			}
			if len(g.Nodes) != len(want.Nodes) {
				t.Fatalf("%d nodes, want %d", len(g.Nodes), len(want.Nodes))
			}
			for k, wn := range want.Nodes {
				compareNode(t, &g.Nodes[k], &wn)
			}
			compareValues(t, "input", g.Inputs, want.Inputs)
			compareValues(t, "output", g.Outputs, want.Outputs)
			if len(g.Initializers) != len(want.Inits) {
				t.Fatalf("%d initializers, want %d", len(g.Initializers), len(want.Inits))
			}
			for i, wi := range want.Inits {
				compareInit(t, &g.Initializers[i], &wi)
			}
			// Every parameter is an initializer or the output of an Identity
			// node reading one.
			identity := map[string]string{}
			for _, n := range g.Nodes {
				if n.OpType == "Identity" && g.Initializer(n.Inputs[0]) != nil {
					identity[n.Outputs[0]] = n.Inputs[0]
				}
			}
			if len(want.Aliases) > 0 || len(identity) > 0 {
				if diff := cmp.Diff(want.Aliases, identity); diff != "" {
					t.Errorf("Identity aliases (-manifest +decoded):\n%s", diff)
				}
			}
			for _, p := range want.Parameters {
				src := p.Name
				if s, ok := identity[p.Name]; ok {
					src = s
				}
				init := g.Initializer(src)
				if init == nil {
					t.Errorf("parameter %q: no initializer", p.Name)
					continue
				}
				if !cmp.Equal(init.Dims, p.Shape, cmpopts.EquateEmpty()) {
					t.Errorf("parameter %q: dims %v, want %v", p.Name, init.Dims, p.Shape)
				}
			}
		})
	}
}

func compareNode(t *testing.T, n *Node, w *manifestNode) {
	t.Helper()
	got := manifestNode{Name: n.Name, OpType: n.OpType, Domain: n.Domain, Inputs: n.Inputs, Outputs: n.Outputs}
	want := manifestNode{Name: w.Name, OpType: w.OpType, Domain: w.Domain, Inputs: w.Inputs, Outputs: w.Outputs}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("node %q (-manifest +decoded):\n%s", w.Name, diff)
	}
	if len(n.Attrs) != len(w.Attrs) {
		t.Errorf("node %q: %d attributes, want %d", w.Name, len(n.Attrs), len(w.Attrs))
		return
	}
	for i, wa := range w.Attrs {
		a := &n.Attrs[i]
		if a.Name != wa.Name || a.Type.String() != wa.Type {
			t.Errorf("node %q attribute %d: %s %v, want %s %s", w.Name, i, a.Name, a.Type, wa.Name, wa.Type)
			continue
		}
		var got, want any
		switch a.Type {
		case AttrFloat:
			got, want = float64(a.F), new(float64)
		case AttrInt:
			got, want = a.I, new(int64)
		case AttrString:
			got, want = a.S, new(string)
		case AttrFloats:
			f := make([]float64, len(a.Floats))
			for i, v := range a.Floats {
				f[i] = float64(v)
			}
			got, want = f, new([]float64)
		case AttrInts:
			got, want = a.Ints, new([]int64)
		case AttrStrings:
			got, want = a.Strings, new([]string)
		case AttrTensor:
			vals := a.T.Float64
			if !a.T.DataType.IsFloat() {
				vals = make([]float64, len(a.T.Int64))
				for i, v := range a.T.Int64 {
					vals[i] = float64(v)
				}
			}
			got, want = manifestTensor{Name: a.T.Name, DType: a.T.DataType.String(), Dims: nonNil(a.T.Dims), Values: vals}, new(manifestTensor)
		}
		if err := json.Unmarshal(wa.Value, want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(reflect.ValueOf(want).Elem().Interface(), got); diff != "" {
			t.Errorf("node %q attribute %q (-manifest +decoded):\n%s", w.Name, a.Name, diff)
		}
	}
}

func nonNil(d []int64) []int64 {
	if d == nil {
		return []int64{}
	}
	return d
}

func compareValues(t *testing.T, kind string, got []ValueInfo, want []manifestValue) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d graph %ss, want %d", len(got), kind, len(want))
		return
	}
	for i, w := range want {
		g := got[i]
		shape := make([]any, len(g.Shape))
		for k, d := range g.Shape {
			if d.Known {
				shape[k] = float64(d.Value) // as encoding/json decodes numbers
			} else {
				shape[k] = d.Param
			}
		}
		if g.Name != w.Name || g.ElemType.String() != w.ElemType || !cmp.Equal(shape, w.Shape) || !g.HasShape {
			t.Errorf("graph %s %d: %q %v %v, want %q %s %v", kind, i, g.Name, g.ElemType, shape, w.Name, w.ElemType, w.Shape)
		}
	}
}

func compareInit(t *testing.T, got *Tensor, w *manifestInit) {
	t.Helper()
	if got.Name != w.Name || got.DataType.String() != w.DType || !cmp.Equal(nonNil(got.Dims), w.Shape) {
		t.Errorf("initializer %s, want %s %v %q", got, w.DType, w.Shape, w.Name)
		return
	}
	if !got.DataType.IsFloat() {
		t.Errorf("initializer %q: %v, the exports hold only float weights", got.Name, got.DataType)
		return
	}
	v := got.Float64
	if len(v) != got.Len() || len(v) == 0 {
		t.Fatalf("initializer %q: %d values for dims %v", got.Name, len(v), got.Dims)
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	if math.Float64bits(v[0]) != math.Float64bits(*w.First) || math.Float64bits(v[len(v)-1]) != math.Float64bits(*w.Last) ||
		math.Float64bits(sum) != math.Float64bits(w.Sum) {
		t.Errorf("initializer %q: first %v last %v sum %v, want %v %v %v", got.Name, v[0], v[len(v)-1], sum, *w.First, *w.Last, w.Sum)
	}
}

// TestDenseJSONMatchesONNX checks that the dense problems' layers JSON
// (dualgrad's own format) and the ONNX files hold the same weights to the
// bit, so the JSON route and the ONNX route start from the same networks.
func TestDenseJSONMatchesONNX(t *testing.T) {
	man := readManifest(t)
	n := 0
	for pname, p := range man.Problems {
		if p.LayersJSON == nil {
			continue
		}
		for _, pair := range [][2]string{{p.D, p.LayersJSON.D}, {p.Phi, p.LayersJSON.Phi}} {
			n++
			m, err := ReadFile(filepath.Join("testdata", pair[0]), 0)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join("testdata", pair[1]))
			if err != nil {
				t.Fatal(err)
			}
			var net struct {
				Layers []struct {
					Weight     [][]float64 `json:"weight"`
					Bias       []float64   `json:"bias"`
					Activation string      `json:"activation"`
				} `json:"layers"`
			}
			if err := json.Unmarshal(data, &net); err != nil {
				t.Fatal(err)
			}
			var gemms []*Node
			for k := range m.Graph.Nodes {
				if m.Graph.Nodes[k].OpType == "Gemm" {
					gemms = append(gemms, &m.Graph.Nodes[k])
				}
			}
			if len(gemms) != len(net.Layers) {
				t.Fatalf("%s: %d Gemm nodes, %d layers in %s", pair[0], len(gemms), len(net.Layers), pair[1])
			}
			for l, layer := range net.Layers {
				g := gemms[l]
				if a := g.Attr("transB"); a == nil || a.I != 1 {
					t.Errorf("%s: Gemm %d is not transB=1", pair[0], l)
				}
				w, b := m.Graph.Initializer(g.Inputs[1]), m.Graph.Initializer(g.Inputs[2])
				var flat []float64
				for _, row := range layer.Weight {
					flat = append(flat, row...)
				}
				if w == nil || b == nil || !cmp.Equal(w.Dims, []int64{int64(len(layer.Weight)), int64(len(layer.Weight[0]))}) ||
					!bitsEqual(w.Float64, flat) || !bitsEqual(b.Float64, layer.Bias) {
					t.Errorf("%s problem %s: layer %d weights differ from %s", pname, pair[0], l, pair[1])
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no problem has layers JSON")
	}
}

func bitsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestBNDedup pins the deduplication torch 1.13 performs on default-valued
// BatchNorm layers (see tools/onnxref/README.md): a parameter initializer
// feeds buffers and another layer's parameters through Identity nodes.
func TestBNDedup(t *testing.T) {
	m, err := ReadFile(filepath.Join("testdata", "bn_dedup_phi.onnx"), 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, n := range m.Graph.Nodes {
		if n.OpType == "Identity" {
			got[n.Outputs[0]] = n.Inputs[0]
		}
	}
	want := map[string]string{
		"1.running_mean": "1.bias", "1.running_var": "1.weight",
		"4.weight": "1.weight", "4.bias": "1.bias", "4.running_mean": "1.bias", "4.running_var": "1.weight",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Identity nodes (-want +got):\n%s", diff)
	}
	w := m.Graph.Initializer("1.weight")
	if w == nil || !bitsEqual(w.Float64, []float64{1, 1}) {
		t.Errorf("1.weight = %v", w)
	}
	var bn []*Node
	for k := range m.Graph.Nodes {
		if m.Graph.Nodes[k].OpType == "BatchNormalization" {
			bn = append(bn, &m.Graph.Nodes[k])
		}
	}
	if len(bn) != 2 || !cmp.Equal(bn[1].Inputs[1:], []string{"4.weight", "4.bias", "4.running_mean", "4.running_var"}) {
		t.Errorf("second BatchNormalization inputs: %v", bn)
	}
	if eps := bn[0].Attr("epsilon"); eps == nil || eps.Float() != 1e-5 || float64(eps.F) == 1e-5 {
		t.Errorf("epsilon: %v", eps)
	}
}
