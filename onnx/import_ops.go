package onnx

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/ops"
)

// opEntry is how Import handles one ONNX op type.
type opEntry struct {
	// build maps a node whose inputs are not all constants onto the graph.
	// nil for ops supported only on constants.
	build func(c *nodeCtx)
	// fold evaluates a node whose inputs are all constants; nil if the op
	// is never folded (the graph then computes it on graph constants).
	fold func(c *nodeCtx) *tensor
	// constFrom is the first input that must be a constant (an attribute
	// before opset 13), or 0 if none must.
	constFrom int
	// outputs is the number of outputs the op may declare, of which only
	// the first may be used; −1 if build sets every output.
	outputs int
}

// opTable holds every supported op type. It is filled by init because its
// entries refer, through the error helpers, back to it.
var opTable map[string]opEntry

// supportedOps lists opTable's keys for error messages.
var supportedOps string

func init() {
	unary := func(f func() graph.Op) opEntry {
		return opEntry{build: func(c *nodeCtx) {
			c.attrs()
			c.nin(1, 1)
			c.apply(f(), c.operand(0))
		}, outputs: 1}
	}
	opTable = map[string]opEntry{
		"Abs":        unary(ops.Abs),
		"Cos":        unary(ops.Cos),
		"Erf":        unary(ops.Erf),
		"Exp":        unary(ops.Exp),
		"HardSwish":  unary(ops.HardSwish),
		"Log":        unary(ops.Log),
		"Reciprocal": unary(ops.Reciprocal),
		"Relu":       unary(ops.Relu),
		"Sigmoid":    unary(ops.Sigmoid),
		"Sin":        unary(ops.Sin),
		"Softplus":   unary(ops.Softplus),
		"Softsign":   unary(ops.Softsign),
		"Sqrt":       unary(ops.Sqrt),
		"Tanh":       unary(ops.Tanh),
		"Neg":        {build: unary(ops.Neg).build, fold: foldNeg, outputs: 1},

		"Add": {build: binaryOp(ops.Add), fold: foldArith, outputs: 1},
		"Sub": {build: binaryOp(ops.Sub), fold: foldArith, outputs: 1},
		"Mul": {build: binaryOp(ops.Mul), fold: foldArith, outputs: 1},
		"Div": {build: binaryOp(ops.Div), fold: foldArith, outputs: 1},
		"Pow": {build: buildPow, outputs: 1},

		"LeakyRelu":   {build: buildLeakyRelu, outputs: 1},
		"Elu":         {build: buildElu, outputs: 1},
		"Celu":        {build: buildCelu, outputs: 1},
		"Selu":        {build: buildSelu, outputs: 1},
		"HardSigmoid": {build: buildHardSigmoid, outputs: 1},
		"Gelu":        {build: buildGelu, outputs: 1},
		"Clip":        {build: buildClip, constFrom: 1, outputs: 1},

		"Gemm":          {build: buildGemm, outputs: 1},
		"MatMul":        {build: buildMatMul, outputs: 1},
		"Conv":          {build: buildConv, outputs: 1},
		"ConvTranspose": {build: buildConvTranspose, outputs: 1},

		"MaxPool":           {build: buildPool, outputs: 2},
		"AveragePool":       {build: buildPool, outputs: 1},
		"GlobalAveragePool": {build: buildGlobalPool, outputs: 1},
		"GlobalMaxPool":     {build: buildGlobalPool, outputs: 1},
		"Resize":            {build: buildResize, constFrom: 1, outputs: 1},

		"BatchNormalization":    {build: buildBatchNorm, outputs: 3},
		"LayerNormalization":    {build: buildLayerNorm, outputs: 3},
		"InstanceNormalization": {build: buildInstanceNorm, outputs: 1},
		"Softmax":               {build: buildSoftmax, outputs: 1},
		"LogSoftmax":            {build: buildSoftmax, outputs: 1},
		"ReduceSum":             {build: buildReduce, fold: foldReduce, constFrom: 1, outputs: 1},
		"ReduceMean":            {build: buildReduce, fold: foldReduce, constFrom: 1, outputs: 1},
		"ReduceMax":             {build: buildReduce, fold: foldReduce, constFrom: 1, outputs: 1},
		"ReduceMin":             {fold: foldReduce, constFrom: 1, outputs: 1},
		"ReduceProd":            {fold: foldReduce, constFrom: 1, outputs: 1},

		"Reshape":   {build: buildReshape, fold: foldReshape, constFrom: 1, outputs: 1},
		"Flatten":   {build: buildFlatten, fold: foldFlatten, outputs: 1},
		"Transpose": {build: buildTranspose, fold: foldTranspose, outputs: 1},
		"Squeeze":   {build: buildSqueeze, fold: foldSqueeze, constFrom: 1, outputs: 1},
		"Unsqueeze": {build: buildUnsqueeze, fold: foldUnsqueeze, constFrom: 1, outputs: 1},
		"Concat":    {build: buildConcat, fold: foldConcat, outputs: 1},
		"Split":     {build: buildSplit, constFrom: 1, outputs: -1},
		"Slice":     {build: buildSlice, fold: foldSlice, constFrom: 1, outputs: 1},
		"Gather":    {build: buildGather, fold: foldGather, constFrom: 1, outputs: 1},
		"Pad":       {build: buildPad, constFrom: 1, outputs: 1},
		"Expand":    {build: buildExpand, fold: foldExpand, constFrom: 1, outputs: 1},
		"Tile":      {build: buildTile, fold: foldTile, constFrom: 1, outputs: 1},
		"Identity":  {build: buildIdentity, fold: foldIdentity, outputs: 1},
		"Dropout":   {build: buildDropout, constFrom: 1, outputs: 2},
		"Cast":      {build: buildCast, fold: foldCast, outputs: 1},

		"Constant":        {fold: foldConstant, outputs: 1},
		"Shape":           {fold: foldShape, outputs: 1},
		"Size":            {fold: foldSize, outputs: 1},
		"ConstantOfShape": {fold: foldConstantOfShape, constFrom: 0, outputs: 1},
		"Equal":           {fold: foldCompare, outputs: 1},
		"Less":            {fold: foldCompare, outputs: 1},
		"Greater":         {fold: foldCompare, outputs: 1},
		"Where":           {fold: foldWhere, outputs: 1},
	}
	names := make([]string, 0, len(opTable))
	for k := range opTable {
		names = append(names, k)
	}
	slices.Sort(names)
	supportedOps = strings.Join(names, ", ")
}

