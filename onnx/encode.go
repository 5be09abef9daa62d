package onnx

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// Encode writes m in the ONNX protobuf wire format: it writes what Decode
// reads, so that Decode(Encode(m)) gives back m for any m that Decode
// returned, and a model read with Decode can be edited in Go and written
// again. The messages and fields are those listed in decode.go and
// tensor.go:
//
//   - ModelProto: ir_version, producer_name, producer_version, opset_import
//     (one OperatorSetIdProto per Opsets entry, sorted by domain, the
//     default domain as ""), graph.
//   - GraphProto: node, name, initializer, input, output, value_info, in
//     the order of the Graph's slices.
//   - NodeProto: input, output, name, op_type, attribute, and domain when
//     it is not the default one.
//   - AttributeProto: name, type and the one value field that Type selects
//     (f, i, s, t, or packed floats, packed ints, strings).
//   - TensorProto: dims, data_type, name and raw_data, little-endian, in
//     the tensor's own DataType: DOUBLE and FLOAT from Float64 (FLOAT
//     narrowed to float32), INT64, INT32 and BOOL (one byte each) from
//     Int64. Keeping the source type keeps a float32 export a float32
//     model, as ONNX's type rules require; the typed data fields
//     (float_data, int64_data, …) are never written.
//   - ValueInfoProto: name and a tensor type with elem_type (when not 0)
//     and, when HasShape is set, a shape of dim_value, dim_param or empty
//     (unknown) dimensions. A ValueInfo with neither is written with no
//     type.
//
// Encode does not check the model beyond what the format needs: it writes
// graphs with unsupported ops, cycles or dangling inputs, tensors whose data
// disagrees with their dims, and non-finite weights just as they are, and
// Decode or Import refuses them afterwards (which makes Encode a way to
// build bad inputs for tests). It returns an error only for what it cannot
// write without losing or inventing data: a nil model, an attribute type or
// tensor data type outside the supported set (see Decode), a TENSOR
// attribute without a tensor, tensor data in the slice its DataType does not
// use, FLOAT data that is not exactly a float32 (NaN and ±Inf are), INT32
// data outside the int32 range, and BOOL data other than 0 and 1.
func Encode(m *Model) ([]byte, error) {
	if m == nil {
		return nil, &Error{Msg: "Encode: no model"}
	}
	var b []byte
	b = protowire.AppendTag(b, modelIRVersion, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(m.IRVersion))
	if m.Producer != "" {
		b = appendString(b, modelProducerName, m.Producer)
	}
	if m.ProducerVersion != "" {
		b = appendString(b, modelProducerVersion, m.ProducerVersion)
	}
	for _, dom := range slices.Sorted(maps.Keys(m.Opsets)) {
		var o []byte
		if dom != "" {
			o = appendString(o, opsetDomain, dom)
		}
		o = protowire.AppendTag(o, opsetVersion, protowire.VarintType)
		o = protowire.AppendVarint(o, uint64(m.Opsets[dom]))
		b = appendMessage(b, modelOpsetImport, o)
	}
	g, err := encodeGraph(&m.Graph)
	if err != nil {
		return nil, err
	}
	return appendMessage(b, modelGraph, g), nil
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendMessage(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

func appendVarintField(b []byte, num protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

func appendPackedInts(b []byte, num protowire.Number, vs []int64) []byte {
	var p []byte
	for _, v := range vs {
		p = protowire.AppendVarint(p, uint64(v))
	}
	return appendMessage(b, num, p)
}

func encodeGraph(g *Graph) ([]byte, error) {
	var b []byte
	for k := range g.Nodes {
		n, err := encodeNode(k, &g.Nodes[k])
		if err != nil {
			return nil, err
		}
		b = appendMessage(b, graphNode, n)
	}
	if g.Name != "" {
		b = appendString(b, graphName, g.Name)
	}
	for i := range g.Initializers {
		t := &g.Initializers[i]
		where := fmt.Sprintf("initializer %q", t.Name)
		if t.Name == "" {
			where = fmt.Sprintf("initializer %d", i)
		}
		tb, err := encodeTensor(t, where)
		if err != nil {
			return nil, err
		}
		b = appendMessage(b, graphInitializer, tb)
	}
	for _, l := range []struct {
		num protowire.Number
		vs  []ValueInfo
	}{{graphInput, g.Inputs}, {graphOutput, g.Outputs}, {graphValueInfo, g.ValueInfo}} {
		for i := range l.vs {
			b = appendMessage(b, l.num, encodeValueInfo(&l.vs[i]))
		}
	}
	return b, nil
}

func encodeNode(k int, n *Node) ([]byte, error) {
	var b []byte
	for _, s := range n.Inputs {
		b = appendString(b, nodeInput, s)
	}
	for _, s := range n.Outputs {
		b = appendString(b, nodeOutput, s)
	}
	if n.Name != "" {
		b = appendString(b, nodeName, n.Name)
	}
	if n.OpType != "" {
		b = appendString(b, nodeOpType, n.OpType)
	}
	where := nodeWhere(k, n)
	for i := range n.Attrs {
		a, err := encodeAttribute(&n.Attrs[i], where)
		if err != nil {
			return nil, err
		}
		b = appendMessage(b, nodeAttribute, a)
	}
	if n.Domain != "" {
		b = appendString(b, nodeDomain, n.Domain)
	}
	return b, nil
}

func encodeAttribute(a *Attribute, nodeWhere string) ([]byte, error) {
	where := fmt.Sprintf("%s, attribute %q", nodeWhere, a.Name)
	var b []byte
	b = appendString(b, attrName, a.Name)
	b = appendVarintField(b, attrType, int64(a.Type))
	switch a.Type {
	case AttrFloat:
		b = protowire.AppendTag(b, attrF, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case AttrInt:
		b = appendVarintField(b, attrI, a.I)
	case AttrString:
		b = appendString(b, attrS, a.S)
	case AttrTensor:
		if a.T == nil {
			return nil, &Error{Node: where, Msg: "Encode: TENSOR attribute without a tensor"}
		}
		t, err := encodeTensor(a.T, where)
		if err != nil {
			return nil, err
		}
		b = appendMessage(b, attrT, t)
	case AttrFloats:
		if len(a.Floats) > 0 {
			p := make([]byte, 0, 4*len(a.Floats))
			for _, f := range a.Floats {
				p = protowire.AppendFixed32(p, math.Float32bits(f))
			}
			b = appendMessage(b, attrFloats, p)
		}
	case AttrInts:
		if len(a.Ints) > 0 {
			b = appendPackedInts(b, attrInts, a.Ints)
		}
	case AttrStrings:
		for _, s := range a.Strings {
			b = appendString(b, attrStrings, s)
		}
	default:
		return nil, &Error{Node: where, Msg: fmt.Sprintf("Encode: attribute type %v is not supported", a.Type)}
	}
	return b, nil
}

// encodeTensor writes a TensorProto with raw_data in t's own DataType.
func encodeTensor(t *Tensor, where string) ([]byte, error) {
	fail := func(format string, args ...any) ([]byte, error) {
		return nil, &Error{Node: where, Msg: "Encode: " + fmt.Sprintf(format, args...)}
	}
	size := t.DataType.elemSize()
	if size == 0 {
		return fail("data type %v is not supported (want FLOAT, DOUBLE, INT64, INT32 or BOOL)", t.DataType)
	}
	if t.DataType.IsFloat() && len(t.Int64) > 0 {
		return fail("%v tensor has integer data (Int64)", t.DataType)
	}
	if !t.DataType.IsFloat() && len(t.Float64) > 0 {
		return fail("%v tensor has float data (Float64)", t.DataType)
	}
	le := binary.LittleEndian
	var raw []byte
	switch t.DataType {
	case Float64:
		raw = make([]byte, 8*len(t.Float64))
		for i, v := range t.Float64 {
			le.PutUint64(raw[8*i:], math.Float64bits(v))
		}
	case Float32:
		raw = make([]byte, 4*len(t.Float64))
		for i, v := range t.Float64 {
			f := float32(v)
			if float64(f) != v && !math.IsNaN(v) {
				return fail("element %d = %v of a FLOAT tensor is not a float32 value; round it or make the tensor DOUBLE", i, v)
			}
			le.PutUint32(raw[4*i:], math.Float32bits(f))
		}
	case Int64:
		raw = make([]byte, 8*len(t.Int64))
		for i, v := range t.Int64 {
			le.PutUint64(raw[8*i:], uint64(v))
		}
	case Int32:
		raw = make([]byte, 4*len(t.Int64))
		for i, v := range t.Int64 {
			if v < math.MinInt32 || v > math.MaxInt32 {
				return fail("element %d = %d does not fit in INT32", i, v)
			}
			le.PutUint32(raw[4*i:], uint32(int32(v)))
		}
	case Bool:
		raw = make([]byte, len(t.Int64))
		for i, v := range t.Int64 {
			if v != 0 && v != 1 {
				return fail("element %d = %d is not a BOOL (0 or 1)", i, v)
			}
			raw[i] = byte(v)
		}
	}
	var b []byte
	if len(t.Dims) > 0 {
		b = appendPackedInts(b, tensorDims, t.Dims)
	}
	b = appendVarintField(b, tensorDataType, int64(t.DataType))
	if t.Name != "" {
		b = appendString(b, tensorName, t.Name)
	}
	b = appendMessage(b, tensorRawData, raw)
	return b, nil
}

func encodeValueInfo(v *ValueInfo) []byte {
	var b []byte
	b = appendString(b, valueName, v.Name)
	if v.ElemType == 0 && !v.HasShape {
		return b
	}
	var tt []byte
	if v.ElemType != 0 {
		tt = appendVarintField(tt, tensorTypeElemType, int64(v.ElemType))
	}
	if v.HasShape {
		var shape []byte
		for _, d := range v.Shape {
			var dim []byte
			switch {
			case d.Known:
				dim = appendVarintField(dim, dimValue, d.Value)
			case d.Param != "":
				dim = appendString(dim, dimParam, d.Param)
			}
			shape = appendMessage(shape, shapeDim, dim)
		}
		tt = appendMessage(tt, tensorTypeShape, shape)
	}
	var typ []byte
	typ = appendMessage(typ, typeTensor, tt)
	return appendMessage(b, valueType, typ)
}
