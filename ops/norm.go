package ops

import (
	"fmt"
	"math"

	"github.com/dualgrad/dualgrad/graph"
	"github.com/dualgrad/dualgrad/hyperdual"
)

// The normalizations: BatchNormalization (inference), LayerNormalization and
// InstanceNormalization. Each is a dedicated op whose first and second
// derivatives are written in closed form, with all inputs differentiable,
// and whose oracle (Hyper) evaluates the defining formula in hyper-dual
// arithmetic. Variances are biased (divided by n), as in PyTorch.

// pairedRow returns the row of b that pairs with row r of a block of R
// rows, or nil if b is zero.
func pairedRow(b graph.Block, r, R int) []float64 {
	if b.Zero() {
		return nil
	}
	return b.Row(pairRow(r, R, b.Rows))
}

// at returns x[i], or 0 for a nil x.
func at(x []float64, i int) float64 {
	if x == nil {
		return 0
	}
	return x[i]
}

// maxRows returns the largest row count of the non-zero blocks, at least r.
func maxRows(r int, bs ...graph.Block) int {
	for _, b := range bs {
		if !b.Zero() {
			r = max(r, b.Rows)
		}
	}
	return r
}

// batchNormOp is BatchNormalization in inference mode. Per channel c, with
// s = (v + ε)^(−1/2) (so s′ = −s³/2 and s″ = 3s⁵/4 in v) and z = x − μ,
//
//	y = γ·z·s + β,
//	ẏ = γ̇·z·s + γ·ż·s + γ·z·s′·v̇ + β̇,             ż = ẋ − μ̇,
//	f″[a, b] = ż_b(s·γ̇_a + γ·s′·v̇_a) + ż_a(s·γ̇_b + γ·s′·v̇_b)
//	           + z(s′(γ̇_a·v̇_b + γ̇_b·v̇_a) + γ·s″·v̇_a·v̇_b).
//
// Forward records s per sample and channel (floats 0) and the number of
// samples (ints 0).
type batchNormOp struct {
	eps         float64
	n, c, inner int // x is [n, c, inner…]
	size        int
}

// BatchNorm returns ONNX BatchNormalization in inference mode
// (training_mode = 0), PyTorch's BatchNorm in eval mode:
// y = γ·(x − mean)/√(var + ε) + β per channel, the channel being axis 1 of
// x, of shape [N, C, …]. The inputs are, in ONNX order, X, scale γ, bias B,
// input_mean and input_var, each but X of shape [C]; eps is the attribute
// epsilon. momentum plays no part in inference.
//
// The derivatives are exact in every input, the mean and variance included:
// a graph makes them constants, which have zero tangents.
func BatchNorm(eps float64) graph.Op { return &batchNormOp{eps: eps} }

func (o *batchNormOp) Type() string { return "BatchNormalization" }

func (o *batchNormOp) Init(in []graph.Shape) (graph.Shape, error) {
	if err := wantInputs(in, 5); err != nil {
		return nil, err
	}
	x := in[0]
	if len(x) < 2 {
		return nil, fmt.Errorf("input shape %v: want [N, C, …]", x)
	}
	o.n, o.c, o.inner, o.size = x[0], x[1], x[2:].Size(), x.Size()
	for j, name := range []string{"", "scale", "bias", "mean", "var"} {
		if j > 0 && !in[j].Equal(graph.Shape{o.c}) {
			return nil, fmt.Errorf("%s shape %v: want [%d]", name, in[j], o.c)
		}
	}
	return x.Clone(), nil
}

func (o *batchNormOp) Cost() float64   { return 3 * float64(o.size) }
func (o *batchNormOp) Nonlinear() bool { return true }

func (o *batchNormOp) Forward(st *graph.State, out graph.Block, in []graph.Block) {
	ns := out.Rows
	st.Ints(0, 1)[0] = ns
	s := st.Floats(0, ns*o.c)
	for q := 0; q < ns; q++ {
		v := in[4].Row(pairRow(q, ns, in[4].Rows))
		for c, vc := range v {
			s[q*o.c+c] = 1 / math.Sqrt(vc+o.eps)
		}
		x, g, b, m := in[0].Row(pairRow(q, ns, in[0].Rows)), in[1].Row(pairRow(q, ns, in[1].Rows)),
			in[2].Row(pairRow(q, ns, in[2].Rows)), in[3].Row(pairRow(q, ns, in[3].Rows))
		y, sq := out.Row(q), s[q*o.c:(q+1)*o.c]
		for e0 := 0; e0 < o.size; e0 += o.inner {
			c := (e0 / o.inner) % o.c
			for e := e0; e < e0+o.inner; e++ {
				y[e] = g[c]*(x[e]-m[c])*sq[c] + b[c]
			}
		}
	}
}

