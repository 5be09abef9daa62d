package onnx_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/onnx"
	"github.com/dualgrad/dualgrad/passes"
	"github.com/google/go-cmp/cmp"
)

// TestEncodeRoundTrip re-encodes every committed model: decoding the
// encoding gives the decoded model back, encoding is deterministic, and the
// re-encoded model imports to the same graph (parameters by name, shape,
// offset and value, and the same output on a random input, to the bit).
func TestEncodeRoundTrip(t *testing.T) {
	var files []string
	for _, pat := range []string{"*.onnx", filepath.Join("zoo", "*.onnx")} {
		f, err := filepath.Glob(filepath.Join("testdata", pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f...)
	}
	if len(files) < 70 {
		t.Fatalf("only %d models in testdata", len(files))
	}
	for _, file := range files {
		name, _ := filepath.Rel("testdata", file)
		t.Run(name, func(t *testing.T) {
			m1, err := onnx.ReadFile(file, 0)
			if err != nil {
				t.Fatal(err)
			}
			data, err := onnx.Encode(m1)
			if err != nil {
				t.Fatal(err)
			}
			m2, err := onnx.DecodeNamed(name, data)
			if err != nil {
				t.Fatalf("decoding the encoding: %v", err)
			}
			if diff := cmp.Diff(m1, m2); diff != "" {
				t.Fatalf("Decode(Encode(m)) differs from m (-m +round trip):\n%s", diff)
			}
			again, err := onnx.Encode(m2)
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("a second encoding differs (err %v)", err)
			}
			compareImports(t, m1, m2)
		})
	}
}

// compareImports checks that two models import to the same graph, or are
// refused with the same error.
func compareImports(t *testing.T, m1, m2 *onnx.Model) {
	t.Helper()
	g1, err1 := onnx.Import(m1)
	g2, err2 := onnx.Import(m2)
	if err1 != nil || err2 != nil {
		if err1 == nil || err2 == nil || err1.Error() != err2.Error() {
			t.Fatalf("imports differ: %v / %v", err1, err2)
		}
		return // a model the import refuses (the zoo has some), refused alike
	}
	if !slices.Equal(g1.InputShape(), g2.InputShape()) || !slices.Equal(g1.OutputShape(), g2.OutputShape()) || g1.Len() != g2.Len() {
		t.Fatalf("graphs differ: %v → %v, %d nodes / %v → %v, %d nodes",
			g1.InputShape(), g1.OutputShape(), g1.Len(), g2.InputShape(), g2.OutputShape(), g2.Len())
	}
	if diff := cmp.Diff(g1.Params(), g2.Params()); diff != "" {
		t.Fatalf("parameters differ:\n%s", diff)
	}
	if !bitsEqual(g1.ParamVector(nil), g2.ParamVector(nil)) {
		t.Fatal("parameter values differ")
	}
	r := rand.New(rand.NewPCG(1, uint64(g1.InputShape().Size())))
	x := make([]float64, g1.InputShape().Size())
	for i := range x {
		x[i] = r.NormFloat64()
	}
	var ys [2][]float64
	for i, g := range []*graph.Graph{g1, g2} {
		tp := passes.NewTape(g)
		tp.Forward(graph.MakeBlock(x, 1, len(x)))
		ys[i] = slices.Clone(tp.Output().Row(0))
	}
	if !bitsEqual(ys[0], ys[1]) {
		t.Fatalf("outputs differ on a random input:\n%v\n%v", ys[0], ys[1])
	}
}

// TestEncodeEveryField round-trips a hand-made model holding every kind of
// value Decode reads: each attribute type, each tensor type, scalar and
// empty tensors, symbolic, unknown and zero dimensions, value_info with and
// without a type, a second opset domain.
func TestEncodeEveryField(t *testing.T) {
	m := &onnx.Model{
		IRVersion: 7, Producer: "test", ProducerVersion: "1",
		Opsets: map[string]int64{"": 13, "com.example": 2},
		Graph: onnx.Graph{
			Name: "g",
			Nodes: []onnx.Node{{
				Name: "all", OpType: "Custom", Domain: "com.example",
				Inputs: []string{"x", "", "w"}, Outputs: []string{"y", ""},
				Attrs: []onnx.Attribute{
					{Name: "f", Type: onnx.AttrFloat, F: -0.2},
					{Name: "zero", Type: onnx.AttrFloat},
					{Name: "i", Type: onnx.AttrInt, I: -3},
					{Name: "s", Type: onnx.AttrString, S: "héllo"},
					{Name: "empty", Type: onnx.AttrString},
					{Name: "t", Type: onnx.AttrTensor, T: &onnx.Tensor{DataType: onnx.Int64, Dims: []int64{2}, Int64: []int64{-1, 1 << 40}}},
					{Name: "scalar", Type: onnx.AttrTensor, T: &onnx.Tensor{DataType: onnx.Float64, Float64: []float64{math.Pi}}},
					{Name: "fs", Type: onnx.AttrFloats, Floats: []float32{1, -2.5, 1e-30}},
					{Name: "is", Type: onnx.AttrInts, Ints: []int64{0, -1, math.MaxInt64, math.MinInt64}},
					{Name: "ss", Type: onnx.AttrStrings, Strings: []string{"a", "", "c"}},
				},
			}, {
				Name: "id", OpType: "Identity", Inputs: []string{"y"}, Outputs: []string{"z"},
			}},
			Initializers: []onnx.Tensor{
				{Name: "w", DataType: onnx.Float32, Dims: []int64{2, 2}, Float64: []float64{0.5, -0.25, float64(float32(0.1)), math.Copysign(0, -1)}},
				{Name: "d", DataType: onnx.Float64, Dims: []int64{3}, Float64: []float64{0.1, 1e-300, -math.MaxFloat64}},
				{Name: "i32", DataType: onnx.Int32, Dims: []int64{2}, Int64: []int64{math.MinInt32, math.MaxInt32}},
				{Name: "b", DataType: onnx.Bool, Dims: []int64{3}, Int64: []int64{1, 0, 1}},
				{Name: "none", DataType: onnx.Float64, Dims: []int64{0, 4}, Float64: []float64{}},
			},
			Inputs: []onnx.ValueInfo{{Name: "x", ElemType: onnx.Float64, HasShape: true,
				Shape: []onnx.Dim{{Param: "batch"}, {}, {Value: 0, Known: true}, {Value: 7, Known: true}}}},
			Outputs: []onnx.ValueInfo{{Name: "z", ElemType: onnx.Float32, HasShape: true}},
			ValueInfo: []onnx.ValueInfo{
				{Name: "y"},
				{Name: "typed", ElemType: onnx.Int64},
			},
		},
	}
	data, err := onnx.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := onnx.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Fatalf("round trip differs (-want +got):\n%s", diff)
	}
}

