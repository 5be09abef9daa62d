package dgemm

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dualgrad/dualgrad/internal/spin"
)

// problem is one call of Gemm with checked arguments, alpha ≠ 0, k > 0 and
// a non-empty C, and its split into parts: part q is the rows
// [rowCut[q/pn], rowCut[q/pn+1]) and the columns [colCut[q%pn],
// colCut[q%pn+1]) of C. Problems are pooled so that calls do not allocate.
type problem struct {
	kern           *kernel
	transA, transB bool
	m, n, k        int
	alpha, beta    float64
	a, b, c        []float64
	lda, ldb, ldc  int

	pm, pn         int // parts along rows and columns
	rowCut, colCut [maxThreads + 1]int
	wg             spin.Group // the parts not yet computed
	// claim is the call's generation (bits 32 up), its number of parts
	// (16–31) and the next part to claim (0–15), in one word, so that a
	// job that runs after its call has ended sees another generation and
	// leaves the problem alone.
	claim atomic.Uint64
	gen   uint32 // the current call's generation, the caller's own

	// gemv marks a Gemv call: transA is its trans, a its matrix (m × n,
	// row stride lda), b its x and c its y, and part q is the entries
	// [rowCut[q], rowCut[q+1]) of y.
	gemv bool
}

// maxThreads bounds the parts of one call.
const maxThreads = 64

var problems = sync.Pool{New: func() any { return new(problem) }}

// workspace is one part's packing buffers. They are kept on a free list,
// not in a sync.Pool: the collector empties pools, and buffers of a
// megabyte or two would then be allocated again after every collection.
type workspace struct {
	a, b []float64
}

var (
	wsMu   sync.Mutex
	wsFree []*workspace
)

func getWorkspace() *workspace {
	wsMu.Lock()
	defer wsMu.Unlock()
	if n := len(wsFree); n > 0 {
		ws := wsFree[n-1]
		wsFree = wsFree[:n-1]
		return ws
	}
	return new(workspace)
}

func putWorkspace(ws *workspace) {
	wsMu.Lock()
	wsFree = append(wsFree, ws)
	wsMu.Unlock()
}

// The buffers of swapped products' Cᵀ, on a free list of their own: one per
// concurrent caller, each grown once to the largest Cᵀ (the packing
// workspaces pass between parts, which would each grow one).
var (
	tMu   sync.Mutex
	tFree []*[]float64
)

func getT(n int) *[]float64 {
	tMu.Lock()
	var t *[]float64
	if k := len(tFree); k > 0 {
		t = tFree[k-1]
		tFree = tFree[:k-1]
	} else {
		t = new([]float64)
	}
	tMu.Unlock()
	*t = grow(*t, n, 1<<16)
	return t
}

func putT(t *[]float64) {
	tMu.Lock()
	tFree = append(tFree, t)
	tMu.Unlock()
}

// packWeight is the cost of packing one entry, in multiply-adds of the
// kernels: about 1 ns a packed entry in a stacked sweep (the large case's
// transposed weights), against 30–60 multiply-adds a nanosecond.
const packWeight = 32

// parMinFlops is the smallest product, in multiply-adds m·n·k, that is split
// over goroutines. Handing a part to a worker that is still polling costs
// well under a microsecond, but one that has parked takes tens of
// microseconds to wake on a virtual machine, about the time one core takes
// for 2²⁰ multiply-adds (about 100³) at 60 GFLOP/s, so smaller products
// are kept on the caller.
const parMinFlops = 1 << 20

// threads is the number of goroutines a product may use; 0 means GOMAXPROCS.
var threads atomic.Int32

// SetThreads sets how many goroutines, the caller's included, one large
// product may use. n ≤ 0 means runtime.GOMAXPROCS(0), read at each call;
// that is the default. n is capped at 64. Results do not depend on n: the
// split is over tiles of C, and every entry is computed the same way.
func SetThreads(n int) {
	threads.Store(int32(min(max(n, 0), maxThreads)))
}

// Threads reports the number of goroutines a large product may use now.
func Threads() int {
	if t := int(threads.Load()); t > 0 {
		return t
	}
	return min(runtime.GOMAXPROCS(0), maxThreads)
}