// scales returns s of the sample that row r of a block of R rows belongs to.
func (o *batchNormOp) scales(st *graph.State, r, R int) []float64 {
	ns := st.Ints(0, 1)[0]
	q := pairRow(r, R, ns)
	return st.Floats(0, ns*o.c)[q*o.c : (q+1)*o.c]
}

func (o *batchNormOp) JVP(st *graph.State, out graph.Block, in, inT []graph.Block) {
	R := out.Rows
	for r := 0; r < R; r++ {
		s := o.scales(st, r, R)
		x, g, m := pairedRow(in[0], r, R), pairedRow(in[1], r, R), pairedRow(in[3], r, R)
		tx, tg, tb, tm, tv := pairedRow(inT[0], r, R), pairedRow(inT[1], r, R), pairedRow(inT[2], r, R), pairedRow(inT[3], r, R), pairedRow(inT[4], r, R)
		y := out.Row(r)
		for e0 := 0; e0 < o.size; e0 += o.inner {
			c := (e0 / o.inner) % o.c
			sc := s[c]
			// ẏ = a·ẋ + b·z + k per channel.
			a := g[c] * sc
			b := at(tg, c)*sc - 0.5*g[c]*sc*sc*sc*at(tv, c)
			k := at(tb, c) - a*at(tm, c)
			for e := e0; e < e0+o.inner; e++ {
				y[e] = b*(x[e]-m[c]) + k
			}
			if tx != nil {
				for e := e0; e < e0+o.inner; e++ {
					y[e] += a * tx[e]
				}
			}
		}
	}
}

// transpose adds f_jᵀw to each non-zero dst[j], over the rows of w.
func (o *batchNormOp) transpose(st *graph.State, dst, in []graph.Block, w graph.Block) {
	R := w.Rows
	for r := 0; r < R; r++ {
		s := o.scales(st, r, R)
		x, g, m := pairedRow(in[0], r, R), pairedRow(in[1], r, R), pairedRow(in[3], r, R)
		cx, cg, cb, cm, cv := pairedRow(dst[0], r, R), pairedRow(dst[1], r, R), pairedRow(dst[2], r, R), pairedRow(dst[3], r, R), pairedRow(dst[4], r, R)
		wr := w.Row(r)
		for e0 := 0; e0 < o.size; e0 += o.inner {
			c := (e0 / o.inner) % o.c
			sc := s[c]
			a := g[c] * sc
			sw, swz := 0.0, 0.0
			for e := e0; e < e0+o.inner; e++ {
				sw += wr[e]
				swz += wr[e] * (x[e] - m[c])
			}
			if cx != nil {
				for e := e0; e < e0+o.inner; e++ {
					cx[e] += a * wr[e]
				}
			}
			if cg != nil {
				cg[c] += sc * swz
			}
			if cb != nil {
				cb[c] += sw
			}
			if cm != nil {
				cm[c] -= a * sw
			}
			if cv != nil {
				cv[c] -= 0.5 * g[c] * sc * sc * sc * swz
			}
		}
	}
}

func (o *batchNormOp) VJP(st *graph.State, inC, in []graph.Block, w graph.Block) {
	o.transpose(st, inC, in, w)
}

