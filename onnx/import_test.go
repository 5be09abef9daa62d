package onnx_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/layers"
	"github.com/dualgrad/dualgrad/onnx"
	"github.com/dualgrad/dualgrad/passes"
	"gonum.org/v1/gonum/mat"
)

// expected is a <problem>.expected.json, PyTorch's oracle (schema in
// tools/onnxref/README.md).
type expected struct {
	Problem    string    `json:"problem"`
	D          netInfo   `json:"d"`
	Phi        netInfo   `json:"phi"`
	M          int       `json:"m"`
	N          int       `json:"n"`
	TieSamples []int     `json:"tie_samples"`
	ParamsD    []pinfo   `json:"params_d"`
	ParamsPhi  []pinfo   `json:"params_phi"`
	Samples    []esample `json:"samples"`
}

type netInfo struct {
	File        string `json:"file"`
	InputShape  []int  `json:"input_shape"`
	OutputShape []int  `json:"output_shape"`
	OutputIndex int    `json:"output_index"`
}

type pinfo struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

type esample struct {
	Z          []float64      `json:"z"`
	S          []float64      `json:"s"`
	Dot        []float64      `json:"dot"`
	GradNormSq float64        `json:"grad_norm_sq"`
	ColNormSq  []float64      `json:"col_norm_sq"`
	GradD      map[string]any `json:"grad_d"`
	GradPhi    map[string]any `json:"grad_phi"`
}

// tol is the agreement bound with PyTorch, relative to each quantity's
// largest magnitude.
const tol = 1e-10

func readExpected(t *testing.T, path string) *expected {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &e
}

func importFile(t testing.TB, name string) *graph.Graph {
	t.Helper()
	m, err := onnx.ReadFile(filepath.Join("testdata", name), 0)
	if err != nil {
		t.Fatal(err)
	}
	g, err := onnx.Import(m)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := g.Validate(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return g
}

// flatten returns a nested JSON array's numbers row-major and its shape.
func flatten(v any) ([]float64, []int, error) {
	switch v := v.(type) {
	case float64:
		return []float64{v}, nil, nil
	case []any:
		var out []float64
		var inner []int
		for i, e := range v {
			f, s, err := flatten(e)
			if err != nil {
				return nil, nil, err
			}
			if i > 0 && !slices.Equal(s, inner) {
				return nil, nil, fmt.Errorf("ragged array")
			}
			inner = s
			out = append(out, f...)
		}
		return out, append([]int{len(v)}, inner...), nil
	}
	return nil, nil, fmt.Errorf("unexpected JSON value %T", v)
}

// relErr returns max|got − want| / max|want| (the absolute difference if
// want is zero).
func relErr(got, want []float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	d, w := 0.0, 0.0
	for i := range got {
		d = math.Max(d, math.Abs(got[i]-want[i]))
		w = math.Max(w, math.Abs(want[i]))
		if math.IsNaN(got[i]) {
			return math.NaN()
		}
	}
	if w == 0 {
		return d
	}
	return d / w
}

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

func maxDiff(x, y []float64) float64 {
	m := 0.0
	for i := range x {
		if d := math.Abs(x[i] - y[i]); !(d <= m) {
			m = d
		}
	}
	return m
}

// gradOracle lays out an expected Jacobian (keyed by parameter name, each
// [m, *shape]) as the m × P matrix of g's parameter order.
func gradOracle(t *testing.T, g *graph.Graph, m int, byName map[string]any) []float64 {
	t.Helper()
	out := make([]float64, m*g.NumParams())
	if len(byName) != len(g.Params()) {
		t.Errorf("oracle has %d parameters, the graph %d", len(byName), len(g.Params()))
	}
	for _, p := range g.Params() {
		v, ok := byName[p.Name]
		if !ok {
			t.Errorf("oracle has no Jacobian for %s", p.Name)
			continue
		}
		f, s, err := flatten(v)
		if err != nil || !slices.Equal(s, append([]int{m}, p.Shape...)) {
			t.Fatalf("Jacobian for %s: shape %v (%v), want [%d %v]", p.Name, s, err, m, p.Shape)
		}
		size := p.Shape.Size()
		for i := 0; i < m; i++ {
			copy(out[i*g.NumParams()+p.Offset:], f[i*size:(i+1)*size])
		}
	}
	return out
}

func dense(a *mat.Dense) []float64 {
	if a == nil {
		return nil
	}
	r, c := a.Dims()
	out := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		out = append(out, a.RawRowView(i)...)
	}
	return out
}

