package onnx

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dualgrad/dualgrad/graph"
)

// importMaxElements bounds the elements of every tensor Import builds or
// reads (the input, a parameter, a constant, an op's output) and, as a work
// bound, the index maps of pooling and convolution, so that a small file
// cannot ask for a huge allocation through its shapes or attributes. A
// variable so that the fuzz test can lower it.
var importMaxElements = 1 << 26

// maxAttrInt bounds the integers of size-like attributes and shape inputs
// (pads, strides, kernel shapes, target shapes), so that shape arithmetic on
// them cannot overflow.
const maxAttrInt = 1 << 31

// Import builds the graph of an ONNX model exported by torch.onnx.export for
// a fixed input shape (see docs/onnx.md for the recipe and the supported
// ops):
//
//   - The graph has the model's one input, under its ONNX name and with its
//     declared static shape, and its one output. An input that is also an
//     initializer is not an input.
//   - Parameters are the floating-point initializers, in file order (which
//     is PyTorch's state_dict order), under their ONNX names, except those
//     that are only read as BatchNormalization's mean or variance (directly
//     or through Identity nodes) or as constant operands of shape
//     arithmetic: those are constants. torch.onnx merges initializers with
//     equal values into one and makes the others Identity nodes of it, named
//     by the parameters or buffers they replace; each such Identity output is
//     a tensor of its own, a parameter of that name (placed among the
//     initializers where its first use falls) or a constant, so that merged
//     values never mix their Jacobians.
//   - Nodes whose inputs are all constants (Constant, constant
//     initializers, the Shape of any tensor, whose shapes are all static)
//     are evaluated once, with int64 arithmetic for shape tensors, so that
//     Shape→Gather→Unsqueeze→Concat→Reshape chains end in a Reshape with a
//     constant target. Inputs that ONNX took as attributes before opset 13
//     (Reshape's shape, axes, pads, scales and sizes, Clip's bounds, Slice's
//     starts and ends, …) must be constants after this folding. Float
//     constants that other ops read become graph constants.
//   - Every ONNX node becomes the op of package ops that defines it, named
//     as the node (or "<op_type>_<k>" for an unnamed node k); nodes the
//     output does not depend on are ignored.
//
// Float32 models are widened to float64 exactly; float attributes are read
// with Attribute.Float, as PyTorch meant them. No tensor may have more than
// 2²⁶ elements.
//
// Errors name the node and what is wrong with it: an op type outside the
// supported set (the message lists it), an unsupported attribute or
// attribute value, a non-constant input where a constant is needed, a cycle,
// an input that nothing defines. They are *Error values, except that an op
// that refuses its input shapes reports a *graph.Error naming the node and
// the shapes. Import never panics, whatever m holds.
func Import(m *Model) (*graph.Graph, error) {
	if m == nil {
		return nil, &Error{Msg: "no model"}
	}
	im := &importer{m: m, g: graph.New(), vals: map[string]*value{}, taken: map[string]bool{}, suffix: map[string]int{}}
	if err := im.run(); err != nil {
		return nil, err
	}
	return im.g, nil
}

// importer holds the state of one Import.
type importer struct {
	m *Model
	g *graph.Graph

	inits    map[string]*Tensor // initializers by name
	inName   string             // the graph input
	outName  string             // the graph output
	producer map[string]int     // value name -> index of the node defining it
	order    []int              // node indices in topological order
	live     []bool             // per node: the output depends on it
	used     map[string]int     // value name -> live consumers (+1 for the graph output)

	vals     map[string]*value
	taken    map[string]bool       // graph node names in use
	suffix   map[string]int        // per base name, the suffixes uniq has tried
	statCopy map[string]graph.Node // constant copies of parameters read as BN statistics
}

// value is what an ONNX value name stands for while importing: a node of
// the graph, a constant tensor not (yet) in the graph, or both.
type value struct {
	name  string
	node  graph.Node
	has   bool    // node is set
	dyn   bool    // depends on the graph input
	c     *tensor // the constant value, or nil
	param *tensor // a parameter's initial values, for constant copies
}

// tensor is a constant of the import: float data (DOUBLE or FLOAT) or
// integer data (INT64, INT32, BOOL as 0 and 1), with its dims.
type tensor struct {
	dims  []int
	dtype DataType
	f     []float64
	i     []int64
}

