package ops

import (
	"fmt"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/internal/blasimpl"
	"github.com/dualgrad/dualgrad/internal/vec"
)

// Convolutions. Conv and ConvTranspose share one geometry: a "small" tensor
// (Conv's output, ConvTranspose's input) of Cs channels over L positions, a
// "big" tensor (Conv's input, ConvTranspose's output) of Cb channels over S
// positions, and a weight [Cs, Cb/groups, k...]. Small position j reads, at
// kernel offset κ, the big position j·stride − padBegin + κ·dilation (per
// spatial dimension; outside the big tensor it reads zero). Then
//
//	fwd:  small = W ⋆ big       (Conv's value, ConvTranspose's input gradient)
//	bwd:  big  += Wᵀ ⋆ small    (Conv's input gradient, ConvTranspose's value)
//	wgt:  W    += small ⋆ big   (either op's weight gradient)
//
// each one matrix product per group over im2col column matrices: a group's
// column matrix has Cb/groups·k rows and one column per small position of
// every image of every row, so that a shared weight meets all rows (all
// tangent directions) in one product.

// ConvAttrs holds ONNX Conv's attributes. Nil slices and a zero Group take
// the ONNX defaults: no padding, unit strides and dilations, one group, and
// the kernel shape of the weight.
type ConvAttrs struct {
	KernelShape []int  // kernel_shape: if set, must match the weight
	Strides     []int  // strides, one per spatial dimension
	Pads        []int  // pads: the begin pads of every spatial dimension, then the end pads
	Dilations   []int  // dilations, one per spatial dimension
	Group       int    // group
	AutoPad     string // auto_pad: only "" or "NOTSET"
}

// ConvTransposeAttrs holds ONNX ConvTranspose's attributes, with the
// defaults of ConvAttrs and no output padding. If OutputShape is set (the
// spatial dimensions, or all of them), the pads follow from it as ONNX
// specifies and Pads must be nil.
type ConvTransposeAttrs struct {
	KernelShape   []int  // kernel_shape: if set, must match the weight
	Strides       []int  // strides
	Pads          []int  // pads: begin pads, then end pads
	Dilations     []int  // dilations
	OutputPadding []int  // output_padding: added at the end of each spatial dimension
	OutputShape   []int  // output_shape
	Group         int    // group
	AutoPad       string // auto_pad: only "" or "NOTSET"
}

// Conv returns ONNX's Conv op (PyTorch's conv1d, conv2d, conv3d) over any
// number of spatial dimensions. Its inputs are X of shape [N, C, d₁…dₙ], the
// weight W of shape [M, C/group, k₁…kₙ] and, optionally, the bias B of
// shape [M], added to every position of its output channel. Y has shape
// [N, M, o₁…oₙ] with oᵢ = ⌊(dᵢ + padBeginᵢ + padEndᵢ − dilationᵢ·(kᵢ−1) − 1)
// / strideᵢ⌋ + 1. Pads may be asymmetric, as in ONNX; PyTorch's padding=p
// is pads p for both ends.
//
// Conv is bilinear in (X, W) and has no kinks: padding positions read zero,
// and an output position that reads only padding holds just its bias.
// Only auto_pad NOTSET (explicit pads) is supported; Init reports others.
func Conv(a ConvAttrs) graph.Op {
	return newBilinear(&convKernel{
		kernelShape: convClone(a.KernelShape), strides: convClone(a.Strides), pads: convClone(a.Pads),
		dilations: convClone(a.Dilations), group: a.Group, autoPad: a.AutoPad,
	})
}

// ConvTranspose returns ONNX's ConvTranspose op (PyTorch's
// conv_transpose1d, 2d, 3d), the adjoint of Conv with respect to its input.
// Its inputs are X of shape [N, C, d₁…dₙ], the weight W of shape
// [C, M/group, k₁…kₙ] and, optionally, the bias B of shape [M]. Y has shape
// [N, M, o₁…oₙ] with oᵢ = strideᵢ·(dᵢ−1) + output_paddingᵢ +
// dilationᵢ·(kᵢ−1) + 1 − padBeginᵢ − padEndᵢ; given output_shape, the total
// padding is what makes that formula hold, split as ONNX specifies for
// auto_pad NOTSET: padBegin = total − ⌊total/2⌋, padEnd = ⌊total/2⌋.
// PyTorch's padding=p is pads p at both ends; its output_padding must be
// smaller than the stride or the dilation, a limit ONNX does not set (an
// output position that no input reaches holds just its bias).
//
// ConvTranspose is bilinear in (X, W) and has no kinks. Only auto_pad
// NOTSET is supported; Init reports others.
func ConvTranspose(a ConvTransposeAttrs) graph.Op {
	return newBilinear(&convKernel{
		transposed:  true,
		kernelShape: convClone(a.KernelShape), strides: convClone(a.Strides), pads: convClone(a.Pads),
		dilations: convClone(a.Dilations), outPad: convClone(a.OutputPadding), outShape: convClone(a.OutputShape),
		group: a.Group, autoPad: a.AutoPad,
	})
}

func convClone(s []int) []int {
	if s == nil {
		return nil
	}
	return append([]int{}, s...)
}