// node imports node k: folds it if it can, else adds its op to the graph.
func (im *importer) node(k int, n *Node) error {
	c := &nodeCtx{im: im, k: k, n: n, base: n.Name}
	if c.base == "" {
		c.base = fmt.Sprintf("%s_%d", n.OpType, k)
	}
	if n.Domain != "" {
		return c.errf("domain %s is not supported, only the default (ai.onnx) one", graph.Quote(n.Domain))
	}
	e, ok := opTable[n.OpType]
	if !ok {
		return c.errf("op type %s is not supported; the supported ops are %s", graph.Quote(n.OpType), supportedOps)
	}
	if len(n.Outputs) == 0 || n.Outputs[0] == "" {
		return c.errf("the node has no output")
	}
	if e.outputs > 0 && len(n.Outputs) > e.outputs {
		return c.errf("the node has %d outputs; %s has at most %d", len(n.Outputs), n.OpType, e.outputs)
	}
	for j, out := range n.Outputs[1:] {
		if e.outputs > 0 && out != "" && im.used[out] > 0 {
			return c.errf("output %d (%s) is used, but only the first output of %s is supported", j+1, graph.Quote(out), n.OpType)
		}
	}
	if im.vals[n.Outputs[0]] != nil {
		return nil // an Identity standing for an initializer: declared already
	}
	c.in = make([]*value, len(n.Inputs))
	allConst := true
	for j, name := range n.Inputs {
		if name == "" {
			continue
		}
		v := im.vals[name]
		if v == nil {
			return c.errf("input %d (%s) is not available: it is an unsupported output of its node", j, graph.Quote(name))
		}
		c.in[j] = v
		allConst = allConst && v.c != nil
	}
	switch {
	case e.fold != nil && (allConst || n.OpType == "Shape" || n.OpType == "Size"):
		t := e.fold(c)
		if c.err == nil {
			c.checkSize(t.dims)
		}
		if c.err == nil {
			im.vals[n.Outputs[0]] = &value{name: n.Outputs[0], c: t}
		}
	case e.build != nil:
		e.build(c)
	default:
		c.fail("%s is supported only on constants (shape arithmetic), but an input depends on the graph input or a parameter", n.OpType)
	}
	return c.err
}

// nodeCtx maps one node. Its methods record the first error and make later
// calls no-ops, so that an op's mapping reads as a list of steps.
type nodeCtx struct {
	im   *importer
	k    int
	n    *Node
	base string   // the graph node name, before making it unique
	in   []*value // per input, nil if omitted
	err  error
}

func (c *nodeCtx) errf(format string, args ...any) error {
	return &Error{Node: where(c.k, c.n), Msg: fmt.Sprintf(format, args...)}
}

func (c *nodeCtx) fail(format string, args ...any) {
	if c.err == nil {
		c.err = c.errf(format, args...)
	}
}

// attrs checks that the node has no attributes but the allowed ones.
func (c *nodeCtx) attrs(allowed ...string) {
	for _, a := range c.n.Attrs {
		if !slices.Contains(allowed, a.Name) {
			c.fail("attribute %s is not supported for %s", graph.Quote(a.Name), c.n.OpType)
			return
		}
	}
}

// attr returns the attribute name if it is present with type t.
func (c *nodeCtx) attr(name string, t AttrType) *Attribute {
	a := c.n.Attr(name)
	if a == nil || c.err != nil {
		return nil
	}
	if a.Type != t {
		c.fail("attribute %s is %v, want %v", graph.Quote(name), a.Type, t)
		return nil
	}
	return a
}

func (c *nodeCtx) int(name string, def int64) int64 {
	if a := c.attr(name, AttrInt); a != nil {
		return a.I
	}
	return def
}

// small returns an INT attribute that must fit the shape arithmetic.
func (c *nodeCtx) small(name string, def int64) int {
	v := c.int(name, def)
	if v < -maxAttrInt || v > maxAttrInt {
		c.badAttr(name, v)
		return 0
	}
	return int(v)
}

func (c *nodeCtx) flag(name string, def bool) bool {
	d := int64(0)
	if def {
		d = 1
	}
	switch v := c.int(name, d); v {
	case 0:
		return false
	case 1:
		return true
	default:
		c.badAttr(name, v)
	}
	return false
}

func (c *nodeCtx) float(name string, def float64) float64 {
	if a := c.attr(name, AttrFloat); a != nil {
		return a.Float()
	}
	return def
}

func (c *nodeCtx) str(name, def string) string {
	if a := c.attr(name, AttrString); a != nil {
		return a.S
	}
	return def
}

// ints returns an INTS attribute, each value within the shape arithmetic's
// range, or nil if it is absent.
func (c *nodeCtx) ints(name string) []int {
	a := c.attr(name, AttrInts)
	if a == nil {
		return nil
	}
	out := make([]int, len(a.Ints))
	for i, v := range a.Ints {
		if v < -maxAttrInt || v > maxAttrInt {
			c.badAttr(name, a.Ints)
			return nil
		}
		out[i] = int(v)
	}
	return out
}

