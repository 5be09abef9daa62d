// Package graph holds dualgrad's network model: a directed acyclic graph of
// ops over float64 tensors with row-major shapes, with one input, one output
// and named parameter tensors, and the contract (Op) that every op fulfils so
// that every pass and engine runs on any graph without knowing which ops it
// holds.
//
// A graph evaluates one sample. Passes (package passes) carry blocks of rows
// through it: the values of several samples, or many tangent or cotangent
// directions per sample, each row one flattened tensor. The rows of two
// blocks pair by ratio: in a block of r rows and one of R = q·r rows, row k of
// the larger pairs with row k/q of the smaller. So a parameter's single value
// row pairs with every row; a sample's value row pairs with its q tangent
// rows; and an op that accumulates into a block with fewer rows sums over the
// rows that pair with each of its rows.
//
// The parameter vector is every parameter flattened row-major, in the order
// the parameters were declared. Jacobian columns follow that order.
package graph

import (
	"fmt"
	"math"
	"strings"

	"github.com/dualgrad/dualgrad/hyperdual"
)

// Shape is a tensor shape, outermost dimension first; elements are stored
// row-major. The empty shape is a scalar.
type Shape []int

// Size returns the number of elements, the product of the dimensions.
func (s Shape) Size() int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Equal reports whether s and t have the same dimensions.
func (s Shape) Equal(t Shape) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// Strides returns the row-major strides of s: element (i₀, i₁, …) is at
// Σ iₖ·strides[k].
func (s Shape) Strides() []int {
	st := make([]int, len(s))
	k := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = k
		k *= s[i]
	}
	return st
}

// IndexMap returns at(pos) for every multi-index pos of s, in row-major
// order: the index maps that reshaping and selecting ops precompute.
func (s Shape) IndexMap(at func(pos []int) int) []int {
	idx := make([]int, s.Size())
	pos := make([]int, len(s))
	for e := range idx {
		idx[e] = at(pos)
		for d := len(s) - 1; d >= 0; d-- {
			if pos[d]++; pos[d] < s[d] {
				break
			}
			pos[d] = 0
		}
	}
	return idx
}

// Clone returns a copy of s.
func (s Shape) Clone() Shape { return append(Shape{}, s...) }

// String formats s as PyTorch's size, for example [1, 28, 28].
func (s Shape) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, d)
	}
	b.WriteByte(']')
	return b.String()
}

// Block is Rows flattened tensors of Size elements each; row r is
// Data[r·Stride : r·Stride+Size]. A block with nil Data stands for a
// structurally zero tangent or an unneeded cotangent; ops skip it.
type Block struct {
	Data       []float64
	Rows, Size int
	Stride     int
	// Unit marks a tangent block of identity seeds, one per sample: Rows
	// a multiple of Size and row r the unit vector e_{r mod Size}. Data
	// holds those rows all the same, so an op may ignore the mark; one
	// that is linear in the block may instead work on a single seed and
	// repeat or fold the result (a pass's first layer then costs one
	// sample's product, not a batch's).
	Unit bool
}

// MakeBlock returns the block of rows contiguous rows of size elements in
// data. It panics if data is too short.
func MakeBlock(data []float64, rows, size int) Block {
	if len(data) < rows*size {
		panic(fmt.Sprintf("graph: block of %d×%d over %d elements", rows, size, len(data)))
	}
	return Block{Data: data[:rows*size], Rows: rows, Size: size, Stride: size}
}

// Row returns row r.
func (b Block) Row(r int) []float64 { return b.Data[r*b.Stride : r*b.Stride+b.Size] }

// Zero reports whether b stands for zero (or for "not needed").
func (b Block) Zero() bool { return b.Data == nil }

// Contiguous reports whether the rows are packed, so that Data[:Rows·Size]
// holds the whole block.
func (b Block) Contiguous() bool { return b.Stride == b.Size || b.Rows <= 1 }

// Pair returns the row of a block of rows rows that pairs with row k of a
// block of R rows, R a multiple of rows.
func Pair(k, R, rows int) int { return k / (R / rows) }

// Clear sets every element of b to zero.
func (b Block) Clear() {
	if b.Contiguous() {
		clear(b.Data[:b.Rows*b.Size])
		return
	}
	for r := 0; r < b.Rows; r++ {
		clear(b.Row(r))
	}
}