func (o *batchNormOp) Reverse2(st *graph.State, inW, inV, in, inT []graph.Block, w, v graph.Block) {
	if !w.Zero() {
		o.transpose(st, inW, in, w)
	}
	if !v.Zero() {
		o.transpose(st, inV, in, v)
	}
	if w.Zero() || (inT[0].Zero() && inT[1].Zero() && inT[3].Zero() && inT[4].Zero()) {
		return
	}
	// ⟨w, f″[t, b]⟩ = Σ w·(ż_b·K_z + γ̇_b·K_γ + v̇_b·K_v) with
	// K_z = s·γ̇ + γ·s′·v̇, K_γ = s·ż + s′·v̇·z, K_v = s′(γ̇·z + γ·ż) + γ·s″·v̇·z.
	R := maxRows(w.Rows, inT[0], inT[1], inT[3], inT[4])
	for r := 0; r < R; r++ {
		s := o.scales(st, r, R)
		x, g, m := pairedRow(in[0], r, R), pairedRow(in[1], r, R), pairedRow(in[3], r, R)
		tx, tg, tm, tv := pairedRow(inT[0], r, R), pairedRow(inT[1], r, R), pairedRow(inT[3], r, R), pairedRow(inT[4], r, R)
		cx, cg, cm, cv := pairedRow(inV[0], r, R), pairedRow(inV[1], r, R), pairedRow(inV[3], r, R), pairedRow(inV[4], r, R)
		wr := w.Row(pairRow(r, R, w.Rows))
		for e0 := 0; e0 < o.size; e0 += o.inner {
			c := (e0 / o.inner) % o.c
			sc := s[c]
			sp, spp := -0.5*sc*sc*sc, 0.75*sc*sc*sc*sc*sc
			gt, mt, vt := at(tg, c), at(tm, c), at(tv, c)
			kz := sc*gt + g[c]*sp*vt
			sw, swz, swzt := 0.0, 0.0, 0.0 // Σw, Σw·z, Σw·ż
			for e := e0; e < e0+o.inner; e++ {
				sw += wr[e]
				swz += wr[e] * (x[e] - m[c])
			}
			swzt = -mt * sw
			if tx != nil {
				for e := e0; e < e0+o.inner; e++ {
					swzt += wr[e] * tx[e]
				}
			}
			if cx != nil {
				for e := e0; e < e0+o.inner; e++ {
					cx[e] += kz * wr[e]
				}
			}
			if cm != nil {
				cm[c] -= kz * sw
			}
			if cg != nil {
				cg[c] += sc*swzt + sp*vt*swz
			}
			if cv != nil {
				cv[c] += sp*(gt*swz+g[c]*swzt) + g[c]*spp*vt*swz
			}
		}
	}
}

func (o *batchNormOp) JVP2(st *graph.State, out graph.Block, in, inT1, inT2 []graph.Block) {
	R := out.Rows
	for r := 0; r < R; r++ {
		s := o.scales(st, r, R)
		x, g, m := pairedRow(in[0], r, R), pairedRow(in[1], r, R), pairedRow(in[3], r, R)
		ax, ag, am, av := pairedRow(inT1[0], r, R), pairedRow(inT1[1], r, R), pairedRow(inT1[3], r, R), pairedRow(inT1[4], r, R)
		bx, bg, bm, bv := pairedRow(inT2[0], r, R), pairedRow(inT2[1], r, R), pairedRow(inT2[3], r, R), pairedRow(inT2[4], r, R)
		y := out.Row(r)
		for e0 := 0; e0 < o.size; e0 += o.inner {
			c := (e0 / o.inner) % o.c
			sc := s[c]
			sp, spp := -0.5*sc*sc*sc, 0.75*sc*sc*sc*sc*sc
			ga, gb, ma, mb, va, vb := at(ag, c), at(bg, c), at(am, c), at(bm, c), at(av, c), at(bv, c)
			// y += ż_b·ka + ż_a·kb + z·kz
			ka, kb := sc*ga+g[c]*sp*va, sc*gb+g[c]*sp*vb
			kz := sp*(ga*vb+gb*va) + g[c]*spp*va*vb
			k := -mb*ka - ma*kb
			for e := e0; e < e0+o.inner; e++ {
				y[e] += kz*(x[e]-m[c]) + k
			}
			if bx != nil {
				for e := e0; e < e0+o.inner; e++ {
					y[e] += ka * bx[e]
				}
			}
			if ax != nil {
				for e := e0; e < e0+o.inner; e++ {
					y[e] += kb * ax[e]
				}
			}
		}
	}
}