func (t *tensor) isFloat() bool { return t.dtype.IsFloat() }

func (t *tensor) size() int { return graph.Shape(t.dims).Size() }

// errf returns an *Error about the model as a whole.
func errf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

func (im *importer) run() error {
	gm := &im.m.Graph
	v, ok := im.m.Opsets[""]
	if !ok {
		return errf("the model imports no opset of the default (ai.onnx) domain")
	}
	if v < MinOpset || v > MaxOpset {
		return errf("opset %d of the default domain is not supported (want %d to %d)", v, MinOpset, MaxOpset)
	}
	if err := im.readInits(); err != nil {
		return err
	}
	if err := im.readInputOutput(); err != nil {
		return err
	}
	if err := im.sort(); err != nil {
		return err
	}
	im.liveness()
	if err := im.declare(); err != nil {
		return err
	}
	for _, k := range im.order {
		if !im.live[k] {
			continue
		}
		n := &gm.Nodes[k]
		if err := im.node(k, n); err != nil {
			return err
		}
		if err := im.g.Err(); err != nil {
			return err
		}
	}
	out := im.vals[im.outName]
	switch {
	case out == nil:
		return errf("graph output %s is not defined", graph.Quote(im.outName))
	case !out.dyn:
		return errf("graph output %s does not depend on the graph input %s", graph.Quote(im.outName), graph.Quote(im.inName))
	}
	return im.g.SetOutput(out.node)
}

// readInits checks the initializers and indexes them by name.
func (im *importer) readInits() error {
	gm := &im.m.Graph
	im.inits = make(map[string]*Tensor, len(gm.Initializers))
	for i := range gm.Initializers {
		t := &gm.Initializers[i]
		if t.Name == "" {
			return errf("initializer %d has no name", i)
		}
		if im.inits[t.Name] != nil {
			return errf("initializer %s appears twice", graph.Quote(t.Name))
		}
		if _, err := tensorOf(t); err != nil {
			return errf("initializer %s: %v", graph.Quote(t.Name), err)
		}
		im.inits[t.Name] = t
	}
	return nil
}

// tensorOf checks an ONNX tensor (dims, data length, element type, size)
// and returns it as a constant of the import, sharing its data.
func tensorOf(t *Tensor) (*tensor, error) {
	dims := make([]int, len(t.Dims))
	n := 1
	for i, d := range t.Dims {
		if d < 0 || d > int64(importMaxElements) {
			return nil, fmt.Errorf("dims %v: dimension %d out of range", t.Dims, d)
		}
		dims[i] = int(d)
		if n *= int(d); n > importMaxElements {
			return nil, fmt.Errorf("dims %v: more than %d elements", t.Dims, importMaxElements)
		}
	}
	c := &tensor{dims: dims, dtype: t.DataType}
	switch t.DataType {
	case Float32, Float64:
		if len(t.Float64) != n || len(t.Int64) != 0 {
			return nil, fmt.Errorf("%d float values for dims %v", len(t.Float64), t.Dims)
		}
		for i, v := range t.Float64 {
			if !isFinite(v) {
				return nil, fmt.Errorf("element %d is %v, want a finite number", i, v)
			}
		}
		c.f = t.Float64
	case Int64, Int32, Bool:
		if len(t.Int64) != n || len(t.Float64) != 0 {
			return nil, fmt.Errorf("%d integer values for dims %v", len(t.Int64), t.Dims)
		}
		c.i = t.Int64
	default:
		return nil, fmt.Errorf("element type %v is not supported", t.DataType)
	}
	return c, nil
}