// State is an op's scratch for one node of one pass workspace. A pass keeps
// it across the calls of one evaluation, so an op may record in Forward what
// its derivatives need (σ′ and σ″, the argmax of a pooling window) and read
// it back in JVP, VJP and Reverse2. Its buffers are reused across
// evaluations, so that steady state makes no allocations.
type State struct {
	// Samples is the number of value rows of the current evaluation.
	Samples int

	f   [][]float64
	i   [][]int
	b   [][]Block
	tmp *[]float64 // shared by the nodes of one workspace
}

// NewState returns a state whose Scratch buffer is shared through tmp;
// passes give every node of a workspace the same tmp.
func NewState(tmp *[]float64) *State { return &State{tmp: tmp} }

// Floats returns the k-th float buffer of the state, of length n. Its
// contents persist across calls while n does not grow.
func (s *State) Floats(k, n int) []float64 { return buffer(&s.f, k, n) }

// Ints returns the k-th int buffer of the state, of length n, as Floats.
func (s *State) Ints(k, n int) []int { return buffer(&s.i, k, n) }

// Blocks returns the k-th buffer of block headers, of length n, for ops
// that pass lists of blocks on (the class helpers' Hyper).
func (s *State) Blocks(k, n int) []Block { return buffer(&s.b, k, n) }

// buffer returns (*bufs)[k] resliced to n, growing the list and the
// buffer as needed.
func buffer[T any](bufs *[][]T, k, n int) []T {
	for len(*bufs) <= k {
		*bufs = append(*bufs, nil)
	}
	b := (*bufs)[k]
	if cap(b) < n {
		b = make([]T, n)
	}
	(*bufs)[k] = b[:n]
	return b[:n]
}

// Scratch returns a temporary buffer of length n, shared by every node of
// the workspace: valid only until the op's method returns.
func (s *State) Scratch(n int) []float64 {
	if s.tmp == nil {
		var t []float64
		s.tmp = &t
	}
	if cap(*s.tmp) < n {
		*s.tmp = make([]float64, n)
	}
	return (*s.tmp)[:n]
}

// Op is one operation of a graph: shape inference, the value, the first
// derivatives forward (JVP) and backward (VJP), the second-order rules the
// engines need, and a scalar hyper-dual definition that tests and the looped
// engine use as the oracle. Ops are usually built from the class helpers of
// package ops (linear, bilinear, element-wise), which write these methods
// once for their class.
//
// For op f with inputs x₁…x_k, write f_j = ∂f/∂x_j and f″[a, b] for the
// symmetric second derivative applied to the input directions a and b.
// Blocks follow the row pairing of the package doc. Each method must not
// keep references to the blocks it is given.
type Op interface {
	// Type returns the op's name, as in ONNX, for example "Conv".
	Type() string
	// Init checks the input shapes and the op's attributes, records what
	// the op needs of them, and returns the output shape. It is called once,
	// when the op is added to a graph.
	Init(in []Shape) (Shape, error)
	// Cost returns an estimate of the floating-point operations of one
	// Forward row, for the engines' cost models.
	Cost() float64
	// Nonlinear reports whether f″ can be nonzero. Passes skip the
	// second-order work of linear ops.
	Nonlinear() bool

	// Forward writes f(x) into out, one row per sample; in[j] has one row
	// per sample or a single row shared by all (parameters, constants).
	Forward(st *State, out Block, in []Block)
	// JVP writes Σ_j f_j·inT[j] into out. in holds the inputs' values, as
	// in Forward; inT[j] has out.Rows rows or is zero.
	JVP(st *State, out Block, in, inT []Block)
	// VJP adds f_jᵀ·w to inC[j] for each non-zero inC[j].
	VJP(st *State, inC, in []Block, w Block)
	// Reverse2 is the reverse sweep of the tangent pass (and equally the
	// tangent of the reverse sweep): it adds f_jᵀ·w to inW[j], and
	// f_jᵀ·v + (∂/∂x_j)⟨w, Σ_l f_l·inT[l]⟩ to inV[j]; that is, v's first-order
	// term plus the second-order term f″[inT, ·]ᵀ·w. Zero blocks are skipped.
	Reverse2(st *State, inW, inV, in, inT []Block, w, v Block)
	// JVP2 adds the second-order term f″[inT1, inT2] to out, for the
	// forward engine's ε₁ε₂ parts. inT1 and inT2 have out.Rows rows or are
	// zero.
	JVP2(st *State, out Block, in, inT1, inT2 []Block)
	// Hyper evaluates f on hyper-dual numbers, one sample: the oracle.
	Hyper(st *State, out []hyperdual.Number, in [][]hyperdual.Number)
}

