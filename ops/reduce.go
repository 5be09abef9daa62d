package ops

import (
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// The reductions (ReduceSum, ReduceMean, ReduceMax) and the softmax family
// (Softmax, LogSoftmax).

// reduceShape resolves axes against the shape in (negative axes count from
// the end; none means every axis, ONNX's default) and returns the output
// shape and, per input element (row-major), the output element it reduces
// into, and the number of elements of each reduced slice.
func reduceShape(in graph.Shape, axes []int, keep bool) (out graph.Shape, idx []int, n int, err error) {
	rank := len(in)
	red := make([]bool, rank)
	if len(axes) == 0 {
		for i := range red {
			red[i] = true
		}
	}
	for _, a := range axes {
		if a < -rank || a >= rank {
			return nil, nil, 0, fmt.Errorf("axis %d out of range for input shape %v", a, in)
		}
		if a < 0 {
			a += rank
		}
		if red[a] {
			return nil, nil, 0, fmt.Errorf("axis %d given twice", a)
		}
		red[a] = true
	}
	kept := make(graph.Shape, rank) // in with the reduced dimensions set to 1
	n = 1
	out = graph.Shape{}
	for i, d := range in {
		kept[i] = d
		if red[i] {
			kept[i] = 1
			n *= d
			if keep {
				out = append(out, 1)
			}
			continue
		}
		out = append(out, d)
	}
	// Broadcasting the kept shape back over the input maps each input
	// element to the output element it reduces into.
	return out, BroadcastIndex(kept, in), n, nil
}

// reduceKernel is ReduceSum and, with mean set, ReduceMean: linear, so its
// one definition serves every pass.
type reduceKernel struct {
	name            string
	axes            []int
	keep            bool
	mean            bool
	idx             []int // per input element, its output element
	n               float64
	inSize, outSize int
}

// ReduceSum returns ONNX ReduceSum: the sum over the axes (attribute axes,
// or from opset 13 the second input, resolved by the caller to constants),
// negative axes counting from the end, keeping the reduced dimensions as 1
// when keepDims is set (attribute keepdims). No axes means every axis, the
// ONNX default; noop_with_empty_axes = 1 is Identity.
//
// ReduceSum is linear.
func ReduceSum(axes []int, keepDims bool) graph.Op {
	return newLinear(&reduceKernel{name: "ReduceSum", axes: append([]int(nil), axes...), keep: keepDims})
}

// ReduceMean returns ONNX ReduceMean, the mean over the axes, with the
// attributes of ReduceSum. It is PyTorch's mean(dim, keepdim) and the first
// step of layer norm as exported at opsets below 17.
//
// ReduceMean is linear. The mean of no elements is NaN, as in PyTorch.
func ReduceMean(axes []int, keepDims bool) graph.Op {
	return newLinear(&reduceKernel{name: "ReduceMean", axes: append([]int(nil), axes...), keep: keepDims, mean: true})
}

func (k *reduceKernel) Type() string { return k.name }

func (k *reduceKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	out, idx, n, err := reduceShape(in[0], k.axes, k.keep)
	if err != nil {
		return nil, err
	}
	k.idx, k.n, k.inSize, k.outSize = idx, float64(n), in[0].Size(), out.Size()
	return out, nil
}

func (k *reduceKernel) Cost() float64 { return float64(k.inSize + k.outSize) }

func (k *reduceKernel) Apply(_ *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	if x.Zero() {
		out.Clear()
		return
	}
	for r := 0; r < out.Rows; r++ {
		y, xr := out.Row(r), x.Row(pairRow(r, out.Rows, x.Rows))
		clear(y)
		for e, o := range k.idx {
			y[o] += xr[e]
		}
		if k.mean {
			for o := range y {
				y[o] /= k.n
			}
		}
	}
}

func (k *reduceKernel) Transpose(_ *graph.State, inC []graph.Block, w graph.Block) {
	c := inC[0]
	if c.Zero() {
		return
	}
	for r := 0; r < w.Rows; r++ {
		wr, cr := w.Row(r), c.Row(pairRow(r, w.Rows, c.Rows))
		if k.mean {
			for e, o := range k.idx {
				cr[e] += wr[o] / k.n
			}
			continue
		}
		for e, o := range k.idx {
			cr[e] += wr[o]
		}
	}
}

// reduceMaxKernel is ReduceMax: linear once Prepare has recorded, per
// sample and reduced slice, the elements that attain the maximum; the op is
// then their mean, which is the maximum itself for the values and splits a
// tangent or cotangent evenly among tied elements.
//
// State: ints 0 hold, per sample, the tied elements of each slice at the
// slice's offset in order; ints 1 the number of tied elements per sample and
// output element; ints 2 the number of samples prepared.
type reduceMaxKernel struct {
	axes         []int
	keep         bool
	order, start []int // input elements grouped by output element: order[start[o]:start[o+1]]
	inSize, nOut int
}

// ReduceMax returns ONNX ReduceMax, the maximum over the axes, with the
// attributes of ReduceSum. PyTorch's torch.amax exports as ReduceMax, and
// its derivatives are followed here.
//
// ReduceMax is piecewise linear: its derivative selects the maximal
// elements of each slice.
//
// Special cases are:
//
//	ties: the derivative is split evenly among the tied maximal elements,
//	  as torch.amax's backward does (torch.max(dim) would give it all to
//	  one); +0 and −0 tie; f″ = 0 everywhere
//	a NaN in a slice makes its maximum NaN and its derivative NaN at every
//	  element of the slice (PyTorch: the gradient over a count of 0 ties)
func ReduceMax(axes []int, keepDims bool) graph.Op {
	return newLinear(&reduceMaxKernel{axes: append([]int(nil), axes...), keep: keepDims})
}

func (k *reduceMaxKernel) Type() string { return "ReduceMax" }

func (k *reduceMaxKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	out, idx, n, err := reduceShape(in[0], k.axes, k.keep)
	if err != nil {
		return nil, err
	}
	k.inSize, k.nOut = in[0].Size(), out.Size()
	if n == 0 && k.nOut > 0 {
		return nil, fmt.Errorf("reduces input shape %v over an empty axis", in[0])
	}
	// Counting sort of the input elements by output element.
	k.start = make([]int, k.nOut+1)
	for _, o := range idx {
		k.start[o+1]++
	}
	for o := 0; o < k.nOut; o++ {
		k.start[o+1] += k.start[o]
	}
	k.order = make([]int, k.inSize)
	next := append([]int(nil), k.start[:k.nOut]...)
	for e, o := range idx {
		k.order[next[o]] = e
		next[o]++
	}
	return out, nil
}

func (k *reduceMaxKernel) Cost() float64 { return float64(k.inSize) }

// Prepare records the tied maxima of every slice of every sample.
func (k *reduceMaxKernel) Prepare(st *graph.State, _ graph.Block, in []graph.Block) bool {
	x := in[0]
	ns := st.Samples
	if ns < x.Rows {
		ns = x.Rows
	}
	st.Ints(2, 1)[0] = ns
	sel, cnt := st.Ints(0, ns*k.inSize), st.Ints(1, ns*k.nOut)
	for s := 0; s < ns; s++ {
		xr := x.Row(pairRow(s, ns, x.Rows))
		for o := 0; o < k.nOut; o++ {
			members := k.order[k.start[o]:k.start[o+1]]
			dst := sel[s*k.inSize+k.start[o]:]
			m := math.Inf(-1)
			for _, e := range members {
				m = max(m, xr[e]) // NaN if any is NaN
			}
			c := 0 // 0 marks a NaN slice
			for _, e := range members {
				if xr[e] == m {
					dst[c] = e
					c++
				}
			}
			cnt[s*k.nOut+o] = c
		}
	}
	return false
}

// ties returns the tie lists and counts of the prepared samples.
func (k *reduceMaxKernel) ties(st *graph.State) (ns int, sel, cnt []int) {
	ns = st.Ints(2, 1)[0]
	return ns, st.Ints(0, ns*k.inSize), st.Ints(1, ns*k.nOut)
}

// Apply writes the mean of the tied elements, as v₀ + Σ(vᵢ − v₀)/c so that
// the value of a tie is the maximum bit for bit.
func (k *reduceMaxKernel) Apply(st *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	if x.Zero() {
		out.Clear()
		return
	}
	ns, sel, cnt := k.ties(st)
	for r := 0; r < out.Rows; r++ {
		s := pairRow(r, out.Rows, ns)
		y, xr := out.Row(r), x.Row(pairRow(r, out.Rows, x.Rows))
		for o := range y {
			c := cnt[s*k.nOut+o]
			if c == 0 {
				y[o] = math.NaN()
				continue
			}
			tied := sel[s*k.inSize+k.start[o]:][:c]
			v0 := xr[tied[0]]
			if c == 1 {
				y[o] = v0
				continue
			}
			acc := 0.0
			for _, e := range tied[1:] {
				acc += xr[e] - v0
			}
			y[o] = v0 + acc/float64(c)
		}
	}
}

func (k *reduceMaxKernel) Transpose(st *graph.State, inC []graph.Block, w graph.Block) {
	dst := inC[0]
	if dst.Zero() {
		return
	}
	ns, sel, cnt := k.ties(st)
	for r := 0; r < w.Rows; r++ {
		s := pairRow(r, w.Rows, ns)
		wr, cr := w.Row(r), dst.Row(pairRow(r, w.Rows, dst.Rows))
		for o, v := range wr {
			c := cnt[s*k.nOut+o]
			if c == 0 { // PyTorch: w/0 times a mask of no elements
				for _, e := range k.order[k.start[o]:k.start[o+1]] {
					cr[e] = math.NaN()
				}
				continue
			}
			tied := sel[s*k.inSize+k.start[o]:][:c]
			if c == 1 {
				cr[tied[0]] += v
				continue
			}
			share := v / float64(c)
			for _, e := range tied {
				cr[e] += share
			}
		}
	}
}

// softmaxOp is Softmax and, with log set, LogSoftmax over one axis, a
// dedicated op: each slice along the axis is evaluated max-subtracted (and
// LogSoftmax as x − m − log Σ exp(x − m)), so that no input overflows, and
// its derivatives are written from p = softmax(x) alone. Per slice, with
// ⟨·,·⟩ the sum over the slice and ā = ⟨p, a⟩:
//
//	Softmax y = p:    J a = p⊙(a − ā), symmetric, so Jᵀw = p⊙(w − w̄);
//	                  f″[a, b] = J c with c = (a − ā)⊙(b − b̄), and its
//	                  transpose ∂⟨w, f″[t, ·]⟩ = g⊙d − ⟨g, d⟩·p with
//	                  g = Jw, d = t − t̄.
//	LogSoftmax:       J a = a − ā·1, Jᵀw = w − p·Σw;
//	                  f″[a, b] = −⟨p, (a − ā)⊙(b − b̄)⟩·1, and
//	                  ∂⟨w, f″[t, ·]⟩ = −(Σw)·p⊙d (⟨p, d⟩ = 0).
//
// Forward records p of every sample (floats 0) and the number of samples
// (ints 0).
type softmaxOp struct {
	log                   bool
	axis                  int
	outer, n, inner, size int
}

// Softmax returns ONNX Softmax at opset 13 and later: exp(x)/Σexp(x) over
// the single axis axis (attribute axis; negative counts from the end), as
// torch.softmax(x, dim). Every slice is evaluated with its maximum
// subtracted, so inputs of any magnitude give finite results.
//
// Softmax is smooth; a NaN in a slice makes the slice NaN.
func Softmax(axis int) graph.Op { return &softmaxOp{axis: axis} }

// LogSoftmax returns ONNX LogSoftmax at opset 13 and later: x − log Σexp(x)
// over the single axis axis, as torch.log_softmax(x, dim), evaluated as
// x − m − log Σexp(x − m) with m the slice's maximum.
//
// LogSoftmax is smooth; a NaN in a slice makes the slice NaN.
func LogSoftmax(axis int) graph.Op { return &softmaxOp{axis: axis, log: true} }

func (o *softmaxOp) Type() string {
	if o.log {
		return "LogSoftmax"
	}
	return "Softmax"
}

func (o *softmaxOp) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	a := o.axis
	if a < -len(x) || a >= len(x) {
		return nil, fmt.Errorf("axis %d out of range for input shape %v", o.axis, x)
	}
	if a < 0 {
		a += len(x)
	}
	o.outer, o.n, o.inner = x[:a].Size(), x[a], x[a+1:].Size()
	o.size = x.Size()
	return x.Clone(), nil
}