// convKernel is Conv or ConvTranspose as a bilinear kernel f(X, W).
type convKernel struct {
	transposed                            bool
	kernelShape, strides, pads, dilations []int
	outPad, outShape                      []int
	group                                 int
	autoPad                               string

	core convCore
	bias []int // per image and channel of the output, its bias element
	span int   // output positions per channel, which share a bias element
}

func (c *convKernel) Type() string {
	if c.transposed {
		return "ConvTranspose"
	}
	return "Conv"
}

// convAttr returns attribute v, or n copies of def if v is nil, checking
// its length and that every value is at least lo.
func convAttr(name string, v []int, n, def, lo int) ([]int, error) {
	if v == nil {
		v = make([]int, n)
		for i := range v {
			v[i] = def
		}
		return v, nil
	}
	if len(v) != n {
		return nil, fmt.Errorf("%s %v: want %d values", name, v, n)
	}
	for _, d := range v {
		if d < lo {
			return nil, fmt.Errorf("%s %v: want values of at least %d", name, v, lo)
		}
	}
	return v, nil
}

func (c *convKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if len(in) != 2 && len(in) != 3 {
		return nil, fmt.Errorf("has %d inputs, want 2 (X, W) or 3 (X, W, B)", len(in))
	}
	x, w := in[0], in[1]
	if len(x) < 3 {
		return nil, fmt.Errorf("input shape %v: want [N, C, d₁…dₙ] with at least one spatial dimension", x)
	}
	ns := len(x) - 2
	if len(w) != len(x) {
		return nil, fmt.Errorf("weight shape %v: want %d dimensions, as the input %v", w, len(x), x)
	}
	if c.autoPad != "" && c.autoPad != "NOTSET" {
		return nil, fmt.Errorf("auto_pad %q is not supported: want NOTSET, with explicit pads", c.autoPad)
	}
	ks := []int(w[2:])
	for _, d := range ks {
		if d < 1 {
			return nil, fmt.Errorf("weight shape %v: want kernel dimensions of at least 1", w)
		}
	}
	if c.kernelShape != nil && !graph.Shape(c.kernelShape).Equal(graph.Shape(ks)) {
		return nil, fmt.Errorf("kernel_shape %v does not match the weight shape %v", c.kernelShape, w)
	}
	strides, err := convAttr("strides", c.strides, ns, 1, 1)
	if err != nil {
		return nil, err
	}
	dil, err := convAttr("dilations", c.dilations, ns, 1, 1)
	if err != nil {
		return nil, err
	}
	if c.outShape != nil && c.pads != nil {
		return nil, fmt.Errorf("pads %v and output_shape %v both given: output_shape sets the pads", c.pads, c.outShape)
	}
	pads, err := convAttr("pads (begin pads, then end pads)", c.pads, 2*ns, 0, 0)
	if err != nil {
		return nil, err
	}
	g := c.group
	if g == 0 {
		g = 1
	}
	if g < 0 {
		return nil, fmt.Errorf("group %d: want at least 1", g)
	}
	n, cin := x[0], x[1]
	if cin < 1 {
		return nil, fmt.Errorf("input shape %v: want at least one channel", x)
	}
	if cin%g != 0 {
		return nil, fmt.Errorf("group %d does not divide the input's %d channels", g, cin)
	}
	in2 := []int(x[2:])
	out := make(graph.Shape, len(x))
	out[0] = n
	var cout int
	if !c.transposed {
		cout = w[0]
		if w[1]*g != cin {
			return nil, fmt.Errorf("weight shape %v: want %d input channels per group (%d channels, group %d)", w, cin/g, cin, g)
		}
		if cout < 1 || cout%g != 0 {
			return nil, fmt.Errorf("weight shape %v: group %d does not divide its %d output channels", w, g, cout)
		}
		for i := range ns {
			if in2[i] < 1 {
				return nil, fmt.Errorf("input shape %v: want spatial dimensions of at least 1", x)
			}
			span := in2[i] + pads[i] + pads[ns+i] - dil[i]*(ks[i]-1) - 1
			if span < 0 {
				return nil, fmt.Errorf("spatial dimension %d: input %d with pads %d+%d is shorter than the kernel %d dilated by %d (pads %v)",
					i, in2[i], pads[i], pads[ns+i], ks[i], dil[i], pads)
			}
			out[2+i] = span/strides[i] + 1
		}
		c.core.init(n, g, cout, cin, []int(out[2:]), in2, ks, strides, dil, pads[:ns])
	} else {
		if w[0] != cin {
			return nil, fmt.Errorf("weight shape %v: want its first dimension %d, the input's channels", w, cin)
		}
		cout = w[1] * g
		if cout < 1 {
			return nil, fmt.Errorf("weight shape %v: want at least one output channel", w)
		}
		op, err := convAttr("output_padding", c.outPad, ns, 0, 0)
		if err != nil {
			return nil, err
		}
		full := make([]int, ns) // the output with zero pads
		for i := range ns {
			if in2[i] < 1 {
				return nil, fmt.Errorf("input shape %v: want spatial dimensions of at least 1", x)
			}
			full[i] = strides[i]*(in2[i]-1) + op[i] + dil[i]*(ks[i]-1) + 1
		}
		if c.outShape != nil {
			want := c.outShape
			switch len(want) {
			case ns:
			case ns + 2:
				if want[0] != n || want[1] != cout {
					return nil, fmt.Errorf("output_shape %v: want [%d, %d, …], the batch and output channels", want, n, cout)
				}
				want = want[2:]
			default:
				return nil, fmt.Errorf("output_shape %v: want %d spatial dimensions (or %d with batch and channels)", c.outShape, ns, ns+2)
			}
			pads = make([]int, 2*ns)
			for i := range ns {
				total := full[i] - want[i]
				if total < 0 || want[i] < 1 {
					return nil, fmt.Errorf("output_shape %v: spatial dimension %d is %d, want 1 to %d (the output with zero pads)", c.outShape, i, want[i], full[i])
				}
				pads[i], pads[ns+i] = total-total/2, total/2
			}
		}
		for i := range ns {
			out[2+i] = full[i] - pads[i] - pads[ns+i]
			if out[2+i] < 1 {
				return nil, fmt.Errorf("spatial dimension %d: pads %d+%d leave no output of the %d positions", i, pads[i], pads[ns+i], full[i])
			}
		}
		c.core.init(n, g, cin, cout, in2, []int(out[2:]), ks, strides, dil, pads[:ns])
	}
	out[1] = cout
	if len(in) == 3 {
		if b := in[2]; len(b) != 1 || b[0] != cout {
			return nil, fmt.Errorf("bias shape %v: want [%d], one per output channel", b, cout)
		}
		c.span = max(1, graph.Shape(out[2:]).Size())
		c.bias = make([]int, out.Size()/c.span)
		for q := range c.bias {
			c.bias[q] = q % cout // one per image and channel
		}
	}
	return out, nil
}

