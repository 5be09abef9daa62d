package onnx

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/encoding/protowire"
)

func TestDecodeSmall(t *testing.T) {
	m, err := Decode(spec{}.bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := &Model{
		IRVersion: 8, Opsets: map[string]int64{"": 17}, Producer: "test", ProducerVersion: "0",
		Graph: Graph{
			Name: "g",
			Nodes: []Node{{Name: "/Mul", OpType: "Mul", Inputs: []string{"x", "w"}, Outputs: []string{"y"},
				Attrs: []Attribute{{Name: "alpha", Type: AttrFloat, F: 0.2}}}},
			Initializers: []Tensor{{Name: "w", DataType: Float64, Dims: []int64{1, 2}, Float64: []float64{0.5, -2}}},
			Inputs:       []ValueInfo{{Name: "x", ElemType: Float64, HasShape: true, Shape: []Dim{{Value: 1, Known: true}, {Value: 2, Known: true}}}},
			Outputs:      []ValueInfo{{Name: "y", ElemType: Float64, HasShape: true, Shape: []Dim{{Value: 1, Known: true}, {Value: 2, Known: true}}}},
		},
	}
	if diff := cmp.Diff(want, m, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("decoded model (-want +got):\n%s", diff)
	}
	a := m.Graph.Nodes[0].Attr("alpha")
	if a == nil || a.Float() != 0.2 || float64(a.F) == 0.2 {
		t.Errorf("alpha: Float() = %v, F = %v; want Float() exactly 0.2 and F the float32", a.Float(), a.F)
	}
	if m.Graph.Initializer("w") == nil || m.Graph.Initializer("nope") != nil || m.Graph.Nodes[0].Attr("nope") != nil {
		t.Error("Initializer / Attr lookups")
	}
}

// TestTensorEncodings decodes every supported way of storing tensor data.
func TestTensorEncodings(t *testing.T) {
	nan32 := float32(math.NaN())
	_ = nan32
	for _, tc := range []struct {
		name   string
		tensor pb
		want   Tensor
	}{
		{
			name:   "double raw",
			tensor: doubleTensor("t", []int64{2}, 1.5, -0.25),
			want:   Tensor{Name: "t", DataType: Float64, Dims: []int64{2}, Float64: []float64{1.5, -0.25}},
		},
		{
			name:   "double packed double_data",
			tensor: pb{}.packedInts(tensorDims, 3).int(tensorDataType, 11).str(tensorName, "t").packedDoubles(tensorDoubleData, 1, 2, 3),
			want:   Tensor{Name: "t", DataType: Float64, Dims: []int64{3}, Float64: []float64{1, 2, 3}},
		},
		{
			name: "double unpacked double_data, unpacked dims",
			tensor: pb{}.int(tensorDims, 1).int(tensorDims, 2).int(tensorDataType, 11).str(tensorName, "t").
				fixed64(tensorDoubleData, math.Float64bits(0.1)).fixed64(tensorDoubleData, math.Float64bits(1e300)),
			want: Tensor{Name: "t", DataType: Float64, Dims: []int64{1, 2}, Float64: []float64{0.1, 1e300}},
		},
		{
			name:   "float raw widened exactly",
			tensor: pb{}.packedInts(tensorDims, 2).int(tensorDataType, 1).str(tensorName, "t").bytes(tensorRawData, rawFloats(0.1, -3.4e38)),
			want:   Tensor{Name: "t", DataType: Float32, Dims: []int64{2}, Float64: []float64{float64(float32(0.1)), float64(float32(-3.4e38))}},
		},
		{
			name: "float float_data packed then unpacked",
			tensor: pb{}.packedInts(tensorDims, 3).int(tensorDataType, 1).str(tensorName, "t").
				packedFloats(tensorFloatData, 1, 2).float(tensorFloatData, 0.5),
			want: Tensor{Name: "t", DataType: Float32, Dims: []int64{3}, Float64: []float64{1, 2, 0.5}},
		},
		{
			name:   "int64 int64_data, negative",
			tensor: pb{}.packedInts(tensorDims, 4).int(tensorDataType, 7).packedInts(tensorInt64Data, -1, 2, 0, math.MaxInt64),
			want:   Tensor{DataType: Int64, Dims: []int64{4}, Int64: []int64{-1, 2, 0, math.MaxInt64}},
		},
		{
			name:   "int64 raw",
			tensor: pb{}.packedInts(tensorDims, 2).int(tensorDataType, 7).bytes(tensorRawData, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0, 0, 0, 0, 0}),
			want:   Tensor{DataType: Int64, Dims: []int64{2}, Int64: []int64{-1, 3}},
		},
		{
			name:   "int32 int32_data sign-extended",
			tensor: pb{}.packedInts(tensorDims, 2).int(tensorDataType, 6).packedInts(tensorInt32Data, -5, math.MaxInt32),
			want:   Tensor{DataType: Int32, Dims: []int64{2}, Int64: []int64{-5, math.MaxInt32}},
		},
		{
			name:   "int32 raw",
			tensor: pb{}.packedInts(tensorDims, 1).int(tensorDataType, 6).bytes(tensorRawData, []byte{0xfe, 0xff, 0xff, 0xff}),
			want:   Tensor{DataType: Int32, Dims: []int64{1}, Int64: []int64{-2}},
		},
		{
			name:   "bool raw and int32_data",
			tensor: pb{}.packedInts(tensorDims, 2).int(tensorDataType, 9).bytes(tensorRawData, []byte{1, 0}),
			want:   Tensor{DataType: Bool, Dims: []int64{2}, Int64: []int64{1, 0}},
		},
		{
			name:   "scalar",
			tensor: pb{}.int(tensorDataType, 11).bytes(tensorRawData, rawDoubles(2)),
			want:   Tensor{DataType: Float64, Float64: []float64{2}},
		},
		{
			name:   "empty tensor",
			tensor: pb{}.packedInts(tensorDims, 0, 3).int(tensorDataType, 11),
			want:   Tensor{DataType: Float64, Dims: []int64{0, 3}},
		},
		{
			name:   "unknown fields skipped (doc_string, metadata, a group)",
			tensor: appendGroup(doubleTensor("t", []int64{1}, 7).str(12, "doc").msg(16, pb{}.str(1, "k").str(2, "v")), 99),
			want:   Tensor{Name: "t", DataType: Float64, Dims: []int64{1}, Float64: []float64{7}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &decoder{}
			got, err := d.tensor(tc.tensor, 0, func(string) string { return "t" })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tc.want, got, cmp.Comparer(func(a, b []float64) bool {
				if len(a) != len(b) {
					return false
				}
				for i := range a {
					if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
						return false
					}
				}
				return true
			})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.Len() != len(got.Float64)+len(got.Int64) {
				t.Errorf("Len() = %d, data has %d", got.Len(), len(got.Float64)+len(got.Int64))
			}
		})
	}
}