func (o *softmaxOp) Cost() float64   { return 25 * float64(o.size) }
func (o *softmaxOp) Nonlinear() bool { return true }

// slice returns the offset of slice k's first element; its elements are
// inner apart.
func (o *softmaxOp) slice(k int) int { return (k/o.inner)*o.n*o.inner + k%o.inner }

func (o *softmaxOp) Forward(st *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	ns := out.Rows
	st.Ints(0, 1)[0] = ns
	p := st.Floats(0, ns*o.size)
	for r := 0; r < ns; r++ {
		xr, yr, pr := x.Row(pairRow(r, ns, x.Rows)), out.Row(r), p[r*o.size:(r+1)*o.size]
		for k := 0; k < o.outer*o.inner; k++ {
			b, end := o.slice(k), o.slice(k)+o.n*o.inner
			m := math.Inf(-1)
			for i := b; i < end; i += o.inner {
				if v := xr[i]; v > m || v != v {
					m = v
					if v != v {
						break
					}
				}
			}
			sum := 0.0
			for i := b; i < end; i += o.inner {
				e := math.Exp(xr[i] - m)
				pr[i] = e
				sum += e
			}
			if !o.log {
				for i := b; i < end; i += o.inner {
					pr[i] /= sum
					yr[i] = pr[i]
				}
				continue
			}
			ls := math.Log(sum)
			for i := b; i < end; i += o.inner {
				pr[i] /= sum
				yr[i] = (xr[i] - m) - ls
			}
		}
	}
}