// A FreshWriter is an op whose Reverse2 can also write its inputs'
// cotangents rather than add to them. Reverse2Fresh is Reverse2 except that
// each inW[j] and inV[j] with bit j of fresh set, where not a zero block,
// holds no earlier contribution and arbitrary data: the op overwrites every
// element of it. Passes use it for a cotangent that only this input of this
// op feeds, so that it is written once instead of cleared and then added
// to: a parameter's sink (an m × P Jacobian, for the adjoint engine) or an
// intermediate result's cotangent.
type FreshWriter interface {
	Reverse2Fresh(st *State, inW, inV, in, inT []Block, w, v Block, fresh uint64)
}

// A Scratcher is an op whose passes take a workspace's shared Scratch
// buffer. ScratchFloats returns the most elements they ask of it, for the
// engines' memory estimates: the buffer is shared by the nodes of a
// workspace, so a workspace needs the largest, not the sum.
type Scratcher interface {
	ScratchFloats() int
}

// ScratchFloats returns the largest ScratchFloats of g's ops, the floats
// of a workspace's shared Scratch buffer.
func ScratchFloats(g *Graph) int {
	n := 0
	for i := 0; i < g.Len(); i++ {
		if g.Kind(i) == KindOp {
			if s, ok := g.Op(i).(Scratcher); ok {
				n = max(n, s.ScratchFloats())
			}
		}
	}
	return n
}

// Kind tells what a node is.
type Kind int

// The kinds of node.
const (
	KindOp    Kind = iota // the result of an op
	KindInput             // the graph's input
	KindParam             // a parameter: differentiated, in the parameter vector
	KindConst             // a constant: never differentiated
)

// Param describes one parameter tensor.
type Param struct {
	Name   string // for example "fc1.weight", as in PyTorch's state_dict
	Shape  Shape
	Offset int // index of its first element in the parameter vector
	Node   int // its node
}

type node struct {
	kind  Kind
	name  string
	op    Op
	in    []int
	shape Shape
	data  []float64 // parameters and constants
	param int       // index into params, for KindParam
}

// Graph is a network: a DAG of ops built in order, each node referring only
// to earlier ones. Build it with Input, Param, Const and Apply, then set the
// output with SetOutput. The builder methods record the first error and
// make later calls no-ops, so building code can read like PyTorch module
// code and check Err once; every accessor that a pass uses requires a
// successfully built graph.
//
// A Graph is not safe for concurrent mutation; passes only read it, and
// read parameter values at every call, so parameters may be updated in
// place between calls.
type Graph struct {
	nodes  []node
	params []Param
	names  map[string]int
	input  int
	output int
	np     int
	err    error
}

// Node is a handle to a node of a graph.
type Node struct {
	g  *Graph
	id int
}

// ID returns the node's index in the graph.
func (n Node) ID() int { return n.id }

// Shape returns the node's shape, or nil if the graph has an error.
func (n Node) Shape() Shape {
	if n.g == nil || n.g.err != nil || n.id < 0 {
		return nil
	}
	return n.g.nodes[n.id].shape
}

// Graph returns the graph the node belongs to.
func (n Node) Graph() *Graph { return n.g }

// New returns an empty graph.
func New() *Graph {
	return &Graph{names: map[string]int{}, input: -1, output: -1}
}

// An Error reports a problem with one node of a graph.
type Error struct {
	Node string // the node's name, or "" for the whole graph
	Op   string // the op type, if any
	Msg  string
}

// Error names the node and its op.
func (e *Error) Error() string {
	switch {
	case e.Node == "" && e.Op == "":
		return "graph: " + e.Msg
	case e.Op == "":
		return fmt.Sprintf("graph: node %s: %s", Quote(e.Node), e.Msg)
	case e.Node == "":
		return fmt.Sprintf("graph: %s: %s", e.Op, e.Msg)
	}
	return fmt.Sprintf("graph: node %s (%s): %s", Quote(e.Node), e.Op, e.Msg)
}

// Quote quotes a user-supplied string for an error message, cut to at most
// 64 bytes so that a huge name cannot make a huge message.
func Quote(s string) string {
	const max = 64
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 { // keep UTF-8 whole
			cut--
		}
		return fmt.Sprintf("%q…", s[:cut])
	}
	return fmt.Sprintf("%q", s)
}

