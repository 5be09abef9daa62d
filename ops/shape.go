package ops

import (
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/graph"
)

// The shape ops: linear maps that move elements without arithmetic. Those
// that keep the row-major order of the elements (Reshape, Flatten, Squeeze,
// Unsqueeze) are copies; the others read their output from an index map
// built once in Init, whose transpose scatters (sums) cotangents back.

// shapeCopyKernel is a map that keeps the flat data and changes only the
// shape: the identity on each row.
type shapeCopyKernel struct {
	name    string
	resolve func(in graph.Shape) (graph.Shape, error)
	size    int
}

func (k *shapeCopyKernel) Type() string { return k.name }

func (k *shapeCopyKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	out, err := k.resolve(in[0])
	if err != nil {
		return nil, err
	}
	if out.Size() != in[0].Size() {
		return nil, fmt.Errorf("input shape %v (%d elements) cannot become shape %v (%d elements)", in[0], in[0].Size(), out, out.Size())
	}
	k.size = out.Size()
	return out, nil
}

func (k *shapeCopyKernel) Cost() float64 { return float64(k.size) }

func (k *shapeCopyKernel) Apply(_ *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	if x.Zero() {
		out.Clear()
		return
	}
	if x.Rows == out.Rows && x.Contiguous() && out.Contiguous() {
		copy(out.Data[:out.Rows*out.Size], x.Data[:x.Rows*x.Size])
		return
	}
	for r := 0; r < out.Rows; r++ {
		copy(out.Row(r), x.Row(pairRow(r, out.Rows, x.Rows)))
	}
}

func (k *shapeCopyKernel) Transpose(_ *graph.State, inC []graph.Block, w graph.Block) {
	c := inC[0]
	if c.Zero() {
		return
	}
	for r := 0; r < w.Rows; r++ {
		cr, wr := c.Row(pairRow(r, w.Rows, c.Rows)), w.Row(r)
		for e, v := range wr {
			cr[e] += v
		}
	}
}

// Reshape returns ONNX Reshape (allowzero = 0) with its shape input given
// as a constant: the elements in row-major order, with a new shape. As in
// ONNX, a dimension of 0 copies the input's dimension at that index, and one
// dimension may be −1, inferred from the others. Reshape is a copy.
func Reshape(shape []int) graph.Op {
	shape = append([]int(nil), shape...)
	return newLinear(&shapeCopyKernel{name: "Reshape", resolve: func(in graph.Shape) (graph.Shape, error) {
		return reshapeTarget(in, shape)
	}})
}

// reshapeTarget resolves the 0 and −1 dimensions of ONNX Reshape.
func reshapeTarget(in graph.Shape, shape []int) (graph.Shape, error) {
	out := make(graph.Shape, len(shape))
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1:
			if infer >= 0 {
				return nil, fmt.Errorf("shape %v has more than one −1", shape)
			}
			infer = i
			continue
		case d == 0:
			if i >= len(in) {
				return nil, fmt.Errorf("shape %v copies dimension %d (0) of input shape %v, which has none", shape, i, in)
			}
			d = in[i]
		case d < -1:
			return nil, fmt.Errorf("shape %v has dimension %d", shape, d)
		}
		out[i] = d
		known *= d
	}
	if infer >= 0 {
		if known == 0 || in.Size()%known != 0 {
			return nil, fmt.Errorf("cannot infer the −1 of shape %v for input shape %v", shape, in)
		}
		out[infer] = in.Size() / known
	}
	return out, nil
}

// Flatten returns ONNX Flatten (attribute axis): the input of shape
// [d₀, …, dₙ₋₁] as the matrix [d₀⋯d_{axis−1}, d_axis⋯dₙ₋₁]. axis is in
// [−n, n] (negative counts from the end); axis 0 gives [1, size]. Flatten is
// a copy.
func Flatten(axis int) graph.Op {
	return newLinear(&shapeCopyKernel{name: "Flatten", resolve: func(in graph.Shape) (graph.Shape, error) {
		a := axis
		if a < 0 {
			a += len(in)
		}
		if a < 0 || a > len(in) {
			return nil, fmt.Errorf("axis %d out of range for input shape %v", axis, in)
		}
		return graph.Shape{graph.Shape(in[:a]).Size(), graph.Shape(in[a:]).Size()}, nil
	}})
}

