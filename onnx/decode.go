package onnx

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// The field numbers below are those of onnx/onnx.proto3 in the ONNX
// repository (identical in onnx.proto). Every field not listed is skipped
// with its wire type checked by protowire; the ones listed as refused are
// features this decoder does not support and must not silently drop.
//
// ModelProto:
//
//	1  ir_version        int64
//	2  producer_name     string
//	3  producer_version  string
//	7  graph             GraphProto
//	8  opset_import      repeated OperatorSetIdProto
//	25 functions         repeated FunctionProto (refused: model-local functions)
//
// OperatorSetIdProto:
//
//	1 domain   string
//	2 version  int64
//
// GraphProto:
//
//	1  node                repeated NodeProto
//	2  name                string
//	5  initializer         repeated TensorProto
//	11 input               repeated ValueInfoProto
//	12 output              repeated ValueInfoProto
//	13 value_info          repeated ValueInfoProto
//	15 sparse_initializer  repeated SparseTensorProto (refused)
//
// NodeProto:
//
//	1 input      repeated string
//	2 output     repeated string
//	3 name       string
//	4 op_type    string
//	5 attribute  repeated AttributeProto
//	7 domain     string
//
// AttributeProto:
//
//	1  name     string
//	20 type     AttributeType enum (FLOAT 1, INT 2, STRING 3, TENSOR 4,
//	            FLOATS 6, INTS 7, STRINGS 8 supported)
//	2  f        float
//	3  i        int64
//	4  s        bytes
//	5  t        TensorProto
//	7  floats   repeated float
//	8  ints     repeated int64
//	9  strings  repeated bytes
//	6 g, 10 tensors, 11 graphs, 14 tp, 15 type_protos, 21 ref_attr_name,
//	22 sparse_tensor, 23 sparse_tensors (refused)
//
// ValueInfoProto:
//
//	1 name  string
//	2 type  TypeProto
//
// TypeProto:
//
//	1 tensor_type  TypeProto.Tensor
//	4 sequence_type, 5 map_type, 7 opaque_type, 8 sparse_tensor_type,
//	9 optional_type (refused)
//
// TypeProto.Tensor:
//
//	1 elem_type  int32 (a DataType)
//	2 shape      TensorShapeProto
//
// TensorShapeProto:
//
//	1 dim  repeated Dimension
//
// TensorShapeProto.Dimension:
//
//	1 dim_value  int64
//	2 dim_param  string
//
// TensorProto: see tensor.go.
const (
	modelIRVersion       = 1
	modelProducerName    = 2
	modelProducerVersion = 3
	modelGraph           = 7
	modelOpsetImport     = 8
	modelFunctions       = 25

	opsetDomain  = 1
	opsetVersion = 2

	graphNode              = 1
	graphName              = 2
	graphInitializer       = 5
	graphInput             = 11
	graphOutput            = 12
	graphValueInfo         = 13
	graphSparseInitializer = 15

	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5
	nodeDomain    = 7

	attrName          = 1
	attrF             = 2
	attrI             = 3
	attrS             = 4
	attrT             = 5
	attrG             = 6
	attrFloats        = 7
	attrInts          = 8
	attrStrings       = 9
	attrTensors       = 10
	attrGraphs        = 11
	attrTP            = 14
	attrTypeProtos    = 15
	attrType          = 20
	attrRefAttrName   = 21
	attrSparseTensor  = 22
	attrSparseTensors = 23

	valueName = 1
	valueType = 2

	typeTensor       = 1
	typeSequence     = 4
	typeMap          = 5
	typeOpaque       = 7
	typeSparseTensor = 8
	typeOptional     = 9

	tensorTypeElemType = 1
	tensorTypeShape    = 2

	shapeDim = 1

	dimValue = 1
	dimParam = 2
)

const defaultDomain = "ai.onnx"

func normDomain(s string) string {
	if s == defaultDomain {
		return ""
	}
	return s
}

