package onnx

import (
	"fmt"
	"github.com/dualgrad/dualgrad/ops"
	"math"
	"slices"

	"github.com/dualgrad/dualgrad/graph"
)

// Constant folding: the ops of shape arithmetic evaluated at load on
// constant tensors, integers in int64 and floats in float64. Tensors are
// never modified once made, so folds may share their inputs' data.

// floats returns t's elements as floats.
func (t *tensor) floats() []float64 {
	if t.isFloat() {
		return t.f
	}
	out := make([]float64, len(t.i))
	for k, v := range t.i {
		out[k] = float64(v)
	}
	return out
}

// like returns an empty tensor of t's element type with the given dims.
func like(t *tensor, dims []int) *tensor {
	out := &tensor{dims: dims, dtype: t.dtype}
	if t.isFloat() {
		out.f = make([]float64, graph.Shape(dims).Size())
	} else {
		out.i = make([]int64, graph.Shape(dims).Size())
	}
	return out
}

// pick returns the tensor of the given dims whose element e is t's element
// src[e].
func pick(t *tensor, dims []int, src []int) *tensor {
	out := like(t, dims)
	for e, s := range src {
		if t.isFloat() {
			out.f[e] = t.f[s]
		} else {
			out.i[e] = t.i[s]
		}
	}
	return out
}

// withDims returns t with new dims and the same elements.
func withDims(t *tensor, dims []int) *tensor {
	return &tensor{dims: dims, dtype: t.dtype, f: t.f, i: t.i}
}

// axis returns axis a of a rank-r tensor, negative counting from the end.
func (c *nodeCtx) axis(a, r int) int {
	i := a
	if i < 0 {
		i += r
	}
	if i < 0 || i >= r {
		c.fail("axis %d is out of range for rank %d", a, r)
		return 0
	}
	return i
}

// broadcastDims returns the NumPy broadcast of the dims.
func (c *nodeCtx) broadcastDims(shapes ...[]int) []int {
	c.limitBroadcast(shapes...)
	if c.err != nil {
		return nil
	}
	gs := make([]graph.Shape, len(shapes))
	for k, s := range shapes {
		gs[k] = s
	}
	out, err := ops.Broadcast(gs...)
	if err != nil {
		c.fail("%v", err)
		return nil
	}
	return out
}

func foldIdentity(c *nodeCtx) *tensor {
	c.attrs()
	c.nin(1, 1)
	if c.err != nil {
		return nil
	}
	return c.in[0].c
}

func foldNeg(c *nodeCtx) *tensor {
	c.attrs()
	c.nin(1, 1)
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	out := like(t, t.dims)
	for k := range out.f {
		out.f[k] = -t.f[k]
	}
	for k := range out.i {
		out.i[k] = -t.i[k]
	}
	return out
}

// binaryConsts checks a binary fold's two constant operands, of one type,
// and returns them with their broadcast dims and index maps.
func (c *nodeCtx) binaryConsts() (a, b *tensor, dims, ia, ib []int) {
	c.attrs()
	c.nin(2, 2)
	if c.err != nil {
		return nil, nil, nil, nil, nil
	}
	a, b = c.in[0].c, c.in[1].c
	if a.isFloat() != b.isFloat() {
		c.fail("operands are %v and %v tensors; want the same type", a.dtype, b.dtype)
		return nil, nil, nil, nil, nil
	}
	dims = c.broadcastDims(a.dims, b.dims)
	if c.err != nil {
		return nil, nil, nil, nil, nil
	}
	return a, b, dims, ops.BroadcastIndex(a.dims, dims), ops.BroadcastIndex(b.dims, dims)
}