// probs returns p of the sample that row r of a block of R rows belongs to.
func (o *softmaxOp) probs(st *graph.State, r, R int) []float64 {
	ns := st.Ints(0, 1)[0]
	s := pairRow(r, R, ns)
	return st.Floats(0, ns*o.size)[s*o.size : (s+1)*o.size]
}

// dot returns ⟨a, b⟩ over the slice from b0.
func (o *softmaxOp) dot(x, y []float64, b0 int) float64 {
	s := 0.0
	for i, end := b0, b0+o.n*o.inner; i < end; i += o.inner {
		s += x[i] * y[i]
	}
	return s
}

func (o *softmaxOp) JVP(st *graph.State, out graph.Block, _, inT []graph.Block) {
	t := inT[0]
	if t.Zero() {
		out.Clear()
		return
	}
	for r := 0; r < out.Rows; r++ {
		p, tr, yr := o.probs(st, r, out.Rows), t.Row(r), out.Row(r)
		for k := 0; k < o.outer*o.inner; k++ {
			b := o.slice(k)
			tb := o.dot(p, tr, b)
			for i, end := b, b+o.n*o.inner; i < end; i += o.inner {
				if o.log {
					yr[i] = tr[i] - tb
				} else {
					yr[i] = p[i] * (tr[i] - tb)
				}
			}
		}
	}
}