func (g *Graph) fail(name, op, format string, args ...any) Node {
	if g.err == nil {
		g.err = &Error{Node: name, Op: op, Msg: fmt.Sprintf(format, args...)}
	}
	return Node{g, -1}
}

// Fail records err as the graph's error, unless it has one already, for
// builders (such as importers) that find a problem of their own.
func (g *Graph) Fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

// Err returns the first error recorded while building, if any.
func (g *Graph) Err() error { return g.err }

func (g *Graph) add(n node) Node {
	if n.name == "" {
		n.name = fmt.Sprintf("%s_%d", strings.ToLower(kindName(n)), len(g.nodes))
	}
	if _, dup := g.names[n.name]; dup {
		return g.fail(n.name, "", "name used twice")
	}
	for _, d := range n.shape {
		if d < 0 {
			return g.fail(n.name, "", "negative dimension in shape %v", n.shape)
		}
	}
	g.names[n.name] = len(g.nodes)
	g.nodes = append(g.nodes, n)
	return Node{g, len(g.nodes) - 1}
}

func kindName(n node) string {
	switch n.kind {
	case KindInput:
		return "input"
	case KindParam:
		return "param"
	case KindConst:
		return "const"
	}
	return n.op.Type()
}

// Input declares the graph's one input, of the given shape.
func (g *Graph) Input(name string, shape ...int) Node {
	if g.err != nil {
		return Node{g, -1}
	}
	if g.input >= 0 {
		return g.fail(name, "", "graph already has input %s", Quote(g.nodes[g.input].name))
	}
	n := g.add(node{kind: KindInput, name: name, shape: Shape(shape).Clone()})
	if n.id >= 0 {
		g.input = n.id
	}
	return n
}

// Param declares a parameter tensor named name, of the given shape, with
// initial values data (copied; nil means zeros). Parameters enter the
// parameter vector in the order they are declared.
func (g *Graph) Param(name string, shape Shape, data []float64) Node {
	return g.leaf(KindParam, name, shape, data)
}

// Const declares a constant tensor, never differentiated (for example a
// batch norm's running statistics). data is copied; nil means zeros.
func (g *Graph) Const(name string, shape Shape, data []float64) Node {
	return g.leaf(KindConst, name, shape, data)
}

// ParamAlias declares a parameter as Param does, but keeps data, of
// exactly the shape's size, as its storage instead of copying it: updates
// through either are seen by both. Package layers uses it so that a dense
// network's weight matrices stay the graph's parameters.
func (g *Graph) ParamAlias(name string, shape Shape, data []float64) Node {
	if g.err == nil && len(data) != shape.Size() {
		return g.fail(name, "", "has %d values for shape %v (%d elements)", len(data), shape, shape.Size())
	}
	return g.leafData(KindParam, name, shape, data)
}

func (g *Graph) leaf(k Kind, name string, shape Shape, data []float64) Node {
	if g.err != nil {
		return Node{g, -1}
	}
	size := shape.Size()
	if data != nil && len(data) != size {
		return g.fail(name, "", "has %d values for shape %v (%d elements)", len(data), shape, size)
	}
	d := make([]float64, size)
	copy(d, data)
	return g.leafData(k, name, shape, d)
}

func (g *Graph) leafData(k Kind, name string, shape Shape, d []float64) Node {
	if g.err != nil {
		return Node{g, -1}
	}
	size := shape.Size()
	for i, v := range d {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return g.fail(name, "", "element %d is %v, want a finite number", i, v)
		}
	}
	n := g.add(node{kind: k, name: name, shape: shape.Clone(), data: d, param: -1})
	if n.id >= 0 && k == KindParam {
		g.nodes[n.id].param = len(g.params)
		g.params = append(g.params, Param{Name: name, Shape: shape.Clone(), Offset: g.np, Node: n.id})
		g.np += size
	}
	return n
}

// Apply adds op applied to the inputs in, and returns its node. name may be
// "" for a generated name.
func (g *Graph) Apply(op Op, name string, in ...Node) Node {
	if g.err != nil {
		return Node{g, -1}
	}
	shapes := make([]Shape, len(in))
	ids := make([]int, len(in))
	for j, x := range in {
		if x.g != g || x.id < 0 || x.id >= len(g.nodes) {
			return g.fail(name, op.Type(), "input %d is not a node of this graph", j)
		}
		shapes[j] = g.nodes[x.id].shape
		ids[j] = x.id
	}
	out, err := op.Init(shapes)
	if err != nil {
		return g.fail(name, op.Type(), "%v", err)
	}
	return g.add(node{kind: KindOp, name: name, op: op, in: ids, shape: out, param: -1})
}