func appendGroup(m pb, num protowire.Number) pb {
	m = protowire.AppendTag(m, num, protowire.StartGroupType)
	m = m.int(1, 5)
	return protowire.AppendTag(m, num, protowire.EndGroupType)
}

func attr(name string, typ AttrType) pb { return pb{}.str(attrName, name).int(attrType, int64(typ)) }

func withNode(n pb) spec {
	return spec{nodes: []pb{n}}
}

func mulNode(attrs ...pb) pb {
	return nodePB("/Mul", "Mul", []string{"x", "w"}, []string{"y"}, attrs...)
}

// TestDecodeErrors is the table of malformed and unsupported inputs. Each
// must be an *Error naming the file, the right context and the problem.
func TestDecodeErrors(t *testing.T) {
	good := spec{}.bytes()
	hugeDims := []int64{1 << 40, 1 << 40}
	for _, tc := range []struct {
		name  string
		data  []byte
		where string // substring of Error.Node
		msg   string // substring of Error.Msg
	}{
		{"empty", nil, "", "empty input"},
		{"garbage", []byte{0xff, 0xff, 0xff}, "", "not an ONNX model"},
		{"json", []byte(`{"layers": []}`), "", "not an ONNX model"},
		{"zero field number", []byte{0x00, 0x01}, "", "not an ONNX model"},
		{"length past end", pb{}.int(modelIRVersion, 8).str(modelProducerName, "x")[:4], "", "corrupt ModelProto"},
		{"bytes length past end", append(pb{}.int(modelIRVersion, 8), 0x3a, 0x7f, 0x01), "", "corrupt ModelProto at byte 2"},
		{"unterminated varint", append(pb{}.int(modelIRVersion, 8), 0x08, 0x80, 0x80), "", "corrupt ModelProto"},
		{"end group without start", append(pb{}.int(modelIRVersion, 8), 0x0c), "", "unexpected end-group"},
		{"wrong wire type ir_version", pb{}.str(modelIRVersion, "8"), "", "field 1 (ir_version) has wire type bytes, want varint"},
		{"wrong wire type graph", append(pb{}.int(modelIRVersion, 8), pb{}.int(modelGraph, 1)...), "", "field 7 (graph) has wire type varint"},
		{"no ir_version", pb{}.str(modelProducerName, "pytorch"), "", "no ir_version"},
		{"ir 6", spec{ir: 6}.bytes(), "", "IR version 6 is not supported"},
		{"ir 9", spec{ir: 9}.bytes(), "", "IR version 9 is not supported"},
		{"opset 12", spec{opsets: []pb{pb{}.str(opsetDomain, "ai.onnx").int(opsetVersion, 12)}}.bytes(), "", "opset 12 of the default domain"},
		{"opset 18", spec{opsets: []pb{pb{}.int(opsetVersion, 18)}}.bytes(), "", "opset 18"},
		{"no default opset", spec{opsets: []pb{pb{}.str(opsetDomain, "com.microsoft").int(opsetVersion, 1)}}.bytes(), "", "no opset_import for the default domain"},
		{"duplicate opset", spec{opsets: []pb{pb{}.int(opsetVersion, 17), pb{}.str(opsetDomain, "ai.onnx").int(opsetVersion, 17)}}.bytes(), "", "lists domain \"\" twice"},
		{"opset without version", spec{opsets: []pb{pb{}.str(opsetDomain, "")}}.bytes(), "", "has no version"},
		{"no graph", spec{noGraph: true}.bytes(), "", "no graph"},
		{"two graphs", append(spec{}.bytes(), pb{}.msg(modelGraph, pb{})...), "", "a second graph"},
		{"functions", spec{extra: pb{}.msg(modelFunctions, pb{}.str(1, "f"))}.bytes(), "", "model-local functions"},
		{"sparse initializer", spec{graph: pb{}.msg(graphSparseInitializer, pb{})}.bytes(), "graph", "sparse initializers"},
		{"truncated graph", good[:len(good)-3], "", "corrupt ModelProto"},
		{"graph name not UTF-8", spec{graph: pb{}.bytes(graphName, []byte{0xff, 0xfe})}.bytes(), "graph", "not valid UTF-8"},

		// Tensors.
		{"external data location", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 0, 0).int(tensorDataLocation, 1)}}.bytes(),
			`initializer "w"`, "external data"},
		{"external data entries", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, 1, 2).
			msg(tensorExternalData, pb{}.str(1, "location").str(2, "w.bin"))}}.bytes(), `initializer "w"`, "external data"},
		{"bad data location", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 0, 0).int(tensorDataLocation, 7)}}.bytes(),
			`initializer "w"`, "unknown data_location 7"},
		{"segment", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 0, 0).msg(tensorSegment, pb{}.int(1, 0).int(2, 1))}}.bytes(),
			`initializer "w"`, "segmented"},
		{"raw too short", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 1)}}.bytes(), `initializer "w"`, "holds 1 elements of data but dims [1 2] need 2"},
		{"raw too long", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 1, 2, 3)}}.bytes(), `initializer "w"`, "holds 3 elements"},
		{"raw not a multiple", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, 1).bytes(tensorRawData, make([]byte, 7))}}.bytes(),
			`initializer "w"`, "raw_data has 7 bytes, not a multiple of the 8-byte DOUBLE"},
		{"no data", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, 1, 2)}}.bytes(),
			`initializer "w"`, "holds 0 elements of data but dims [1 2] need 2"},
		{"huge dims refused before allocating", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, hugeDims...).bytes(tensorRawData, make([]byte, 16))}}.bytes(),
			`initializer "w"`, "declare more than"},
		{"dims product overflows int64", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, 1<<62, 4, 4).bytes(tensorRawData, make([]byte, 16))}}.bytes(),
			`initializer "w"`, "declare more than"},
		{"declared size beyond the bytes present", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, 1<<20, 64).bytes(tensorRawData, make([]byte, 16))}}.bytes(),
			`initializer "w"`, "holds 2 elements of data but dims [1048576 64] need 67108864"},
		{"negative dim", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, 2, -1).bytes(tensorRawData, make([]byte, 16))}}.bytes(),
			`initializer "w"`, "negative dimension"},
		{"NaN weight", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 1, math.NaN())}}.bytes(), `initializer "w"`, "element 1 (index [0 1]) is NaN"},
		{"Inf float_data", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 1).packedInts(tensorDims, 1, 2).packedFloats(tensorFloatData, float32(math.Inf(-1)), 0)}}.bytes(),
			`initializer "w"`, "element 0 (index [0 0]) is -Inf"},
		{"float16", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 10).packedInts(tensorDims, 1).bytes(tensorRawData, []byte{0, 0})}}.bytes(),
			`initializer "w"`, "data type FLOAT16 is not supported"},
		{"string tensor", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 8).str(tensorStringData, "a")}}.bytes(),
			`initializer "w"`, "data type STRING is not supported"},
		{"unknown data type", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 1000)}}.bytes(),
			`initializer "w"`, "data type DataType(1000)"},
		{"data type out of int32", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 1<<40)}}.bytes(),
			`initializer`, "does not fit in int32"},
		{"no data type", spec{inits: []pb{pb{}.str(tensorName, "w").packedInts(tensorDims, 1).bytes(tensorRawData, make([]byte, 8))}}.bytes(),
			`initializer "w"`, "no data_type"},
		{"raw and typed", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 0, 0).packedDoubles(tensorDoubleData, 1, 2)}}.bytes(),
			`initializer "w"`, "both raw_data and double_data"},
		{"float_data in a DOUBLE tensor", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, 1, 2).packedFloats(tensorFloatData, 1, 2)}}.bytes(),
			`initializer "w"`, "tensor of type DOUBLE has float_data"},
		{"uint64_data", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 7).packedInts(tensorDims, 1).packedInts(tensorUint64Data, 1)}}.bytes(),
			`initializer "w"`, "tensor of type INT64 has uint64_data"},
		{"packed float_data not a multiple of 4", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 1).packedInts(tensorDims, 1, 2).bytes(tensorFloatData, make([]byte, 9))}}.bytes(),
			`initializer "w"`, "has 9 bytes, not a multiple of 4"},
		{"double_data as varint", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 11).packedInts(tensorDims, 1).int(tensorDoubleData, 3)}}.bytes(),
			`initializer "w"`, "wire type varint, want fixed64 or packed bytes"},
		{"malformed packed int64_data", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 7).packedInts(tensorDims, 1).bytes(tensorInt64Data, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})}}.bytes(),
			`initializer "w"`, "packed field 7 (int64_data)"},
		{"int32 out of range", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 6).packedInts(tensorDims, 1).packedInts(tensorInt32Data, 1<<33)}}.bytes(),
			`initializer "w"`, "does not fit in INT32"},
		{"bool not 0 or 1", spec{inits: []pb{pb{}.str(tensorName, "w").int(tensorDataType, 9).packedInts(tensorDims, 1).bytes(tensorRawData, []byte{2})}}.bytes(),
			`initializer "w"`, "not a BOOL"},
		{"two raw_data", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 0, 0).bytes(tensorRawData, rawDoubles(0, 0))}}.bytes(),
			`initializer "w"`, "a second raw_data"},
		{"unnamed initializer", spec{inits: []pb{pb{}.int(tensorDataType, 11).bytes(tensorRawData, rawDoubles(1))}}.bytes(),
			"initializer 0", "has no name"},
		{"duplicate initializer", spec{inits: []pb{doubleTensor("w", []int64{1, 2}, 0, 0), doubleTensor("w", []int64{1}, 0)}}.bytes(),
			`initializer "w"`, "a second initializer"},

		// Nodes, attributes and graph structure.
		{"undefined input", withNode(nodePB("/Mul", "Mul", []string{"x", "v"}, []string{"y"})).bytes(),
			`node 0 "/Mul" (Mul)`, `input "v" is not defined`},
		{"not topologically sorted", spec{nodes: []pb{nodePB("b", "Relu", []string{"t"}, []string{"y"}), nodePB("a", "Relu", []string{"x"}, []string{"t"})}}.bytes(),
			`node 0 "b" (Relu)`, `input "t" is not defined`},
		{"output defined twice", spec{nodes: []pb{nodePB("a", "Relu", []string{"x"}, []string{"y"}), nodePB("b", "Relu", []string{"x"}, []string{"y"})}}.bytes(),
			`node 1 "b" (Relu)`, `output "y" is already defined by node 0 "a" (Relu)`},
		{"output shadows initializer", withNode(nodePB("a", "Relu", []string{"x"}, []string{"w"})).bytes(),
			`node 0 "a" (Relu)`, `output "w" is already defined by initializer`},
		{"undefined graph output", spec{outputs: []pb{valueInfoPB("z", 1)}}.bytes(), `graph output "z"`, "not defined"},
		{"duplicate graph input", spec{inputs: []pb{valueInfoPB("x", 1), valueInfoPB("x", 1)}}.bytes(), `graph input "x"`, "a second graph input"},
		{"no op_type", withNode(pb{}.str(nodeInput, "x").str(nodeOutput, "y").str(nodeName, "n")).bytes(), `node 0 "n" ()`, "no op_type"},
		{"domain not imported", withNode(mulNode().str(nodeDomain, "com.microsoft")).bytes(), `node 0 "/Mul" (Mul)`, `domain "com.microsoft" is not in opset_import`},
		{"graph attribute", withNode(mulNode(attr("then_branch", 5).msg(attrG, pb{}))).bytes(),
			`node 0 "/Mul" (Mul), attribute "then_branch"`, "holding a graph are not supported"},
		{"graph attribute before its name", withNode(mulNode(pb{}.msg(attrG, pb{}).str(attrName, "g").int(attrType, 5))).bytes(),
			`attribute "g"`, "holding a graph"},
		{"ref_attr_name", withNode(mulNode(attr("alpha", AttrFloat).str(attrRefAttrName, "a"))).bytes(), `attribute "alpha"`, "reference to a function attribute"},
		{"attribute type mismatch", withNode(mulNode(attr("alpha", AttrInt).float(attrF, 1))).bytes(), `attribute "alpha"`, "type INT holds a FLOAT value"},
		{"attribute without type", withNode(mulNode(pb{}.str(attrName, "alpha").float(attrF, 1))).bytes(), `attribute "alpha"`, "no type"},
		{"attribute without name", withNode(mulNode(pb{}.int(attrType, 2).int(attrI, 1))).bytes(), `attribute ""`, "no name"},
		{"unsupported attribute type", withNode(mulNode(attr("tp", 13))).bytes(), `attribute "tp"`, "type TYPE_PROTO is not supported"},
		{"duplicate attribute", withNode(mulNode(attr("a", AttrInt).int(attrI, 1), attr("a", AttrInt).int(attrI, 2))).bytes(),
			`node 0 "/Mul" (Mul)`, `attribute "a" appears twice`},
		{"NaN float attribute", withNode(mulNode(attr("alpha", AttrFloat).float(attrF, float32(math.NaN())))).bytes(), `attribute "alpha"`, "not finite"},
		{"Inf in floats", withNode(mulNode(attr("scales", AttrFloats).packedFloats(attrFloats, 1, float32(math.Inf(1))))).bytes(),
			`attribute "scales"`, "element 1 is +Inf"},
		{"f as varint", withNode(mulNode(attr("alpha", AttrFloat).int(attrF, 1))).bytes(), `attribute "alpha"`, "wire type varint, want fixed32"},
		{"tensor attribute without tensor", withNode(mulNode(attr("value", AttrTensor))).bytes(), `attribute "value"`, "without a tensor"},
		{"bad tensor attribute", withNode(mulNode(attr("value", AttrTensor).msg(attrT, doubleTensor("", []int64{2}, 1)))).bytes(),
			`node 0 "/Mul" (Mul), attribute "value"`, "holds 1 elements of data but dims [2] need 2"},
		{"NaN in a Constant", withNode(mulNode(attr("value", AttrTensor).msg(attrT, doubleTensor("", []int64{1}, math.Inf(1))))).bytes(),
			`attribute "value"`, "is +Inf"},
		{"corrupt attribute", withNode(mulNode(pb{0x0a, 0x05, 'a'})).bytes(), `node 0`, "corrupt AttributeProto"},
		{"sequence type", spec{inputs: []pb{pb{}.str(valueName, "x").msg(valueType, pb{}.msg(typeSequence, pb{}))}}.bytes(),
			`graph input "x"`, "only tensor types"},
		{"negative value dim", spec{inputs: []pb{valueInfoPB("x", -3)}}.bytes(), `graph input "x"`, "dimension -3 is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeNamed("case.onnx", tc.data)
			if err == nil {
				t.Fatalf("no error; decoded %+v", m)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, not *onnx.Error", err, err)
			}
			if e.File != "case.onnx" || !strings.Contains(e.Node, tc.where) || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got File %q Node %q Msg %q\nwant File \"case.onnx\", Node containing %q, Msg containing %q",
					e.File, e.Node, e.Msg, tc.where, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "onnx: case.onnx: ") {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

// TestTruncated decodes every proper prefix of a valid model: each must fail
// cleanly.
func TestTruncated(t *testing.T) {
	data := spec{}.bytes()
	if _, err := Decode(data); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(data); n++ {
		if _, err := Decode(data[:n]); err == nil {
			t.Errorf("prefix of %d of %d bytes decoded without error", n, len(data))
		}
	}
}

func TestAcceptedVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    spec
		test func(t *testing.T, m *Model)
	}{
		{"ai.onnx domain and an extra domain", spec{opsets: []pb{pb{}.str(opsetDomain, "ai.onnx").int(opsetVersion, 13), pb{}.str(opsetDomain, "com.example").int(opsetVersion, 1)}, ir: 7},
			func(t *testing.T, m *Model) {
				if diff := cmp.Diff(map[string]int64{"": 13, "com.example": 1}, m.Opsets); diff != "" {
					t.Error(diff)
				}
			}},
		{"node domain ai.onnx normalized", withNode(mulNode().str(nodeDomain, "ai.onnx")),
			func(t *testing.T, m *Model) {
				if m.Graph.Nodes[0].Domain != "" {
					t.Errorf("domain %q", m.Graph.Nodes[0].Domain)
				}
			}},
		{"optional empty input and output", withNode(nodePB("r", "Resize", []string{"x", "", "w"}, []string{"y", ""})),
			func(t *testing.T, m *Model) {
				if diff := cmp.Diff([]string{"x", "", "w"}, m.Graph.Nodes[0].Inputs); diff != "" {
					t.Error(diff)
				}
			}},
		{"list attributes packed and unpacked", withNode(mulNode(
			attr("ints", AttrInts).packedInts(attrInts, 1, -2).int(attrInts, 3),
			attr("floats", AttrFloats).float(attrFloats, 0.5).packedFloats(attrFloats, 1e-5),
			attr("strings", AttrStrings).str(attrStrings, "a").str(attrStrings, ""),
			attr("s", AttrString).str(attrS, "half_pixel"),
			attr("value", AttrTensor).msg(attrT, pb{}.int(tensorDataType, 7).packedInts(tensorDims, 2).packedInts(tensorInt64Data, -1, 4)),
		)), func(t *testing.T, m *Model) {
			n := &m.Graph.Nodes[0]
			if diff := cmp.Diff([]int64{1, -2, 3}, n.Attr("ints").Ints); diff != "" {
				t.Error(diff)
			}
			if diff := cmp.Diff([]float32{0.5, 1e-5}, n.Attr("floats").Floats); diff != "" {
				t.Error(diff)
			}
			if diff := cmp.Diff([]float64{0.5, 1e-5}, n.Attr("floats").FloatsDecimal()); diff != "" {
				t.Error(diff)
			}
			if diff := cmp.Diff([]string{"a", ""}, n.Attr("strings").Strings); diff != "" {
				t.Error(diff)
			}
			if n.Attr("s").S != "half_pixel" {
				t.Error(n.Attr("s").S)
			}
			if diff := cmp.Diff(&Tensor{DataType: Int64, Dims: []int64{2}, Int64: []int64{-1, 4}}, n.Attr("value").T); diff != "" {
				t.Error(diff)
			}
		}},
		{"symbolic and unknown dims, no type", spec{inputs: []pb{
			pb{}.str(valueName, "x").msg(valueType, pb{}.msg(typeTensor, pb{}.int(tensorTypeElemType, 11).msg(tensorTypeShape,
				pb{}.msg(shapeDim, pb{}.str(dimParam, "batch")).msg(shapeDim, pb{}).msg(shapeDim, pb{}.int(dimValue, 3))))),
			pb{}.str(valueName, "u"),
		}}, func(t *testing.T, m *Model) {
			in := m.Graph.Inputs
			if got := []string{in[0].Shape[0].String(), in[0].Shape[1].String(), in[0].Shape[2].String()}; !cmp.Equal(got, []string{"batch", "?", "3"}) {
				t.Error(got)
			}
			if in[1].HasShape || in[1].ElemType != 0 {
				t.Errorf("%+v", in[1])
			}
		}},
		{"unknown fields everywhere", spec{extra: appendGroup(pb{}.str(6, "doc").int(5, 1).msg(14, pb{}.str(1, "k")), 77)},
			func(t *testing.T, m *Model) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.s.bytes())
			if err != nil {
				t.Fatal(err)
			}
			tc.test(t, m)
		})
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.onnx")
	data := spec{}.bytes()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path, int64(len(data))); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := ReadFile(path, 0); err != nil {
		t.Errorf("default limit: %v", err)
	}
	_, err := ReadFile(path, int64(len(data))-1)
	var e *Error
	if !errors.As(err, &e) || e.File != path || !strings.Contains(e.Msg, "more than the limit") {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := ReadFile(dir, 0); !errors.As(err, &e) || !strings.Contains(e.Msg, "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.onnx"), 0); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.onnx")
	if err := os.WriteFile(bad, data[:len(data)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(bad, 0); !errors.As(err, &e) || e.File != bad {
		t.Errorf("corrupt file: %v", err)
	}
}

func TestStrings(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Float64.String(), "DOUBLE"},
		{DataType(10).String(), "FLOAT16"},
		{DataType(-1).String(), "DataType(-1)"},
		{AttrInts.String(), "INTS"},
		{AttrType(99).String(), "AttrType(99)"},
		{(&Tensor{Name: "w", DataType: Float32, Dims: []int64{2, 3}}).String(), `FLOAT [2 3] "w"`},
		{(&Error{Msg: "m"}).Error(), "onnx: m"},
		{(&Error{File: "f", Node: "n", Msg: "m"}).Error(), "onnx: f: n: m"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