// readInputOutput finds the one graph input and the one graph output.
func (im *importer) readInputOutput() error {
	gm := &im.m.Graph
	var ins []*ValueInfo
	for i := range gm.Inputs {
		if v := &gm.Inputs[i]; im.inits[v.Name] == nil {
			ins = append(ins, v)
		}
	}
	switch len(ins) {
	case 0:
		return errf("the graph has no input (besides initializers)")
	case 1:
	default:
		names := make([]string, len(ins))
		for i, v := range ins {
			names[i] = graph.Quote(v.Name)
		}
		return errf("the graph has %d inputs (%s); want one", len(ins), strings.Join(capList(names), ", "))
	}
	in := ins[0]
	where := "graph input " + graph.Quote(in.Name)
	if in.Name == "" {
		return errf("the graph input has no name")
	}
	if !in.ElemType.IsFloat() {
		return errf("%s has element type %v; want FLOAT or DOUBLE", where, in.ElemType)
	}
	if !in.HasShape {
		return errf("%s has no shape; export with a fixed input shape", where)
	}
	shape := make([]int, len(in.Shape))
	n := 1
	for i, d := range in.Shape {
		if !d.Known {
			return errf("%s has the dynamic dimension %s at axis %d; export without dynamic_axes, for one input shape", where, graph.Quote(d.String()), i)
		}
		if d.Value < 0 || d.Value > int64(importMaxElements) {
			return errf("%s has dimension %d at axis %d", where, d.Value, i)
		}
		shape[i] = int(d.Value)
		if n *= shape[i]; n > importMaxElements {
			return errf("%s has more than %d elements", where, importMaxElements)
		}
	}
	switch len(gm.Outputs) {
	case 1:
	case 0:
		return errf("the graph has no output")
	default:
		names := make([]string, len(gm.Outputs))
		for i, v := range gm.Outputs {
			names[i] = graph.Quote(v.Name)
		}
		return errf("the graph has %d outputs (%s); want one", len(gm.Outputs), strings.Join(capList(names), ", "))
	}
	im.inName, im.outName = in.Name, gm.Outputs[0].Name
	if im.outName == "" {
		return errf("the graph output has no name")
	}
	im.taken[in.Name] = true
	node := im.g.Input(in.Name, shape...)
	im.vals[in.Name] = &value{name: in.Name, node: node, has: true, dyn: true}
	return im.g.Err()
}

// capList keeps at most 8 entries of a list for a message.
func capList(s []string) []string {
	if len(s) > 8 {
		return append(s[:8:8], fmt.Sprintf("and %d more", len(s)-8))
	}
	return s
}

// where names node k for an error.
func where(k int, n *Node) string {
	op := n.OpType
	if _, ok := opTable[op]; !ok {
		op = graph.Quote(op)
	}
	return fmt.Sprintf("node %d %s (%s)", k, graph.Quote(n.Name), op)
}

// sort checks that every node input is defined and that no value is defined
// twice, and orders the nodes topologically, keeping file order where it
// is one already (ONNX requires it; a model edited in Go may not keep it).
func (im *importer) sort() error {
	gm := &im.m.Graph
	im.producer = map[string]int{}
	for k := range gm.Nodes {
		n := &gm.Nodes[k]
		for _, out := range n.Outputs {
			if out == "" {
				continue
			}
			if out == im.inName || im.inits[out] != nil {
				return &Error{Node: where(k, n), Msg: fmt.Sprintf("output %s is also the graph input or an initializer", graph.Quote(out))}
			}
			if j, dup := im.producer[out]; dup {
				return &Error{Node: where(k, n), Msg: fmt.Sprintf("output %s is also an output of %s", graph.Quote(out), where(j, &gm.Nodes[j]))}
			}
			im.producer[out] = k
		}
	}
	// Kahn's algorithm, always taking the ready node that comes first in
	// the file.
	indeg := make([]int, len(gm.Nodes))
	users := make([][]int, len(gm.Nodes))
	for k := range gm.Nodes {
		n := &gm.Nodes[k]
		for _, in := range n.Inputs {
			if in == "" || in == im.inName || im.inits[in] != nil {
				continue
			}
			j, ok := im.producer[in]
			if !ok {
				return &Error{Node: where(k, n), Msg: fmt.Sprintf("input %s is not defined by the graph input, an initializer or any node", graph.Quote(in))}
			}
			indeg[k]++
			users[j] = append(users[j], k)
		}
	}
	ready := &intHeap{}
	for k, d := range indeg {
		if d == 0 {
			ready.push(k)
		}
	}
	im.order = make([]int, 0, len(gm.Nodes))
	for ready.len() > 0 {
		k := ready.pop()
		im.order = append(im.order, k)
		for _, u := range users[k] {
			if indeg[u]--; indeg[u] == 0 {
				ready.push(u)
			}
		}
	}
	if len(im.order) < len(gm.Nodes) {
		for k, d := range indeg {
			if d > 0 {
				return &Error{Node: where(k, &gm.Nodes[k]), Msg: "the node is on a cycle: its inputs depend on its own outputs"}
			}
		}
	}
	if _, ok := im.producer[im.outName]; !ok && im.outName != im.inName && im.inits[im.outName] == nil {
		return errf("graph output %s is not defined by any node", graph.Quote(im.outName))
	}
	return nil
}

