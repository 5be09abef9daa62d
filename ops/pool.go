package ops

import (
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/graph"
)

// The pooling and resizing family: MaxPool, AveragePool, GlobalMaxPool,
// GlobalAveragePool and Resize, over tensors [N, C, D₁, …, D_d] with the
// batch dimension in the tensor, as in PyTorch and ONNX. Each op works on
// the N·C planes of the input independently, through index maps over one
// plane's spatial positions that Init builds once and all planes share.
// All of them are linear (max pooling after its argmax selection), so
// their second derivatives are zero, as PyTorch's double backward gives.

// PoolAttrs holds the attributes of MaxPool and AveragePool, as ONNX names
// them, for d spatial dimensions.
type PoolAttrs struct {
	// Kernel is kernel_shape, d window sizes. Required.
	Kernel []int
	// Strides is strides, d steps; nil means 1 in every dimension.
	Strides []int
	// Pads is pads in ONNX order, the d begin paddings then the d end
	// paddings; nil means no padding. PyTorch's padding p is p at both ends.
	Pads []int
	// Dilations is dilations, d element spacings; nil means 1. MaxPool only.
	Dilations []int
	// CeilMode is ceil_mode: round the output size up rather than down.
	CeilMode bool
	// CountIncludePad is count_include_pad: AveragePool divides by the
	// window size including padding. AveragePool only.
	CountIncludePad bool
}

// MaxPool returns ONNX MaxPool (storage_order 0, the Y output only) and
// PyTorch's max_pool1d/max_pool2d for an input [N, C, D₁, …, D_d]: the
// maximum of each window, padded positions counting as −∞. The output size
// along each dimension is PyTorch's: ⌊(D + p_b + p_e − dil·(k−1) − 1 +
// (s−1 if ceil_mode)) / s⌋ + 1, less one if ceil_mode makes the last window
// start in the end padding (dropped, as PyTorch does and as ONNX's current
// spec notes).
//
// MaxPool is linear once each window's argmax is chosen; Forward records
// that choice per sample, and every derivative follows it: the gradient of
// a window goes wholly to its selected element.
//
// Special cases are (PyTorch 1.13's CPU kernel, scanning each window
// row-major and taking x when x > max or x is NaN):
//
//	ties: the first maximal element in scan order is selected
//	NaN: propagates; the last NaN in scan order is selected
//	a window whose elements are all −∞: its first in-bounds element
//	padded positions are never selected
//
// Init fails if some window holds no input element (possible only with
// asymmetric or over-large pads, which PyTorch rejects).
func MaxPool(a PoolAttrs) graph.Op {
	return newLinear(&poolKernel{name: "MaxPool", max: true, a: a})
}

// AveragePool returns ONNX AveragePool and PyTorch's avg_pool1d/avg_pool2d
// for an input [N, C, D₁, …, D_d]: the mean of each window, with the output
// size of MaxPool (dilations must be 1). The divisor is PyTorch's: with
// count_include_pad, the window clipped to the padded input, so that a
// ceil_mode window extending past the end padding counts only the part
// within it; without, the number of input elements in the window.
//
// AveragePool is linear and has no kinks.
func AveragePool(a PoolAttrs) graph.Op {
	return newLinear(&poolKernel{name: "AveragePool", a: a})
}

// GlobalMaxPool returns ONNX GlobalMaxPool, the maximum over all spatial
// dimensions: [N, C, D₁, …, D_d] to [N, C, 1, …, 1]. It is how PyTorch
// exports nn.AdaptiveMaxPool2d(1) and nn.AdaptiveMaxPool1d(1), whose
// backward sends the gradient to one element, as here.
//
// Special cases are those of MaxPool, as in PyTorch 1.13's adaptive max
// pooling:
//
//	ties: the first maximal element (row-major) takes the whole gradient,
//	  unlike torch.amax, which splits it evenly among the ties
//	NaN: propagates; the last NaN is selected
func GlobalMaxPool() graph.Op {
	return newLinear(&poolKernel{name: "GlobalMaxPool", max: true, global: true})
}

// GlobalAveragePool returns ONNX GlobalAveragePool, the mean over all
// spatial dimensions: [N, C, D₁, …, D_d] to [N, C, 1, …, 1] (PyTorch's
// nn.AdaptiveAvgPool2d(1)). It is linear and has no kinks.
func GlobalAveragePool() graph.Op {
	return newLinear(&poolKernel{name: "GlobalAveragePool", global: true})
}