// transpose adds Jᵀw to dst, over the rows of w.
func (o *softmaxOp) transpose(st *graph.State, dst, w graph.Block) {
	for r := 0; r < w.Rows; r++ {
		p, wr, cr := o.probs(st, r, w.Rows), w.Row(r), dst.Row(pairRow(r, w.Rows, dst.Rows))
		for k := 0; k < o.outer*o.inner; k++ {
			b, end := o.slice(k), o.slice(k)+o.n*o.inner
			if o.log {
				sw := 0.0
				for i := b; i < end; i += o.inner {
					sw += wr[i]
				}
				for i := b; i < end; i += o.inner {
					cr[i] += wr[i] - p[i]*sw
				}
				continue
			}
			wb := o.dot(p, wr, b)
			for i := b; i < end; i += o.inner {
				cr[i] += p[i] * (wr[i] - wb)
			}
		}
	}
}

func (o *softmaxOp) VJP(st *graph.State, inC, _ []graph.Block, w graph.Block) {
	if !inC[0].Zero() {
		o.transpose(st, inC[0], w)
	}
}

func (o *softmaxOp) Reverse2(st *graph.State, inW, inV, _, inT []graph.Block, w, v graph.Block) {
	if !inW[0].Zero() && !w.Zero() {
		o.transpose(st, inW[0], w)
	}
	dst := inV[0]
	if dst.Zero() {
		return
	}
	if !v.Zero() {
		o.transpose(st, dst, v)
	}
	t := inT[0]
	if w.Zero() || t.Zero() {
		return
	}
	R := max(w.Rows, t.Rows)
	for r := 0; r < R; r++ {
		p := o.probs(st, r, R)
		wr, tr, cr := w.Row(pairRow(r, R, w.Rows)), t.Row(pairRow(r, R, t.Rows)), dst.Row(pairRow(r, R, dst.Rows))
		for k := 0; k < o.outer*o.inner; k++ {
			b, end := o.slice(k), o.slice(k)+o.n*o.inner
			tb := o.dot(p, tr, b)
			if o.log {
				sw := 0.0
				for i := b; i < end; i += o.inner {
					sw += wr[i]
				}
				for i := b; i < end; i += o.inner {
					cr[i] -= sw * p[i] * (tr[i] - tb)
				}
				continue
			}
			wb := o.dot(p, wr, b)
			gd := 0.0 // ⟨g, d⟩
			for i := b; i < end; i += o.inner {
				gd += p[i] * (wr[i] - wb) * (tr[i] - tb)
			}
			for i := b; i < end; i += o.inner {
				cr[i] += p[i] * ((wr[i]-wb)*(tr[i]-tb) - gd)
			}
		}
	}
}