// Squeeze returns ONNX Squeeze with its axes (an input since opset 13, an
// attribute before) given as a constant: the
// dimensions at axes, each of which must be 1, removed. Negative axes count
// from the end; empty axes removes every dimension of size 1. Squeeze is a
// copy.
func Squeeze(axes []int) graph.Op {
	axes = append([]int(nil), axes...)
	return newLinear(&shapeCopyKernel{name: "Squeeze", resolve: func(in graph.Shape) (graph.Shape, error) {
		drop := make([]bool, len(in))
		if len(axes) == 0 {
			for i, d := range in {
				drop[i] = d == 1
			}
		}
		for _, a := range axes {
			i, err := shapeAxis(a, len(in))
			if err != nil {
				return nil, err
			}
			if in[i] != 1 {
				return nil, fmt.Errorf("axis %d of input shape %v is %d, not 1", a, in, in[i])
			}
			if drop[i] {
				return nil, fmt.Errorf("axes %v name axis %d twice", axes, i)
			}
			drop[i] = true
		}
		out := graph.Shape{}
		for i, d := range in {
			if !drop[i] {
				out = append(out, d)
			}
		}
		return out, nil
	}})
}

// Unsqueeze returns ONNX Unsqueeze with its axes (an input since opset 13,
// an attribute before) given as a constant:
// dimensions of size 1 inserted so that they sit at axes of the output,
// whose rank is the input's plus len(axes). Negative axes count from the
// end of the output. Unsqueeze is a copy.
func Unsqueeze(axes []int) graph.Op {
	axes = append([]int(nil), axes...)
	return newLinear(&shapeCopyKernel{name: "Unsqueeze", resolve: func(in graph.Shape) (graph.Shape, error) {
		if len(axes) == 0 {
			return nil, fmt.Errorf("no axes")
		}
		n := len(in) + len(axes)
		ins := make([]bool, n)
		for _, a := range axes {
			i, err := shapeAxis(a, n)
			if err != nil {
				return nil, err
			}
			if ins[i] {
				return nil, fmt.Errorf("axes %v name axis %d twice", axes, i)
			}
			ins[i] = true
		}
		out := make(graph.Shape, n)
		j := 0
		for i := range out {
			if ins[i] {
				out[i] = 1
				continue
			}
			out[i] = in[j]
			j++
		}
		return out, nil
	}})
}

// shapeAxis returns axis a of a rank-n tensor, negative counting from the
// end, checked to be in range.
func shapeAxis(a, n int) (int, error) {
	i := a
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return 0, fmt.Errorf("axis %d out of range for rank %d", a, n)
	}
	return i, nil
}

// shapeIndexKernel is a single-input map whose output element e is input
// element src[e], or 0 (plus the pad value, in Forward) where src[e] < 0.
// Its transpose adds each cotangent element to the input element it read,
// which sums where several outputs read one input (Expand, Gather).
type shapeIndexKernel struct {
	name    string
	resolve func(in graph.Shape) (out graph.Shape, src []int, err error)
	src     []int
	pad     []int // output elements that read no input, for the pad value
	value   float64
}

func (k *shapeIndexKernel) Type() string { return k.name }

func (k *shapeIndexKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	out, src, err := k.resolve(in[0])
	if err != nil {
		return nil, err
	}
	k.src, k.pad = src, nil
	for e, i := range src {
		if i < 0 {
			k.pad = append(k.pad, e)
		}
	}
	return out, nil
}

func (k *shapeIndexKernel) Cost() float64 { return float64(len(k.src)) }

func (k *shapeIndexKernel) Apply(_ *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	if x.Zero() {
		out.Clear()
		return
	}
	for r := 0; r < out.Rows; r++ {
		xr, yr := x.Row(pairRow(r, out.Rows, x.Rows)), out.Row(r)
		for e, i := range k.src {
			if i >= 0 {
				yr[e] = xr[i]
			} else {
				yr[e] = 0
			}
		}
	}
}

