// Package onnx decodes ONNX model files into plain Go values.
//
// The decoder reads the protobuf wire format directly with
// google.golang.org/protobuf/encoding/protowire: there is no generated code,
// no schema and no runtime. It reads the messages that describe a network
// exported by torch.onnx (ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto and the small messages they hold) and skips
// every other field.
//
// Decoding is strict. Anything that would make later evaluation ambiguous or
// wrong is an *Error naming the file and, where it applies, the node, tensor
// or value: data that is not a protobuf message or is truncated, fields with
// the wrong wire type, tensors whose data length disagrees with their shape,
// declared sizes too large to hold, external or sparse data, non-finite float
// weights, unsupported element types, unsupported IR versions or opsets, and
// graphs whose nodes use a value before it is defined.
//
// Decoding never panics, and its memory use is linear in the input's size:
// a tensor's data is allocated only after the elements actually present
// have been counted and agree with its dims (and with MaxTensorBytes), so a
// declared shape alone never causes an allocation.
//
// Floating-point tensors are returned as float64: float32 data is widened,
// which is exact, and float64 data is kept bit for bit.
//
// Import maps a decoded model onto a graph of ops (package graph), the form
// every engine of package cossim runs on, with the model's initializers as
// the graph's parameters under their PyTorch state_dict names. docs/onnx.md
// gives the export recipe and the supported PyTorch modules.
package onnx

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Supported versions. torch.onnx in PyTorch 1.13 writes IR version 7 with
// opset 13 and IR version 8 with opsets 14 to 17.
const (
	MinIRVersion = 7  // ONNX 1.8, May 2020
	MaxIRVersion = 8  // ONNX 1.10, July 2021
	MinOpset     = 13 // default (ai.onnx) domain
	MaxOpset     = 17
)

// MaxTensorBytes is the largest decoded size, in bytes of float64 or int64
// elements, of a single tensor. Larger declared shapes are refused before any
// allocation.
const MaxTensorBytes = 1 << 30

// DefaultFileLimit is the size limit ReadFile applies when it is given a
// limit of zero or less.
const DefaultFileLimit = 256 << 20

// Model is a decoded ModelProto.
type Model struct {
	// IRVersion is the ONNX IR version the file declares.
	IRVersion int64
	// Opsets maps each imported operator-set domain to its version. The
	// default domain is the empty string (a file's "ai.onnx" is stored as "").
	Opsets map[string]int64
	// Producer and ProducerVersion name the exporter, e.g. "pytorch", "1.13.0".
	Producer        string
	ProducerVersion string
	// Graph is the model's main graph.
	Graph Graph
}

// Graph is a decoded GraphProto.
type Graph struct {
	Name string
	// Nodes are in file order, which ONNX requires to be topological.
	Nodes []Node
	// Initializers are the graph's constant tensors (torch.onnx writes the
	// parameters and buffers here), in file order.
	Initializers []Tensor
	// Inputs and Outputs are the graph's inputs and outputs. Inputs does not
	// list initializers unless the file does.
	Inputs, Outputs []ValueInfo
	// ValueInfo holds the optional type annotations of intermediate values.
	ValueInfo []ValueInfo
}

// Initializer returns the initializer with the given name, or nil.
func (g *Graph) Initializer(name string) *Tensor {
	for i := range g.Initializers {
		if g.Initializers[i].Name == name {
			return &g.Initializers[i]
		}
	}
	return nil
}

// Node is a decoded NodeProto: one operator application.
type Node struct {
	Name   string
	OpType string
	// Domain is the operator's domain; the default domain is "" (a file's
	// "ai.onnx" is stored as "").
	Domain string
	// Inputs and Outputs name values. An empty name is an omitted optional
	// input or output.
	Inputs, Outputs []string
	Attrs           []Attribute
}

// Attr returns the node's attribute with the given name, or nil.
func (n *Node) Attr(name string) *Attribute {
	for i := range n.Attrs {
		if n.Attrs[i].Name == name {
			return &n.Attrs[i]
		}
	}
	return nil
}

// AttrType is the type of an attribute (AttributeProto.AttributeType).
type AttrType int32

// The supported attribute types; the values are the ONNX enum values.
const (
	AttrFloat   AttrType = 1
	AttrInt     AttrType = 2
	AttrString  AttrType = 3
	AttrTensor  AttrType = 4
	AttrFloats  AttrType = 6
	AttrInts    AttrType = 7
	AttrStrings AttrType = 8
)

var attrTypeNames = map[AttrType]string{
	0: "UNDEFINED", 1: "FLOAT", 2: "INT", 3: "STRING", 4: "TENSOR", 5: "GRAPH",
	6: "FLOATS", 7: "INTS", 8: "STRINGS", 9: "TENSORS", 10: "GRAPHS",
	11: "SPARSE_TENSOR", 12: "SPARSE_TENSORS", 13: "TYPE_PROTO", 14: "TYPE_PROTOS",
}

// String returns the ONNX name of t, such as "FLOAT" or "INTS".
func (t AttrType) String() string {
	if s, ok := attrTypeNames[t]; ok {
		return s
	}
	return "AttrType(" + strconv.Itoa(int(t)) + ")"
}

// Attribute is a decoded AttributeProto. Only the field selected by Type is
// meaningful.
type Attribute struct {
	Name string
	Type AttrType
	// F is a FLOAT attribute exactly as stored: ONNX float attributes are
	// float32. Float gives the value PyTorch meant.
	F float32
	// I is an INT attribute.
	I int64
	// S is a STRING attribute.
	S string
	// T is a TENSOR attribute.
	T *Tensor
	// Floats, Ints and Strings are list attributes.
	Floats  []float32
	Ints    []int64
	Strings []string
}