// foldArith evaluates Add, Sub, Mul and Div, with NumPy broadcasting, on
// two float or two integer constants (integer division truncates).
func foldArith(c *nodeCtx) *tensor {
	a, b, dims, ia, ib := c.binaryConsts()
	if c.err != nil {
		return nil
	}
	out := like(a, dims)
	op := c.n.OpType
	if a.isFloat() {
		for e := range out.f {
			x, y := a.f[ia[e]], b.f[ib[e]]
			switch op {
			case "Add":
				out.f[e] = x + y
			case "Sub":
				out.f[e] = x - y
			case "Mul":
				out.f[e] = x * y
			case "Div":
				out.f[e] = x / y
			}
			if !isFinite(out.f[e]) {
				c.fail("the constant result has the non-finite element %v", out.f[e])
				return nil
			}
		}
		return out
	}
	for e := range out.i {
		x, y := a.i[ia[e]], b.i[ib[e]]
		switch op {
		case "Add":
			out.i[e] = x + y
		case "Sub":
			out.i[e] = x - y
		case "Mul":
			out.i[e] = x * y
		case "Div":
			if y == 0 {
				c.fail("integer division by zero")
				return nil
			}
			if y == -1 { // math.MinInt64 / -1 overflows, and may trap
				out.i[e] = -x
			} else {
				out.i[e] = x / y
			}
		}
	}
	return out
}

// foldCompare evaluates Equal, Less and Greater into a BOOL tensor.
func foldCompare(c *nodeCtx) *tensor {
	a, b, dims, ia, ib := c.binaryConsts()
	if c.err != nil {
		return nil
	}
	out := &tensor{dims: dims, dtype: Bool, i: make([]int64, graph.Shape(dims).Size())}
	for e := range out.i {
		var cmp int
		if a.isFloat() {
			cmp = compare(a.f[ia[e]], b.f[ib[e]])
		} else {
			cmp = compare(a.i[ia[e]], b.i[ib[e]])
		}
		var r bool
		switch c.n.OpType {
		case "Equal":
			r = cmp == 0
		case "Less":
			r = cmp < 0
		case "Greater":
			r = cmp > 0
		}
		if r {
			out.i[e] = 1
		}
	}
	return out
}