func (k *shapeIndexKernel) Transpose(_ *graph.State, inC []graph.Block, w graph.Block) {
	c := inC[0]
	if c.Zero() {
		return
	}
	for r := 0; r < w.Rows; r++ {
		cr, wr := c.Row(pairRow(r, w.Rows, c.Rows)), w.Row(r)
		for e, i := range k.src {
			if i >= 0 {
				cr[i] += wr[e]
			}
		}
	}
}

// Offset adds the pad value where no input element is read.
func (k *shapeIndexKernel) Offset(_ *graph.State, out graph.Block) {
	if k.value == 0 {
		return
	}
	for r := 0; r < out.Rows; r++ {
		yr := out.Row(r)
		for _, e := range k.pad {
			yr[e] += k.value
		}
	}
}

// Transpose returns ONNX Transpose (attribute perm): output dimension i is
// input dimension perm[i]. An empty perm reverses the dimensions, ONNX's default.
func Transpose(perm []int) graph.Op {
	perm = append([]int(nil), perm...)
	return newLinear(&shapeIndexKernel{name: "Transpose", resolve: func(in graph.Shape) (graph.Shape, []int, error) {
		p := perm
		if len(p) == 0 {
			p = make([]int, len(in))
			for i := range p {
				p[i] = len(in) - 1 - i
			}
		}
		if len(p) != len(in) {
			return nil, nil, fmt.Errorf("perm %v for input shape %v", perm, in)
		}
		seen := make([]bool, len(in))
		for _, a := range p {
			if a < 0 || a >= len(in) || seen[a] {
				return nil, nil, fmt.Errorf("perm %v is not a permutation of 0..%d", perm, len(in)-1)
			}
			seen[a] = true
		}
		st := graph.Shape(in).Strides()
		out := make(graph.Shape, len(in))
		for i, a := range p {
			out[i] = in[a]
		}
		return out, graph.Shape(out).IndexMap(func(pos []int) int {
			k := 0
			for i, a := range p {
				k += pos[i] * st[a]
			}
			return k
		}), nil
	}})
}

// Slice returns ONNX Slice with its starts, ends, axes and steps given as
// constants. For each listed axis (negative axes count from the end; nil
// axes means 0, 1, …) it keeps the elements start, start+step, … up to but
// excluding end; nil steps means steps of 1, and a step may be negative but
// not 0. As in ONNX, negative starts and ends count from the end of the
// axis and are then clamped, to [0, d] for a positive step and to [0, d−1]
// for the start and [−1, d−1] for the end of a negative step, so that
// math.MaxInt and math.MinInt (INT64_MAX, INT64_MIN) mean "to the end" and
// "to the beginning".
func Slice(starts, ends, axes, steps []int) graph.Op {
	starts, ends = append([]int(nil), starts...), append([]int(nil), ends...)
	axes, steps = append([]int(nil), axes...), append([]int(nil), steps...)
	return newLinear(&shapeIndexKernel{name: "Slice", resolve: func(in graph.Shape) (graph.Shape, []int, error) {
		n := len(starts)
		if len(ends) != n || (len(axes) != 0 && len(axes) != n) || (len(steps) != 0 && len(steps) != n) {
			return nil, nil, fmt.Errorf("starts, ends, axes and steps have lengths %d, %d, %d and %d", n, len(ends), len(axes), len(steps))
		}
		out := in.Clone()
		first := make([]int, len(in)) // the first element kept on each axis
		step := make([]int, len(in))
		for i := range step {
			step[i] = 1
		}
		seen := make([]bool, len(in))
		for j := 0; j < n; j++ {
			a := j
			if len(axes) != 0 {
				a = axes[j]
			}
			i, err := shapeAxis(a, len(in))
			if err != nil {
				return nil, nil, err
			}
			if seen[i] {
				return nil, nil, fmt.Errorf("axes %v name axis %d twice", axes, i)
			}
			seen[i] = true
			k := 1
			if len(steps) != 0 {
				k = steps[j]
			}
			if k == 0 {
				return nil, nil, fmt.Errorf("step 0 on axis %d", i)
			}
			first[i], out[i] = SliceRange(starts[j], ends[j], k, in[i])
			step[i] = k
		}
		st := graph.Shape(in).Strides()
		return out, graph.Shape(out).IndexMap(func(pos []int) int {
			k := 0
			for i, p := range pos {
				k += (first[i] + p*step[i]) * st[i]
			}
			return k
		}), nil
	}})
}