// badAttr reports an unsupported attribute value.
func (c *nodeCtx) badAttr(name string, v any, why ...string) {
	if s, ok := v.(string); ok {
		v = graph.Quote(s)
	}
	msg := fmt.Sprintf("attribute %s = %v is not supported", graph.Quote(name), v)
	if len(why) > 0 {
		msg += ": " + why[0]
	}
	c.fail("%s", msg)
}

// nin checks the number of inputs: at least lo, all present, and at most
// hi (hi < 0: any number).
func (c *nodeCtx) nin(lo, hi int) {
	n := len(c.n.Inputs)
	if n < lo || hi >= 0 && n > hi {
		switch {
		case hi < 0:
			c.fail("has %d inputs, want at least %d", n, lo)
		case lo == hi:
			c.fail("has %d inputs, want %d", n, lo)
		default:
			c.fail("has %d inputs, want %d to %d", n, lo, hi)
		}
		return
	}
	for j := 0; j < lo; j++ {
		if c.in[j] == nil {
			c.fail("input %d is missing", j)
			return
		}
	}
}

// has reports whether input j is given.
func (c *nodeCtx) has(j int) bool { return c.err == nil && j < len(c.in) && c.in[j] != nil }

// operand returns input j as a graph node.
func (c *nodeCtx) operand(j int) graph.Node {
	if c.err != nil {
		return graph.Node{}
	}
	if !c.has(j) {
		c.fail("input %d is missing", j)
		return graph.Node{}
	}
	node, err := c.im.constNode(c.in[j])
	if err != nil {
		c.fail("input %d: %v", j, err)
	}
	return node
}

// shape returns input j's shape.
func (c *nodeCtx) shape(j int) []int {
	if !c.has(j) {
		return nil
	}
	return c.in[j].shape()
}

// constant returns input j's value, which must be a constant.
func (c *nodeCtx) constant(j int, what string) *tensor {
	if !c.has(j) {
		c.fail("input %d (%s) is missing", j, what)
		return nil
	}
	v := c.in[j]
	if v.c == nil {
		src := "the graph input"
		if !v.dyn {
			src = "a parameter"
		}
		c.fail("input %d (%s, the %s) must be a constant when the model is loaded, but it depends on %s", j, graph.Quote(v.name), what, src)
		return nil
	}
	return v.c
}

// constInts returns input j, a constant integer tensor, with every value
// within ±limit.
func (c *nodeCtx) constInts(j int, what string, limit int64) []int {
	t := c.constant(j, what)
	if t == nil {
		return nil
	}
	if t.isFloat() {
		c.fail("input %d (the %s) is a %v tensor, want integers", j, what, t.dtype)
		return nil
	}
	out := make([]int, len(t.i))
	for i, v := range t.i {
		if v < -limit || v > limit {
			c.fail("input %d (the %s) holds %d, out of range", j, what, v)
			return nil
		}
		out[i] = int(v)
	}
	return out
}

// constFloats returns input j, a constant tensor, as floats.
func (c *nodeCtx) constFloats(j int, what string) []float64 {
	t := c.constant(j, what)
	if t == nil {
		return nil
	}
	return t.floats()
}

// scalar returns input j, a constant of one element, as a float.
func (c *nodeCtx) scalar(j int, what string) float64 {
	f := c.constFloats(j, what)
	if c.err == nil && len(f) != 1 {
		c.fail("input %d (the %s) has %d elements, want one", j, what, len(f))
		return 0
	}
	if c.err != nil {
		return 0
	}
	return f[0]
}

// dyn reports whether some input depends on the graph input.
func (c *nodeCtx) dyn() bool {
	for _, v := range c.in {
		if v != nil && v.dyn {
			return true
		}
	}
	return false
}

// apply adds op over ins as the node's output.
func (c *nodeCtx) apply(op graph.Op, ins ...graph.Node) {
	node := c.add(op, ins...)
	if c.err == nil {
		c.im.vals[c.n.Outputs[0]] = &value{name: c.n.Outputs[0], node: node, has: true, dyn: c.dyn()}
	}
}

// add adds op over ins to the graph, named after the node.
func (c *nodeCtx) add(op graph.Op, ins ...graph.Node) graph.Node {
	if c.err != nil {
		return graph.Node{}
	}
	im := c.im
	node := im.g.Apply(op, im.uniq(c.base), ins...)
	if err := im.g.Err(); err != nil {
		c.err = err
		return graph.Node{}
	}
	c.checkSize(node.Shape())
	return node
}

// alias makes the node's output input j itself.
func (c *nodeCtx) alias(j int) {
	if c.err != nil {
		return
	}
	v := *c.in[j]
	v.name = c.n.Outputs[0]
	c.im.vals[v.name] = &v
}

// checkSize refuses a shape of more than importMaxElements elements.
func (c *nodeCtx) checkSize(dims []int) {
	n := 1.0
	for _, d := range dims {
		if d < 0 || d > importMaxElements {
			c.fail("shape %v has a dimension out of range", graph.Shape(dims))
			return
		}
		n *= float64(d)
	}
	c.limit(n, "the output")
}