func (c *convKernel) Cost() float64 {
	k := &c.core
	return 2 * float64(k.n) * float64(k.cs) * float64(k.l) * float64(k.ckg)
}

func (c *convKernel) Bias() ([]int, int, float64) { return c.bias, c.span, 1 }

var _ graph.Scratcher = (*convKernel)(nil)

// ScratchFloats is the core's scratch.
func (c *convKernel) ScratchFloats() int { return c.core.scratch() }

func (c *convKernel) Apply(st *graph.State, out, a, b graph.Block, acc bool) {
	if c.transposed {
		c.core.bwd(st, out, a, b, acc)
	} else {
		c.core.fwd(st, out, a, b, acc)
	}
}

func (c *convKernel) TransposeA(st *graph.State, aC, w, b graph.Block) {
	if c.transposed {
		c.core.fwd(st, aC, w, b, true)
	} else {
		c.core.bwd(st, aC, w, b, true)
	}
}

func (c *convKernel) TransposeB(st *graph.State, bC, a, w graph.Block) {
	if c.transposed {
		c.core.wgt(st, bC, a, w)
	} else {
		c.core.wgt(st, bC, w, a)
	}
}

// convCore is the geometry and the three products of the package comment.
type convCore struct {
	n, groups int
	cs, cb    int // channels of the small and the big tensor
	csg, cbg  int // per group
	k         int // kernel elements
	l, s      int // spatial elements of the small and the big tensor
	ckg       int // cbg·k, the rows of a group's column matrix
	// The small positions j that kernel offset κ maps into the big tensor
	// come in runs of n positions from j that read the big positions p,
	// p+step, …, and the runs in groups of equally spaced ones:
	// runs[rs[κ]:rs[κ+1]]. padded[κ] tells that some positions read padding
	// (zero).
	runs   []convRun
	rs     []int
	padded []bool
	step   int // the innermost stride
	// ranged tells that the usual routes' column matrices would exceed
	// convMaxImage, so the products go an image, a group and a range of
	// span small positions at a time (the ranged route).
	ranged bool
	span   int
}

// A convRun is count runs of n consecutive small positions, from j, j+dj,
// …, reading big positions from p, p+dp, …, step apart within a run. With
// stride 1 in the last dimension and no padding, each kernel offset has
// one group, of a run per row of the small tensor.
type convRun struct{ j, p, n, count, dj, dp int }

// groupRuns merges consecutive runs of one length whose starts are equally
// spaced in both tensors into groups.
func groupRuns(runs []convRun) []convRun {
	var out []convRun
	for _, r := range runs {
		if k := len(out) - 1; k >= 0 {
			g := &out[k]
			dj, dp := r.j-g.j, r.p-g.p
			switch {
			case g.n != r.n:
			case g.count == 1 && dj >= r.n && dp >= r.n:
				g.count, g.dj, g.dp = 2, dj, dp
				continue
			case g.count > 1 && dj == g.count*g.dj && dp == g.count*g.dp:
				g.count++
				continue
			}
		}
		out = append(out, convRun{j: r.j, p: r.p, n: r.n, count: 1})
	}
	return out
}

// convMaxCol bounds a column matrix, in elements (1 MiB, half the L2);
// beyond it the rows go into products in chunks. A column matrix that
// fits in the L2 beside the product's packed panels is read back from
// there, not from memory: on the mnist case's conv2 (288 × 576 per image)
// one image per product took the batch of 64 latents from about 240 to
// 222 ms against all 32 of a chunk in one 42 MB matrix. A variable for the
// tests.
var convMaxCol = 1 << 17