// SliceRange returns the first index and the number of elements that ONNX
// Slice's start:end:step selects on an axis of length d: negative start and
// end count from the end, and both are clamped as the ONNX spec says (for a
// negative step, start into [0, d−1] and end into [−1, d−1]). step must
// not be 0. The ONNX importer's constant folding uses it too, so that the
// two cannot disagree.
func SliceRange(start, end, step, d int) (first, count int) {
	if start < 0 {
		start += d
	}
	if end < 0 {
		end += d
	}
	if step > 0 {
		start, end = min(max(start, 0), d), min(max(end, 0), d)
		if end <= start {
			return start, 0
		}
		return start, (end - start + step - 1) / step
	}
	start, end = min(max(start, 0), d-1), min(max(end, -1), d-1)
	if start <= end {
		return max(start, 0), 0
	}
	return start, (start - end + (-step) - 1) / (-step)
}

// Gather returns ONNX Gather (attribute axis) with its indices input given
// as a constant: along axis (negative
// counts from the end), the input's slices at indices, an integer tensor
// of shape indicesShape (row-major). The output shape is the input's with
// dimension axis replaced by indicesShape. A negative index counts from the
// end of the axis; an index out of range is an error of Init. The indices
// are part of the op, not an input, so they have no tangent.
func Gather(axis int, indices []int64, indicesShape graph.Shape) graph.Op {
	indices, indicesShape = append([]int64(nil), indices...), indicesShape.Clone()
	return newLinear(&shapeIndexKernel{name: "Gather", resolve: func(in graph.Shape) (graph.Shape, []int, error) {
		if len(indices) != indicesShape.Size() {
			return nil, nil, fmt.Errorf("%d indices for indices shape %v", len(indices), indicesShape)
		}
		a, err := shapeAxis(axis, len(in))
		if err != nil {
			return nil, nil, err
		}
		d := in[a]
		idx := make([]int, len(indices))
		for i, v := range indices {
			if v < -int64(d) || v >= int64(d) {
				return nil, nil, fmt.Errorf("index %d out of range for axis %d of length %d", v, axis, d)
			}
			if v < 0 {
				v += int64(d)
			}
			idx[i] = int(v)
		}
		out := append(append(in[:a].Clone(), indicesShape...), in[a+1:]...)
		inner := graph.Shape(in[a+1:]).Size()
		n := len(indices)
		src := make([]int, out.Size())
		for e := range src {
			o, rest := e/(n*inner), e%(n*inner)
			src[e] = (o*d+idx[rest/inner])*inner + rest%inner
		}
		return out, src, nil
	}})
}

// Pad returns ONNX Pad (attribute mode) with its pads and constant_value
// inputs given as constants. Only mode "constant" (ONNX's default, also given as "") is supported;
// other modes are an error of Init. pads
// has 2n entries for a rank-n input, all the begin pads then all the end
// pads (ONNX's layout); a negative pad crops. Padded elements take value,
// a constant that derivatives do not see.
func Pad(mode string, pads []int, value float64) graph.Op {
	pads = append([]int(nil), pads...)
	return newLinear(&shapeIndexKernel{name: "Pad", value: value, resolve: func(in graph.Shape) (graph.Shape, []int, error) {
		if mode != "constant" && mode != "" {
			return nil, nil, fmt.Errorf("mode %s is not supported (only \"constant\")", graph.Quote(mode))
		}
		if math.IsNaN(value) || math.IsInf(value, 0) {
			return nil, nil, fmt.Errorf("pad value %v is not finite", value)
		}
		n := len(in)
		if len(pads) != 2*n {
			return nil, nil, fmt.Errorf("%d pads for input shape %v, want %d", len(pads), in, 2*n)
		}
		out := make(graph.Shape, n)
		for i, d := range in {
			if out[i] = d + pads[i] + pads[n+i]; out[i] < 0 {
				return nil, nil, fmt.Errorf("pads %v crop axis %d of input shape %v below 0", pads, i, in)
			}
		}
		st := graph.Shape(in).Strides()
		return out, graph.Shape(out).IndexMap(func(pos []int) int {
			k := 0
			for i, p := range pos {
				q := p - pads[i]
				if q < 0 || q >= in[i] {
					return -1
				}
				k += q * st[i]
			}
			return k
		}), nil
	}})
}