// limit refuses n elements (or steps of work) of what beyond the bound.
func (c *nodeCtx) limit(n float64, what string) {
	if !(n <= float64(importMaxElements)) {
		c.fail("%s would have %.4g elements, more than the limit of %d", what, n, importMaxElements)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// prod returns the product of dims as a float, which cannot overflow.
func prod(dims []int) float64 {
	n := 1.0
	for _, d := range dims {
		n *= float64(d)
	}
	return n
}

// limitBroadcast refuses inputs whose broadcast would be too large.
func (c *nodeCtx) limitBroadcast(shapes ...[]int) {
	c.limit(broadcastSize(shapes...), "the broadcast output")
}

// broadcastSize bounds the elements of the broadcast of the shapes: the
// product of each aligned dimension's largest size.
func broadcastSize(shapes ...[]int) float64 {
	r := 0
	for _, s := range shapes {
		r = max(r, len(s))
	}
	n := 1.0
	for i := 0; i < r; i++ {
		d := 1
		for _, s := range shapes {
			if k := i - (r - len(s)); k >= 0 {
				d = max(d, s[k])
			}
		}
		n *= float64(d)
	}
	return n
}

func binaryOp(f func() graph.Op) func(c *nodeCtx) {
	return func(c *nodeCtx) {
		c.attrs()
		c.nin(2, 2)
		a, b := c.operand(0), c.operand(1)
		c.limitBroadcast(c.shape(0), c.shape(1))
		c.apply(f(), a, b)
	}
}

// buildPow maps Pow with a constant one-element exponent onto the unary
// ops.Pow, and any other onto ops.PowTensor.
func buildPow(c *nodeCtx) {
	c.attrs()
	c.nin(2, 2)
	x := c.operand(0)
	if c.err != nil {
		return
	}
	if e := c.in[1].c; e != nil && e.size() == 1 && len(e.dims) <= len(c.shape(0)) {
		c.apply(ops.Pow(e.floats()[0]), x)
		return
	}
	if e := c.in[1].c; e != nil && !e.isFloat() {
		v := *c.in[1] // an integer exponent: its float value
		v.c = &tensor{dims: e.dims, dtype: Float64, f: e.floats()}
		c.in[1] = &v
	}
	y := c.operand(1)
	c.limitBroadcast(c.shape(0), c.shape(1))
	c.apply(ops.PowTensor(), x, y)
}

func buildLeakyRelu(c *nodeCtx) {
	c.attrs("alpha")
	c.nin(1, 1)
	c.apply(ops.LeakyRelu(c.float("alpha", 0.01)), c.operand(0))
}

func buildElu(c *nodeCtx) {
	c.attrs("alpha")
	c.nin(1, 1)
	c.apply(ops.Elu(c.float("alpha", 1)), c.operand(0))
}

func buildCelu(c *nodeCtx) {
	c.attrs("alpha")
	c.nin(1, 1)
	alpha := c.float("alpha", 1)
	if alpha == 0 {
		c.badAttr("alpha", alpha, "want a nonzero number")
	}
	c.apply(ops.Celu(alpha), c.operand(0))
}

// The float32 forms of SELU's constants, ONNX's defaults for alpha and gamma.
var (
	seluAlpha32 = float32(1.6732632423543772848170429916717)
	seluGamma32 = float32(1.0507009873554804934193349852946)
)

// buildSelu accepts Selu only with its default constants (the float32 forms
// that torch.onnx writes, if any), which ops.Selu uses in float64.
func buildSelu(c *nodeCtx) {
	c.attrs("alpha", "gamma")
	c.nin(1, 1)
	if a := c.attr("alpha", AttrFloat); a != nil && a.F != seluAlpha32 {
		c.badAttr("alpha", a.Float(), "only the default (SELU's α) is supported")
	}
	if a := c.attr("gamma", AttrFloat); a != nil && a.F != seluGamma32 {
		c.badAttr("gamma", a.Float(), "only the default (SELU's λ) is supported")
	}
	c.apply(ops.Selu(), c.operand(0))
}

// buildHardSigmoid reads alpha as 1/6 when it is float32(1/6), how
// torch.onnx writes nn.Hardsigmoid (whose slope is exactly 1/6).
func buildHardSigmoid(c *nodeCtx) {
	c.attrs("alpha", "beta")
	c.nin(1, 1)
	alpha := c.float("alpha", 0.2)
	if a := c.attr("alpha", AttrFloat); a != nil && a.F == float32(1.0/6) {
		alpha = 1.0 / 6
	}
	c.apply(ops.HardSigmoid(alpha, c.float("beta", 0.5)), c.operand(0))
}

func buildGelu(c *nodeCtx) {
	c.attrs("approximate")
	c.nin(1, 1)
	switch s := c.str("approximate", "none"); s {
	case "none":
		c.apply(ops.Gelu(), c.operand(0))
	case "tanh":
		c.apply(ops.GeluTanh(), c.operand(0))
	default:
		c.badAttr("approximate", s, "want none or tanh")
	}
}

// buildClip reads Clip's optional min and max inputs as constants.
func buildClip(c *nodeCtx) {
	c.attrs()
	c.nin(1, 3)
	lo, hi := math.Inf(-1), math.Inf(1)
	if c.has(1) {
		lo = c.scalar(1, "min")
	}
	if c.has(2) {
		hi = c.scalar(2, "max")
	}
	c.apply(ops.Clip(lo, hi), c.operand(0))
}

func buildGemm(c *nodeCtx) {
	c.attrs("alpha", "beta", "transA", "transB")
	c.nin(2, 3)
	ta, tb := c.flag("transA", false), c.flag("transB", false)
	op := ops.Gemm(ta, tb, c.float("alpha", 1), c.float("beta", 1))
	ins := []graph.Node{c.operand(0), c.operand(1)}
	if c.has(2) {
		ins = append(ins, c.operand(2))
	}
	if a, b := c.shape(0), c.shape(1); len(a) == 2 && len(b) == 2 {
		m, n := a[0], b[1]
		if ta {
			m = a[1]
		}
		if tb {
			n = b[0]
		}
		c.limit(float64(m)*float64(n), "the output")
	}
	c.apply(op, ins...)
}

func buildMatMul(c *nodeCtx) {
	c.attrs()
	c.nin(2, 2)
	a, b := c.operand(0), c.operand(1)
	if sa, sb := c.shape(0), c.shape(1); len(sa) > 0 && len(sb) > 0 {
		m, n := 1, 1
		var ba, bb []int
		if len(sa) > 1 {
			m, ba = sa[len(sa)-2], sa[:len(sa)-2]
		}
		if len(sb) > 1 {
			n, bb = sb[len(sb)-1], sb[:len(sb)-2]
		}
		c.limit(broadcastSize(ba, bb)*float64(m)*float64(n), "the output")
	}
	c.apply(ops.MatMul(), a, b)
}

// autoPad checks auto_pad: NOTSET (explicit pads) and VALID (no padding)
// are supported.
func (c *nodeCtx) autoPad(pads *[]int) {
	switch s := c.str("auto_pad", "NOTSET"); s {
	case "NOTSET":
	case "VALID":
		for _, p := range *pads {
			if p != 0 {
				c.fail("auto_pad VALID with nonzero pads %v", *pads)
			}
		}
		*pads = nil
	default:
		c.badAttr("auto_pad", s, "only NOTSET (explicit pads) and VALID are supported; export with explicit padding")
	}
}

// spatial returns an attribute of one value per spatial dimension of a
// rank-r input, or n copies of def if it is absent or the rank is unknown.
func spatial(v []int, r, def int) []int {
	if len(v) == r {
		return v
	}
	out := make([]int, r)
	for i := range out {
		out[i] = def
	}
	return out
}

func buildConv(c *nodeCtx) {
	c.attrs("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides")
	c.nin(2, 3)
	a := ops.ConvAttrs{
		KernelShape: c.ints("kernel_shape"), Strides: c.ints("strides"), Pads: c.ints("pads"),
		Dilations: c.ints("dilations"), Group: c.small("group", 1),
	}
	if c.err == nil && a.Group < 1 {
		c.badAttr("group", a.Group, "want at least 1")
	}
	c.autoPad(&a.Pads)
	ins := []graph.Node{c.operand(0), c.operand(1)}
	if c.has(2) {
		ins = append(ins, c.operand(2))
	}
	if x, w := c.shape(0), c.shape(1); c.err == nil && len(x) >= 3 && len(w) == len(x) {
		ns := len(x) - 2
		st, pads := spatial(a.Strides, ns, 1), spatial(a.Pads, 2*ns, 0)
		out := make([]int, ns)
		for i := range out {
			out[i] = (x[2+i]+pads[i]+pads[ns+i])/max(st[i], 1) + 1
		}
		c.limit(float64(x[0])*float64(w[0])*prod(out), "the output")
		c.limit(prod(w[2:])*prod(out), "the convolution's index map")
	}
	c.apply(ops.Conv(a), ins...)
}

func buildConvTranspose(c *nodeCtx) {
	c.attrs("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", "output_padding", "output_shape")
	c.nin(2, 3)
	a := ops.ConvTransposeAttrs{
		KernelShape: c.ints("kernel_shape"), Strides: c.ints("strides"), Pads: c.ints("pads"),
		Dilations: c.ints("dilations"), OutputPadding: c.ints("output_padding"),
		OutputShape: c.ints("output_shape"), Group: c.small("group", 1),
	}
	if c.err == nil && a.Group < 1 {
		c.badAttr("group", a.Group, "want at least 1")
	}
	c.autoPad(&a.Pads)
	ins := []graph.Node{c.operand(0), c.operand(1)}
	if c.has(2) {
		ins = append(ins, c.operand(2))
	}
	if x, w := c.shape(0), c.shape(1); c.err == nil && len(x) >= 3 && len(w) == len(x) {
		ns := len(x) - 2
		st, dil := spatial(a.Strides, ns, 1), spatial(a.Dilations, ns, 1)
		op := spatial(a.OutputPadding, ns, 0)
		full := make([]float64, ns)
		n := float64(x[0]) * float64(w[1]) * float64(a.Group)
		for i := range full {
			full[i] = float64(st[i])*float64(max(x[2+i]-1, 0)) + float64(op[i]) + float64(dil[i])*float64(max(w[2+i]-1, 0)) + 1
			n *= full[i]
		}
		c.limit(n, "the output")
		c.limit(prod(w[2:])*prod(x[2:]), "the convolution's index map")
	}
	c.apply(ops.ConvTranspose(a), ins...)
}

// buildPool maps MaxPool and AveragePool.
func buildPool(c *nodeCtx) {
	isMax := c.n.OpType == "MaxPool"
	if isMax {
		c.attrs("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides")
		if s := c.int("storage_order", 0); s != 0 {
			c.badAttr("storage_order", s, "only 0 (row-major) is supported")
		}
	} else {
		c.attrs("auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides")
	}
	c.nin(1, 1)
	a := ops.PoolAttrs{
		Kernel: c.ints("kernel_shape"), Strides: c.ints("strides"), Pads: c.ints("pads"),
		CeilMode: c.flag("ceil_mode", false),
	}
	if isMax {
		a.Dilations = c.ints("dilations")
	} else {
		a.CountIncludePad = c.flag("count_include_pad", false)
	}
	if c.err == nil && a.Kernel == nil {
		c.fail("attribute \"kernel_shape\" is missing")
	}
	c.autoPad(&a.Pads)
	x := c.operand(0)
	if s := c.shape(0); c.err == nil && len(s) >= 3 {
		ns := len(s) - 2
		st, pads := spatial(a.Strides, ns, 1), spatial(a.Pads, 2*ns, 0)
		out := make([]int, ns)
		for i := range out {
			out[i] = (s[2+i]+pads[i]+pads[ns+i])/max(st[i], 1) + 2
		}
		c.limit(float64(s[0])*float64(s[1])*prod(out), "the output")
		c.limit(prod(out)*prod(spatial(a.Kernel, ns, 1)), "the pooling windows")
	}
	if isMax {
		c.apply(ops.MaxPool(a), x)
	} else {
		c.apply(ops.AveragePool(a), x)
	}
}

func buildGlobalPool(c *nodeCtx) {
	c.attrs()
	c.nin(1, 1)
	if c.n.OpType == "GlobalMaxPool" {
		c.apply(ops.GlobalMaxPool(), c.operand(0))
	} else {
		c.apply(ops.GlobalAveragePool(), c.operand(0))
	}
}

// buildResize maps Resize as nn.Upsample and F.interpolate export it: the
// scales or the sizes input a constant, roi ignored.
func buildResize(c *nodeCtx) {
	c.attrs("coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "mode", "nearest_mode")
	c.nin(1, 4)
	a := ops.ResizeAttrs{
		Mode:                         c.str("mode", "nearest"),
		CoordinateTransformationMode: c.str("coordinate_transformation_mode", "half_pixel"),
		NearestMode:                  c.str("nearest_mode", "round_prefer_floor"),
	}
	switch a.Mode {
	case "nearest", "linear":
	default:
		c.badAttr("mode", a.Mode, "want nearest or linear")
	}
	switch a.CoordinateTransformationMode {
	case "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric":
	default:
		c.badAttr("coordinate_transformation_mode", a.CoordinateTransformationMode, "want half_pixel, pytorch_half_pixel, align_corners or asymmetric")
	}
	switch a.NearestMode {
	case "round_prefer_floor", "round_prefer_ceil", "floor", "ceil":
	default:
		c.badAttr("nearest_mode", a.NearestMode, "want round_prefer_floor, round_prefer_ceil, floor or ceil")
	}
	if v := c.int("exclude_outside", 0); v != 0 {
		c.badAttr("exclude_outside", v, "only 0 is supported")
	}
	x := c.operand(0)
	// An empty scales or sizes tensor is as good as none.
	if c.has(2) {
		if s := c.constFloats(2, "scales"); len(s) > 0 {
			a.Scales = s
		}
	}
	if c.has(3) {
		if s := c.constInts(3, "sizes", maxAttrInt); len(s) > 0 {
			a.Sizes = s
		}
	}
	if c.err != nil {
		return
	}
	if (a.Scales == nil) == (a.Sizes == nil) {
		c.fail("want exactly one of the scales and sizes inputs")
		return
	}
	s := c.shape(0)
	n := 1.0
	for i, d := range s {
		switch {
		case len(a.Sizes) == len(s):
			n *= float64(a.Sizes[i])
		case len(a.Sizes) == len(s)-2 && i >= 2:
			n *= float64(a.Sizes[i-2])
		case len(a.Scales) == len(s):
			n *= math.Floor(float64(d) * a.Scales[i])
		case len(a.Scales) == len(s)-2 && i >= 2:
			n *= math.Floor(float64(d) * a.Scales[i-2])
		default:
			n *= float64(d)
		}
	}
	c.limit(n, "the output")
	c.apply(ops.Resize(a), x)
}

// buildBatchNorm maps inference-mode BatchNormalization. The mean and the
// variance are constants: a parameter read there (an initializer torch.onnx
// merged with a running statistic of equal value) is read through a
// constant copy, so that it stays a parameter only where it is one.
func buildBatchNorm(c *nodeCtx) {
	c.attrs("epsilon", "momentum", "training_mode")
	c.nin(5, 5)
	if c.flag("training_mode", false) {
		c.badAttr("training_mode", 1, "only inference (0) is supported; export the model in eval mode (model.eval()) with training=torch.onnx.TrainingMode.PRESERVE")
	}
	eps := c.float("epsilon", 1e-5)
	ins := []graph.Node{c.operand(0), c.operand(1), c.operand(2), c.stat(3), c.stat(4)}
	c.apply(ops.BatchNorm(eps), ins...)
}

// stat returns input j as a running statistic: a constant copy of a
// parameter, or the input as it is.
func (c *nodeCtx) stat(j int) graph.Node {
	if c.err != nil || !c.has(j) || c.in[j].param == nil {
		return c.operand(j)
	}
	v := c.in[j]
	im := c.im
	if im.statCopy == nil {
		im.statCopy = map[string]graph.Node{}
	}
	if node, ok := im.statCopy[v.name]; ok {
		return node
	}
	node := im.g.Const(im.uniq(v.name+".const"), graph.Shape(v.param.dims), v.param.f)
	if err := im.g.Err(); err != nil {
		c.err = err
	}
	im.statCopy[v.name] = node
	return node
}

func buildLayerNorm(c *nodeCtx) {
	c.attrs("axis", "epsilon", "stash_type")
	c.nin(2, 3)
	axis, eps := c.small("axis", -1), c.float("epsilon", 1e-5)
	ins := []graph.Node{c.operand(0), c.operand(1)}
	if c.has(2) {
		ins = append(ins, c.operand(2))
	}
	c.apply(ops.LayerNorm(axis, eps), ins...)
}

func buildInstanceNorm(c *nodeCtx) {
	c.attrs("epsilon")
	c.nin(3, 3)
	eps := c.float("epsilon", 1e-5)
	c.apply(ops.InstanceNorm(eps), c.operand(0), c.operand(1), c.operand(2))
}

func buildSoftmax(c *nodeCtx) {
	c.attrs("axis")
	c.nin(1, 1)
	axis := c.small("axis", -1)
	if c.n.OpType == "LogSoftmax" {
		c.apply(ops.LogSoftmax(axis), c.operand(0))
	} else {
		c.apply(ops.Softmax(axis), c.operand(0))
	}
}

// reduceAttrs reads a reduction's axes (an attribute, or from opset 13 an
// input for ReduceSum), keepdims and noop_with_empty_axes, for both the
// op and its constant fold.
func (c *nodeCtx) reduceAttrs() (axes []int, keep, noop bool) {
	c.attrs("axes", "keepdims", "noop_with_empty_axes")
	c.nin(1, 2)
	axes = c.ints("axes")
	if c.has(1) {
		if axes != nil {
			c.fail("axes given both as an attribute and as an input")
		}
		axes = c.constInts(1, "axes", maxAttrInt)
	}
	return axes, c.flag("keepdims", true), c.flag("noop_with_empty_axes", false)
}

// buildReduce maps ReduceSum, ReduceMean and ReduceMax, with the axes as an
// attribute (ReduceMean and ReduceMax before opset 18) or an input
// (ReduceSum from opset 13).
func buildReduce(c *nodeCtx) {
	axes, keep, noop := c.reduceAttrs()
	if len(axes) == 0 && noop {
		c.alias(0)
		return
	}
	x := c.operand(0)
	switch c.n.OpType {
	case "ReduceSum":
		c.apply(ops.ReduceSum(axes, keep), x)
	case "ReduceMean":
		c.apply(ops.ReduceMean(axes, keep), x)
	default:
		c.apply(ops.ReduceMax(axes, keep), x)
	}
}

// reshapeShape reads Reshape's shape input and allowzero.
func (c *nodeCtx) reshapeShape() []int {
	c.attrs("allowzero")
	c.nin(2, 2)
	shape := c.constInts(1, "shape", int64(importMaxElements))
	if c.flag("allowzero", false) && slices.Contains(shape, 0) {
		c.badAttr("allowzero", 1, "a 0 in the shape would be a dimension of size 0")
	}
	return shape
}

func buildReshape(c *nodeCtx) {
	shape := c.reshapeShape()
	c.apply(ops.Reshape(shape), c.operand(0))
}

func buildFlatten(c *nodeCtx) {
	c.attrs("axis")
	c.nin(1, 1)
	c.apply(ops.Flatten(c.small("axis", 1)), c.operand(0))
}

func buildTranspose(c *nodeCtx) {
	c.attrs("perm")
	c.nin(1, 1)
	c.apply(ops.Transpose(c.ints("perm")), c.operand(0))
}

// axes reads the axes of Squeeze or Unsqueeze: input 1 from opset 13, an
// attribute before.
func (c *nodeCtx) axes() []int {
	c.attrs("axes")
	c.nin(1, 2)
	axes := c.ints("axes")
	if c.has(1) {
		if axes != nil {
			c.fail("axes given both as an attribute and as an input")
		}
		axes = c.constInts(1, "axes", maxAttrInt)
	}
	return axes
}

func buildSqueeze(c *nodeCtx) {
	axes := c.axes()
	c.apply(ops.Squeeze(axes), c.operand(0))
}

func buildUnsqueeze(c *nodeCtx) {
	axes := c.axes()
	c.apply(ops.Unsqueeze(axes), c.operand(0))
}

func buildConcat(c *nodeCtx) {
	c.attrs("axis")
	c.nin(1, -1)
	if c.err == nil && c.n.Attr("axis") == nil {
		c.fail("attribute \"axis\" is missing")
	}
	axis := c.small("axis", 0)
	ins := make([]graph.Node, len(c.in))
	n := 0.0
	for j := range c.in {
		ins[j] = c.operand(j)
		n += prod(c.shape(j))
	}
	c.limit(n, "the output")
	c.apply(ops.Concat(axis), ins...)
}

// buildSplit maps Split, along axis into parts of the sizes of the split
// input (or equal parts), as a Slice per used output; a constant input is
// split at load.
func buildSplit(c *nodeCtx) {
	c.attrs("axis")
	c.nin(1, 2)
	a := c.small("axis", 0)
	var sizes []int
	if c.has(1) {
		sizes = c.constInts(1, "split", maxAttrInt)
	}
	if c.err != nil {
		return
	}
	s := c.shape(0)
	ax := c.axis(a, len(s))
	if c.err != nil {
		return
	}
	n := len(c.n.Outputs)
	if sizes == nil {
		if s[ax]%n != 0 {
			c.fail("%d outputs do not split axis %d of length %d into equal parts", n, a, s[ax])
			return
		}
		for range n {
			sizes = append(sizes, s[ax]/n)
		}
	}
	total := 0
	for _, k := range sizes {
		if k < 0 {
			c.fail("split %v has a negative size", sizes)
			return
		}
		total += k
	}
	if len(sizes) != n || total != s[ax] {
		c.fail("split %v: want %d sizes that add up to %d", sizes, n, s[ax])
		return
	}
	off := 0
	for j, out := range c.n.Outputs {
		starts, ends, axes := []int{off}, []int{off + sizes[j]}, []int{ax}
		off += sizes[j]
		if out == "" || c.im.used[out] == 0 {
			continue
		}
		if t := c.in[0].c; t != nil {
			dims := slices.Clone(t.dims)
			dims[ax] = sizes[j]
			st := graph.Shape(t.dims).Strides()
			c.im.vals[out] = &value{name: out, c: pick(t, dims, graph.Shape(dims).IndexMap(func(pos []int) int {
				k := 0
				for i, p := range pos {
					if i == ax {
						p += starts[0]
					}
					k += p * st[i]
				}
				return k
			}))}
			continue
		}
		node := c.add(ops.Slice(starts, ends, axes, nil), c.operand(0))
		if c.err != nil {
			return
		}
		c.im.vals[out] = &value{name: out, node: node, has: true, dyn: c.dyn()}
	}
}

// sliceArgs reads Slice's starts, ends, axes and steps. Starts, ends and
// steps are clamped to ±2⁴⁰, which changes no slice of a dimension within
// the size limit (INT64_MAX and INT64_MIN mean "to the end" and "to the
// beginning").
func (c *nodeCtx) sliceArgs() (starts, ends, axes, steps []int) {
	c.attrs()
	c.nin(3, 5)
	clamped := func(j int, what string) []int {
		t := c.constant(j, what)
		if t == nil {
			return nil
		}
		if t.isFloat() {
			c.fail("input %d (the %s) is a %v tensor, want integers", j, what, t.dtype)
			return nil
		}
		const lim = 1 << 40
		out := make([]int, len(t.i))
		for i, v := range t.i {
			out[i] = int(min(max(v, -lim), lim))
		}
		return out
	}
	starts, ends = clamped(1, "starts"), clamped(2, "ends")
	if c.has(3) {
		axes = c.constInts(3, "axes", maxAttrInt)
	}
	if c.has(4) {
		steps = clamped(4, "steps")
	}
	return starts, ends, axes, steps
}

func buildSlice(c *nodeCtx) {
	starts, ends, axes, steps := c.sliceArgs()
	c.apply(ops.Slice(starts, ends, axes, steps), c.operand(0))
}

func buildGather(c *nodeCtx) {
	c.attrs("axis")
	c.nin(2, 2)
	axis := c.small("axis", 0)
	idx := c.constant(1, "indices")
	x := c.operand(0)
	if c.err != nil {
		return
	}
	if idx.isFloat() {
		c.fail("input 1 (the indices) is a %v tensor, want integers", idx.dtype)
		return
	}
	if s := c.shape(0); len(s) > 0 {
		ax := min(max(axis+len(s)*btoi(axis < 0), 0), len(s)-1) // ops.Gather checks the axis
		c.limit(prod(s)/float64(max(s[ax], 1))*float64(len(idx.i)), "the output")
	}
	c.apply(ops.Gather(axis, idx.i, graph.Shape(idx.dims)), x)
}

func buildPad(c *nodeCtx) {
	c.attrs("mode")
	c.nin(2, 3)
	if mode := c.str("mode", "constant"); mode != "constant" {
		c.badAttr("mode", mode, "only constant padding is supported")
	}
	pads := c.constInts(1, "pads", maxAttrInt)
	value := 0.0
	if c.has(2) {
		if f := c.constFloats(2, "constant_value"); len(f) > 0 {
			value = c.scalar(2, "constant_value")
		}
	}
	x := c.operand(0)
	if s := c.shape(0); c.err == nil && len(pads) == 2*len(s) {
		out := make([]int, len(s))
		for i := range s {
			out[i] = max(s[i]+pads[i]+pads[len(s)+i], 0)
		}
		c.limit(prod(out), "the output")
	}
	c.apply(ops.Pad("constant", pads, value), x)
}

func buildExpand(c *nodeCtx) {
	c.attrs()
	c.nin(2, 2)
	shape := c.constInts(1, "shape", int64(importMaxElements))
	x := c.operand(0)
	c.limitBroadcast(c.shape(0), shape)
	c.apply(ops.Expand(shape), x)
}

// tileShapes returns, for Tile of a tensor of shape s by repeats, the shape
// with a 1 before each dimension, the shape with the repeats there instead,
// and the output shape.
func (c *nodeCtx) tileShapes(s, reps []int) (in1, mid, out []int) {
	if c.err != nil {
		return
	}
	if len(reps) != len(s) {
		c.fail("%d repeats for the input shape %v", len(reps), graph.Shape(s))
		return
	}
	for i, r := range reps {
		if r < 0 {
			c.fail("repeats %v has a negative entry", reps)
			return
		}
		in1, mid, out = append(in1, 1, s[i]), append(mid, r, s[i]), append(out, r*s[i])
	}
	c.limit(prod(mid), "the output")
	return in1, mid, out
}

// buildTile maps Tile (x.repeat) onto a Reshape that puts a dimension of 1
// before every dimension, an Expand of those to the repeats, and a Reshape
// that merges each repeat with its dimension.
func buildTile(c *nodeCtx) {
	c.attrs()
	c.nin(2, 2)
	reps := c.constInts(1, "repeats", maxAttrInt)
	x := c.operand(0)
	in1, mid, out := c.tileShapes(c.shape(0), reps)
	y := c.add(ops.Reshape(in1), x)
	y = c.add(ops.Expand(mid), y)
	c.apply(ops.Reshape(out), y)
}

func buildIdentity(c *nodeCtx) {
	c.attrs()
	c.nin(1, 1)
	c.alias(0)
}

// buildDropout maps inference-mode Dropout, the identity.
func buildDropout(c *nodeCtx) {
	c.attrs("seed")
	c.nin(1, 3)
	if c.has(2) {
		if t := c.constant(2, "training_mode"); t != nil && t.size() == 1 && t.floats()[0] != 0 {
			c.fail("training_mode is true; only inference is supported (export the model in eval mode)")
		}
	}
	c.alias(0)
}

// buildCast maps a Cast of a non-constant float tensor, which must be to a
// float type: the graph computes in float64 whatever the types.
func buildCast(c *nodeCtx) {
	c.attrs("to")
	c.nin(1, 1)
	if to := DataType(c.int("to", 0)); c.err == nil && !to.IsFloat() {
		c.fail("a Cast of a non-constant tensor to %v is not supported; only to FLOAT or DOUBLE", to)
	}
	c.alias(0)
}