func (c *convCore) init(n, groups, cs, cb int, small, big, kernel, strides, dil, padBegin []int) {
	*c = convCore{n: n, groups: groups, cs: cs, cb: cb, csg: cs / groups, cbg: cb / groups}
	c.k = graph.Shape(kernel).Size()
	c.l = graph.Shape(small).Size()
	c.s = graph.Shape(big).Size()
	c.ckg = c.cbg * c.k
	c.step = strides[len(strides)-1]
	c.rs = make([]int, c.k+1)
	c.padded = make([]bool, c.k)
	ns := len(small)
	kp := make([]int, ns) // kernel multi-index
	jp := make([]int, ns) // small multi-index
	for kk := 0; kk < c.k; kk++ {
		last := -1 // the big position of the previous small position
		for j := 0; j < c.l; j++ {
			p := 0
			for d := 0; d < ns; d++ {
				q := jp[d]*strides[d] - padBegin[d] + kp[d]*dil[d]
				if q < 0 || q >= big[d] {
					p = -1
					break
				}
				p = p*big[d] + q
			}
			convNext(jp, small)
			switch {
			case p < 0:
				c.padded[kk] = true
			case last >= 0 && p == last+c.step:
				c.runs[len(c.runs)-1].n++
			default:
				c.runs = append(c.runs, convRun{j: j, p: p, n: 1})
			}
			last = p
		}
		grouped := groupRuns(c.runs[c.rs[kk]:])
		c.runs = append(c.runs[:c.rs[kk]], grouped...)
		c.rs[kk+1] = len(c.runs)
		convNext(kp, kernel)
	}
	c.ranged = c.usualScratch(c.chunk(c.n*c.l)) > convMaxImage
	c.span = min(c.l, max(1, convMaxImage/c.ckg))
	if convSpan > 0 {
		c.span = min(c.l, convSpan)
	}
}

// usualScratch returns the largest scratch buffer, in elements, that the
// usual routes take with pc rows of images to a column matrix: the shared
// routes' column matrix and product of pc rows, or the row routes' column
// matrices of every image and group of one row.
func (c *convCore) usualScratch(pc int) int {
	return max((c.ckg+c.csg)*pc*c.n*c.l, c.n*c.groups*c.ckg*c.l)
}

// scratch returns the most scratch, in elements, that the conv's passes
// ask of a workspace: the ranged route's column matrix of one range, or
// the usual routes' buffers.
func (c *convCore) scratch() int {
	if c.ranged {
		return c.ckg * c.span
	}
	return c.usualScratch(c.chunk(c.n * c.l))
}

// convMaxImage bounds the scratch of the usual routes, in elements (16
// MiB). A convolution whose column matrices would exceed it takes the
// ranged route, whose column matrix is at most this too: a 3 × 3
// convolution over 64 channels of a 224 × 224 image, 577 × 50176 column
// entries an image, goes 3640 positions at a time. Every layer of the
// benchmark cases is far below it (the mnist case's conv2 takes 0.2M). A
// variable for the tests.
var convMaxImage = 1 << 21

// convSpan, for the tests, sets the ranged route's positions per range if
// positive.
var convSpan = 0

// convNext advances the row-major multi-index m over dims.
func convNext(m, dims []int) {
	for d := len(m) - 1; d >= 0; d-- {
		if m[d]++; m[d] < dims[d] {
			return
		}
		m[d] = 0
	}
}

// im2col writes group g of image i of the big row x as a column matrix:
// col[(ch·k+κ)·ld + off + j] is what small position j reads at kernel offset
// κ in the group's channel ch.
func (c *convCore) im2col(col []float64, ld, off int, x []float64, i, g int) {
	L, step := c.l, c.step
	for ch := 0; ch < c.cbg; ch++ {
		src := x[(i*c.cb+g*c.cbg+ch)*c.s:][:c.s]
		for kk := 0; kk < c.k; kk++ {
			dst := col[(ch*c.k+kk)*ld+off:][:L]
			if c.padded[kk] {
				clear(dst)
			}
			for _, r := range c.runs[c.rs[kk]:c.rs[kk+1]] {
				if step == 1 {
					vec.CopyRows(dst[r.j:], r.dj, src[r.p:], r.dp, r.n, r.count)
					continue
				}
				for q := 0; q < r.count; q++ {
					d := dst[r.j+q*r.dj:][:r.n]
					for t, p := 0, r.p+q*r.dp; t < len(d); t, p = t+1, p+step {
						d[t] = src[p]
					}
				}
			}
		}
	}
}

// col2im adds the column matrix col (as im2col lays it out) into group g
// of image i of the big row x.
func (c *convCore) col2im(x []float64, i, g int, col []float64, ld, off int) {
	L, step := c.l, c.step
	for ch := 0; ch < c.cbg; ch++ {
		dst := x[(i*c.cb+g*c.cbg+ch)*c.s:][:c.s]
		for kk := 0; kk < c.k; kk++ {
			src := col[(ch*c.k+kk)*ld+off:][:L]
			for _, r := range c.runs[c.rs[kk]:c.rs[kk+1]] {
				if step == 1 {
					vec.AddRows(dst[r.p:], r.dp, src[r.j:], r.dj, r.n, r.count)
					continue
				}
				for q := 0; q < r.count; q++ {
					v := src[r.j+q*r.dj:][:r.n]
					for t, p := 0, r.p+q*r.dp; t < len(v); t, p = t+1, p+step {
						dst[p] += v[t]
					}
				}
			}
		}
	}
}