// SetOutput makes n the graph's output and checks the graph: it has an
// input, and the output depends on it.
func (g *Graph) SetOutput(n Node) error {
	if g.err != nil {
		return g.err
	}
	if n.g != g || n.id < 0 {
		g.fail("", "", "output is not a node of this graph")
		return g.err
	}
	if g.input < 0 {
		g.fail("", "", "graph has no input")
		return g.err
	}
	g.output = n.id
	return nil
}

// Validate reports whether g is complete and its parameters and constants
// are finite. Engines call it at every evaluation, so a NaN written into a
// parameter after construction is an error, not a silent NaN result.
func (g *Graph) Validate() error {
	if g == nil {
		return &Error{Msg: "nil graph"}
	}
	if g.err != nil {
		return g.err
	}
	if g.output < 0 {
		return &Error{Msg: "graph has no output (call SetOutput)"}
	}
	for i := range g.nodes {
		n := &g.nodes[i]
		for j, v := range n.data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return &Error{Node: n.name, Msg: fmt.Sprintf("element %d is %v, want a finite number", j, v)}
			}
		}
	}
	return nil
}

// Len returns the number of nodes. Nodes are numbered 0..Len()−1 in an
// order where every node's inputs come before it.
func (g *Graph) Len() int { return len(g.nodes) }

// Kind returns node i's kind.
func (g *Graph) Kind(i int) Kind { return g.nodes[i].kind }

// Name returns node i's name.
func (g *Graph) Name(i int) string { return g.nodes[i].name }

// Op returns node i's op, or nil for a leaf.
func (g *Graph) Op(i int) Op { return g.nodes[i].op }

// Inputs returns the nodes that node i reads. The slice must not be
// modified.
func (g *Graph) Inputs(i int) []int { return g.nodes[i].in }

// Shape returns node i's shape. The slice must not be modified.
func (g *Graph) Shape(i int) Shape { return g.nodes[i].shape }

// Data returns the values of a parameter or constant node, the live
// storage that passes read; nil for other nodes.
func (g *Graph) Data(i int) []float64 { return g.nodes[i].data }

// ParamIndex returns the index into Params of parameter node i, or −1.
func (g *Graph) ParamIndex(i int) int { return g.nodes[i].param }

// InputNode returns the input node's index.
func (g *Graph) InputNode() int { return g.input }

// OutputNode returns the output node's index.
func (g *Graph) OutputNode() int { return g.output }

// InputShape returns the input's shape.
func (g *Graph) InputShape() Shape { return g.nodes[g.input].shape }

// OutputShape returns the output's shape.
func (g *Graph) OutputShape() Shape { return g.nodes[g.output].shape }

// Params lists the parameters in declared order, which is the order of
// the parameter vector. The slice must not be modified.
func (g *Graph) Params() []Param { return g.params }

// NumParams returns the length of the parameter vector.
func (g *Graph) NumParams() int { return g.np }

// ParamData returns the live values of the parameter named name, row-major,
// so that they can be read or updated in place, or nil if there is none.
func (g *Graph) ParamData(name string) []float64 {
	i, ok := g.names[name]
	if !ok || g.nodes[i].kind != KindParam {
		return nil
	}
	return g.nodes[i].data
}

// ParamVector writes the parameter vector into dst, allocating it if dst
// is nil, and returns it. It panics if dst has the wrong length.
func (g *Graph) ParamVector(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, g.np)
	}
	if len(dst) != g.np {
		panic(fmt.Sprintf("graph: parameter vector has length %d, want %d", len(dst), g.np))
	}
	for _, p := range g.params {
		copy(dst[p.Offset:], g.nodes[p.Node].data)
	}
	return dst
}

// SetParamVector copies the parameter vector p into the parameters. It
// panics if p has the wrong length.
func (g *Graph) SetParamVector(p []float64) {
	if len(p) != g.np {
		panic(fmt.Sprintf("graph: parameter vector has length %d, want %d", len(p), g.np))
	}
	for _, q := range g.params {
		d := g.nodes[q.Node].data
		copy(d, p[q.Offset:q.Offset+len(d)])
	}
}