// gemm runs C = alpha·op(A)·op(B) + beta·C for checked arguments with
// alpha ≠ 0, k > 0, m > 0 and n > 0.
func gemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if !transA && transB && swapPays(active, m, n, k, beta) {
		swapped(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	product(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// swapPays reports whether C = α·A·Bᵀ + β·C is cheaper computed as its
// transpose, Cᵀ = α·B·Aᵀ + β·Cᵀ. A transposed B is always packed, n·k
// entries (every row part packs all of them); the transpose reads B in
// place and packs Aᵀ, m·k entries, at the cost of moving C through a
// buffer (m·n entries, twice with β = 1). It pays for a few rows against
// a wide B: x·Wᵀ for a batch of activations, whose weight W is then packed
// once per call for rows that use it only a few times each. The rows
// become the columns of the transposed product, which the kernels only
// fill well from two vectors of them (m ≥ 16). Only β = 0 and β = 1 are
// transposed, for which the bits are the same (see swapped).
func swapPays(kr *kernel, m, n, k int, beta float64) bool {
	// A kernel that cannot read in place would pack B as the transposed
	// product's A, all of it again.
	if !kr.direct || swapOverride < 0 || beta != 0 && beta != 1 {
		return false
	}
	return swapOverride > 0 || m >= 16 && m*n <= swapMaxC && m*k+2*m*n < n*k/2
}

// swapMaxC bounds the Cᵀ buffer of a swapped product, in entries (8 MiB):
// the buffers stay on their free list, so a product with a larger C is not
// swapped.
const swapMaxC = 1 << 20

// swapOverride, for tests, transposes every product that can be (> 0) or
// none (< 0).
var swapOverride = 0

// swapped computes C = α·A·Bᵀ + β·C, β 0 or 1, as Cᵀ = α·B·Aᵀ + β·Cᵀ in a
// buffer. Entry (i, j) is the same sum in both, Σ_p A_ip·B_jp over the
// same blocks of k in the same order, each step one FMA (whose factors
// commute), scaled by α and added to β·C the same way, so the bits are
// those of the direct product.
func swapped(m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	buf := getT(n * m)
	t := *buf
	if beta == 1 {
		for i := 0; i < m; i++ {
			for j, v := range c[i*ldc : i*ldc+n] {
				t[j*m+i] = v
			}
		}
	}
	product(false, true, n, m, k, alpha, b, ldb, a, lda, beta, t, m)
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			row[j] = t[j*m+i]
		}
	}
	putT(buf)
}

// product is gemm without the choice of swapping.
func product(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	p := problems.Get().(*problem)
	p.kern = active
	p.transA, p.transB = transA, transB
	p.m, p.n, p.k = m, n, k
	p.alpha, p.beta = alpha, beta
	p.a, p.lda, p.b, p.ldb, p.c, p.ldc = a, lda, b, ldb, c, ldc
	p.gemv = false
	p.split()
	p.runParts()
}

// runParts computes the parts of p, on the caller and on workers, and
// releases p.
func (p *problem) runParts() {
	parts := p.pm * p.pn
	if parts == 1 {
		p.part(0)
		p.release()
		return
	}
	// The caller and the workers claim parts from one counter, so a caller
	// whose workers are busy (with the products of other goroutines'
	// calls) computes its parts itself instead of waiting for them. Who
	// computes a part does not change its bits.
	p.gen++
	p.wg.Add(parts)
	p.claim.Store(uint64(p.gen)<<32 | uint64(parts)<<16)
	startWorkers(parts - 1)
	for q := 1; q < parts; q++ {
		jobs <- job{p, p.gen}
	}
	p.run(p.gen)
	p.wg.Wait()
	p.release()
}

// run computes parts of call gen of p until none is left to claim.
func (p *problem) run(gen uint32) {
	for {
		v := p.claim.Load()
		parts, q := v>>16&0xffff, v&0xffff
		if uint32(v>>32) != gen || q >= parts {
			return
		}
		if p.claim.CompareAndSwap(v, v+1) {
			p.part(int(q))
			p.wg.Done()
		}
	}
}

// release returns p to the pool.
func (p *problem) release() {
	p.a, p.b, p.c = nil, nil, nil // do not keep the caller's memory alive
	problems.Put(p)
}

// split chooses the parts of p: as many as Threads allows for its size,
// cut at multiples of the tile so that every part sees whole tiles, along
// rows, columns or a grid of both, whichever makes the largest part
// cheapest: its multiply-adds, plus packWeight for each entry it packs
// (every part packs its own rows of A and columns of B, unless it reads
// them in place). Cutting rows has each part pack all of a
// packed B, cutting columns all of a packed A, and a caller whose workers
// are busy computes every part itself, packing that operand once per part.
func (p *problem) split() {
	kr := p.kern
	if p.m*p.n*p.k < parMinFlops {
		// One part, without the divisions below: they cost a quarter of a
		// small product's overhead.
		p.pm, p.pn = 1, 1
		p.rowCut[0], p.rowCut[1], p.colCut[0], p.colCut[1] = 0, p.m, 0, p.n
		return
	}
	tm, tn := (p.m+kr.mr-1)/kr.mr, (p.n+kr.nr-1)/kr.nr // tiles
	t := min(Threads(), tm*tn)
	bm, bn := 1, 1
	// Fewer parts than t if t has no factors that fit the tiles.
	for ; t > 1 && bm*bn == 1; t-- {
		best := -1
		for pm := 1; pm <= t; pm++ {
			pn := t / pm
			if pm*pn != t || pm > tm || pn > tn {
				continue
			}
			rows, cols := min(p.m, (tm+pm-1)/pm*kr.mr), min(p.n, (tn+pn-1)/pn*kr.nr)
			cost := rows * cols * p.k
			if da, db := p.direct(rows, cols); !da || !db {
				packed := 0
				if !da {
					packed += rows * p.k
				}
				if !db {
					packed += cols * p.k
				}
				cost += packWeight * packed
			}
			if best < 0 || cost < best {
				best, bm, bn = cost, pm, pn
			}
		}
	}
	p.pm, p.pn = bm, bn
	for q := 0; q <= bm; q++ {
		p.rowCut[q] = min(p.m, (tm*q/bm)*kr.mr)
	}
	for q := 0; q <= bn; q++ {
		p.colCut[q] = min(p.n, (tn*q/bn)*kr.nr)
	}
}

// part computes part q of p.
func (p *problem) part(q int) {
	if p.gemv {
		gemvRange(p.transA, p.m, p.n, p.alpha, p.a, p.lda, p.b, p.beta, p.c, p.rowCut[q], p.rowCut[q+1])
		return
	}
	i0, i1 := p.rowCut[q/p.pn], p.rowCut[q/p.pn+1]
	j0, j1 := p.colCut[q%p.pn], p.colCut[q%p.pn+1]
	if i0 == i1 || j0 == j1 {
		return
	}
	da, db := p.direct(i1-i0, j1-j0)
	if da && db {
		p.block(nil, da, db, i0, i1, j0, j1) // nothing to pack
		return
	}
	ws := getWorkspace()
	p.block(ws, da, db, i0, i1, j0, j1)
	putWorkspace(ws)
}

// grow returns s with length n, reallocating only if its capacity is
// short, and then to the largest length a block can need, bound: which
// worker serves which block varies from call to call, and growing by the
// need of each would keep allocating long after warm-up.
func grow(s []float64, n, bound int) []float64 {
	if cap(s) < n {
		return make([]float64, max(n, bound))[:n]
	}
	return s[:n]
}

// block computes rows [i0, i1) and columns [j0, j1) of C: the five loops
// of BLIS. For each block of nc columns and kc steps, B̃ is packed once;
// for each block of mc rows, Ã; then each row panel of Ã (kept in L1)
// sweeps the column panels of B̃ (in L2). directA and directB are
// problem.direct's choice for the part; ws holds the packing buffers, nil
// where both are read in place.
//
// With kernels that take strides, problem.direct may choose to read A or B
// in place instead of packing it. Packed or not, every entry gets the same
// operations in the same order.
func (p *problem) block(ws *workspace, directA, directB bool, i0, i1, j0, j1 int) {
	kr := p.kern
	mr, nr := kr.mr, kr.nr
	kc0, mc0, nc0 := kr.kc, kr.mc, kr.nc
	// Spread k evenly over the fewest blocks of at most kc steps, so that
	// no block is a short remainder. It depends on k only: every part
	// sums the same blocks in the same order.
	nkb := (p.k + kc0 - 1) / kc0
	kcb := (p.k + nkb - 1) / nkb
	if !directA {
		ws.a = grow(ws.a, min(mc0, roundUp(i1-i0, mr))*kcb, roundUp(mc0, mr)*kc0)
	}
	if !directB {
		ws.b = grow(ws.b, min(nc0, roundUp(j1-j0, nr))*kcb, roundUp(nc0, nr)*kc0)
	}
	a, b, c := p.a, p.b, p.c
	lda, ldb, ldc := p.lda, p.ldb, p.ldc
	for jc := j0; jc < j1; jc += nc0 {
		nc := min(nc0, j1-jc)
		for pc := 0; pc < p.k; pc += kcb {
			kc := min(kcb, p.k-pc)
			beta := p.beta
			if pc > 0 {
				beta = 1
			}
			if !directB {
				packB(kr, ws.b, b, ldb, p.transB, jc, pc, nc, kc)
			}
			for ic := i0; ic < i1; ic += mc0 {
				mc := min(mc0, i1-ic)
				if !directA {
					packA(kr, ws.a, a, lda, p.transA, ic, pc, mc, kc)
				}
				// panelA returns the row panel at row ir of the block:
				// packed, or in place.
				panelA := func(ir int) ([]float64, int, bool) {
					if !directA {
						return ws.a[ir*kc:], mr, false
					}
					if p.transA {
						return a[pc*lda+ic+ir:], lda, false
					}
					return a[(ic+ir)*lda+pc:], lda, true
				}
				panelB := func(jr int) ([]float64, int) {
					if !directB {
						return ws.b[jr*kc:], nr
					}
					return b[pc*ldb+jc+jr:], ldb
				}
				if kr.jrOuter {
					for jr := 0; jr < nc; jr += nr {
						cols := min(nr, nc-jr)
						bt, bs := panelB(jr)
						for ir := 0; ir < mc; ir += mr {
							at, as, rowA := panelA(ir)
							kr.tile(kc, at, as, rowA, bt, bs, c[(ic+ir)*ldc+jc+jr:], ldc, min(mr, mc-ir), cols, p.alpha, beta)
						}
					}
					continue
				}
				for ir := 0; ir < mc; ir += mr {
					rows := min(mr, mc-ir)
					at, as, rowA := panelA(ir)
					crow := (ic + ir) * ldc
					for jr := 0; jr < nc; jr += nr {
						bt, bs := panelB(jr)
						kr.tile(kc, at, as, rowA, bt, bs, c[crow+jc+jr:], ldc, rows, min(nr, nc-jr), p.alpha, beta)
					}
				}
			}
		}
	}
}

// direct reports whether a part of rows × cols reads A and B in place.
//
// Packing pays only if a panel is used several times and the operand read
// in place would be slower to stream. A row panel of an untransposed A is
// eight runs of kc contiguous entries, as quick to stream as a packed one,
// so it is always read in place (measured 5–10 % faster than packing up to
// n = 1024); a transposed A, whose steps are lda apart, only if it serves
// at most the kernel's directAMax column panels. An untransposed B is read in place if
// a column panel serves at most directBMax row panels, or if all of B fits
// in directBBytes, the L2 (64 × 576 × 288 gains a quarter); a larger B is
// packed, since its panels' rows, far apart, would miss the caches
// (1024³ loses a third in place).
func (p *problem) direct(rows, cols int) (a, b bool) {
	kr := p.kern
	switch {
	case !kr.direct || directOverride < 0:
		return false, false
	case directOverride > 0:
		return true, p.inPlaceB()
	}
	a = !p.transA || (min(kr.nc, cols)+kr.nr-1)/kr.nr <= kr.directAMax
	b = p.inPlaceB() && ((rows+kr.mr-1)/kr.mr <= directBMax || 8*p.k*p.n <= directBBytes)
	return a, b
}

// inPlaceB reports whether the kernel can read B in place at all: B is
// untransposed, and the kernel's unmasked loads stay within B's rows. Tiles
// start at multiples of nr, so only the last tile of a row can be partial,
// and its last vector is whole if n is a multiple of the vector width.
func (p *problem) inPlaceB() bool {
	return !p.transB && (p.kern.wholeB == 0 || p.n%p.kern.wholeB == 0)
}

// The thresholds of problem.direct.
var (
	directBMax   = 4
	directBBytes = 2 << 20
)

// directOverride, for tests, makes kernels that can read A and B in place
// always do so (> 0) or never (< 0).
var directOverride = 0

func roundUp(n, m int) int { return (n + m - 1) / m * m }

// job asks a worker to help with the parts of call gen of a problem.
type job struct {
	p   *problem
	gen uint32
}

// jobs feeds the workers. Its buffer lets a caller hand out all its parts
// without waiting while the workers are busy with other calls' parts.
var jobs = make(chan job, 4*maxThreads)

var (
	workersMu sync.Mutex
	workers   atomic.Int32
)

// startWorkers makes sure at least n worker goroutines exist. Workers live
// for the rest of the process. An idle worker polls jobs for spin.Window,
// so that the parts of a sweep's next product find it awake, and then
// blocks.
func startWorkers(n int) {
	if int(workers.Load()) >= n {
		return
	}
	workersMu.Lock()
	defer workersMu.Unlock()
	for int(workers.Load()) < n {
		go worker()
		workers.Add(1)
	}
}

func worker() {
	for {
		j, _ := spin.Recv(jobs)
		j.p.run(j.gen)
	}
}