// im2colRange is im2col of the small positions [j0, j1) only, into
// col[(ch·k+κ)·ld + j − j0]: each run of a group is clipped to the range.
func (c *convCore) im2colRange(col []float64, ld int, x []float64, i, g, j0, j1 int) {
	step := c.step
	for ch := 0; ch < c.cbg; ch++ {
		src := x[(i*c.cb+g*c.cbg+ch)*c.s:][:c.s]
		for kk := 0; kk < c.k; kk++ {
			dst := col[(ch*c.k+kk)*ld:][:j1-j0]
			if c.padded[kk] {
				clear(dst)
			}
			for _, r := range c.runs[c.rs[kk]:c.rs[kk+1]] {
				for q := 0; q < r.count; q++ {
					jq, pq := r.j+q*r.dj, r.p+q*r.dp
					a, b := max(j0, jq), min(j1, jq+r.n)
					for j := a; j < b; j++ {
						dst[j-j0] = src[pq+(j-jq)*step]
					}
				}
			}
		}
	}
}

// col2imRange is col2im of the small positions [j0, j1) only, from
// col as im2colRange lays it out.
func (c *convCore) col2imRange(x []float64, i, g int, col []float64, ld, j0, j1 int) {
	step := c.step
	for ch := 0; ch < c.cbg; ch++ {
		dst := x[(i*c.cb+g*c.cbg+ch)*c.s:][:c.s]
		for kk := 0; kk < c.k; kk++ {
			src := col[(ch*c.k+kk)*ld:][:j1-j0]
			for _, r := range c.runs[c.rs[kk]:c.rs[kk+1]] {
				for q := 0; q < r.count; q++ {
					jq, pq := r.j+q*r.dj, r.p+q*r.dp
					a, b := max(j0, jq), min(j1, jq+r.n)
					for j := a; j < b; j++ {
						dst[pq+(j-jq)*step] += src[j-j0]
					}
				}
			}
		}
	}
}

// The ranged route. Each row p of a product of P rows goes an image, a
// group and a range of span small positions at a time, into the row of
// the destination that pairs with it (D ≥ P is handled by the callers,
// through convTmpRows and convSpread). Entries are the same sums as the
// usual routes', but the weight gradient's sum over positions is split at
// the ranges, in range order.

// eachRange calls f for each row p of a product of P rows, image i, group
// g and range of small positions [j0, j0+ld), in that nesting, with the
// ranged route's column matrix col.
func (c *convCore) eachRange(st *graph.State, P int, f func(col []float64, p, i, g, j0, ld int)) {
	col := st.Scratch(c.ckg * c.span)
	for p := 0; p < P; p++ {
		for i := 0; i < c.n; i++ {
			for g := 0; g < c.groups; g++ {
				for j0 := 0; j0 < c.l; j0 += c.span {
					f(col, p, i, g, j0, min(c.span, c.l-j0))
				}
			}
		}
	}
}

// fwdRanged adds small = W ⋆ big into dst.
func (c *convCore) fwdRanged(st *graph.State, dst, big, w graph.Block, P int) {
	c.eachRange(st, P, func(col []float64, p, i, g, j0, ld int) {
		x, wr, y := big.Row(pairRow(p, P, big.Rows)), w.Row(pairRow(p, P, w.Rows)), dst.Row(pairRow(p, P, dst.Rows))
		c.im2colRange(col, ld, x, i, g, j0, j0+ld)
		blasimpl.GemmAcc(false, false, c.csg, ld, c.ckg, 1, wr[g*c.csg*c.ckg:], c.ckg, col, ld, 1,
			y[(i*c.cs+g*c.csg)*c.l+j0:], c.l)
	})
}

// bwdRanged adds big = Wᵀ ⋆ small into dst.
func (c *convCore) bwdRanged(st *graph.State, dst, small, w graph.Block, P int) {
	c.eachRange(st, P, func(col []float64, p, i, g, j0, ld int) {
		y, wr, x := small.Row(pairRow(p, P, small.Rows)), w.Row(pairRow(p, P, w.Rows)), dst.Row(pairRow(p, P, dst.Rows))
		blasimpl.GemmAcc(true, false, c.ckg, ld, c.csg, 1, wr[g*c.csg*c.ckg:], c.ckg,
			y[(i*c.cs+g*c.csg)*c.l+j0:], c.l, 0, col, ld)
		c.col2imRange(x, i, g, col, ld, j0, j0+ld)
	})
}

// wgtRanged adds W = small ⋆ big into dst.
func (c *convCore) wgtRanged(st *graph.State, dst, small, big graph.Block, P int) {
	c.eachRange(st, P, func(col []float64, p, i, g, j0, ld int) {
		y, x, wr := small.Row(pairRow(p, P, small.Rows)), big.Row(pairRow(p, P, big.Rows)), dst.Row(pairRow(p, P, dst.Rows))
		c.im2colRange(col, ld, x, i, g, j0, j0+ld)
		blasimpl.GemmAcc(false, true, c.csg, c.ckg, ld, 1, y[(i*c.cs+g*c.csg)*c.l+j0:], c.l, col, ld, 1,
			wr[g*c.csg*c.ckg:], c.ckg)
	})
}

// gather copies group g of image i of the small row y into the csg × ld
// matrix m at column offset off.
func (c *convCore) gather(m []float64, ld, off int, y []float64, i, g int) {
	for ch := 0; ch < c.csg; ch++ {
		copy(m[ch*ld+off:][:c.l], y[(i*c.cs+g*c.csg+ch)*c.l:][:c.l])
	}
}