// Expand returns ONNX Expand with its shape given as a constant: the input
// broadcast (NumPy rules, in both directions, so a 1 in shape keeps the
// input's dimension) to shape.
func Expand(shape []int) graph.Op {
	shape = append([]int(nil), shape...)
	return newLinear(&shapeIndexKernel{name: "Expand", resolve: func(in graph.Shape) (graph.Shape, []int, error) {
		for _, d := range shape {
			if d < 0 {
				return nil, nil, fmt.Errorf("shape %v has a negative dimension", shape)
			}
		}
		out, err := Broadcast(in, graph.Shape(shape))
		if err != nil {
			return nil, nil, err
		}
		return out, BroadcastIndex(in, out), nil
	}})
}

// concatKernel is ONNX Concat: each output row is, for each index of the
// dimensions before axis, the inputs' blocks of len[j] elements in turn.
type concatKernel struct {
	axis  int
	outer int
	len   []int // per input, the elements of one block
	size  int
}

// Concat returns ONNX Concat (attribute axis): the inputs, any number of
// them of the same
// rank and with equal dimensions except at axis, joined along axis
// (negative counts from the end).
func Concat(axis int) graph.Op { return newLinear(&concatKernel{axis: axis}) }

func (k *concatKernel) Type() string { return "Concat" }

func (k *concatKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("has no inputs")
	}
	a, err := shapeAxis(k.axis, len(in[0]))
	if err != nil {
		return nil, err
	}
	out := in[0].Clone()
	out[a] = 0
	for j, s := range in {
		if len(s) != len(out) {
			return nil, fmt.Errorf("input %d has shape %v, input 0 %v: ranks differ", j, s, in[0])
		}
		for i, d := range s {
			if i != a && d != out[i] {
				return nil, fmt.Errorf("input %d has shape %v, input 0 %v: dimension %d differs", j, s, in[0], i)
			}
		}
		out[a] += s[a]
	}
	k.outer = graph.Shape(out[:a]).Size()
	inner := graph.Shape(out[a+1:]).Size()
	k.len = make([]int, len(in))
	for j, s := range in {
		k.len[j] = s[a] * inner
	}
	k.size = out.Size()
	return out, nil
}

func (k *concatKernel) Cost() float64 { return float64(k.size) }

func (k *concatKernel) Apply(_ *graph.State, out graph.Block, in []graph.Block) {
	for r := 0; r < out.Rows; r++ {
		yr := out.Row(r)
		off := 0
		for o := 0; o < k.outer; o++ {
			for j, x := range in {
				n := k.len[j]
				if x.Zero() {
					clear(yr[off : off+n])
				} else {
					copy(yr[off:off+n], x.Row(pairRow(r, out.Rows, x.Rows))[o*n:(o+1)*n])
				}
				off += n
			}
		}
	}
}

func (k *concatKernel) Transpose(_ *graph.State, inC []graph.Block, w graph.Block) {
	for r := 0; r < w.Rows; r++ {
		wr := w.Row(r)
		off := 0
		for o := 0; o < k.outer; o++ {
			for j, c := range inC {
				n := k.len[j]
				if !c.Zero() {
					cr := c.Row(pairRow(r, w.Rows, c.Rows))[o*n : (o+1)*n]
					for e, v := range wr[off : off+n] {
						cr[e] += v
					}
				}
				off += n
			}
		}
	}
}