// TestEncodeWritesWhatDecodeRefuses: Encode does not check the model, so
// that edited models can be written for Decode and Import to refuse.
func TestEncodeWritesWhatDecodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m *onnx.Model)
		want string
	}{
		{"NaN weight", func(m *onnx.Model) { m.Graph.Initializers[0].Float64[4] = math.NaN() },
			`initializer "0.weight": element 4 (index [1 1]) is NaN: weights must be finite`},
		{"data shorter than dims", func(m *onnx.Model) {
			m.Graph.Initializers[1].Float64 = m.Graph.Initializers[1].Float64[:2]
		}, `initializer "0.bias": tensor holds 2 elements of data but dims [6] need 6`},
		{"huge dims", func(m *onnx.Model) { m.Graph.Initializers[1].Dims = []int64{1e12} },
			`initializer "0.bias": dims [1000000000000] declare more than`},
		{"node out of order", func(m *onnx.Model) {
			g := &m.Graph
			g.Nodes[0], g.Nodes[1] = g.Nodes[1], g.Nodes[0]
		}, `node 0 "/1/Tanh" (Tanh): input "/0/Gemm_output_0" is not defined`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := readModel(t, "mlp_d.onnx")
			tc.edit(m)
			data, err := onnx.Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			_, err = onnx.Decode(data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestEncodeErrors: what Encode cannot write without losing data.
func TestEncodeErrors(t *testing.T) {
	if _, err := onnx.Encode(nil); err == nil {
		t.Error("Encode(nil): no error")
	}
	for _, tc := range []struct {
		name string
		edit func(m *onnx.Model)
		want string
	}{
		{"float32 rounding", func(m *onnx.Model) {
			m.Graph.Initializers[0].DataType = onnx.Float32
			m.Graph.Initializers[0].Float64[0] = 0.1
		}, `initializer "0.weight": Encode: element 0 = 0.1 of a FLOAT tensor is not a float32 value`},
		{"unsupported type", func(m *onnx.Model) { m.Graph.Initializers[0].DataType = 10 },
			"data type FLOAT16 is not supported"},
		{"int data in a float tensor", func(m *onnx.Model) { m.Graph.Initializers[0].Int64 = []int64{1} },
			"DOUBLE tensor has integer data"},
		{"float data in an int tensor", func(m *onnx.Model) {
			m.Graph.Initializers[0].DataType = onnx.Int64
		}, "INT64 tensor has float data"},
		{"int32 range", func(m *onnx.Model) {
			m.Graph.Initializers = append(m.Graph.Initializers, onnx.Tensor{Name: "i", DataType: onnx.Int32, Dims: []int64{1}, Int64: []int64{1 << 40}})
		}, `initializer "i": Encode: element 0 = 1099511627776 does not fit in INT32`},
		{"bool value", func(m *onnx.Model) {
			m.Graph.Initializers = append(m.Graph.Initializers, onnx.Tensor{Name: "b", DataType: onnx.Bool, Dims: []int64{1}, Int64: []int64{2}})
		}, "element 0 = 2 is not a BOOL"},
		{"tensor attribute without a tensor", func(m *onnx.Model) {
			n := &m.Graph.Nodes[0]
			n.Attrs = append(n.Attrs, onnx.Attribute{Name: "value", Type: onnx.AttrTensor})
		}, `node 0 "/0/Gemm" (Gemm), attribute "value": Encode: TENSOR attribute without a tensor`},
		{"graph attribute", func(m *onnx.Model) {
			n := &m.Graph.Nodes[0]
			n.Attrs = append(n.Attrs, onnx.Attribute{Name: "body", Type: 5})
		}, "attribute type GRAPH is not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := readModel(t, "mlp_d.onnx")
			tc.edit(m)
			_, err := onnx.Encode(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Encode: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
