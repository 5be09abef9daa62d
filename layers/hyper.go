package layers

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// HyperBlock holds n hyper-dual vectors that share k₁ ε₁ directions and k₂
// ε₂ directions, one row per neuron: row r is the value V[r], its ε₁ parts
// E1[r, a], its ε₂ parts E2[r, b] and its ε₁ε₂ parts E12[r, b·k₁+a].
//
// E12 is ε₂-major, so the columns of the ε₂ directions [0, Live) are the
// contiguous prefix [0, Live·k₁) of E12. The ε₂ directions [Live, k₂) are
// zero: Hyper neither reads nor multiplies them. A block with k₁ = 0 or
// k₂ = 0 has nil for the empty matrices.
type HyperBlock struct {
	V    []float64  // n
	E1   *mat.Dense // n × k₁
	E2   *mat.Dense // n × k₂
	E12  *mat.Dense // n × k₂·k₁
	Live int        // the ε₂ directions [Live, k₂) are zero
}

// NewHyperBlock returns a zero block of n rows with k1 ε₁ and k2 ε₂
// directions and Live = 0.
func NewHyperBlock(n, k1, k2 int) *HyperBlock {
	b := &HyperBlock{V: make([]float64, n)}
	if k1 > 0 {
		b.E1 = mat.NewDense(n, k1, nil)
	}
	if k2 > 0 {
		b.E2 = mat.NewDense(n, k2, nil)
	}
	if k1 > 0 && k2 > 0 {
		b.E12 = mat.NewDense(n, k2*k1, nil)
	}
	return b
}

// Dims returns the number of rows and of ε₁ and ε₂ directions. It panics if
// the blocks' shapes are inconsistent.
func (b *HyperBlock) Dims() (n, k1, k2 int) {
	n = len(b.V)
	if b.E1 != nil {
		k1 = checkRows(b.E1, n, "E1")
	}
	if b.E2 != nil {
		k2 = checkRows(b.E2, n, "E2")
	}
	switch {
	case b.E12 != nil:
		if c := checkRows(b.E12, n, "E12"); c != k2*k1 {
			panic(fmt.Sprintf("layers: HyperBlock.E12 has %d columns, want k₂·k₁ = %d", c, k2*k1))
		}
	case k1 > 0 && k2 > 0:
		panic("layers: HyperBlock.E12 is nil")
	}
	return n, k1, k2
}

// checkRows panics if m does not have n rows, and returns its columns.
func checkRows(m *mat.Dense, n int, name string) int {
	r, c := m.Dims()
	if r != n {
		panic(fmt.Sprintf("layers: HyperBlock.%s has %d rows, want %d", name, r, n))
	}
	return c
}

// ParamSeed seeds a network's own parameters as ε₂ directions in Hyper: the
// parameters of layers [From, To), in the flat order of Params, become the
// ε₂ directions Offset, Offset+1, …. The zero value seeds nothing;
// ParamSeed{Offset: off, To: len(n.Layers)} seeds every parameter.
type ParamSeed struct {
	Offset   int
	From, To int
}

// hyperLayer is a layer's output in Hyper: rows × (1, k₁, width, width·k₁)
// blocks, each with contiguous rows.
type hyperLayer struct {
	v, e1, e2, e12 []float64
}

// hyperShape is a layer's ε₂ bookkeeping in Hyper.
type hyperShape struct {
	liveIn, live int // live ε₂ directions before and after the layer
	off          int // ε₂ direction of the layer's first parameter, -1 if not seeded
	width        int // ε₂ directions stored
}

// hyperShapes appends to dst[:0] the ε₂ bookkeeping of each layer of n for
// an input with k2 ε₂ directions of which live are live. Inner layers store
// only their live directions, since the others are structurally zero; the
// last layer stores the output width max(k2, end of the seeded directions).
func (n *Network) hyperShapes(dst []hyperShape, k2, live int, seed ParamSeed) []hyperShape {
	L := len(n.Layers)
	if seed.From < 0 || seed.To > L || seed.From > seed.To || seed.Offset < 0 {
		panic(fmt.Sprintf("layers: invalid ParamSeed %+v for %d layers", seed, L))
	}
	if live < 0 || live > k2 {
		panic(fmt.Sprintf("layers: HyperBlock.Live = %d is outside [0, %d]", live, k2))
	}
	k2out := k2
	if seed.From < seed.To {
		k2out = max(k2, seed.Offset+n.ParamOffset(seed.To)-n.ParamOffset(seed.From))
	}
	dst = dst[:0]
	base := n.ParamOffset(seed.From)
	for l := range n.Layers {
		s := hyperShape{liveIn: live, off: -1}
		if l >= seed.From && l < seed.To {
			s.off = seed.Offset + n.ParamOffset(l) - base
			live = max(live, s.off+n.Layers[l].NumParams())
		}
		s.live, s.width = live, live
		if l == L-1 {
			s.width = k2out
		}
		dst = append(dst, s)
	}
	return dst
}

// HyperBytes returns the bytes of the buffers that Hyper allocates in a
// Workspace for an input with k1 ε₁ and k2 ε₂ directions, of which live are
// live, and the given seed.
func (n *Network) HyperBytes(k1, k2, live int, seed ParamSeed) int64 {
	var size int64
	for l, s := range n.hyperShapes(nil, k2, live, seed) {
		size += int64(n.Layers[l].Out()) * int64(1+k1+s.width+s.width*k1)
	}
	return 8 * size
}