func (d *decoder) model(data []byte) (*Model, error) {
	if len(data) == 0 {
		return nil, d.errf("", "empty input: not an ONNX model")
	}
	m := &Model{Opsets: map[string]int64{}}
	var (
		graph   *field
		opsets  []field
		sawIR   bool
		nFields int
	)
	const msg = "ModelProto"
	err := d.fields(data, 0, msg, "", func(f field) error {
		nFields++
		var err error
		switch f.num {
		case modelIRVersion:
			m.IRVersion, err = d.int64v(f, msg, "ir_version", "")
			sawIR = true
		case modelProducerName:
			m.Producer, err = d.str(f, msg, "producer_name", "")
		case modelProducerVersion:
			m.ProducerVersion, err = d.str(f, msg, "producer_version", "")
		case modelGraph:
			if err = d.want(f, protowire.BytesType, msg, "graph", ""); err == nil {
				if graph != nil {
					return d.errf("", "corrupt ModelProto at byte %d: a second graph", f.off)
				}
				graph = &f
			}
		case modelOpsetImport:
			if err = d.want(f, protowire.BytesType, msg, "opset_import", ""); err == nil {
				opsets = append(opsets, f)
			}
		case modelFunctions:
			return d.errf("", "model-local functions (FunctionProto) are not supported")
		}
		return err
	})
	if err != nil {
		if e, ok := err.(*Error); ok && nFields <= 1 {
			e.Msg = "not an ONNX model: " + e.Msg
		}
		return nil, err
	}
	if !sawIR {
		return nil, d.errf("", "not an ONNX model: no ir_version")
	}
	if m.IRVersion < MinIRVersion || m.IRVersion > MaxIRVersion {
		return nil, d.errf("", "IR version %d is not supported (want %d to %d; torch.onnx in PyTorch 1.13 writes 7 or 8)",
			m.IRVersion, MinIRVersion, MaxIRVersion)
	}
	for _, f := range opsets {
		dom, ver, err := d.opset(f)
		if err != nil {
			return nil, err
		}
		if _, dup := m.Opsets[dom]; dup {
			return nil, d.errf("", "opset_import lists domain %q twice", dom)
		}
		m.Opsets[dom] = ver
	}
	ver, ok := m.Opsets[""]
	if !ok {
		return nil, d.errf("", "no opset_import for the default domain (ai.onnx)")
	}
	if ver < MinOpset || ver > MaxOpset {
		return nil, d.errf("", "opset %d of the default domain is not supported (want %d to %d)", ver, MinOpset, MaxOpset)
	}
	if graph == nil {
		return nil, d.errf("", "the model has no graph")
	}
	b, base, _ := d.sub(*graph, msg, "graph", "")
	if err := d.graph(&m.Graph, b, base); err != nil {
		return nil, err
	}
	return m, nil
}

func (d *decoder) opset(f field) (string, int64, error) {
	const msg = "OperatorSetIdProto"
	var (
		dom     string
		ver     int64
		sawVer  bool
		b, base = f.b, f.voff
	)
	err := d.fields(b, base, msg, "opset_import", func(f field) error {
		var err error
		switch f.num {
		case opsetDomain:
			dom, err = d.str(f, msg, "domain", "opset_import")
		case opsetVersion:
			ver, err = d.int64v(f, msg, "version", "opset_import")
			sawVer = true
		}
		return err
	})
	if err != nil {
		return "", 0, err
	}
	dom = normDomain(dom)
	if !sawVer {
		return "", 0, d.errf("", "opset_import for domain %q has no version", dom)
	}
	return dom, ver, nil
}

func (d *decoder) graph(g *Graph, b []byte, base int) error {
	const (
		msg   = "GraphProto"
		where = "graph"
	)
	// Each element is decoded as it is met, so nothing but the results is
	// kept per element.
	return d.fields(b, base, msg, where, func(f field) error {
		var err error
		switch f.num {
		case graphNode:
			if err = d.want(f, protowire.BytesType, msg, "node", where); err == nil {
				var n Node
				n, err = d.node(f.b, f.voff, len(g.Nodes))
				g.Nodes = append(g.Nodes, n)
			}
		case graphName:
			g.Name, err = d.str(f, msg, "name", where)
		case graphInitializer:
			if err = d.want(f, protowire.BytesType, msg, "initializer", where); err == nil {
				i := len(g.Initializers)
				var t *Tensor
				t, err = d.tensor(f.b, f.voff, func(name string) string {
					if name == "" {
						return fmt.Sprintf("initializer %d", i)
					}
					return fmt.Sprintf("initializer %q", name)
				})
				if err == nil {
					g.Initializers = append(g.Initializers, *t)
				}
			}
		case graphInput:
			err = d.appendValueInfo(&g.Inputs, f, "input", "graph input")
		case graphOutput:
			err = d.appendValueInfo(&g.Outputs, f, "output", "graph output")
		case graphValueInfo:
			err = d.appendValueInfo(&g.ValueInfo, f, "value_info", "value_info")
		case graphSparseInitializer:
			return d.errf(where, "sparse initializers are not supported")
		}
		return err
	})
}