// paramBlock returns the columns of parameter p of an m × P matrix.
func paramBlock(x []float64, m, P int, p graph.Param) []float64 {
	var out []float64
	for i := 0; i < m; i++ {
		out = append(out, x[i*P+p.Offset:i*P+p.Offset+p.Shape.Size()]...)
	}
	return out
}

// loopedLimit is the estimated time beyond which the looped engine, a
// scalar pass per direction and parameter, is skipped.
const loopedLimit = 2 * time.Second

// TestImportFixtures imports every exported PyTorch problem in testdata and
// checks each engine's s, its pieces and both parameter Jacobians against
// PyTorch's own double backward.
func TestImportFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.expected.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		e := readExpected(t, path)
		t.Run(e.Problem, func(t *testing.T) {
			d, phi := importFile(t, e.D.File), importFile(t, e.Phi.File)
			checkNet(t, "D", d, e.D, e.ParamsD)
			checkNet(t, "Φ", phi, e.Phi, e.ParamsPhi)
			p := cossim.Problem{D: d, Phi: phi, PhiOutput: e.Phi.OutputIndex}
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			if p.M() != e.M || p.N() != e.N {
				t.Fatalf("m, n = %d, %d, want %d, %d", p.M(), p.N(), e.M, e.N)
			}
			opt := cossim.Options{Wrt: cossim.WrtBoth}
			for _, kind := range []cossim.Kind{cossim.KindForward, cossim.KindAdjoint, cossim.KindLooped} {
				if kind == cossim.KindLooped {
					if est := cossim.LoopedTime(p, opt.Wrt); est > loopedLimit {
						t.Logf("%v: skipped, estimated %v for %d·(%d+%d) scalar passes", kind, est.Round(time.Millisecond), d.NumParams()+phi.NumParams(), e.M, e.N)
						continue
					}
				}
				eng, err := cossim.New(p, opt, kind)
				if err != nil {
					var be *cossim.BudgetError
					if errors.As(err, &be) {
						t.Logf("%v: skipped: %v", kind, err)
						continue
					}
					t.Fatalf("%v: %v", kind, err)
				}
				worst, what := 0.0, ""
				for b, want := range e.Samples {
					res := cossim.NewResult(p, opt.Wrt)
					if err := eng.Eval(res, want.Z); err != nil {
						t.Fatalf("%v sample %d: %v", kind, b, err)
					}
					gd, gp := gradOracle(t, d, e.M, want.GradD), gradOracle(t, phi, e.M, want.GradPhi)
					for _, q := range []struct {
						what      string
						got, want []float64
					}{
						{"s", res.S, want.S},
						{"dot", res.Dot, want.Dot},
						{"grad_norm_sq", []float64{res.GradNormSq}, []float64{want.GradNormSq}},
						{"col_norm_sq", res.ColNormSq, want.ColNormSq},
						{"grad_d", dense(res.GradD), gd},
						{"grad_phi", dense(res.GradPhi), gp},
					} {
						err := relErr(q.got, q.want)
						if !(err <= tol) {
							t.Errorf("%v sample %d: %s differs from PyTorch by %.3g relative to its largest entry", kind, b, q.what, err)
						}
						if err > worst || math.IsNaN(err) {
							worst, what = err, fmt.Sprintf("%s, sample %d", q.what, b)
						}
					}
					// Per parameter, relative to the parameter's own largest
					// entry, or to 1e-4 of the whole Jacobian's for a
					// parameter whose Jacobian is zero up to rounding (a bias
					// that a softmax over its channel's positions cancels).
					for _, side := range []struct {
						g         *graph.Graph
						got, want []float64
					}{{d, dense(res.GradD), gd}, {phi, dense(res.GradPhi), gp}} {
						floor := 1e-4 * maxAbs(side.want)
						for _, prm := range side.g.Params() {
							P := side.g.NumParams()
							got, want := paramBlock(side.got, e.M, P, prm), paramBlock(side.want, e.M, P, prm)
							err := maxDiff(got, want) / math.Max(maxAbs(want), floor)
							if !(err <= tol) {
								t.Errorf("%v sample %d: ∂s/∂%s differs from PyTorch by %.3g relative to its largest entry", kind, b, prm.Name, err)
							}
						}
					}
				}
				t.Logf("%-7v worst relative difference %.2g (%s)", kind, worst, what)
			}
		})
	}
}