// poolKernel is every pooling op. Init builds, for each spatial output
// position o of a plane, its window as the spatial input offsets
// win[start[o]:start[o+1]] of the in-bounds elements in scan order, and
// for averaging the reciprocal divisor inv[o]. Max pooling keeps the
// argmax of every output element of every sample, as an index into the
// input row, in Ints(0).
type poolKernel struct {
	name   string
	max    bool
	global bool
	a      PoolAttrs

	planes, inSp, outSp int
	start, win          []int
	inv                 []float64
}

func (k *poolKernel) Type() string { return k.name }

func (k *poolKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	if len(x) < 3 {
		return nil, fmt.Errorf("input shape %v: want [N, C, D1, ...] with at least one spatial dimension", x)
	}
	d := len(x) - 2
	sp := x[2:]
	kern, strides, pb, pe, dil, err := k.resolve(sp)
	if err != nil {
		return nil, err
	}
	out := graph.Shape{x[0], x[1]}
	for i := 0; i < d; i++ {
		n, err := poolOutSize(sp[i], kern[i], strides[i], pb[i], pe[i], dil[i], k.a.CeilMode && !k.global)
		if err != nil {
			return nil, fmt.Errorf("spatial dimension %d: %v", i, err)
		}
		out = append(out, n)
	}
	k.planes = x[0] * x[1]
	k.inSp, k.outSp = graph.Shape(sp).Size(), graph.Shape(out[2:]).Size()

	// The windows, in PyTorch's scan order: row-major over the kernel.
	k.start = make([]int, 0, k.outSp+1)
	k.win = k.win[:0]
	if !k.max {
		k.inv = make([]float64, 0, k.outSp)
	}
	ksize := graph.Shape(kern).Size()
	o := make([]int, d)  // output position
	kk := make([]int, d) // kernel position
	for p := 0; p < k.outSp; p++ {
		k.start = append(k.start, len(k.win))
		padded := 1 // the window clipped to the padded input
		for i := 0; i < d; i++ {
			lo := o[i]*strides[i] - pb[i]
			hi := min(lo+(kern[i]-1)*dil[i]+1, sp[i]+pe[i])
			padded *= hi - lo
		}
		for i := range kk {
			kk[i] = 0
		}
		for q := 0; q < ksize; q++ {
			off, ok := 0, true
			for i := 0; i < d; i++ {
				pos := o[i]*strides[i] - pb[i] + kk[i]*dil[i]
				if pos < 0 || pos >= sp[i] {
					ok = false
					break
				}
				off = off*sp[i] + pos
			}
			if ok {
				k.win = append(k.win, off)
			}
			incr(kk, kern)
		}
		n := len(k.win) - k.start[p]
		if n == 0 {
			return nil, fmt.Errorf("the window at output position %v holds no input element (pads %v)", o, k.a.Pads)
		}
		if !k.max {
			div := n
			if k.a.CountIncludePad {
				div = padded
			}
			k.inv = append(k.inv, 1/float64(div))
		}
		incr(o, out[2:])
	}
	k.start = append(k.start, len(k.win))
	return out, nil
}

// incr advances the row-major multi-index i within dims.
func incr(i []int, dims []int) {
	for j := len(i) - 1; j >= 0; j-- {
		i[j]++
		if i[j] < dims[j] {
			return
		}
		i[j] = 0
	}
}

// resolve checks the attributes against the d spatial dimensions sp and
// fills in their defaults.
func (k *poolKernel) resolve(sp []int) (kern, strides, pb, pe, dil []int, err error) {
	d := len(sp)
	ones := func() []int {
		s := make([]int, d)
		for i := range s {
			s[i] = 1
		}
		return s
	}
	if k.global {
		return sp, ones(), make([]int, d), make([]int, d), ones(), nil
	}
	a := k.a
	check := func(name string, v []int, n, least int) ([]int, error) {
		if v == nil {
			return nil, nil
		}
		if len(v) != n {
			return nil, fmt.Errorf("%s %v: want %d values for %d spatial dimensions", name, v, n, d)
		}
		for _, x := range v {
			if x < least {
				return nil, fmt.Errorf("%s %v: want values of at least %d", name, v, least)
			}
		}
		return v, nil
	}
	if a.Kernel == nil {
		return nil, nil, nil, nil, nil, fmt.Errorf("no kernel_shape")
	}
	if kern, err = check("kernel_shape", a.Kernel, d, 1); err != nil {
		return
	}
	if strides, err = check("strides", a.Strides, d, 1); err != nil {
		return
	}
	if strides == nil {
		strides = ones()
	}
	pads, err := check("pads", a.Pads, 2*d, 0)
	if err != nil {
		return
	}
	if pads == nil {
		pads = make([]int, 2*d)
	}
	pb, pe = pads[:d], pads[d:]
	if dil, err = check("dilations", a.Dilations, d, 1); err != nil {
		return
	}
	if dil == nil {
		dil = ones()
	}
	if !k.max {
		for _, v := range dil {
			if v != 1 {
				return nil, nil, nil, nil, nil, fmt.Errorf("dilations %v: AveragePool supports only 1", dil)
			}
		}
	}
	return kern, strides, pb, pe, dil, nil
}