// Float returns a FLOAT attribute as the float64 with the same shortest
// decimal form: 1e-05 for the float32 nearest 1e-5, 0.2 for the float32
// nearest 0.2.
//
// torch.onnx stores float64 hyperparameters such as a batch norm's eps or a
// leaky ReLU's slope as float32 attributes. Widening the float32 gives
// 9.999999747378752e-06 and 0.20000000298023224, which differ from the
// values PyTorch computed with by up to 1.5e-8 relatively. Going through the
// shortest decimal recovers the float64 constant whenever it has at most six
// significant digits (FLT_DIG), as hyperparameters such as 1e-5, 0.2 or 0.01
// do; for other values it is the float64 nearest a nine-digit decimal.
func (a *Attribute) Float() float64 {
	return decimal64(a.F)
}

// FloatsDecimal returns a FLOATS attribute converted as Float converts one
// value.
func (a *Attribute) FloatsDecimal() []float64 {
	out := make([]float64, len(a.Floats))
	for i, f := range a.Floats {
		out[i] = decimal64(f)
	}
	return out
}

func decimal64(f float32) float64 {
	v, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil { // unreachable for finite f; decoding rejects non-finite ones
		return float64(f)
	}
	return v
}

// DataType is the element type of a tensor (TensorProto.DataType).
type DataType int32

// The supported element types; the values are the ONNX enum values.
const (
	Float32 DataType = 1
	Int32   DataType = 6
	Int64   DataType = 7
	Bool    DataType = 9
	Float64 DataType = 11
)

var dataTypeNames = []string{
	"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
	"STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64",
	"COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
	"FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1", "FLOAT8E8M0", "UINT2", "INT2",
}

// String returns the ONNX name of t, such as "FLOAT" or "DOUBLE".
func (t DataType) String() string {
	if t >= 0 && int(t) < len(dataTypeNames) {
		return dataTypeNames[t]
	}
	return "DataType(" + strconv.Itoa(int(t)) + ")"
}

// IsFloat reports whether t is FLOAT or DOUBLE.
func (t DataType) IsFloat() bool { return t == Float32 || t == Float64 }

// elemSize is the stored size of one element in raw_data, or 0 if t is not
// supported.
func (t DataType) elemSize() int64 {
	switch t {
	case Float32, Int32:
		return 4
	case Float64, Int64:
		return 8
	case Bool:
		return 1
	}
	return 0
}

// Tensor is a decoded TensorProto with its data in one of two slices.
type Tensor struct {
	Name     string
	DataType DataType
	// Dims is the shape; a scalar has no dims.
	Dims []int64
	// Float64 holds FLOAT (widened exactly) and DOUBLE data in row-major order.
	Float64 []float64
	// Int64 holds INT64, INT32 (widened) and BOOL (0 or 1) data in row-major
	// order.
	Int64 []int64
}

// Len returns the number of elements, the product of Dims.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Dims {
		n *= int(d)
	}
	return n
}

// ValueInfo is a decoded ValueInfoProto: a named value with a tensor type.
type ValueInfo struct {
	Name string
	// ElemType is the element type; 0 if the file gives no type.
	ElemType DataType
	// Shape holds the dimensions; it is nil both for a scalar and when the
	// file gives no shape (HasShape tells which).
	Shape    []Dim
	HasShape bool
}

// Dim is one dimension of a ValueInfo shape: a value, a symbolic name such as
// "batch", or neither (unknown).
type Dim struct {
	Value int64
	Param string
	// Known reports whether Value is set.
	Known bool
}

// String returns the value, the symbolic name, or "?".
func (d Dim) String() string {
	switch {
	case d.Known:
		return strconv.FormatInt(d.Value, 10)
	case d.Param != "":
		return d.Param
	}
	return "?"
}

// Error is a decoding error.
type Error struct {
	// File is the name the caller gave the data (the path for ReadFile);
	// it may be empty.
	File string
	// Node names what the error applies to, such as
	// `node 3 "/0/Conv" (Conv)` or `initializer "0.weight"`; empty if the
	// error is about the file as a whole.
	Node string
	// Msg says what is wrong.
	Msg string
}

// Error implements the error interface.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("onnx: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Node != "" {
		b.WriteString(e.Node)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Decode decodes the ONNX model in data. Errors are *Error values with an
// empty File; DecodeNamed sets it.
func Decode(data []byte) (*Model, error) {
	return DecodeNamed("", data)
}

// DecodeNamed decodes the ONNX model in data, naming it name in errors.
func DecodeNamed(name string, data []byte) (*Model, error) {
	d := &decoder{file: name}
	m, err := d.model(data)
	if err != nil {
		return nil, err
	}
	if err := d.check(m); err != nil {
		return nil, err
	}
	return m, nil
}

// ReadFile reads and decodes the ONNX model at path. It refuses files larger
// than limit bytes before reading them; limit <= 0 means DefaultFileLimit.
func ReadFile(path string, limit int64) (*Model, error) {
	if limit <= 0 {
		limit = DefaultFileLimit
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{File: path, Msg: "not a regular file"}
	}
	if st.Size() > limit {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file has %d bytes, more than the limit of %d", st.Size(), limit)}
	}
	// The file may grow after Stat: read at most limit+1 bytes to notice.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file has more than the limit of %d bytes", limit)}
	}
	return DecodeNamed(path, data)
}

// mulDims returns the product of dims, or false if a dimension is negative
// or the product exceeds limit (checked before each multiplication, so it
// cannot overflow).
func mulDims(dims []int64, limit int64) (int64, bool) {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return 0, false
		}
		if d != 0 && n > limit/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