// scatter writes (or adds, if acc) the columns at off of m into group g of
// image i of the small row y.
func (c *convCore) scatter(y []float64, i, g int, m []float64, ld, off int, acc bool) {
	for ch := 0; ch < c.csg; ch++ {
		dst, src := y[(i*c.cs+g*c.csg+ch)*c.l:][:c.l], m[ch*ld+off:][:c.l]
		if !acc {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] += v
		}
	}
}

// convPresum returns b summed into T rows (each the sum of the rows of b that
// pair with it) in state buffer k, or b itself if it has at most T rows.
// The products are linear in each operand, so an operand whose rows all
// meet the same row of the other operand and of the destination can be
// summed before the product.
func convPresum(st *graph.State, k int, b graph.Block, T int) graph.Block {
	if b.Rows <= T {
		return b
	}
	out := graph.MakeBlock(st.Floats(k, T*b.Size), T, b.Size)
	out.Clear()
	for r := 0; r < b.Rows; r++ {
		dst := out.Row(pairRow(r, b.Rows, T))
		for e, v := range b.Row(r) {
			dst[e] += v
		}
	}
	return out
}

// convPlan presums the operands a and b of a product into a destination of
// D rows: an operand with more rows than both D and the other operand is
// summed to the larger of those. It returns the operands and the rows of
// the product P, the larger of theirs.
func convPlan(st *graph.State, D int, a, b graph.Block) (graph.Block, graph.Block, int) {
	T := max(D, min(a.Rows, b.Rows))
	a, b = convPresum(st, 0, a, T), convPresum(st, 1, b, T)
	return a, b, max(a.Rows, b.Rows)
}

// chunk returns how many rows of a product, of cols columns each, go into
// one column matrix: one where a row is one image whose product is large
// enough (convDirectMin multiply-adds) for a call of its own, since the
// product then writes straight into its row of the output and reads the
// small tensor in place; otherwise all, unless that exceeds convMaxCol
// elements, and at least 1.
func (c *convCore) chunk(cols int) int {
	if c.n == 1 && c.csg*c.l*c.ckg >= convDirectMin {
		return 1
	}
	return max(1, convMaxCol/max(1, c.ckg*cols))
}

// convDirectMin is the smallest product of one image that chunk gives a
// call of its own. The mnist case's conv1, 32 × 676 × 9 = 195k
// multiply-adds an image, went from 21 images a product (through a
// scatter and a gather) to one, and the batch of 64 from 174 to 166 ms
// (medians of 3 interleaved runs). A variable for the tests.
var convDirectMin = 1 << 16

// convTmpRows returns a cleared block of P rows of size n (state buffer 2)
// for a product to go into before it is broadcast to a destination of more
// rows.
func convTmpRows(st *graph.State, P, n int) graph.Block {
	t := graph.MakeBlock(st.Floats(2, P*n), P, n)
	t.Clear()
	return t
}

// convSpread adds (or writes, if !acc) the P rows of t into the rows of dst
// that pair with them.
func convSpread(dst, t graph.Block, acc bool) {
	for d := 0; d < dst.Rows; d++ {
		y, src := dst.Row(d), t.Row(pairRow(d, dst.Rows, t.Rows))
		if !acc {
			copy(y, src)
			continue
		}
		for e, v := range src {
			y[e] += v
		}
	}
}

// rangedInto runs a ranged product of P rows, add(d) adding it into d,
// into dst: directly where dst has at most P rows, and otherwise through P
// temporary rows spread to dst's.
func (c *convCore) rangedInto(st *graph.State, dst graph.Block, P int, acc bool, add func(graph.Block)) {
	if dst.Rows > P {
		t := convTmpRows(st, P, dst.Size)
		add(t)
		convSpread(dst, t, acc)
		return
	}
	if !acc {
		dst.Clear()
	}
	add(dst)
}

// fwd writes (or adds, if acc) small = W ⋆ big into dst.
func (c *convCore) fwd(st *graph.State, dst, big, w graph.Block, acc bool) {
	big, w, P := convPlan(st, dst.Rows, big, w)
	if c.ranged {
		c.rangedInto(st, dst, P, acc, func(d graph.Block) { c.fwdRanged(st, d, big, w, P) })
		return
	}
	if w.Rows == 1 { // P = big.Rows ≤ dst.Rows: one product over all rows
		c.fwdShared(st, dst, big, w.Data, acc)
		return
	}
	if dst.Rows > P {
		t := convTmpRows(st, P, dst.Size)
		c.fwdRows(st, t, big, w, P)
		convSpread(dst, t, acc)
		return
	}
	if !acc {
		dst.Clear()
	}
	c.fwdRows(st, dst, big, w, P)
}