// poolOutSize returns PyTorch's pooling output size (pooling_output_shape
// with begin and end pads).
func poolOutSize(n, k, s, pb, pe, dil int, ceil bool) (int, error) {
	span := n + pb + pe - dil*(k-1) - 1
	if span < 0 {
		return 0, fmt.Errorf("size %d with pads %d+%d is smaller than the dilated kernel %d", n, pb, pe, dil*(k-1)+1)
	}
	if ceil {
		span += s - 1
	}
	out := span/s + 1
	if ceil && (out-1)*s >= n+pb {
		out-- // the last window would start in the end padding
	}
	return out, nil
}

func (k *poolKernel) Cost() float64 { return float64(k.planes * len(k.win)) }

// args returns the argmax of sample s's output elements.
func (k *poolKernel) args(st *graph.State, s int) []int {
	n := k.planes * k.outSp
	return st.Ints(0, st.Samples*n)[s*n : (s+1)*n]
}

// Prepare chooses each window's element as PyTorch's CPU kernel does: the
// first x > max in scan order, or x NaN, from max = −∞ and the first
// in-bounds element. Max pooling writes the maxima as it goes.
func (k *poolKernel) Prepare(st *graph.State, out graph.Block, in []graph.Block) bool {
	if !k.max {
		return false
	}
	x := in[0]
	write := out.Rows == st.Samples
	for s := 0; s < st.Samples; s++ {
		xr, arg := x.Row(pairRow(s, st.Samples, x.Rows)), k.args(st, s)
		for p := 0; p < k.planes; p++ {
			plane, a := xr[p*k.inSp:(p+1)*k.inSp], arg[p*k.outSp:(p+1)*k.outSp]
			var yp []float64
			if write {
				yp = out.Row(s)[p*k.outSp : (p+1)*k.outSp]
			}
			for o := range a {
				b, m := argmax(plane, k.win[k.start[o]:k.start[o+1]])
				a[o] = p*k.inSp + b
				if write {
					yp[o] = m
				}
			}
		}
	}
	return write
}

// argmax returns the element of window w of plane that Prepare chooses,
// and its value. The first element is taken whatever it is (from max = −∞,
// only −∞ would not be, and then max stays −∞), and each choice after it
// is made with masks, not branches: the comparisons of a max pooling's
// inputs are unpredictable, and the mispredictions cost more than the
// selections (9.4 against 4.3 ms for 32 images of 64 × 24 × 24).
func argmax(plane []float64, w []int) (best int, m float64) {
	best = w[0]
	m = plane[best]
	for _, i := range w[1:] {
		v := plane[i]
		take := -(b2i(v > m) | b2i(v != v))
		best ^= (best ^ i) & take
		m = math.Float64frombits(math.Float64bits(m) ^ (math.Float64bits(m)^math.Float64bits(v))&uint64(take))
	}
	return best, m
}

// b2i is 1 for true and 0 for false, without a branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (k *poolKernel) Apply(st *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	if x.Zero() {
		out.Clear()
		return
	}
	for r := 0; r < out.Rows; r++ {
		xr, y := x.Row(pairRow(r, out.Rows, x.Rows)), out.Row(r)
		if k.max {
			for e, i := range k.args(st, pairRow(r, out.Rows, st.Samples)) {
				y[e] = xr[i]
			}
			continue
		}
		for p := 0; p < k.planes; p++ {
			plane, yp := xr[p*k.inSp:(p+1)*k.inSp], y[p*k.outSp:(p+1)*k.outSp]
			for o := range yp {
				sum := 0.0
				for _, i := range k.win[k.start[o]:k.start[o+1]] {
					sum += plane[i]
				}
				yp[o] = sum * k.inv[o]
			}
		}
	}
}

