package onnx

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// pb builds protobuf messages field by field for hand-made test inputs.
type pb []byte

func (m pb) varint(num protowire.Number, v uint64) pb {
	m = protowire.AppendTag(m, num, protowire.VarintType)
	return protowire.AppendVarint(m, v)
}

func (m pb) int(num protowire.Number, v int64) pb { return m.varint(num, uint64(v)) }

func (m pb) bytes(num protowire.Number, b []byte) pb {
	m = protowire.AppendTag(m, num, protowire.BytesType)
	return protowire.AppendBytes(m, b)
}

func (m pb) str(num protowire.Number, s string) pb { return m.bytes(num, []byte(s)) }

func (m pb) msg(num protowire.Number, sub pb) pb { return m.bytes(num, sub) }

func (m pb) fixed32(num protowire.Number, v uint32) pb {
	m = protowire.AppendTag(m, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(m, v)
}

func (m pb) fixed64(num protowire.Number, v uint64) pb {
	m = protowire.AppendTag(m, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(m, v)
}

func (m pb) float(num protowire.Number, v float32) pb { return m.fixed32(num, math.Float32bits(v)) }

// packedInts appends a packed repeated int64 field.
func (m pb) packedInts(num protowire.Number, vs ...int64) pb {
	var b []byte
	for _, v := range vs {
		b = protowire.AppendVarint(b, uint64(v))
	}
	return m.bytes(num, b)
}

// packedFloats appends a packed repeated float field.
func (m pb) packedFloats(num protowire.Number, vs ...float32) pb {
	var b []byte
	for _, v := range vs {
		b = protowire.AppendFixed32(b, math.Float32bits(v))
	}
	return m.bytes(num, b)
}

// packedDoubles appends a packed repeated double field.
func (m pb) packedDoubles(num protowire.Number, vs ...float64) pb {
	var b []byte
	for _, v := range vs {
		b = protowire.AppendFixed64(b, math.Float64bits(v))
	}
	return m.bytes(num, b)
}

func rawDoubles(vs ...float64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return b
}

func rawFloats(vs ...float32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// doubleTensor is a DOUBLE TensorProto with raw data.
func doubleTensor(name string, dims []int64, vs ...float64) pb {
	return pb{}.packedInts(tensorDims, dims...).int(tensorDataType, int64(Float64)).
		str(tensorName, name).bytes(tensorRawData, rawDoubles(vs...))
}

// valueInfo is a DOUBLE tensor ValueInfoProto with a known shape.
func valueInfoPB(name string, dims ...int64) pb {
	var shape pb
	for _, d := range dims {
		shape = shape.msg(shapeDim, pb{}.int(dimValue, d))
	}
	tt := pb{}.int(tensorTypeElemType, int64(Float64)).msg(tensorTypeShape, shape)
	return pb{}.str(valueName, name).msg(valueType, pb{}.msg(typeTensor, tt))
}

// nodePB is a NodeProto.
func nodePB(name, op string, in, out []string, attrs ...pb) pb {
	var n pb
	for _, s := range in {
		n = n.str(nodeInput, s)
	}
	for _, s := range out {
		n = n.str(nodeOutput, s)
	}
	n = n.str(nodeName, name).str(nodeOpType, op)
	for _, a := range attrs {
		n = n.msg(nodeAttribute, a)
	}
	return n
}

// spec describes a small model for the table tests; its zero value plus
// defaults() is valid: y = Mul(x, w) with w an initializer, and a Gemm-like
// attribute set on the node.
type spec struct {
	ir      int64
	opsets  []pb
	graph   pb // replaces the whole graph when set
	inits   []pb
	nodes   []pb
	inputs  []pb
	outputs []pb
	extra   pb // appended to the ModelProto before the graph
	noGraph bool
}

func (s spec) defaults() spec {
	if s.ir == 0 {
		s.ir = 8
	}
	if s.opsets == nil {
		s.opsets = []pb{pb{}.str(opsetDomain, "").int(opsetVersion, 17)}
	}
	if s.inits == nil {
		s.inits = []pb{doubleTensor("w", []int64{1, 2}, 0.5, -2)}
	}
	if s.nodes == nil {
		s.nodes = []pb{nodePB("/Mul", "Mul", []string{"x", "w"}, []string{"y"},
			pb{}.str(attrName, "alpha").int(attrType, int64(AttrFloat)).float(attrF, 0.2))}
	}
	if s.inputs == nil {
		s.inputs = []pb{valueInfoPB("x", 1, 2)}
	}
	if s.outputs == nil {
		s.outputs = []pb{valueInfoPB("y", 1, 2)}
	}
	return s
}

// bytes encodes the model, the graph last (so that every proper prefix
// lacks a complete graph).
func (s spec) bytes() []byte {
	s = s.defaults()
	m := pb{}.int(modelIRVersion, s.ir).str(modelProducerName, "test").str(modelProducerVersion, "0")
	for _, o := range s.opsets {
		m = m.msg(modelOpsetImport, o)
	}
	m = append(m, s.extra...)
	if s.noGraph {
		return m
	}
	g := s.graph
	if g == nil {
		for _, n := range s.nodes {
			g = g.msg(graphNode, n)
		}
		g = g.str(graphName, "g")
		for _, t := range s.inits {
			g = g.msg(graphInitializer, t)
		}
		for _, v := range s.inputs {
			g = g.msg(graphInput, v)
		}
		for _, v := range s.outputs {
			g = g.msg(graphOutput, v)
		}
	}
	return m.msg(modelGraph, g)
}