// intHeap is a min-heap of node indices.
type intHeap struct{ a []int }

func (h *intHeap) len() int { return len(h.a) }

func (h *intHeap) push(v int) {
	h.a = append(h.a, v)
	for i := len(h.a) - 1; i > 0; {
		p := (i - 1) / 2
		if h.a[p] <= h.a[i] {
			break
		}
		h.a[p], h.a[i] = h.a[i], h.a[p]
		i = p
	}
}

func (h *intHeap) pop() int {
	v := h.a[0]
	last := len(h.a) - 1
	h.a[0] = h.a[last]
	h.a = h.a[:last]
	for i := 0; ; {
		l, s := 2*i+1, i
		if l < len(h.a) && h.a[l] < h.a[s] {
			s = l
		}
		if r := l + 1; r < len(h.a) && h.a[r] < h.a[s] {
			s = r
		}
		if s == i {
			break
		}
		h.a[s], h.a[i] = h.a[i], h.a[s]
		i = s
	}
	return v
}

// liveness marks the nodes the graph output depends on and counts the live
// consumers of every value.
func (im *importer) liveness() {
	gm := &im.m.Graph
	im.live = make([]bool, len(gm.Nodes))
	im.used = map[string]int{im.outName: 1}
	stack := []string{im.outName}
	for len(stack) > 0 {
		name := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k, ok := im.producer[name]
		if !ok || im.live[k] {
			continue
		}
		im.live[k] = true
		for _, in := range gm.Nodes[k].Inputs {
			if in != "" {
				stack = append(stack, in)
			}
		}
	}
	for k := range gm.Nodes {
		if im.live[k] {
			for _, in := range gm.Nodes[k].Inputs {
				if in != "" {
					im.used[in]++
				}
			}
		}
	}
}

// The ways a node input reads a leaf tensor (an initializer or an Identity
// of one), which decide whether the leaf is a parameter.
const (
	useOperand = iota // a differentiable operand: the leaf is a parameter
	useStat           // BatchNormalization's mean or variance
	useConst          // read at load: a shape, axes, pads, scales, an exponent…
)

// slotUse returns how input j of node n reads its value.
func slotUse(n *Node, j int) int {
	if n.OpType == "BatchNormalization" && (j == 3 || j == 4) {
		return useStat
	}
	if e, ok := opTable[n.OpType]; ok && e.constFrom > 0 && j >= e.constFrom {
		return useConst
	}
	if n.OpType == "Shape" || n.OpType == "Size" {
		return useConst // only the shape is read
	}
	return useOperand
}

// leaf is an initializer, or an Identity output that stands for one (a
// tensor merged into another by torch.onnx), with its uses.
type leaf struct {
	name     string
	t        *tensor
	init     bool   // an initializer rather than an Identity output
	children []int  // leaves that are Identity outputs of this one
	uses     []int  // slotUse of each direct use by a live node
	first    [2]int // the first direct use: node index, input index
	role     int    // one of the roles below
}

// The roles of a leaf.
const (
	roleUnused = iota // read by nothing but other leaves: not in the graph
	roleParam
	roleConst
)