// Hyper evaluates γ·(x − μ)·(1/√(v + ε)) + β in hyper-dual arithmetic.
func (o *batchNormOp) Hyper(_ *graph.State, out []hyperdual.Number, in [][]hyperdual.Number) {
	x, g, b, m, v := in[0], in[1], in[2], in[3], in[4]
	for e := range out {
		c := (e / o.inner) % o.c
		s := hyperdual.Inv(hyperdual.Sqrt(hyperdual.Add(v[c], hyperdual.Const(o.eps))))
		out[e] = hyperdual.Add(hyperdual.Mul(hyperdual.Mul(g[c], hyperdual.Sub(x[e], m[c])), s), b[c])
	}
}

// normOp is LayerNormalization and InstanceNormalization: each sample's
// elements fall into contiguous slices of n elements, each normalized by its
// own mean and biased variance, then scaled and shifted element-wise by γ
// and β (gathered through gidx and bidx). Per slice, with ā the mean of a,
// a′ = a − ā, d = x − x̄, σ² = ⟨d, d⟩/n, r = (σ² + ε)^(−1/2), u = r·d and
// α_a = ⟨u, a′⟩/n:
//
//	y = γ⊙u + β,
//	N′a = r(a′ − α_a·u)                      (symmetric: N′ᵀ = N′),
//	N″[a, b] = r²(−α_b·a′ − α_a·b′ + (3α_a·α_b − ⟨a′, b′⟩/n)·u),
//	ẏ = γ̇⊙u + γ⊙N′ẋ + β̇,
//	f″[a, b] = γ̇_a⊙N′b_x + γ̇_b⊙N′a_x + γ⊙N″[a_x, b_x],
//
// and ∂⟨g, N″[t, ·]⟩ = r²(−(⟨g, t′⟩/n)·u − α_t·g′ + (⟨g, u⟩/n)(3α_t·u − t′)).
//
// Forward records u per sample (floats 0), r per sample and slice (floats
// 1) and the number of samples (ints 0).
type normOp struct {
	name       string
	axis       int
	eps        float64
	slices, n  int
	size       int
	gidx, bidx []int // per element of a sample, its element of γ and of β
}

// LayerNorm returns ONNX LayerNormalization (opset 17), PyTorch's
// layer_norm: every sample is normalized over the dimensions from axis on
// (attribute axis, negative counting from the end), with the mean and the
// biased variance of those elements, then scaled by Scale and shifted by
// the optional B, both broadcast to the normalized dimensions. eps is the
// attribute epsilon. The inputs are X, Scale and optionally B; only the
// output Y is produced (not Mean or InvStdDev), and stash_type plays no part
// in float64.
//
// At opsets below 17 PyTorch exports layer norm as ReduceMean, Sub, Pow,
// ReduceMean, Add, Sqrt, Div, Mul, Add nodes instead.
//
// LayerNorm is smooth in every input for ε > 0, second order included.
func LayerNorm(axis int, eps float64) graph.Op {
	return &normOp{name: "LayerNormalization", axis: axis, eps: eps}
}

// InstanceNorm returns ONNX InstanceNormalization, PyTorch's instance_norm
// with input statistics: X of shape [N, C, D₁, …] is normalized per (n, c)
// over D₁, … with the mean and the biased variance, then scaled by scale
// and shifted by B, both of shape [C]. eps is the attribute epsilon.
//
// PyTorch 1.13 exports GroupNorm as Reshape to [N, G, −1],
// InstanceNormalization with scale 1 and bias 0, Reshape back, then Mul by
// the weight and Add of the bias.
//
// InstanceNorm is smooth in every input for ε > 0, second order included.
func InstanceNorm(eps float64) graph.Op {
	return &normOp{name: "InstanceNormalization", eps: eps}
}

func (o *normOp) Type() string { return o.name }