func (d *decoder) appendValueInfo(dst *[]ValueInfo, f field, name, kind string) error {
	if err := d.want(f, protowire.BytesType, "GraphProto", name, "graph"); err != nil {
		return err
	}
	v, err := d.valueInfo(f.b, f.voff, fmt.Sprintf("%s %d", kind, len(*dst)), kind)
	if err != nil {
		return err
	}
	*dst = append(*dst, v)
	return nil
}

func nodeWhere(k int, n *Node) string {
	return fmt.Sprintf("node %d %q (%s)", k, n.Name, n.OpType)
}

func (d *decoder) node(b []byte, base, k int) (Node, error) {
	const msg = "NodeProto"
	var (
		n     Node
		attrs []field
	)
	where := nodeWhere(k, &Node{Name: d.peek(b, nodeName), OpType: d.peek(b, nodeOpType)})
	for f, err := range d.each(b, base, msg, where) {
		if err != nil {
			return n, err
		}
		var s string
		switch f.num {
		case nodeInput:
			s, err = d.str(f, msg, "input", where)
			n.Inputs = append(n.Inputs, s)
		case nodeOutput:
			s, err = d.str(f, msg, "output", where)
			n.Outputs = append(n.Outputs, s)
		case nodeName:
			n.Name, err = d.str(f, msg, "name", where)
		case nodeOpType:
			n.OpType, err = d.str(f, msg, "op_type", where)
		case nodeAttribute:
			err = d.want(f, protowire.BytesType, msg, "attribute", where)
			attrs = append(attrs, f)
		case nodeDomain:
			n.Domain, err = d.str(f, msg, "domain", where)
		}
		if err != nil {
			return n, err
		}
	}
	n.Domain = normDomain(n.Domain)
	where = nodeWhere(k, &n)
	for _, f := range attrs {
		a, err := d.attribute(f.b, f.voff, where)
		if err != nil {
			return n, err
		}
		n.Attrs = append(n.Attrs, a)
	}
	return n, nil
}

// refusedAttrFields are the AttributeProto fields of unsupported kinds.
var refusedAttrFields = map[protowire.Number]string{
	attrG: "a graph", attrTensors: "a tensor list", attrGraphs: "a graph list", attrTP: "a type proto",
	attrTypeProtos: "a type proto list", attrRefAttrName: "a reference to a function attribute",
	attrSparseTensor: "a sparse tensor", attrSparseTensors: "a sparse tensor list",
}

func (d *decoder) attribute(b []byte, base int, nodeWhere string) (Attribute, error) {
	const msg = "AttributeProto"
	var (
		a       Attribute
		sawType bool
		tensor  *field
		seen    [AttrStrings + 1]bool // which value fields appear
		refuse  protowire.Number      // the first refused field, reported once the name is known
	)
	where := fmt.Sprintf("%s, attribute %q", nodeWhere, d.peek(b, attrName))
	for f, err := range d.each(b, base, msg, where) {
		if err != nil {
			return a, err
		}
		switch f.num {
		case attrName:
			a.Name, err = d.str(f, msg, "name", where)
		case attrType:
			var t int32
			t, err = d.int32v(f, msg, "type", where)
			a.Type = AttrType(t)
			sawType = true
		case attrF:
			err = d.want(f, protowire.Fixed32Type, msg, "f", where)
			a.F = float32frombits(f.v)
			seen[AttrFloat] = true
		case attrI:
			a.I, err = d.int64v(f, msg, "i", where)
			seen[AttrInt] = true
		case attrS:
			a.S, err = d.str(f, msg, "s", where)
			seen[AttrString] = true
		case attrT:
			err = d.want(f, protowire.BytesType, msg, "t", where)
			if tensor != nil {
				return a, d.errf(where, "corrupt AttributeProto at byte %d: a second tensor", f.off)
			}
			tensor = &f
			seen[AttrTensor] = true
		case attrFloats:
			seen[AttrFloats] = true
			if _, err = d.countFixed(f, 4, msg, "floats", where); err == nil {
				a.Floats = appendFixed32(a.Floats, f)
			}
		case attrInts:
			seen[AttrInts] = true
			a.Ints, err = d.appendVarints(a.Ints, f, msg, "ints", where)
		case attrStrings:
			seen[AttrStrings] = true
			var s string
			s, err = d.str(f, msg, "strings", where)
			a.Strings = append(a.Strings, s)
		default:
			if _, ok := refusedAttrFields[f.num]; ok && refuse == 0 {
				refuse = f.num
			}
		}
		if err != nil {
			return a, err
		}
	}
	if refuse != 0 {
		return a, d.errf(where, "attributes holding %s are not supported", refusedAttrFields[refuse])
	}
	if a.Name == "" {
		return a, d.errf(where, "attribute has no name")
	}
	if !sawType {
		return a, d.errf(where, "attribute has no type")
	}
	switch a.Type {
	case AttrFloat, AttrInt, AttrString, AttrTensor, AttrFloats, AttrInts, AttrStrings:
	default:
		return a, d.errf(where, "attribute type %v is not supported", a.Type)
	}
	for t := AttrFloat; t <= AttrStrings; t++ {
		if seen[t] && t != a.Type {
			return a, d.errf(where, "attribute of type %v holds a %v value", a.Type, t)
		}
	}
	if a.Type == AttrFloat && !isFinite(float64(a.F)) {
		return a, d.errf(where, "value %v is not finite", a.F)
	}
	for i, v := range a.Floats {
		if !isFinite(float64(v)) {
			return a, d.errf(where, "element %d is %v, not finite", i, v)
		}
	}
	if a.Type == AttrTensor {
		if tensor == nil {
			return a, d.errf(where, "TENSOR attribute without a tensor")
		}
		t, err := d.tensor(tensor.b, tensor.voff, func(string) string { return where })
		if err != nil {
			return a, err
		}
		a.T = t
	}
	return a, nil
}