func compare[T int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// foldWhere evaluates Where(cond, x, y) with broadcasting.
func foldWhere(c *nodeCtx) *tensor {
	c.attrs()
	c.nin(3, 3)
	if c.err != nil {
		return nil
	}
	cond, x, y := c.in[0].c, c.in[1].c, c.in[2].c
	if x.isFloat() != y.isFloat() {
		c.fail("inputs 1 and 2 are %v and %v tensors; want the same type", x.dtype, y.dtype)
		return nil
	}
	dims := c.broadcastDims(cond.dims, x.dims, y.dims)
	if c.err != nil {
		return nil
	}
	ic, ix, iy := ops.BroadcastIndex(cond.dims, dims), ops.BroadcastIndex(x.dims, dims), ops.BroadcastIndex(y.dims, dims)
	cf := cond.floats()
	out := like(x, dims)
	for e := range ic {
		t, k := y, iy[e]
		if cf[ic[e]] != 0 {
			t, k = x, ix[e]
		}
		if x.isFloat() {
			out.f[e] = t.f[k]
		} else {
			out.i[e] = t.i[k]
		}
	}
	return out
}

// foldCast converts a constant; floats become integers by truncation, as in
// ONNX, and must be finite and in range.
func foldCast(c *nodeCtx) *tensor {
	c.attrs("to")
	c.nin(1, 1)
	to := DataType(c.int("to", 0))
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	switch to {
	case Float32, Float64:
		return &tensor{dims: t.dims, dtype: to, f: t.floats()}
	case Int64, Int32, Bool:
	default:
		c.badAttr("to", to.String(), "want FLOAT, DOUBLE, INT64, INT32 or BOOL")
		return nil
	}
	out := &tensor{dims: t.dims, dtype: to, i: make([]int64, t.size())}
	for k := range out.i {
		var v int64
		switch {
		case !t.isFloat():
			v = t.i[k]
		case to == Bool:
			if t.f[k] != 0 {
				v = 1
			}
		default:
			f := math.Trunc(t.f[k])
			if !(f >= -(1<<63) && f < 1<<63) {
				c.fail("element %d (%v) does not fit %v", k, t.f[k], to)
				return nil
			}
			v = int64(f)
		}
		switch to {
		case Int32:
			v = int64(int32(v))
		case Bool:
			if v != 0 {
				v = 1
			}
		}
		out.i[k] = v
	}
	return out
}

// foldConstant evaluates Constant from its one value attribute.
func foldConstant(c *nodeCtx) *tensor {
	c.attrs("value", "value_float", "value_floats", "value_int", "value_ints")
	c.nin(0, 0)
	if c.err != nil {
		return nil
	}
	if len(c.n.Attrs) != 1 {
		c.fail("has %d value attributes, want one", len(c.n.Attrs))
		return nil
	}
	a := &c.n.Attrs[0]
	want := map[string]AttrType{"value": AttrTensor, "value_float": AttrFloat, "value_floats": AttrFloats, "value_int": AttrInt, "value_ints": AttrInts}[a.Name]
	if a.Type != want {
		c.fail("attribute %s is %v, want %v", graph.Quote(a.Name), a.Type, want)
		return nil
	}
	switch a.Name {
	case "value":
		if a.T == nil {
			c.fail("attribute \"value\" holds no tensor")
			return nil
		}
		t, err := tensorOf(a.T)
		if err != nil {
			c.fail("attribute \"value\": %v", err)
		}
		return t
	case "value_float":
		return &tensor{dims: []int{}, dtype: Float32, f: []float64{a.Float()}}
	case "value_floats":
		return &tensor{dims: []int{len(a.Floats)}, dtype: Float32, f: a.FloatsDecimal()}
	case "value_int":
		return &tensor{dims: []int{}, dtype: Int64, i: []int64{a.I}}
	}
	return &tensor{dims: []int{len(a.Ints)}, dtype: Int64, i: slices.Clone(a.Ints)}
}

// foldShape evaluates Shape (with start and end) of any tensor: every shape
// is static.
func foldShape(c *nodeCtx) *tensor {
	c.attrs("start", "end")
	c.nin(1, 1)
	start, end := c.int("start", 0), c.int("end", math.MaxInt64)
	if c.err != nil {
		return nil
	}
	s := c.in[0].shape()
	r := int64(len(s))
	clamp := func(v int64) int {
		if v < 0 {
			v += r
		}
		return int(min(max(v, 0), r))
	}
	lo, hi := clamp(start), clamp(end)
	out := &tensor{dims: []int{max(hi-lo, 0)}, dtype: Int64, i: []int64{}}
	for _, d := range s[lo:max(hi, lo)] {
		out.i = append(out.i, int64(d))
	}
	return out
}

func foldSize(c *nodeCtx) *tensor {
	c.attrs()
	c.nin(1, 1)
	if c.err != nil {
		return nil
	}
	return &tensor{dims: []int{}, dtype: Int64, i: []int64{int64(graph.Shape(c.in[0].shape()).Size())}}
}

// foldConstantOfShape fills a constant shape with the one-element value
// attribute (float 0 by default).
func foldConstantOfShape(c *nodeCtx) *tensor {
	c.attrs("value")
	c.nin(1, 1)
	dims := c.constInts(0, "shape", int64(importMaxElements))
	fill := &tensor{dims: []int{1}, dtype: Float32, f: []float64{0}}
	if a := c.attr("value", AttrTensor); a != nil {
		if a.T == nil {
			c.fail("attribute \"value\" holds no tensor")
			return nil
		}
		t, err := tensorOf(a.T)
		if err != nil {
			c.fail("attribute \"value\": %v", err)
			return nil
		}
		if t.size() != 1 {
			c.fail("attribute \"value\" has %d elements, want one", t.size())
			return nil
		}
		fill = t
	}
	for _, d := range dims {
		if d < 0 {
			c.fail("shape %v has a negative dimension", dims)
		}
	}
	c.limit(prod(dims), "the output")
	if c.err != nil {
		return nil
	}
	return pick(fill, dims, make([]int, graph.Shape(dims).Size()))
}

// reshapeDims resolves ONNX Reshape's 0 (copy) and −1 (infer) dimensions.
func (c *nodeCtx) reshapeDims(in, shape []int) []int {
	if c.err != nil {
		return nil
	}
	out := make([]int, len(shape))
	infer, known := -1, 1
	if prod(shape) < -float64(importMaxElements) || prod(shape) > float64(importMaxElements) {
		c.fail("shape %v has more than %d elements", shape, importMaxElements)
		return nil
	}
	for i, d := range shape {
		switch {
		case d == -1:
			if infer >= 0 {
				c.fail("shape %v has more than one −1", shape)
				return nil
			}
			infer = i
			continue
		case d == 0:
			if i >= len(in) {
				c.fail("shape %v copies dimension %d of the input shape %v, which has none", shape, i, graph.Shape(in))
				return nil
			}
			d = in[i]
		case d < -1:
			c.fail("shape %v has the dimension %d", shape, d)
			return nil
		}
		out[i] = d
		known *= d
	}
	n := graph.Shape(in).Size()
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			c.fail("cannot infer the −1 of shape %v for the input shape %v", shape, graph.Shape(in))
			return nil
		}
		out[infer] = n / known
	}
	if graph.Shape(out).Size() != n {
		c.fail("the input shape %v (%d elements) cannot become the shape %v", graph.Shape(in), n, graph.Shape(out))
		return nil
	}
	return out
}

