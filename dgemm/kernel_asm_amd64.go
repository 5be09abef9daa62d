//go:build !purego

package dgemm

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run ./internal/asmgen -s kernel_amd64.s -go kernel_amd64.go

// asmKernel is the signature of the generated assembly kernels: the tile
// at c of rows and vectors fixed by the function, alpha·A·B + beta·C over k
// steps, where mask selects the lanes of the last vector of each row and
// as and bs are the strides of kernel.tile.
type asmKernel func(k int, a, b, c *float64, ldc int, alpha, beta float64, mask *uint64, as, bs int)

// mask512[n] has the low n of 8 lane bits set, for KMOVW.
var mask512 = [9]uint64{0, 1, 3, 7, 15, 31, 63, 127, 255}

// mask256[n] has the sign bit of the first n of 4 lanes set, for VMASKMOVPD.
var mask256 = [5][4]uint64{
	{},
	{1 << 63},
	{1 << 63, 1 << 63},
	{1 << 63, 1 << 63, 1 << 63},
	{1 << 63, 1 << 63, 1 << 63, 1 << 63},
}

// avx512Kernel multiplies 8 × 24 tiles: 24 zmm accumulators, 3 for a row of
// B̃ and 5 for broadcasts of Ã. Each step of the inner dimension is 3 vector
// loads, 8 broadcasts and 24 FMAs, 12 cycles at two FMAs a cycle; on this
// machine (Sapphire Rapids) it runs at about 84 GFLOP/s from L1, 32 flops a
// cycle at 2.6 GHz.
//
// A row panel of Ã, 8 × kc (24 KiB at kc = 384), stays in L1 while it
// sweeps the column panels of B̃; the B̃ block, kc × nc (1 MiB at nc = 336),
// stays in L2 (2 MiB) while the row panels of the mc × kc Ã block (576 KiB)
// pass through it. A large kc halves the passes over C against kc = 192,
// and streaming B̃ from L2 at 16 bytes a cycle is within the L2's means.
var avx512Kernel = kernel{
	name: "avx512",
	mr:   8, nr: 24,
	kc: 384, mc: 192, nc: 336,
	tile:   tileAVX512,
	direct: true,
	// The weight gradients of 64-wide layers, 64 × 64 × 288 and 64 × 72 ×
	// 576 with A transposed, took 25–35 % less time read in place than
	// packed.
	directAMax: 3,
	fastPack:   true,
	ok:         cpu.X86.HasAVX512F,
	needs:      "AVX-512F",
}

// avx2Kernel multiplies 6 × 8 tiles: 12 ymm accumulators, 2 for a row of
// B̃ and 2 for broadcasts of Ã; 12 FMAs a step, 6 cycles at two a cycle.
//
// Its blocks are BLIS's usual order: a column panel of B̃, kc × 8 (16 KiB
// at kc = 256), stays in L1 while the row panels of the Ã block, mc × kc
// (288 KiB), stream from L2, and the B̃ block (2 MiB) sits in L3.
//
// Like avx512Kernel it reads operands in place where problem.direct
// chooses, but loads B's last vector of a row whole (no register is left
// for a mask in the full tile), so a B whose rows are not whole vectors is
// packed. In place, the small products of stacked sweeps skip packing,
// which took 30 % of small's batch on a Zen 3 core when this kernel always
// packed (24 % in packA's strided stores for 6-row panels).
var avx2Kernel = kernel{
	name: "avx2",
	mr:   6, nr: 8,
	kc: 256, mc: 144, nc: 1024,
	tile:    tileAVX2,
	jrOuter: true,
	direct:  true,
	// On a Zen 3 core, in place took 0.3–0.8 of packing's time for a
	// transposed A with up to 8 column panels (32 × 4 × 128, 16 × 32 × 128,
	// 32 × 32 × 544, 784 × 32 × 512), about the same for 128 × 64 × 544, and
	// 1.2–1.4 of it for 64 × 64 × 288 (docs/dgemm.md).
	directAMax: 8,
	wholeB:     4,
	ok:         cpu.X86.HasAVX2 && cpu.X86.HasFMA,
	needs:      "AVX2 and FMA",
}

func archKernels() []*kernel { return []*kernel{&avx512Kernel, &avx2Kernel} }

func tileAVX512(k int, a []float64, as int, rowA bool, b []float64, bs int, c []float64, ldc, mr, nr int, alpha, beta float64) {
	nv := (nr + 7) / 8
	f := kernAVX512CTable[mr-1][nv-1]
	if rowA {
		f = kernAVX512RTable[mr-1][nv-1]
	}
	f(k, unsafe.SliceData(a), unsafe.SliceData(b), &c[0], ldc, alpha, beta, &mask512[nr-8*(nv-1)], as, bs)
}

func tileAVX2(k int, a []float64, as int, rowA bool, b []float64, bs int, c []float64, ldc, mr, nr int, alpha, beta float64) {
	nv := (nr + 3) / 4
	f := kernAVX2CTable[mr-1][nv-1]
	if rowA {
		f = kernAVX2RTable[mr-1][nv-1]
	}
	f(k, unsafe.SliceData(a), unsafe.SliceData(b), &c[0], ldc, alpha, beta, &mask256[nr-4*(nv-1)][0], as, bs)
}

// trans8 sets d[p·ds + r] = src[off + r·ld + p] for p < kc and r < 8, in
// 8 × 8 transposes in registers (and one gather a step for the last kc mod
// 8). It needs AVX-512F.
func trans8(d []float64, ds int, src []float64, ld, off, kc int) {
	_ = d[(kc-1)*ds+7]
	_ = src[off+7*ld+kc-1]
	var rows [8]int64
	for r := range rows {
		rows[r] = int64(8 * r * ld)
	}
	packTrans8(&d[0], ds, &src[off], ld, &rows, kc)
}

// copy8 sets d[8p : 8p+8] = src[off + p·ld:][:8] for p < kc with zmm
// moves. It needs AVX-512F.
func copy8(d, src []float64, ld, off, kc int) {
	_ = d[8*kc-1]
	_ = src[off+(kc-1)*ld+7]
	packCopy8(&d[0], &src[off], ld, kc)
}

// copy24 sets d[24p : 24p+24] = src[off + p·ld:][:24] for p < kc with
// zmm moves. It needs AVX-512F.
func copy24(d, src []float64, ld, off, kc int) {
	_ = d[24*kc-1]
	_ = src[off+(kc-1)*ld+23]
	packCopy24(&d[0], &src[off], ld, kc)
}