// declare decides which leaves are parameters and which constants,
// declares the parameters in order and records the constants.
func (im *importer) declare() error {
	gm := &im.m.Graph
	var leaves []*leaf
	byName := map[string]int{}
	for i := range gm.Initializers {
		t := &gm.Initializers[i]
		c, _ := tensorOf(t) // checked by readInits
		byName[t.Name] = len(leaves)
		leaves = append(leaves, &leaf{name: t.Name, t: c, init: true, first: [2]int{math.MaxInt, 0}})
	}
	for _, k := range im.order {
		if !im.live[k] {
			continue
		}
		n := &gm.Nodes[k]
		if n.OpType == "Identity" && n.Domain == "" && len(n.Inputs) == 1 && len(n.Outputs) == 1 && n.Outputs[0] != "" && len(n.Attrs) == 0 {
			if p, ok := byName[n.Inputs[0]]; ok && leaves[p].t.isFloat() {
				byName[n.Outputs[0]] = len(leaves)
				leaves[p].children = append(leaves[p].children, len(leaves))
				leaves = append(leaves, &leaf{name: n.Outputs[0], t: leaves[p].t, first: [2]int{math.MaxInt, 0}})
				continue
			}
		}
		for j, in := range n.Inputs {
			if p, ok := byName[in]; ok {
				l := leaves[p]
				l.uses = append(l.uses, slotUse(n, j))
				if key := [2]int{k, j}; less2(key, l.first) {
					l.first = key
				}
			}
		}
	}
	// Roles, children before parents (children come later in leaves).
	for i := len(leaves) - 1; i >= 0; i-- {
		l := leaves[i]
		if !l.t.isFloat() {
			l.role = roleConst
			continue
		}
		switch {
		case slices.Contains(l.uses, useOperand):
			l.role = roleParam
		case len(l.uses) > 0:
			l.role = roleConst
		default:
			// Read only through Identity nodes, if at all: a constant if
			// those readers are all constants; else an (unused) parameter
			// if it is an initializer.
			anyParam, anyConst := false, false
			for _, c := range l.children {
				anyParam = anyParam || leaves[c].role == roleParam
				anyConst = anyConst || leaves[c].role == roleConst
			}
			switch {
			case anyConst && !anyParam:
				l.role = roleConst
			case l.init:
				l.role = roleParam
			default:
				l.role = roleUnused
			}
		}
	}
	// Initializer parameters in file order; an Identity parameter goes
	// before the first initializer parameter first used after it.
	var inits, aliases []*leaf
	for _, l := range leaves {
		switch {
		case l.role != roleParam:
		case l.init:
			inits = append(inits, l)
		default:
			aliases = append(aliases, l)
		}
	}
	slices.SortStableFunc(aliases, func(a, b *leaf) int {
		switch {
		case less2(a.first, b.first):
			return -1
		case less2(b.first, a.first):
			return 1
		}
		return 0
	})
	params := make([]*leaf, 0, len(inits)+len(aliases))
	for len(inits) > 0 || len(aliases) > 0 {
		if len(aliases) > 0 && (len(inits) == 0 || less2(aliases[0].first, inits[0].first)) {
			params, aliases = append(params, aliases[0]), aliases[1:]
		} else {
			params, inits = append(params, inits[0]), inits[1:]
		}
	}
	for _, l := range params {
		im.taken[l.name] = true
		node := im.g.Param(l.name, graph.Shape(l.t.dims), l.t.f)
		im.vals[l.name] = &value{name: l.name, node: node, has: true, param: l.t}
	}
	for _, l := range leaves {
		if l.role == roleConst {
			im.vals[l.name] = &value{name: l.name, c: l.t}
		}
	}
	return im.g.Err()
}

func less2(a, b [2]int) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// uniq returns base, or base with a suffix if a graph node has that name.
func (im *importer) uniq(base string) string {
	name := base
	for im.taken[name] {
		im.suffix[base]++ // the next suffix to try, so that n clashes cost O(n)
		name = fmt.Sprintf("%s_%d", base, im.suffix[base]+1)
	}
	im.taken[name] = true
	return name
}

// constNode returns v's graph node, making it a graph constant first if it
// is only a constant so far. Integer constants cannot flow through the
// graph.
func (im *importer) constNode(v *value) (graph.Node, error) {
	if v.has {
		return v.node, nil
	}
	if !v.c.isFloat() {
		return graph.Node{}, fmt.Errorf("%s is a %v tensor; only float tensors can be operands of the graph", graph.Quote(v.name), v.c.dtype)
	}
	v.node = im.g.Const(im.uniq(v.name), graph.Shape(v.c.dims), v.c.f)
	v.has = true
	return v.node, im.g.Err()
}

// shapeOf returns the shape of a value, whatever it is.
func (v *value) shape() []int {
	if v.has {
		return v.node.Shape()
	}
	return v.c.dims
}