// fwdShared is fwd with one weight row: per group, one product of the
// weight with the column matrices of every image of every row of big.
func (c *convCore) fwdShared(st *graph.State, dst, big graph.Block, w []float64, acc bool) {
	P, D, nl := big.Rows, dst.Rows, c.n*c.l
	pc := min(P, c.chunk(nl))
	buf := st.Scratch((c.ckg + c.csg) * pc * nl)
	col, y := buf[:c.ckg*pc*nl], buf[c.ckg*pc*nl:]
	for p0 := 0; p0 < P; p0 += pc {
		np := min(pc, P-p0)
		ld := np * nl
		for g := 0; g < c.groups; g++ {
			for p := 0; p < np; p++ {
				x := big.Row(p0 + p)
				for i := 0; i < c.n; i++ {
					c.im2col(col, ld, (p*c.n+i)*c.l, x, i, g)
				}
			}
			if np == 1 && c.n == 1 && D == P {
				// One image, one destination row: the product's csg × l
				// block is the group's part of that row.
				blasimpl.GemmAcc(false, false, c.csg, ld, c.ckg, 1, w[g*c.csg*c.ckg:], c.ckg, col, ld, beta(acc),
					dst.Row(p0)[g*c.csg*c.l:], ld)
				continue
			}
			blasimpl.GemmAcc(false, false, c.csg, ld, c.ckg, 1, w[g*c.csg*c.ckg:], c.ckg, col, ld, 0, y, ld)
			for d := p0 * D / P; d < (p0+np)*D/P; d++ {
				p := pairRow(d, D, P) - p0
				for i := 0; i < c.n; i++ {
					c.scatter(dst.Row(d), i, g, y, ld, (p*c.n+i)*c.l, acc)
				}
			}
		}
	}
}

// fwdRows adds small = W ⋆ big into dst row by row of the product (P rows,
// at least dst's), making each big row's column matrices once for the rows
// that pair with it. With one group and one image, the weight rows of those
// rows stack into one product.
func (c *convCore) fwdRows(st *graph.State, dst, big, w graph.Block, P int) {
	L, per := c.l, c.ckg*c.l
	col := st.Scratch(c.n * c.groups * per)
	q := P / big.Rows
	stack := c.stacks(P, w, dst)
	for bi := 0; bi < big.Rows; bi++ {
		c.im2colAll(col, big.Row(bi))
		if stack {
			p := bi * q
			blasimpl.GemmAcc(false, false, q*c.cs, L, c.ckg, 1, w.Data[p*w.Stride:], c.ckg, col, L, 1, dst.Data[p*dst.Stride:], L)
			continue
		}
		for p := bi * q; p < (bi+1)*q; p++ {
			wr, y := w.Row(pairRow(p, P, w.Rows)), dst.Row(pairRow(p, P, dst.Rows))
			for i := 0; i < c.n; i++ {
				for g := 0; g < c.groups; g++ {
					blasimpl.GemmAcc(false, false, c.csg, L, c.ckg, 1, wr[g*c.csg*c.ckg:], c.ckg,
						col[(i*c.groups+g)*per:], L, 1, y[(i*c.cs+g*c.csg)*L:], L)
				}
			}
		}
	}
}

// stacks reports whether the P rows of the blocks can stack into the rows
// of one matrix product: one group and one image (so that a row of the
// weight and of the small tensor is one matrix), P rows in each, packed.
func (c *convCore) stacks(P int, bs ...graph.Block) bool {
	if c.groups != 1 || c.n != 1 {
		return false
	}
	for _, b := range bs {
		if b.Rows != P || !b.Contiguous() {
			return false
		}
	}
	return true
}

// im2colAll writes the column matrices of every image and group of the big
// row x, each ckg × l, one after the other.
func (c *convCore) im2colAll(col, x []float64) {
	per := c.ckg * c.l
	for i := 0; i < c.n; i++ {
		for g := 0; g < c.groups; g++ {
			c.im2col(col[(i*c.groups+g)*per:], c.l, 0, x, i, g)
		}
	}
}

// bwd writes (or adds, if acc) big = Wᵀ ⋆ small into dst.
func (c *convCore) bwd(st *graph.State, dst, small, w graph.Block, acc bool) {
	small, w, P := convPlan(st, dst.Rows, small, w)
	if c.ranged {
		c.rangedInto(st, dst, P, acc, func(d graph.Block) { c.bwdRanged(st, d, small, w, P) })
		return
	}
	if dst.Rows > P && w.Rows > 1 {
		t := convTmpRows(st, P, dst.Size)
		c.bwdRows(st, t, small, w, P)
		convSpread(dst, t, acc)
		return
	}
	if !acc {
		dst.Clear()
	}
	if w.Rows == 1 {
		c.bwdShared(st, dst, small, w.Data)
		return
	}
	c.bwdRows(st, dst, small, w, P)
}

// bwdShared is bwd with one weight row: per group, one product of the
// weight's transpose with every image of every row of small, then col2im
// into each row of dst.
func (c *convCore) bwdShared(st *graph.State, dst, small graph.Block, w []float64) {
	P, D, nl := small.Rows, dst.Rows, c.n*c.l
	pc := min(P, c.chunk(nl))
	buf := st.Scratch((c.ckg + c.csg) * pc * nl)
	col, m := buf[:c.ckg*pc*nl], buf[c.ckg*pc*nl:]
	for p0 := 0; p0 < P; p0 += pc {
		np := min(pc, P-p0)
		ld := np * nl
		for g := 0; g < c.groups; g++ {
			b := m
			if np == 1 && c.n == 1 { // the group's csg × l block of the row, in place
				b = small.Row(p0)[g*c.csg*c.l:]
			} else {
				for p := 0; p < np; p++ {
					y := small.Row(p0 + p)
					for i := 0; i < c.n; i++ {
						c.gather(m, ld, (p*c.n+i)*c.l, y, i, g)
					}
				}
			}
			blasimpl.GemmAcc(true, false, c.ckg, ld, c.csg, 1, w[g*c.csg*c.ckg:], c.ckg, b, ld, 0, col, ld)
			for d := p0 * D / P; d < (p0+np)*D/P; d++ {
				p := pairRow(d, D, P) - p0
				for i := 0; i < c.n; i++ {
					c.col2im(dst.Row(d), i, g, col, ld, (p*c.n+i)*c.l)
				}
			}
		}
	}
}