// checkNet checks an imported network's shapes and parameters against the
// oracle's (in named_parameters order).
func checkNet(t *testing.T, which string, g *graph.Graph, n netInfo, params []pinfo) {
	t.Helper()
	if !slices.Equal([]int(g.InputShape()), n.InputShape) || !slices.Equal([]int(g.OutputShape()), n.OutputShape) {
		t.Errorf("%s: shapes %v → %v, want %v → %v", which, g.InputShape(), g.OutputShape(), n.InputShape, n.OutputShape)
	}
	var got, want []string
	for _, p := range g.Params() {
		got = append(got, fmt.Sprintf("%s%v", p.Name, p.Shape))
	}
	for _, p := range params {
		want = append(want, fmt.Sprintf("%s%v", p.Name, graph.Shape(p.Shape)))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s parameters:\n got %s\nwant %s", which, strings.Join(got, " "), strings.Join(want, " "))
	}
}

// TestDenseMatchesONNX evaluates the mlp problem given as dense networks
// (layers JSON) and as ONNX exports (Gemm nodes) with every engine: the
// two routes run the same arithmetic, so s and both Jacobians agree to the
// bit.
func TestDenseMatchesONNX(t *testing.T) {
	for _, prob := range []string{"mlp", "mlp_f32"} {
		e := readExpected(t, filepath.Join("testdata", prob+".expected.json"))
		readDense := func(name string) *graph.Graph {
			f, err := os.Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			n, err := layers.ReadJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			return n.Graph()
		}
		pd := cossim.Problem{D: readDense(prob + "_d.layers.json"), Phi: readDense(prob + "_phi.layers.json")}
		po := cossim.Problem{D: importFile(t, prob+"_d.onnx"), Phi: importFile(t, prob+"_phi.onnx")}
		// The dense parameters are layers.<l>.weight and .bias, the ONNX ones
		// <module index>.weight and .bias: the same tensors in the same order.
		for _, pair := range [][2]*graph.Graph{{pd.D, po.D}, {pd.Phi, po.Phi}} {
			a, b := pair[0].Params(), pair[1].Params()
			if len(a) != len(b) {
				t.Fatalf("%s: %d dense and %d ONNX parameters", prob, len(a), len(b))
			}
			for i := range a {
				if filepath.Ext(a[i].Name) != filepath.Ext(b[i].Name) || !a[i].Shape.Equal(b[i].Shape) {
					t.Errorf("%s: parameter %d: dense %s%v, ONNX %s%v", prob, i, a[i].Name, a[i].Shape, b[i].Name, b[i].Shape)
				}
			}
		}
		opt := cossim.Options{Wrt: cossim.WrtBoth}
		for _, kind := range []cossim.Kind{cossim.KindForward, cossim.KindAdjoint, cossim.KindLooped} {
			ed, err := cossim.New(pd, opt, kind)
			if err != nil {
				t.Fatal(err)
			}
			eo, err := cossim.New(po, opt, kind)
			if err != nil {
				t.Fatal(err)
			}
			for b, smp := range e.Samples {
				rd, ro := cossim.NewResult(pd, opt.Wrt), cossim.NewResult(po, opt.Wrt)
				if err := ed.Eval(rd, smp.Z); err != nil {
					t.Fatal(err)
				}
				if err := eo.Eval(ro, smp.Z); err != nil {
					t.Fatal(err)
				}
				for _, q := range []struct {
					what   string
					dn, ox []float64
				}{
					{"s", rd.S, ro.S}, {"dot", rd.Dot, ro.Dot},
					{"grad_norm_sq", []float64{rd.GradNormSq}, []float64{ro.GradNormSq}},
					{"col_norm_sq", rd.ColNormSq, ro.ColNormSq},
					{"grad_d", dense(rd.GradD), dense(ro.GradD)}, {"grad_phi", dense(rd.GradPhi), dense(ro.GradPhi)},
				} {
					if !bitsEqual(q.dn, q.ox) {
						t.Errorf("%s %v sample %d: %s differs between dense and ONNX by %.3g relative", prob, kind, b, q.what, relErr(q.ox, q.dn))
					}
				}
			}
		}
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

// TestBNDedupJacobian pins the import of bn_dedup_phi, where torch.onnx
// merged equal initializers: 1.weight (a BatchNorm scale, all ones) also
// stands for 1.running_var and 4.running_var, and for 4.weight, through
// Identity nodes. The running statistics must be constants and 4.weight a
// parameter of its own, so that ∂s/∂(1.weight) is PyTorch's, not a sum over
// the merged tensors.
func TestBNDedupJacobian(t *testing.T) {
	e := readExpected(t, filepath.Join("testdata", "bn_dedup.expected.json"))
	phi := importFile(t, e.Phi.File)
	byName := map[string]int{}
	for i := 0; i < phi.Len(); i++ {
		byName[phi.Name(i)] = i
	}
	for _, bn := range []struct{ node, scale, bias, mean, vr string }{
		{"/1/BatchNormalization", "1.weight", "1.bias", "1.running_mean", "1.running_var"},
		{"/4/BatchNormalization", "4.weight", "4.bias", "4.running_mean", "4.running_var"},
	} {
		i, ok := byName[bn.node]
		if !ok {
			t.Fatalf("no node %s", bn.node)
		}
		in := phi.Inputs(i)
		for j, want := range []struct {
			name string
			kind graph.Kind
		}{{bn.scale, graph.KindParam}, {bn.bias, graph.KindParam}, {bn.mean, graph.KindConst}, {bn.vr, graph.KindConst}} {
			if got := phi.Name(in[j+1]); got != want.name || phi.Kind(in[j+1]) != want.kind {
				t.Errorf("%s input %d: %s (kind %v), want %s (kind %v)", bn.node, j+1, got, phi.Kind(in[j+1]), want.name, want.kind)
			}
		}
	}
	d := importFile(t, e.D.File)
	p := cossim.Problem{D: d, Phi: phi}
	eng, err := cossim.New(p, cossim.Options{Wrt: cossim.WrtPhi}, cossim.KindAdjoint)
	if err != nil {
		t.Fatal(err)
	}
	res := cossim.NewResult(p, cossim.WrtPhi)
	if err := eng.Eval(res, e.Samples[0].Z); err != nil {
		t.Fatal(err)
	}
	gp := dense(res.GradPhi)
	want := gradOracle(t, phi, e.M, e.Samples[0].GradPhi)
	for _, prm := range phi.Params() {
		if prm.Name != "1.weight" && prm.Name != "4.weight" {
			continue
		}
		P := phi.NumParams()
		got, w := paramBlock(gp, e.M, P, prm), paramBlock(want, e.M, P, prm)
		if err := relErr(got, w); !(err <= tol) {
			t.Errorf("∂s/∂%s = %v, PyTorch %v (relative difference %.3g)", prm.Name, got, w, err)
		}
		t.Logf("∂s/∂%s = %.6g (PyTorch %.6g)", prm.Name, got, w)
	}

	// The same with the running statistics read from the parameters
	// themselves, without Identity nodes: each such use is a constant copy.
	m := readModel(t, e.Phi.File)
	bn := nodeOf(t, m, "/1/BatchNormalization")
	bn.Inputs[3], bn.Inputs[4] = "1.bias", "1.weight"
	phi2, err := onnx.Import(m)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < phi2.Len(); i++ {
		if phi2.Name(i) != "/1/BatchNormalization" {
			continue
		}
		in := phi2.Inputs(i)
		if phi2.Name(in[1]) != "1.weight" || phi2.Kind(in[1]) != graph.KindParam ||
			phi2.Name(in[4]) != "1.weight.const" || phi2.Kind(in[4]) != graph.KindConst || phi2.Kind(in[3]) != graph.KindConst {
			t.Errorf("direct use: BN inputs %s %s %s %s", phi2.Name(in[1]), phi2.Name(in[2]), phi2.Name(in[3]), phi2.Name(in[4]))
		}
	}
	p2 := cossim.Problem{D: d, Phi: phi2}
	eng2, err := cossim.New(p2, cossim.Options{Wrt: cossim.WrtPhi}, cossim.KindAdjoint)
	if err != nil {
		t.Fatal(err)
	}
	res2 := cossim.NewResult(p2, cossim.WrtPhi)
	if err := eng2.Eval(res2, e.Samples[0].Z); err != nil {
		t.Fatal(err)
	}
	if err := relErr(dense(res2.GradPhi), want); !(err <= tol) {
		t.Errorf("direct use: ∂s/∂φ differs from PyTorch by %.3g", err)
	}
}

// FuzzImport checks that decoding and importing never panic, whatever the
// bytes; errors are expected. It is seeded with the committed exports
// (testdata and testdata/zoo) of at most 8 KB, and lowers the element limit
// so that mutated shapes stay cheap.
func FuzzImport(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.onnx"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed models: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 8<<10 {
			f.Add(data)
		}
	}
	zoo, err := filepath.Glob(filepath.Join("testdata", "zoo", "*.onnx"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range zoo {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 8<<10 {
			f.Add(data)
		}
	}
	defer onnx.SetMaxElements(1 << 16)()
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := onnx.Decode(data)
		if err != nil {
			return
		}
		g, err := onnx.Import(m)
		if err != nil {
			if g != nil {
				t.Fatal("a graph and an error")
			}
			return
		}
		if err := g.Validate(); err != nil {
			t.Fatalf("Import returned an invalid graph: %v", err)
		}
	})
}