func (o *normOp) Init(in []graph.Shape) (graph.Shape, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("has no inputs")
	}
	x := in[0]
	o.size = x.Size()
	o.gidx = make([]int, o.size)
	if o.name == "InstanceNormalization" {
		if err := wantInputs(in, 3); err != nil {
			return nil, err
		}
		if len(x) < 3 {
			return nil, fmt.Errorf("input shape %v: want [N, C, D1, …]", x)
		}
		c := x[1]
		for j, name := range []string{"", "scale", "B"} {
			if j > 0 && !in[j].Equal(graph.Shape{c}) {
				return nil, fmt.Errorf("%s shape %v: want [%d]", name, in[j], c)
			}
		}
		o.n = x[2:].Size()
		o.slices = x[:2].Size()
		for e := range o.gidx {
			o.gidx[e] = (e / o.n) % c
		}
		o.bidx = o.gidx
		return x.Clone(), nil
	}
	if len(in) != 2 && len(in) != 3 {
		return nil, fmt.Errorf("has %d inputs, want 2 or 3", len(in))
	}
	a := o.axis
	if a < -len(x) || a >= len(x) {
		return nil, fmt.Errorf("axis %d out of range for input shape %v", o.axis, x)
	}
	if a < 0 {
		a += len(x)
	}
	norm := x[a:]
	o.n, o.slices = norm.Size(), x[:a].Size()
	gather := func(s graph.Shape, name string) ([]int, error) {
		if b, err := Broadcast(s, norm); err != nil || !b.Equal(norm) {
			return nil, fmt.Errorf("%s shape %v does not broadcast to the normalized shape %v", name, s, norm)
		}
		bi := BroadcastIndex(s, norm)
		idx := make([]int, o.size)
		for e := range idx {
			idx[e] = bi[e%o.n]
		}
		return idx, nil
	}
	var err error
	if o.gidx, err = gather(in[1], "Scale"); err != nil {
		return nil, err
	}
	if len(in) == 3 {
		if o.bidx, err = gather(in[2], "B"); err != nil {
			return nil, err
		}
	}
	return x.Clone(), nil
}

func (o *normOp) Cost() float64   { return 8 * float64(o.size) }
func (o *normOp) Nonlinear() bool { return true }

func (o *normOp) Forward(st *graph.State, out graph.Block, in []graph.Block) {
	ns := out.Rows
	st.Ints(0, 1)[0] = ns
	u, rs := st.Floats(0, ns*o.size), st.Floats(1, ns*o.slices)
	nf := float64(o.n)
	for q := 0; q < ns; q++ {
		x, g := in[0].Row(pairRow(q, ns, in[0].Rows)), in[1].Row(pairRow(q, ns, in[1].Rows))
		var b []float64
		if len(in) > 2 {
			b = in[2].Row(pairRow(q, ns, in[2].Rows))
		}
		y, uq := out.Row(q), u[q*o.size:(q+1)*o.size]
		for k := 0; k < o.slices; k++ {
			lo, hi := k*o.n, (k+1)*o.n
			mean := 0.0
			for _, v := range x[lo:hi] {
				mean += v
			}
			mean /= nf
			vr := 0.0
			for _, v := range x[lo:hi] {
				vr += (v - mean) * (v - mean)
			}
			vr /= nf
			r := 1 / math.Sqrt(vr+o.eps)
			rs[q*o.slices+k] = r
			for e := lo; e < hi; e++ {
				uq[e] = (x[e] - mean) * r
				y[e] = g[o.gidx[e]] * uq[e]
				if b != nil {
					y[e] += b[o.bidx[e]]
				}
			}
		}
	}
}

// stats returns u and r of the sample that row r of a block of R rows
// belongs to.
func (o *normOp) stats(st *graph.State, r, R int) (u, rs []float64) {
	ns := st.Ints(0, 1)[0]
	q := pairRow(r, R, ns)
	return st.Floats(0, ns*o.size)[q*o.size : (q+1)*o.size], st.Floats(1, ns*o.slices)[q*o.slices : (q+1)*o.slices]
}

// centre returns the mean of a[lo:hi] and α_a = ⟨u, a − ā⟩/n.
func (o *normOp) centre(a, u []float64, lo, hi int) (mean, alpha float64) {
	for _, v := range a[lo:hi] {
		mean += v
	}
	mean /= float64(o.n)
	for e := lo; e < hi; e++ {
		alpha += u[e] * (a[e] - mean)
	}
	return mean, alpha / float64(o.n)
}

// bias returns input j's block, or a zero block if there is none.
func bias(b []graph.Block) graph.Block {
	if len(b) > 2 {
		return b[2]
	}
	return graph.Block{}
}

