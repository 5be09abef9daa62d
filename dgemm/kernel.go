package dgemm

// kernel is one micro-kernel with the block sizes tuned for it.
type kernel struct {
	name   string
	mr, nr int // register tile: rows of Ã panels, columns of B̃ panels

	// Block sizes, in elements: kc of the inner dimension per packed
	// block, mc rows of op(A) per packed Ã block, nc columns of op(B) per
	// packed B̃ block. mc is a multiple of mr and nc of nr, so that tiles
	// fall at the same places of C however the work is split.
	kc, mc, nc int

	// tile sets the mr' × nr' tile at c (mr' ≤ mr, nr' ≤ nr) to
	// alpha·A·B + beta·C over k steps, where entry (r, p) of A's row panel
	// is a[r + p·as], or a[r·as + p] if rowA, and row p of B's column panel
	// is b[p·bs:]. Packed, as = mr and bs = nr: Ã holds k steps of mr
	// values and B̃ k steps of nr. It reads no entry of A or B outside the
	// tile's rows and columns, overwrites C without reading it when beta
	// is zero, and touches no entry of c outside the tile.
	tile func(k int, a []float64, as int, rowA bool, b []float64, bs int, c []float64, ldc, mr, nr int, alpha, beta float64)

	// jrOuter runs the loop over column panels outside the loop over row
	// panels, so that a panel of B̃ stays in L1 while the row panels of Ã
	// stream from L2; otherwise a panel of Ã stays in L1.
	jrOuter bool

	// fastPack selects the assembly packing routines, trans8, copy8 and
	// copy24.
	fastPack bool

	// direct reports that tile takes any strides, so A and B may be read
	// in place rather than packed; otherwise it needs packed panels.
	direct bool

	// directAMax is the most column panels a transposed A serves when it
	// is read in place (problem.direct): its steps are lda apart, so past
	// this it is packed.
	directAMax int

	// wholeB, if nonzero, is the width of the vectors in which tile loads
	// B's rows without a lane mask, the last one included: B is read in
	// place only when n is a multiple of it, so that no load runs past a
	// row's end (and past the end of the slice on the last row).
	wholeB int

	ok    bool   // whether this CPU can run it
	needs string // what it needs of the CPU
}

// The kernels this build has, best first; the first runnable one is used.
var kernels []*kernel

// active is the kernel in use. Tests switch it; nothing else does.
var active *kernel

func init() {
	kernels = append(archKernels(), &goKernel)
	for _, k := range kernels {
		if k.ok {
			active = k
			break
		}
	}
}

// Name reports which micro-kernel this process uses: "avx512", "avx2" or
// "go".
func Name() string { return active.name }

// goKernel is the portable kernel: a 4 × 4 tile, sixteen accumulators, which
// fit the sixteen vector registers of amd64 and leave arm64's other sixteen
// for the operands. Its blocks keep a B̃ panel (kc × 4) in L1 and the Ã
// block in L2 on any current core.
var goKernel = kernel{
	name: "go",
	mr:   4, nr: 4,
	kc: 256, mc: 128, nc: 1024,
	tile:    tileGo,
	jrOuter: true,
	ok:      true,
}

// tileGo is goKernel's tile. It takes packed panels only.
func tileGo(k int, a []float64, _ int, _ bool, b []float64, _ int, c []float64, ldc, mr, nr int, alpha, beta float64) {
	var c00, c01, c02, c03 float64
	var c10, c11, c12, c13 float64
	var c20, c21, c22, c23 float64
	var c30, c31, c32, c33 float64
	a, b = a[:4*k], b[:4*k]
	for len(a) >= 4 && len(b) >= 4 {
		a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		a, b = a[4:], b[4:]
	}
	t := [4][4]float64{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		ti := t[i][:nr]
		if beta == 0 {
			for j, v := range ti {
				row[j] = alpha * v
			}
		} else {
			for j, v := range ti {
				row[j] = beta*row[j] + alpha*v
			}
		}
	}
}