func foldReshape(c *nodeCtx) *tensor {
	shape := c.reshapeShape()
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	dims := c.reshapeDims(t.dims, shape)
	if c.err != nil {
		return nil
	}
	return withDims(t, dims)
}

func foldFlatten(c *nodeCtx) *tensor {
	c.attrs("axis")
	c.nin(1, 1)
	a := c.small("axis", 1)
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	if a < 0 {
		a += len(t.dims)
	}
	if a < 0 || a > len(t.dims) {
		c.fail("axis %d is out of range for rank %d", a, len(t.dims))
		return nil
	}
	return withDims(t, []int{graph.Shape(t.dims[:a]).Size(), graph.Shape(t.dims[a:]).Size()})
}

func foldTranspose(c *nodeCtx) *tensor {
	c.attrs("perm")
	c.nin(1, 1)
	perm := c.ints("perm")
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	r := len(t.dims)
	if perm == nil {
		perm = make([]int, r)
		for i := range perm {
			perm[i] = r - 1 - i
		}
	}
	seen := make([]bool, r)
	for _, p := range perm {
		if len(perm) != r || p < 0 || p >= r || seen[p] {
			c.fail("perm %v is not a permutation of 0..%d", perm, r-1)
			return nil
		}
		seen[p] = true
	}
	st := graph.Shape(t.dims).Strides()
	dims := make([]int, r)
	for i, p := range perm {
		dims[i] = t.dims[p]
	}
	return pick(t, dims, graph.Shape(dims).IndexMap(func(pos []int) int {
		k := 0
		for i, p := range perm {
			k += pos[i] * st[p]
		}
		return k
	}))
}

func foldSqueeze(c *nodeCtx) *tensor {
	axes := c.axes()
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	drop := make([]bool, len(t.dims))
	for _, a := range axes {
		i := c.axis(a, len(t.dims))
		if c.err == nil && t.dims[i] != 1 {
			c.fail("axis %d of shape %v is not 1", a, graph.Shape(t.dims))
		}
		drop[i] = true
	}
	if c.err != nil {
		return nil
	}
	dims := []int{}
	for i, d := range t.dims {
		if !drop[i] && !(len(axes) == 0 && d == 1) {
			dims = append(dims, d)
		}
	}
	return withDims(t, dims)
}

func foldUnsqueeze(c *nodeCtx) *tensor {
	axes := c.axes()
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	if len(axes) == 0 {
		c.fail("no axes")
		return nil
	}
	r := len(t.dims) + len(axes)
	ins := make([]bool, r)
	for _, a := range axes {
		i := c.axis(a, r)
		if c.err == nil && ins[i] {
			c.fail("axes %v name axis %d twice", axes, i)
		}
		ins[i] = true
	}
	if c.err != nil {
		return nil
	}
	dims := make([]int, 0, r)
	j := 0
	for i := 0; i < r; i++ {
		if ins[i] {
			dims = append(dims, 1)
		} else {
			dims = append(dims, t.dims[j])
			j++
		}
	}
	return withDims(t, dims)
}