func (o *normOp) JVP(st *graph.State, out graph.Block, in, inT []graph.Block) {
	R := out.Rows
	for r := 0; r < R; r++ {
		u, rs := o.stats(st, r, R)
		g := pairedRow(in[1], r, R)
		tx, tg, tb := pairedRow(inT[0], r, R), pairedRow(inT[1], r, R), pairedRow(bias(inT), r, R)
		y := out.Row(r)
		clear(y)
		for k := 0; k < o.slices; k++ {
			lo, hi := k*o.n, (k+1)*o.n
			if tx != nil {
				tm, al := o.centre(tx, u, lo, hi)
				for e := lo; e < hi; e++ {
					y[e] = g[o.gidx[e]] * rs[k] * (tx[e] - tm - al*u[e])
				}
			}
			if tg != nil {
				for e := lo; e < hi; e++ {
					y[e] += tg[o.gidx[e]] * u[e]
				}
			}
			if tb != nil {
				for e := lo; e < hi; e++ {
					y[e] += tb[o.bidx[e]]
				}
			}
		}
	}
}

// transpose adds f_jᵀw to each non-zero dst[j], over the rows of w.
func (o *normOp) transpose(st *graph.State, dst, in []graph.Block, w graph.Block) {
	R := w.Rows
	nf := float64(o.n)
	for r := 0; r < R; r++ {
		u, rs := o.stats(st, r, R)
		g := pairedRow(in[1], r, R)
		cx, cg, cb := pairedRow(dst[0], r, R), pairedRow(dst[1], r, R), pairedRow(bias(dst), r, R)
		wr := w.Row(r)
		for k := 0; k < o.slices; k++ {
			lo, hi := k*o.n, (k+1)*o.n
			if cx != nil { // N′(γ⊙w)
				gm, gu := 0.0, 0.0
				for e := lo; e < hi; e++ {
					gm += g[o.gidx[e]] * wr[e]
				}
				gm /= nf
				for e := lo; e < hi; e++ {
					gu += u[e] * (g[o.gidx[e]]*wr[e] - gm)
				}
				gu /= nf
				for e := lo; e < hi; e++ {
					cx[e] += rs[k] * (g[o.gidx[e]]*wr[e] - gm - u[e]*gu)
				}
			}
			if cg != nil {
				for e := lo; e < hi; e++ {
					cg[o.gidx[e]] += wr[e] * u[e]
				}
			}
			if cb != nil {
				for e := lo; e < hi; e++ {
					cb[o.bidx[e]] += wr[e]
				}
			}
		}
	}
}

func (o *normOp) VJP(st *graph.State, inC, in []graph.Block, w graph.Block) {
	o.transpose(st, inC, in, w)
}

func (o *normOp) Reverse2(st *graph.State, inW, inV, in, inT []graph.Block, w, v graph.Block) {
	if !w.Zero() {
		o.transpose(st, inW, in, w)
	}
	if !v.Zero() {
		o.transpose(st, inV, in, v)
	}
	if w.Zero() || (inT[0].Zero() && inT[1].Zero()) || (inV[0].Zero() && inV[1].Zero()) {
		return
	}
	R := maxRows(w.Rows, inT[0], inT[1])
	nf := float64(o.n)
	for r := 0; r < R; r++ {
		u, rs := o.stats(st, r, R)
		g := pairedRow(in[1], r, R)
		tx, tg := pairedRow(inT[0], r, R), pairedRow(inT[1], r, R)
		cx, cg := pairedRow(inV[0], r, R), pairedRow(inV[1], r, R)
		wr := w.Row(pairRow(r, R, w.Rows))
		for k := 0; k < o.slices; k++ {
			lo, hi := k*o.n, (k+1)*o.n
			rk := rs[k]
			if tx != nil {
				tm, al := o.centre(tx, u, lo, hi)
				if cg != nil { // w⊙N′ẋ
					for e := lo; e < hi; e++ {
						cg[o.gidx[e]] += wr[e] * rk * (tx[e] - tm - al*u[e])
					}
				}
				if cx != nil { // ∂⟨γ⊙w, N″[ẋ, ·]⟩
					gm, gt, gu := 0.0, 0.0, 0.0
					for e := lo; e < hi; e++ {
						ge := g[o.gidx[e]] * wr[e]
						gm += ge
						gt += ge * (tx[e] - tm)
						gu += ge * u[e]
					}
					gm, gt, gu = gm/nf, gt/nf, gu/nf
					r2 := rk * rk
					for e := lo; e < hi; e++ {
						ge := g[o.gidx[e]] * wr[e]
						cx[e] += r2 * (-gt*u[e] - al*(ge-gm) + gu*(3*al*u[e]-(tx[e]-tm)))
					}
				}
			}
			if tg != nil && cx != nil { // N′(w⊙γ̇)
				hm, hu := 0.0, 0.0
				for e := lo; e < hi; e++ {
					hm += wr[e] * tg[o.gidx[e]]
				}
				hm /= nf
				for e := lo; e < hi; e++ {
					hu += u[e] * (wr[e]*tg[o.gidx[e]] - hm)
				}
				hu /= nf
				for e := lo; e < hi; e++ {
					cx[e] += rk * (wr[e]*tg[o.gidx[e]] - hm - u[e]*hu)
				}
			}
		}
	}
}