// bwdRows adds big = Wᵀ ⋆ small into dst row by row of the product (P
// rows, at least dst's). With one group and one image, the rows that sum
// into one row of dst stack into one product.
func (c *convCore) bwdRows(st *graph.State, dst, small, w graph.Block, P int) {
	L := c.l
	col := st.Scratch(c.ckg * L)
	q := P / dst.Rows
	stack := c.stacks(P, w, small)
	for d := 0; d < dst.Rows; d++ {
		x := dst.Row(d)
		if stack {
			p := d * q
			blasimpl.GemmAcc(true, false, c.ckg, L, q*c.cs, 1, w.Data[p*w.Stride:], c.ckg, small.Data[p*small.Stride:], L, 0, col, L)
			c.col2im(x, 0, 0, col, L, 0)
			continue
		}
		for p := d * q; p < (d+1)*q; p++ {
			wr, y := w.Row(pairRow(p, P, w.Rows)), small.Row(pairRow(p, P, small.Rows))
			for i := 0; i < c.n; i++ {
				for g := 0; g < c.groups; g++ {
					blasimpl.GemmAcc(true, false, c.ckg, L, c.csg, 1, wr[g*c.csg*c.ckg:], c.ckg,
						y[(i*c.cs+g*c.csg)*L:], L, 0, col, L)
					c.col2im(x, i, g, col, L, 0)
				}
			}
		}
	}
}

// wgt adds W = small ⋆ big into dst.
func (c *convCore) wgt(st *graph.State, dst, small, big graph.Block) {
	small, big, P := convPlan(st, dst.Rows, small, big)
	if c.ranged {
		c.rangedInto(st, dst, P, true, func(d graph.Block) { c.wgtRanged(st, d, small, big, P) })
		return
	}
	switch {
	case dst.Rows == 1: // small and big both have P rows: one product sums them
		c.wgtShared(st, dst.Data, small, big)
	case dst.Rows > P:
		t := convTmpRows(st, P, dst.Size)
		c.wgtRows(st, t, small, big, P)
		convSpread(dst, t, true)
	default:
		c.wgtRows(st, dst, small, big, P)
	}
}

// wgtShared adds, per group, one product over every image of every row
// into the single weight row w.
func (c *convCore) wgtShared(st *graph.State, w []float64, small, big graph.Block) {
	P, nl := small.Rows, c.n*c.l
	pc := min(P, c.chunk(nl))
	buf := st.Scratch((c.ckg + c.csg) * pc * nl)
	col, m := buf[:c.ckg*pc*nl], buf[c.ckg*pc*nl:]
	for p0 := 0; p0 < P; p0 += pc {
		np := min(pc, P-p0)
		ld := np * nl
		for g := 0; g < c.groups; g++ {
			a := m
			if np == 1 && c.n == 1 { // the group's csg × l block of the row, in place
				a = small.Row(p0)[g*c.csg*c.l:]
			}
			for p := 0; p < np; p++ {
				x, y := big.Row(p0+p), small.Row(p0+p)
				for i := 0; i < c.n; i++ {
					c.im2col(col, ld, (p*c.n+i)*c.l, x, i, g)
					if np > 1 || c.n > 1 {
						c.gather(m, ld, (p*c.n+i)*c.l, y, i, g)
					}
				}
			}
			blasimpl.GemmAcc(false, true, c.csg, c.ckg, ld, 1, a, ld, col, ld, 1, w[g*c.csg*c.ckg:], c.ckg)
		}
	}
}

// wgtRows adds W = small ⋆ big into dst row by row of the product (P rows,
// at least dst's), making each big row's column matrices once for the rows
// that pair with it. With one group and one image, those rows stack into
// one product.
func (c *convCore) wgtRows(st *graph.State, dst, small, big graph.Block, P int) {
	L, per := c.l, c.ckg*c.l
	col := st.Scratch(c.n * c.groups * per)
	q := P / big.Rows
	stack := c.stacks(P, small, dst)
	for bi := 0; bi < big.Rows; bi++ {
		c.im2colAll(col, big.Row(bi))
		if stack {
			p := bi * q
			blasimpl.GemmAcc(false, true, q*c.cs, c.ckg, L, 1, small.Data[p*small.Stride:], L, col, L, 1, dst.Data[p*dst.Stride:], c.ckg)
			continue
		}
		for p := bi * q; p < (bi+1)*q; p++ {
			y, wr := small.Row(pairRow(p, P, small.Rows)), dst.Row(pairRow(p, P, dst.Rows))
			for i := 0; i < c.n; i++ {
				for g := 0; g < c.groups; g++ {
					blasimpl.GemmAcc(false, true, c.csg, c.ckg, L, 1, y[(i*c.cs+g*c.csg)*L:], L,
						col[(i*c.groups+g)*per:], L, 1, wr[g*c.csg*c.ckg:], c.ckg)
				}
			}
		}
	}
}