// Hyper carries the hyper-dual block in through n, with every direction at
// once, and returns the output block. The pass starts from any input block:
// the caller fills its values, ε₁ and ε₂ parts and ε₁ε₂ parts, for example
// seeding ε₁ with input directions and ε₂ with other input directions, or
// leaving ε₂ to the parameters. seed adds the parameters of a range of layers
// as further ε₂ directions, so that one pass returns y, ∂y/∂x, ∂y/∂θ and
// ∂²y/∂x∂θ; two passes chain, for example D then Φ with Φ's parameters
// seeded after D's.
//
// A layer's pre-activation a = W·h + b is one GEMM per part (values, ε₁, live
// ε₂, live ε₁ε₂). A seeded parameter p with ε₂ direction c adds
//
//	∂a_i/∂W_ij = h_j:    a2[i, c] += h_j,  a12[i, c·k₁+a] += h1[j, a],
//	∂a_i/∂b_i = 1:       a2[i, c] += 1,
//
// and the activation gives y = σ(a), y1 = σ′·a1, y2 = σ′·a2 and
// y12 = σ′·a12 + σ″·(a1 ⊗ a2) row by row. The ε₂ directions that are still
// structurally zero (parameters of later layers, and directions past in.Live)
// are neither stored for inner layers nor multiplied.
//
// The output has k₁ ε₁ directions and max(k₂, seed.Offset + seeded count) ε₂
// directions, and its Live counts the live prefix; the ε₂ parts past Live are
// zero. It is owned by w and overwritten by the next Hyper with w, so in must
// not be the output of an earlier Hyper with the same w. Hyper panics if the
// shapes of in or seed do not fit n.
func (n *Network) Hyper(w *Workspace, in *HyperBlock, seed ParamSeed) *HyperBlock {
	rows, k1, k2 := in.Dims()
	if rows != n.In() {
		panic(fmt.Sprintf("layers: Hyper input has %d rows, want %d", rows, n.In()))
	}
	L := len(n.Layers)
	if cap(w.hyp) < L {
		w.hyp = make([]hyperLayer, L)
	}
	w.hyp = w.hyp[:L]

	// The previous layer's blocks and their row strides.
	pv, p1, p2, p12 := in.V, raw(in.E1), raw(in.E2), raw(in.E12)
	s1, s2, s12 := stride(in.E1), stride(in.E2), stride(in.E12)

	w.shapes = n.hyperShapes(w.shapes, k2, in.Live, seed)
	for l, sh := range w.shapes {
		lay := &n.Layers[l]
		no, ni, wd := lay.Out(), lay.In(), sh.width
		h := &w.hyp[l]
		h.v = resize(h.v, no)
		h.e1 = resize(h.e1, no*k1)
		h.e2 = resize(h.e2, no*wd)
		h.e12 = resize(h.e12, no*wd*k1)

		w.gemv(lay.W, h.v, pv)
		for i, b := range lay.B {
			h.v[i] += b
		}
		w.gemm(lay.W, h.e1, k1, p1, s1, k1)
		w.gemm(lay.W, h.e2, wd, p2, s2, sh.liveIn)
		w.gemm(lay.W, h.e12, wd*k1, p12, s12, sh.liveIn*k1)

		for i := 0; i < no; i++ {
			e2 := h.e2[i*wd : (i+1)*wd]
			e12 := h.e12[i*wd*k1 : (i+1)*wd*k1]
			clear(e2[sh.liveIn:sh.live])
			clear(e12[sh.liveIn*k1 : sh.live*k1])
			if sh.off >= 0 {
				c := sh.off + i*ni // W[i, 0]
				for j, hj := range pv {
					e2[c+j] += hj
				}
				e2[sh.off+no*ni+i]++ // b[i]
				seg := e12[c*k1 : (c+ni)*k1]
				for j := 0; j < ni; j++ {
					dst := seg[j*k1 : (j+1)*k1]
					for a, v := range p1[j*s1 : j*s1+k1] {
						dst[a] += v
					}
				}
			}
			if lay.Act == Identity {
				continue
			}
			s, d1, d2 := lay.Act.Eval(h.v[i])
			h.v[i] = s
			a1 := h.e1[i*k1 : (i+1)*k1]
			for b, a2 := range e2[:sh.live] {
				blk := e12[b*k1 : (b+1)*k1]
				for a, v := range a1 {
					blk[a] = d1*blk[a] + d2*(v*a2)
				}
				e2[b] = d1 * a2
			}
			for a := range a1 {
				a1[a] *= d1
			}
		}

		pv, p1, p2, p12 = h.v, h.e1, h.e2, h.e12
		s1, s2, s12 = k1, wd, wd*k1
	}

	out, sh := &w.hyp[L-1], w.shapes[L-1]
	live, width := sh.live, sh.width
	no := n.Out()
	for i := 0; i < no; i++ {
		clear(out.e2[i*width+live : (i+1)*width])
		clear(out.e12[(i*width+live)*k1 : (i+1)*width*k1])
	}
	r := &w.hypOut
	*r = HyperBlock{V: out.v, Live: live}
	if k1 > 0 {
		r.E1 = view(&w.hypE[0], out.e1, no, k1, k1)
	}
	if width > 0 {
		r.E2 = view(&w.hypE[1], out.e2, no, width, width)
	}
	if k1 > 0 && width > 0 {
		r.E12 = view(&w.hypE[2], out.e12, no, width*k1, width*k1)
	}
	return r
}

// raw returns the data of m, or nil if m is nil.
func raw(m *mat.Dense) []float64 {
	if m == nil {
		return nil
	}
	return m.RawMatrix().Data
}

// stride returns the row stride of m, or 0 if m is nil.
func stride(m *mat.Dense) int {
	if m == nil {
		return 0
	}
	return m.RawMatrix().Stride
}