func (k *poolKernel) Transpose(st *graph.State, inC []graph.Block, w graph.Block) {
	c := inC[0]
	if c.Zero() {
		return
	}
	for r := 0; r < w.Rows; r++ {
		wr, cr := w.Row(r), c.Row(pairRow(r, w.Rows, c.Rows))
		if k.max {
			for e, i := range k.args(st, pairRow(r, w.Rows, st.Samples)) {
				cr[i] += wr[e]
			}
			continue
		}
		for p := 0; p < k.planes; p++ {
			plane, wp := cr[p*k.inSp:(p+1)*k.inSp], wr[p*k.outSp:(p+1)*k.outSp]
			for o, g := range wp {
				g *= k.inv[o]
				for _, i := range k.win[k.start[o]:k.start[o+1]] {
					plane[i] += g
				}
			}
		}
	}
}

// ResizeAttrs holds the resolved attributes of ONNX Resize (opset 13 and
// later: the scales or sizes input already read) for an input
// [N, C, D₁, …, D_d].
type ResizeAttrs struct {
	// Mode is mode: "nearest" (the default when empty) or "linear"
	// (linear, bilinear, trilinear by d).
	Mode string
	// CoordinateTransformationMode is coordinate_transformation_mode:
	// "half_pixel" (the default when empty), "pytorch_half_pixel",
	// "align_corners" or "asymmetric".
	CoordinateTransformationMode string
	// NearestMode is nearest_mode, for mode "nearest": "round_prefer_floor"
	// (the default when empty), "round_prefer_ceil", "floor" or "ceil".
	NearestMode string
	// Sizes are the output's spatial sizes, d values (or all d+2, the
	// first two equal to N and C). Exactly one of Sizes and Scales is set.
	Sizes []int
	// Scales are the spatial scale factors, d values (or all d+2, the
	// first two 1); the output size is ⌊D·scale⌋.
	Scales []float64
}

// Resize returns ONNX Resize with the scales or sizes resolved into a, as
// PyTorch exports nn.Upsample and F.interpolate: mode "nearest" with
// "asymmetric" and nearest_mode "floor"; mode "linear" with "half_pixel"
// (align_corners=False) or "align_corners". Each output element is a fixed
// combination of at most 2^d input elements, computed in Init; Resize is
// linear.
//
// Special cases are those of PyTorch 1.13's CPU kernels, which differ from
// ONNX's formulas in rounding and in these:
//
//	the step between source coordinates is 1/scale when scales are given
//	  and D/size otherwise (ONNX divides by the scale)
//	nearest, asymmetric, floor: the source index is ⌊o·step⌋ in float32, as
//	  PyTorch computes it; for C = 1 and d ≥ 2, where PyTorch takes its
//	  channels-last kernel, an output size equal to D copies and one equal to
//	  2D takes o/2, whatever the scale. PyTorch's backward takes these
//	  shortcuts for every C, so at such fractional scales with C > 1 or d = 1
//	  its gradient is not that of its own forward; Resize's derivatives are
//	  always those of its value.
//	linear: an output size equal to D copies the input, whatever the scale;
//	  source coordinates below 0 clamp to 0, and the lower index is taken
//	  with PyTorch's float32 floor
//
// Other nearest combinations follow the ONNX formulas. Resize has no kinks:
// the weights depend only on the shapes.
func Resize(a ResizeAttrs) graph.Op {
	return newLinear(&resizeKernel{a: a})
}

// resizeKernel is Resize. Output spatial position o of a plane is
// Σ wt[t]·x[src[t]] over t in start[o]:start[o+1].
type resizeKernel struct {
	a ResizeAttrs

	planes, inSp, outSp int
	start, src          []int
	wt                  []float64
}

func (k *resizeKernel) Type() string { return "Resize" }

// resizeTap is one source element of one output coordinate along one
// dimension.
type resizeTap struct {
	i int
	w float64
}