func (d *decoder) valueInfo(b []byte, base int, where, kind string) (ValueInfo, error) {
	const msg = "ValueInfoProto"
	var (
		v   ValueInfo
		typ *field
	)
	err := d.fields(b, base, msg, where, func(f field) error {
		var err error
		switch f.num {
		case valueName:
			v.Name, err = d.str(f, msg, "name", where)
		case valueType:
			err = d.want(f, protowire.BytesType, msg, "type", where)
			typ = &f
		}
		return err
	})
	if err != nil {
		return v, err
	}
	if v.Name != "" {
		where = fmt.Sprintf("%s %q", kind, v.Name)
	}
	if typ == nil {
		return v, nil
	}
	var tensor *field
	err = d.fields(typ.b, typ.voff, "TypeProto", where, func(f field) error {
		switch f.num {
		case typeTensor:
			if err := d.want(f, protowire.BytesType, "TypeProto", "tensor_type", where); err != nil {
				return err
			}
			tensor = &f
		case typeSequence, typeMap, typeOpaque, typeSparseTensor, typeOptional:
			return d.errf(where, "only tensor types are supported (TypeProto field %d)", f.num)
		}
		return nil
	})
	if err != nil || tensor == nil {
		return v, err
	}
	var shape *field
	err = d.fields(tensor.b, tensor.voff, "TypeProto.Tensor", where, func(f field) error {
		var err error
		switch f.num {
		case tensorTypeElemType:
			var t int32
			t, err = d.int32v(f, "TypeProto.Tensor", "elem_type", where)
			v.ElemType = DataType(t)
		case tensorTypeShape:
			err = d.want(f, protowire.BytesType, "TypeProto.Tensor", "shape", where)
			shape = &f
		}
		return err
	})
	if err != nil || shape == nil {
		return v, err
	}
	v.HasShape = true
	err = d.fields(shape.b, shape.voff, "TensorShapeProto", where, func(f field) error {
		if f.num != shapeDim {
			return nil
		}
		if err := d.want(f, protowire.BytesType, "TensorShapeProto", "dim", where); err != nil {
			return err
		}
		var dim Dim
		err := d.fields(f.b, f.voff, "TensorShapeProto.Dimension", where, func(f field) error {
			var err error
			switch f.num {
			case dimValue:
				dim.Value, err = d.int64v(f, "TensorShapeProto.Dimension", "dim_value", where)
				dim.Known, dim.Param = true, ""
			case dimParam:
				dim.Param, err = d.str(f, "TensorShapeProto.Dimension", "dim_param", where)
				dim.Known, dim.Value = false, 0
			}
			return err
		})
		if err == nil && dim.Known && dim.Value < 0 {
			err = d.errf(where, "dimension %d is negative", dim.Value)
		}
		v.Shape = append(v.Shape, dim)
		return err
	})
	return v, err
}