func (o *softmaxOp) JVP2(st *graph.State, out graph.Block, _, inT1, inT2 []graph.Block) {
	a, c := inT1[0], inT2[0]
	if a.Zero() || c.Zero() {
		return
	}
	for r := 0; r < out.Rows; r++ {
		p, ar, br, yr := o.probs(st, r, out.Rows), a.Row(r), c.Row(r), out.Row(r)
		for k := 0; k < o.outer*o.inner; k++ {
			b, end := o.slice(k), o.slice(k)+o.n*o.inner
			ab, bb := o.dot(p, ar, b), o.dot(p, br, b)
			pc := 0.0 // ⟨p, (a − ā)⊙(b − b̄)⟩
			for i := b; i < end; i += o.inner {
				pc += p[i] * (ar[i] - ab) * (br[i] - bb)
			}
			for i := b; i < end; i += o.inner {
				if o.log {
					yr[i] -= pc
				} else {
					yr[i] += p[i] * ((ar[i]-ab)*(br[i]-bb) - pc)
				}
			}
		}
	}
}

// Hyper evaluates each slice in hyper-dual arithmetic, independently of the
// formulas above: exp(x − m)/Σexp(x − m), or x − m − log Σexp(x − m), with m
// the maximum of the real parts, a constant.
func (o *softmaxOp) Hyper(_ *graph.State, out []hyperdual.Number, in [][]hyperdual.Number) {
	x := in[0]
	for k := 0; k < o.outer*o.inner; k++ {
		b, end := o.slice(k), o.slice(k)+o.n*o.inner
		m := math.Inf(-1)
		for i := b; i < end; i += o.inner {
			if v := x[i].Real; v > m || v != v {
				m = v
				if v != v {
					break
				}
			}
		}
		var sum hyperdual.Number
		for i := b; i < end; i += o.inner {
			out[i] = hyperdual.Exp(hyperdual.Sub(x[i], hyperdual.Const(m)))
			sum = hyperdual.Add(sum, out[i])
		}
		ls := hyperdual.Log(sum)
		for i := b; i < end; i += o.inner {
			if o.log {
				out[i] = hyperdual.Sub(hyperdual.Sub(x[i], hyperdual.Const(m)), ls)
			} else {
				out[i] = hyperdual.Div(out[i], sum)
			}
		}
	}
}