func (k *resizeKernel) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	if len(x) < 3 {
		return nil, fmt.Errorf("input shape %v: want [N, C, D1, ...] with at least one spatial dimension", x)
	}
	a := k.a
	if a.Mode == "" {
		a.Mode = "nearest"
	}
	if a.CoordinateTransformationMode == "" {
		a.CoordinateTransformationMode = "half_pixel"
	}
	if a.NearestMode == "" {
		a.NearestMode = "round_prefer_floor"
	}
	switch a.Mode {
	case "nearest":
		switch a.NearestMode {
		case "floor", "ceil", "round_prefer_floor", "round_prefer_ceil":
		default:
			return nil, fmt.Errorf("nearest_mode %q: want floor, ceil, round_prefer_floor or round_prefer_ceil", a.NearestMode)
		}
	case "linear":
	default:
		return nil, fmt.Errorf("mode %q: want nearest or linear", a.Mode)
	}
	switch a.CoordinateTransformationMode {
	case "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric":
	default:
		return nil, fmt.Errorf("coordinate_transformation_mode %q: want half_pixel, pytorch_half_pixel, align_corners or asymmetric", a.CoordinateTransformationMode)
	}
	d := len(x) - 2
	sp := x[2:]
	sizes, scales := a.Sizes, a.Scales
	if (sizes == nil) == (scales == nil) {
		return nil, fmt.Errorf("want exactly one of sizes and scales")
	}
	if len(sizes) == d+2 {
		if sizes[0] != x[0] || sizes[1] != x[1] {
			return nil, fmt.Errorf("sizes %v: resizing N or C of %v is not supported", sizes, x)
		}
		sizes = sizes[2:]
	}
	if len(scales) == d+2 {
		if scales[0] != 1 || scales[1] != 1 {
			return nil, fmt.Errorf("scales %v: resizing N or C is not supported", scales)
		}
		scales = scales[2:]
	}
	if sizes != nil && len(sizes) != d || scales != nil && len(scales) != d {
		return nil, fmt.Errorf("sizes %v, scales %v: want %d or %d values for input %v", a.Sizes, a.Scales, d, d+2, x)
	}
	out := graph.Shape{x[0], x[1]}
	for i := 0; i < d; i++ {
		var m int
		if sizes != nil {
			m = sizes[i]
		} else {
			if !(scales[i] > 0) || math.IsInf(scales[i], 0) {
				return nil, fmt.Errorf("scales %v: want positive finite values", a.Scales)
			}
			m = int(math.Floor(float64(sp[i]) * scales[i]))
		}
		if m < 1 || sp[i] < 1 {
			return nil, fmt.Errorf("spatial dimension %d: size %d to %d, want both at least 1", i, sp[i], m)
		}
		out = append(out, m)
	}
	taps := make([][][]resizeTap, d) // per dimension, per output coordinate
	for i := 0; i < d; i++ {
		scale := 0.0
		if scales != nil {
			scale = scales[i]
		}
		taps[i] = resizeTaps(a, sp[i], out[2+i], scale, x[1] == 1 && d >= 2)
	}
	k.planes = x[0] * x[1]
	k.inSp, k.outSp = graph.Shape(sp).Size(), graph.Shape(out[2:]).Size()
	k.start = make([]int, 0, k.outSp+1)
	k.src, k.wt = k.src[:0], k.wt[:0]
	o := make([]int, d)
	t := make([]int, d) // tap choice per dimension
	nt := make([]int, d)
	for p := 0; p < k.outSp; p++ {
		k.start = append(k.start, len(k.src))
		n := 1
		for i := range nt {
			nt[i] = len(taps[i][o[i]])
			n *= nt[i]
			t[i] = 0
		}
		for q := 0; q < n; q++ {
			off, w := 0, 1.0
			for i := 0; i < d; i++ {
				tp := taps[i][o[i]][t[i]]
				off = off*sp[i] + tp.i
				w *= tp.w
			}
			k.src, k.wt = append(k.src, off), append(k.wt, w)
			incr(t, nt)
		}
		incr(o, out[2:])
	}
	k.start = append(k.start, len(k.src))
	return out, nil
}