// readModel decodes a committed export, for a test to edit.
func readModel(t *testing.T, name string) *onnx.Model {
	t.Helper()
	m, err := onnx.ReadFile(filepath.Join("testdata", name), 0)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// nodeOf returns the node with the given name.
func nodeOf(t *testing.T, m *onnx.Model, name string) *onnx.Node {
	t.Helper()
	for k := range m.Graph.Nodes {
		if m.Graph.Nodes[k].Name == name {
			return &m.Graph.Nodes[k]
		}
	}
	t.Fatalf("no node %s", name)
	return nil
}

// setAttr sets (or adds) an attribute of a node.
func setAttr(n *onnx.Node, a onnx.Attribute) {
	for i := range n.Attrs {
		if n.Attrs[i].Name == a.Name {
			n.Attrs[i] = a
			return
		}
	}
	n.Attrs = append(n.Attrs, a)
}

// TestImportErrors edits committed exports into models Import must refuse,
// and checks that each error names what is wrong.
func TestImportErrors(t *testing.T) {
	long := strings.Repeat("n", 10000)
	for _, tc := range []struct {
		name  string
		file  string
		edit  func(t *testing.T, m *onnx.Model)
		want  []string // substrings of the message
		graph bool     // a *graph.Error from an op's shape check
	}{
		{"unsupported op", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/1/Tanh").OpType = "Foo"
		}, []string{`"/1/Tanh"`, `op type "Foo" is not supported`, "Conv, ConvTranspose"}, false},
		{"unknown domain", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/1/Tanh").Domain = "com.microsoft"
		}, []string{`"/1/Tanh"`, `domain "com.microsoft"`}, false},
		{"unknown attribute", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			setAttr(nodeOf(t, m, "/0/Gemm"), onnx.Attribute{Name: "foo", Type: onnx.AttrInt, I: 1})
		}, []string{`"/0/Gemm" (Gemm)`, `attribute "foo" is not supported`}, false},
		{"attribute of the wrong type", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			setAttr(nodeOf(t, m, "/0/Gemm"), onnx.Attribute{Name: "transB", Type: onnx.AttrFloat, F: 1})
		}, []string{`"/0/Gemm"`, `"transB" is FLOAT, want INT`}, false},
		{"Gemm transB=2", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			setAttr(nodeOf(t, m, "/0/Gemm"), onnx.Attribute{Name: "transB", Type: onnx.AttrInt, I: 2})
		}, []string{`"/0/Gemm"`, `attribute "transB" = 2 is not supported`}, false},
		{"Conv auto_pad=SAME_UPPER", "conv1d_phi.onnx", func(t *testing.T, m *onnx.Model) {
			n := nodeOf(t, m, "/0/Conv")
			setAttr(n, onnx.Attribute{Name: "auto_pad", Type: onnx.AttrString, S: "SAME_UPPER"})
		}, []string{`"/0/Conv" (Conv)`, `attribute "auto_pad" = "SAME_UPPER" is not supported`}, false},
		{"MaxPool storage_order=1", "maxpool_tie_phi.onnx", func(t *testing.T, m *onnx.Model) {
			setAttr(nodeOf(t, m, "/0/MaxPool"), onnx.Attribute{Name: "storage_order", Type: onnx.AttrInt, I: 1})
		}, []string{`"/0/MaxPool" (MaxPool)`, `attribute "storage_order" = 1 is not supported`}, false},
		{"MaxPool Indices used", "maxpool_tie_phi.onnx", func(t *testing.T, m *onnx.Model) {
			n := nodeOf(t, m, "/0/MaxPool")
			n.Outputs = append(n.Outputs, "indices")
			m.Graph.Outputs[0].Name = "indices"
		}, []string{`"/0/MaxPool"`, `output 1 ("indices") is used`}, false},
		{"Pad mode=reflect", "conv2d_phi.onnx", func(t *testing.T, m *onnx.Model) {
			setAttr(nodeOf(t, m, "/6/Pad"), onnx.Attribute{Name: "mode", Type: onnx.AttrString, S: "reflect"})
		}, []string{`"/6/Pad" (Pad)`, `attribute "mode" = "reflect" is not supported`}, false},
		{"Resize mode=cubic", "upsample_groupnorm_d.onnx", func(t *testing.T, m *onnx.Model) {
			setAttr(nodeOf(t, m, "/6/Resize"), onnx.Attribute{Name: "mode", Type: onnx.AttrString, S: "cubic"})
		}, []string{`"/6/Resize" (Resize)`, `attribute "mode" = "cubic" is not supported`}, false},
		{"BN training mode", "dcgan_d.onnx", func(t *testing.T, m *onnx.Model) {
			setAttr(nodeOf(t, m, "/2/BatchNormalization"), onnx.Attribute{Name: "training_mode", Type: onnx.AttrInt, I: 1})
		}, []string{`"/2/BatchNormalization" (BatchNormalization)`, `"training_mode" = 1 is not supported`, "eval mode"}, false},
		{"LayerNorm Mean used", "layernorm_phi_op17.onnx", func(t *testing.T, m *onnx.Model) {
			for k := range m.Graph.Nodes {
				if n := &m.Graph.Nodes[k]; n.OpType == "LayerNormalization" {
					n.Outputs = append(n.Outputs, "mean")
				}
			}
			m.Graph.Outputs[0].Name = "mean"
		}, []string{"(LayerNormalization)", `output 1 ("mean") is used, but only the first output`}, false},
		{"two graph inputs", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			in := m.Graph.Inputs[0]
			in.Name = "other"
			m.Graph.Inputs = append(m.Graph.Inputs, in)
		}, []string{`2 inputs ("input", "other")`}, false},
		{"no graph input", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Inputs = nil
		}, []string{"no input"}, false},
		{"int64 graph input", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Inputs[0].ElemType = onnx.Int64
		}, []string{`graph input "input"`, "INT64", "want FLOAT or DOUBLE"}, false},
		{"dynamic input dimension", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Inputs[0].Shape[0] = onnx.Dim{Param: "batch"}
		}, []string{`graph input "input"`, `dynamic dimension "batch"`}, false},
		{"two graph outputs", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Outputs = append(m.Graph.Outputs, onnx.ValueInfo{Name: "/1/Tanh_output_0"})
		}, []string{"2 outputs"}, false},
		{"cycle", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/0/Gemm").Inputs[0] = "/1/Tanh_output_0"
		}, []string{`"/0/Gemm"`, "cycle"}, false},
		{"dangling input", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/1/Tanh").Inputs[0] = "nowhere"
		}, []string{`"/1/Tanh"`, `input "nowhere" is not defined`}, false},
		{"output defined twice", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/1/Tanh").Outputs[0] = "/0/Gemm_output_0"
		}, []string{`"/1/Tanh"`, `output "/0/Gemm_output_0" is also an output of node 0 "/0/Gemm"`}, false},
		{"undefined graph output", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Outputs[0].Name = "missing"
		}, []string{`graph output "missing" is not defined`}, false},
		{"output independent of the input", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Outputs[0].Name = "2.bias"
		}, []string{`graph output "2.bias" does not depend on the graph input`}, false},
		{"Reshape with a non-constant shape", "dcgan_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/0/Reshape").Inputs[1] = "input"
		}, []string{`"/0/Reshape" (Reshape)`, `input 1 ("input", the shape) must be a constant`, "depends on the graph input"}, false},
		{"Reshape with a parameter shape", "dcgan_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/0/Reshape").Inputs[1] = "2.weight"
		}, []string{`"/0/Reshape"`, `input 1 ("2.weight", the shape) must be a constant`, "depends on a parameter"}, false},
		{"Reshape to a shape that does not fit", "dcgan_d.onnx", func(t *testing.T, m *onnx.Model) {
			c := nodeOf(t, m, "/0/Constant")
			c.Attrs[0].T.Int64 = []int64{-1, 3, 1, 1}
		}, []string{`"/0/Reshape" (Reshape)`, "[1, 4]", "[-1 3 1 1]"}, true},
		{"shapes that do not fit", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Inputs[0].Shape[1].Value = 4
		}, []string{`"/0/Gemm" (Gemm)`, "1×4", "3×6"}, true},
		{"Expand to a huge shape", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Nodes = append(m.Graph.Nodes,
				onnx.Node{Name: "shape", OpType: "Constant", Outputs: []string{"s"}, Attrs: []onnx.Attribute{{Name: "value", Type: onnx.AttrTensor,
					T: &onnx.Tensor{DataType: onnx.Int64, Dims: []int64{3}, Int64: []int64{1 << 20, 1 << 20, 5}}}}},
				onnx.Node{Name: "big", OpType: "Expand", Inputs: []string{"output", "s"}, Outputs: []string{"big"}})
			m.Graph.Outputs[0].Name = "big"
		}, []string{`"big" (Expand)`, "more than the limit"}, false},
		{"initializer data of the wrong length", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Initializers[0].Float64 = m.Graph.Initializers[0].Float64[:3]
		}, []string{`initializer "0.weight"`, "3 float values for dims [6 3]"}, false},
		{"non-finite initializer", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Graph.Initializers[1].Float64[2] = math.NaN()
		}, []string{`initializer "0.bias"`, "element 2 is NaN"}, false},
		{"missing default opset", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Opsets = map[string]int64{"com.example": 1}
		}, []string{"no opset of the default"}, false},
		{"opset 18", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			m.Opsets[""] = 18
		}, []string{"opset 18", "13 to 17"}, false},
		{"missing input", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/0/Gemm").Inputs[1] = ""
		}, []string{`"/0/Gemm"`, "input 1 is missing"}, false},
		{"huge node name", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			n := nodeOf(t, m, "/1/Tanh")
			n.Name, n.OpType = long, long
		}, []string{`nnnn"…`, "is not supported"}, false},
		{"Concat without axis", "upsample_groupnorm_d.onnx", func(t *testing.T, m *onnx.Model) {
			nodeOf(t, m, "/3/Concat").Attrs = nil
		}, []string{`"/3/Concat" (Concat)`, `"axis" is missing`}, false},
		{"Where on the input", "mlp_d.onnx", func(t *testing.T, m *onnx.Model) {
			n := nodeOf(t, m, "/1/Tanh")
			n.OpType, n.Inputs = "Where", []string{"/0/Gemm_output_0", "/0/Gemm_output_0", "/0/Gemm_output_0"}
		}, []string{`"/1/Tanh" (Where)`, "only on constants"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := readModel(t, tc.file)
			tc.edit(t, m)
			g, err := onnx.Import(m)
			if err == nil {
				t.Fatalf("no error (graph %v)", g != nil)
			}
			if g != nil {
				t.Error("a graph and an error")
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\ndoes not contain %q", msg, w)
				}
			}
			if len(msg) > 1000 {
				t.Errorf("error of %d bytes", len(msg))
			}
			var ge *graph.Error
			var oe *onnx.Error
			switch {
			case tc.graph && !errors.As(err, &ge):
				t.Errorf("error %T, want *graph.Error", err)
			case !tc.graph && !errors.As(err, &oe):
				t.Errorf("error %T, want *onnx.Error", err)
			}
			t.Log(msg)
		})
	}
	if _, err := onnx.Import(nil); err == nil {
		t.Error("Import(nil): no error")
	}
	if _, err := onnx.Import(&onnx.Model{}); err == nil {
		t.Error("Import of an empty model: no error")
	}
}