func foldConcat(c *nodeCtx) *tensor {
	c.attrs("axis")
	c.nin(1, -1)
	if c.err == nil && c.n.Attr("axis") == nil {
		c.fail("attribute \"axis\" is missing")
	}
	a := c.small("axis", 0)
	if c.err != nil {
		return nil
	}
	first := c.in[0].c
	r := len(first.dims)
	ax := c.axis(a, r)
	dims := slices.Clone(first.dims)
	if c.err != nil {
		return nil
	}
	dims[ax] = 0
	for j, v := range c.in {
		if v == nil {
			c.fail("input %d is missing", j)
			return nil
		}
		t := v.c
		if t.isFloat() != first.isFloat() || len(t.dims) != r {
			c.fail("input %d (%v %v) does not match input 0 (%v %v)", j, t.dtype, graph.Shape(t.dims), first.dtype, graph.Shape(first.dims))
			return nil
		}
		for i, d := range t.dims {
			if i != ax && d != first.dims[i] {
				c.fail("input %d has shape %v, input 0 %v: they differ off axis %d", j, graph.Shape(t.dims), graph.Shape(first.dims), a)
				return nil
			}
		}
		dims[ax] += t.dims[ax]
	}
	c.limit(prod(dims), "the output")
	if c.err != nil {
		return nil
	}
	out := like(first, dims)
	outer := graph.Shape(dims[:ax]).Size()
	e := 0
	for o := 0; o < outer; o++ {
		for _, v := range c.in {
			t := v.c
			n := graph.Shape(t.dims[ax:]).Size()
			if t.isFloat() {
				copy(out.f[e:], t.f[o*n:(o+1)*n])
			} else {
				copy(out.i[e:], t.i[o*n:(o+1)*n])
			}
			e += n
		}
	}
	return out
}

func foldSlice(c *nodeCtx) *tensor {
	starts, ends, axes, steps := c.sliceArgs()
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	r := len(t.dims)
	n := len(starts)
	if len(ends) != n || axes != nil && len(axes) != n || steps != nil && len(steps) != n {
		c.fail("starts, ends, axes and steps have lengths %d, %d, %d and %d", n, len(ends), len(axes), len(steps))
		return nil
	}
	dims, first, step := slices.Clone(t.dims), make([]int, r), make([]int, r)
	seen := make([]bool, r)
	for i := range step {
		step[i] = 1
	}
	for j := 0; j < n; j++ {
		a := j
		if axes != nil {
			a = axes[j]
		}
		i := c.axis(a, r)
		if c.err != nil {
			return nil
		}
		if seen[i] {
			c.fail("axes %v name axis %d twice", axes, i)
			return nil
		}
		seen[i] = true
		if steps != nil {
			step[i] = steps[j]
		}
		if step[i] == 0 {
			c.fail("step 0 on axis %d", i)
			return nil
		}
		first[i], dims[i] = ops.SliceRange(starts[j], ends[j], step[i], t.dims[i])
	}
	st := graph.Shape(t.dims).Strides()
	return pick(t, dims, graph.Shape(dims).IndexMap(func(pos []int) int {
		k := 0
		for i, p := range pos {
			k += (first[i] + p*step[i]) * st[i]
		}
		return k
	}))
}

func foldGather(c *nodeCtx) *tensor {
	c.attrs("axis")
	c.nin(2, 2)
	a := c.small("axis", 0)
	if c.err != nil {
		return nil
	}
	t, idx := c.in[0].c, c.in[1].c
	if idx.isFloat() {
		c.fail("input 1 (the indices) is a %v tensor, want integers", idx.dtype)
		return nil
	}
	ax := c.axis(a, len(t.dims))
	if c.err != nil {
		return nil
	}
	d := t.dims[ax]
	dims := append(append(slices.Clone(t.dims[:ax]), idx.dims...), t.dims[ax+1:]...)
	c.limit(prod(dims), "the output")
	if c.err != nil {
		return nil
	}
	inner := graph.Shape(t.dims[ax+1:]).Size()
	n := len(idx.i)
	src := make([]int, graph.Shape(dims).Size())
	for e := range src {
		o, rest := e/(n*inner), e%(n*inner)
		v := idx.i[rest/inner]
		if v < -int64(d) || v >= int64(d) {
			c.fail("index %d is out of range for axis %d of length %d", v, a, d)
			return nil
		}
		if v < 0 {
			v += int64(d)
		}
		src[e] = (o*d+int(v))*inner + rest%inner
	}
	return pick(t, dims, src)
}