// resizeTaps returns, for each of the m output coordinates along one
// dimension of size n, its source elements and weights. scale is the scale
// factor if given, else 0; cl reports whether PyTorch would take its
// channels-last nearest kernel.
func resizeTaps(a ResizeAttrs, n, m int, scale float64, cl bool) [][]resizeTap {
	taps := make([][]resizeTap, m)
	ctm := a.CoordinateTransformationMode
	if a.Mode == "nearest" && ctm == "asymmetric" && a.NearestMode == "floor" {
		// PyTorch's nearest_idx and nearest_neighbor_compute_source_index.
		step := float32(n) / float32(m)
		if scale > 0 {
			step = float32(1 / scale)
		}
		for o := range taps {
			var i int
			switch {
			case cl && m == n:
				i = o
			case cl && m == 2*n:
				i = o >> 1
			default:
				i = min(int(math.Floor(float64(float32(o)*step))), n-1)
			}
			taps[o] = []resizeTap{{i, 1}}
		}
		return taps
	}
	if a.Mode == "nearest" {
		// ONNX: x_original = f(x_resized) with scale = scales or m/n.
		s := float64(m) / float64(n)
		if scale > 0 {
			s = scale
		}
		for o := range taps {
			var c float64
			switch ctm {
			case "asymmetric":
				c = float64(o) / s
			case "half_pixel":
				c = (float64(o)+0.5)/s - 0.5
			case "pytorch_half_pixel":
				if m > 1 {
					c = (float64(o)+0.5)/s - 0.5
				}
			case "align_corners":
				if m > 1 {
					c = float64(o) * float64(n-1) / float64(m-1)
				}
			}
			var i float64
			switch f := c - math.Floor(c); a.NearestMode {
			case "floor":
				i = math.Floor(c)
			case "ceil":
				i = math.Ceil(c)
			case "round_prefer_floor":
				if f == 0.5 {
					i = math.Floor(c)
				} else {
					i = math.Round(c)
				}
			case "round_prefer_ceil":
				if f == 0.5 {
					i = math.Ceil(c)
				} else {
					i = math.Round(c)
				}
			}
			taps[o] = []resizeTap{{int(min(max(i, 0), float64(n-1))), 1}}
		}
		return taps
	}
	// Linear: PyTorch's compute_source_index_and_lambda.
	if m == n {
		for o := range taps {
			taps[o] = []resizeTap{{o, 1}, {o, 0}}
		}
		return taps
	}
	var step float64
	switch {
	case ctm == "align_corners":
		if m > 1 {
			step = float64(n-1) / float64(m-1)
		}
	case scale > 0:
		step = 1 / scale
	default:
		step = float64(n) / float64(m)
	}
	for o := range taps {
		var c float64
		switch ctm {
		case "asymmetric", "align_corners":
			c = step * float64(o)
		case "half_pixel":
			c = step*(float64(o)+0.5) - 0.5
		case "pytorch_half_pixel":
			if m > 1 {
				c = step*(float64(o)+0.5) - 0.5
			}
		}
		c = max(c, 0)
		i0 := min(int(math.Floor(float64(float32(c)))), n-1)
		l1 := min(max(c-float64(i0), 0), 1)
		i1 := i0
		if i0 < n-1 {
			i1++
		}
		taps[o] = []resizeTap{{i0, 1 - l1}, {i1, l1}}
	}
	return taps
}

func (k *resizeKernel) Cost() float64 { return 2 * float64(k.planes*len(k.src)) }

func (k *resizeKernel) Apply(_ *graph.State, out graph.Block, in []graph.Block) {
	x := in[0]
	if x.Zero() {
		out.Clear()
		return
	}
	for r := 0; r < out.Rows; r++ {
		xr, y := x.Row(pairRow(r, out.Rows, x.Rows)), out.Row(r)
		for p := 0; p < k.planes; p++ {
			plane, yp := xr[p*k.inSp:(p+1)*k.inSp], y[p*k.outSp:(p+1)*k.outSp]
			for o := range yp {
				sum := 0.0
				for t := k.start[o]; t < k.start[o+1]; t++ {
					sum += k.wt[t] * plane[k.src[t]]
				}
				yp[o] = sum
			}
		}
	}
}

func (k *resizeKernel) Transpose(_ *graph.State, inC []graph.Block, w graph.Block) {
	c := inC[0]
	if c.Zero() {
		return
	}
	for r := 0; r < w.Rows; r++ {
		wr, cr := w.Row(r), c.Row(pairRow(r, w.Rows, c.Rows))
		for p := 0; p < k.planes; p++ {
			plane, wp := cr[p*k.inSp:(p+1)*k.inSp], wr[p*k.outSp:(p+1)*k.outSp]
			for o, g := range wp {
				for t := k.start[o]; t < k.start[o+1]; t++ {
					plane[k.src[t]] += k.wt[t] * g
				}
			}
		}
	}
}