// zooCase is one entry of testdata/zoo/zoo.json (tools/onnxref/zoo.py).
type zooCase struct {
	Ops        []string  `json:"ops"`
	InputShape []int     `json:"input_shape"`
	X          []float64 `json:"x"`
	Y          []float64 `json:"y"`
	V          []float64 `json:"v"`
	JV         []float64 `json:"jv"`
	Error      string    `json:"error"`
}

// TestImportZoo imports the small PyTorch modules of testdata/zoo, one per
// op or export pattern, and checks the value and a Jacobian-vector product
// of each against PyTorch's; the unsupported ones must be refused with an
// error naming why.
func TestImportZoo(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "zoo", "zoo.json"))
	if err != nil {
		t.Fatal(err)
	}
	var zoo map[string]zooCase
	if err := json.Unmarshal(data, &zoo); err != nil {
		t.Fatal(err)
	}
	if len(zoo) == 0 {
		t.Fatal("empty zoo")
	}
	names := slices.Sorted(maps.Keys(zoo))
	ops := map[string]bool{}
	for _, name := range names {
		c := zoo[name]
		t.Run(name, func(t *testing.T) {
			m, err := onnx.ReadFile(filepath.Join("testdata", "zoo", name+".onnx"), 0)
			if err != nil {
				t.Fatal(err)
			}
			g, err := onnx.Import(m)
			if c.Error != "" {
				if err == nil || !strings.Contains(err.Error(), c.Error) {
					t.Fatalf("error %v, want one naming %q", err, c.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, op := range c.Ops {
				ops[op] = true
			}
			if !slices.Equal([]int(g.InputShape()), c.InputShape) {
				t.Fatalf("input shape %v, want %v", g.InputShape(), c.InputShape)
			}
			tp := passes.NewTape(g)
			tp.Forward(graph.MakeBlock(c.X, 1, len(c.X)))
			tp.Tangent(graph.MakeBlock(c.V, 1, len(c.V)))
			y, jv := tp.Output().Row(0), tp.Tan(g.OutputNode()).Row(0)
			if e := relErr(y, c.Y); !(e <= 1e-13) {
				t.Errorf("value differs from PyTorch's by %.3g relative\n got %v\nwant %v", e, y, c.Y)
			}
			jvTol := 1e-13
			if name == "hardsigmoid" {
				// PyTorch 1.13's CPU backward of hardsigmoid multiplies by
				// float32(1/6) even in float64 (see ops.HardSigmoid): 3e-8.
				jvTol = 5e-8
			}
			if e := relErr(jv, c.JV); !(e <= jvTol) {
				t.Errorf("J·v differs from PyTorch's by %.3g relative\n got %v\nwant %v", e, jv, c.JV)
			}
		})
	}
	t.Logf("ops covered: %s", strings.Join(slices.Sorted(maps.Keys(ops)), " "))
}

// TestImportNames checks the graph's node names: the ONNX node names,
// "<op_type>_<k>" for unnamed nodes, and a suffix where a name is taken.
func TestImportNames(t *testing.T) {
	m := readModel(t, "mlp_d.onnx")
	nodeOf(t, m, "/1/Tanh").Name = ""
	nodeOf(t, m, "/2/Gemm").Name = "0.weight" // a parameter's name
	g, err := onnx.Import(m)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := 0; i < g.Len(); i++ {
		names = append(names, g.Name(i))
	}
	want := []string{"input", "0.weight", "0.bias", "2.weight", "2.bias", "/0/Gemm", "Tanh_1", "0.weight_2"}
	if !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
}