func (o *normOp) JVP2(st *graph.State, out graph.Block, in, inT1, inT2 []graph.Block) {
	R := out.Rows
	nf := float64(o.n)
	for r := 0; r < R; r++ {
		u, rs := o.stats(st, r, R)
		g := pairedRow(in[1], r, R)
		ax, ag := pairedRow(inT1[0], r, R), pairedRow(inT1[1], r, R)
		bx, bg := pairedRow(inT2[0], r, R), pairedRow(inT2[1], r, R)
		if (ax == nil || (bx == nil && bg == nil)) && (bx == nil || ag == nil) {
			continue
		}
		y := out.Row(r)
		for k := 0; k < o.slices; k++ {
			lo, hi := k*o.n, (k+1)*o.n
			rk := rs[k]
			var am, aa, bm, ab float64
			if ax != nil {
				am, aa = o.centre(ax, u, lo, hi)
			}
			if bx != nil {
				bm, ab = o.centre(bx, u, lo, hi)
			}
			if ax != nil && bx != nil { // γ⊙N″[a, b]
				dab := 0.0
				for e := lo; e < hi; e++ {
					dab += (ax[e] - am) * (bx[e] - bm)
				}
				dab /= nf
				r2 := rk * rk
				for e := lo; e < hi; e++ {
					y[e] += g[o.gidx[e]] * r2 * (-ab*(ax[e]-am) - aa*(bx[e]-bm) + (3*aa*ab-dab)*u[e])
				}
			}
			if ag != nil && bx != nil {
				for e := lo; e < hi; e++ {
					y[e] += ag[o.gidx[e]] * rk * (bx[e] - bm - ab*u[e])
				}
			}
			if bg != nil && ax != nil {
				for e := lo; e < hi; e++ {
					y[e] += bg[o.gidx[e]] * rk * (ax[e] - am - aa*u[e])
				}
			}
		}
	}
}

// Hyper evaluates the mean, the biased variance and γ·((x − x̄)·r) + β of
// every slice in hyper-dual arithmetic.
func (o *normOp) Hyper(_ *graph.State, out []hyperdual.Number, in [][]hyperdual.Number) {
	x, g := in[0], in[1]
	nf := hyperdual.Const(float64(o.n))
	for k := 0; k < o.slices; k++ {
		lo, hi := k*o.n, (k+1)*o.n
		var mean, vr hyperdual.Number
		for _, v := range x[lo:hi] {
			mean = hyperdual.Add(mean, v)
		}
		mean = hyperdual.Div(mean, nf)
		for e := lo; e < hi; e++ {
			out[e] = hyperdual.Sub(x[e], mean)
			vr = hyperdual.Add(vr, hyperdual.Mul(out[e], out[e]))
		}
		vr = hyperdual.Div(vr, nf)
		r := hyperdual.Inv(hyperdual.Sqrt(hyperdual.Add(vr, hyperdual.Const(o.eps))))
		for e := lo; e < hi; e++ {
			out[e] = hyperdual.Mul(g[o.gidx[e]], hyperdual.Mul(out[e], r))
			if len(in) > 2 {
				out[e] = hyperdual.Add(out[e], in[2][o.bidx[e]])
			}
		}
	}
}