func foldExpand(c *nodeCtx) *tensor {
	c.attrs()
	c.nin(2, 2)
	shape := c.constInts(1, "shape", int64(importMaxElements))
	if c.err != nil {
		return nil
	}
	for _, d := range shape {
		if d < 0 {
			c.fail("shape %v has a negative dimension", shape)
			return nil
		}
	}
	t := c.in[0].c
	dims := c.broadcastDims(t.dims, shape)
	if c.err != nil {
		return nil
	}
	return pick(t, dims, ops.BroadcastIndex(t.dims, dims))
}

func foldTile(c *nodeCtx) *tensor {
	c.attrs()
	c.nin(2, 2)
	reps := c.constInts(1, "repeats", maxAttrInt)
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	_, _, dims := c.tileShapes(t.dims, reps)
	if c.err != nil {
		return nil
	}
	st := graph.Shape(t.dims).Strides()
	return pick(t, dims, graph.Shape(dims).IndexMap(func(pos []int) int {
		k := 0
		for i, p := range pos {
			k += p % t.dims[i] * st[i]
		}
		return k
	}))
}

// foldReduce evaluates ReduceSum, ReduceMean, ReduceMax, ReduceMin and
// ReduceProd on a constant (ReduceProd of a shape gives an element count).
func foldReduce(c *nodeCtx) *tensor {
	axes, keep, noop := c.reduceAttrs()
	if c.err != nil {
		return nil
	}
	t := c.in[0].c
	if len(axes) == 0 && noop {
		return t
	}
	op := c.n.OpType
	if op == "ReduceMean" && !t.isFloat() {
		c.fail("ReduceMean of the %v constant is not supported", t.dtype)
		return nil
	}
	red := make([]bool, len(t.dims))
	for _, a := range axes {
		i := c.axis(a, len(t.dims))
		if c.err != nil {
			return nil
		}
		red[i] = true
	}
	var kept, dims []int // kept: t's dims with the reduced ones 1
	n := 1
	for i, d := range t.dims {
		if len(axes) == 0 || red[i] {
			kept, n = append(kept, 1), n*d
			if keep {
				dims = append(dims, 1)
			}
			continue
		}
		kept, dims = append(kept, d), append(dims, d)
	}
	if dims == nil {
		dims = []int{}
	}
	if (op == "ReduceMax" || op == "ReduceMin") && n == 0 && graph.Shape(kept).Size() > 0 {
		c.fail("%s over an empty axis", op)
		return nil
	}
	out := like(t, dims)
	idx := ops.BroadcastIndex(kept, t.dims) // per element of t, its output element
	seen := make([]bool, graph.Shape(dims).Size())
	for e, o := range idx {
		if t.isFloat() {
			x := t.f[e]
			switch {
			case !seen[o]:
				out.f[o] = x
			case op == "ReduceSum" || op == "ReduceMean":
				out.f[o] += x
			case op == "ReduceProd":
				out.f[o] *= x
			case op == "ReduceMax":
				out.f[o] = math.Max(out.f[o], x)
			case op == "ReduceMin":
				out.f[o] = math.Min(out.f[o], x)
			}
		} else {
			x := t.i[e]
			switch {
			case !seen[o]:
				out.i[o] = x
			case op == "ReduceSum":
				out.i[o] += x
			case op == "ReduceProd":
				out.i[o] *= x
			case op == "ReduceMax":
				out.i[o] = max(out.i[o], x)
			case op == "ReduceMin":
				out.i[o] = min(out.i[o], x)
			}
		}
		seen[o] = true
	}
	for o := range seen {
		if !seen[o] && op == "ReduceProd" { // the product of no elements
			if t.isFloat() {
				out.f[o] = 1
			} else {
				out.i[o] = 1
			}
		}
		if op == "ReduceMean" {
			out.f[o] /= float64(n)
		}
	}
	return out
}

// String formats a tensor for debugging.
func (t *tensor) String() string {
	if t.isFloat() {
		return fmt.Sprintf("%v %v %v", t.dtype, graph.Shape(t.dims), t.f)
	}
	return fmt.Sprintf("%v %v %v", t.dtype, graph.Shape(t.dims), t.i)
}
