package dgemm

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"unsafe"
)

// atGuard returns a copy of s that ends where a page the process may not
// read begins, so that any load past its end faults, and a function that
// unmaps it.
func atGuard(t *testing.T, s []float64) ([]float64, func()) {
	t.Helper()
	ps := syscall.Getpagesize()
	size := (8*len(s)+ps-1)/ps*ps + ps
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	if err := syscall.Mprotect(mem[size-ps:], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	f := unsafe.Slice((*float64)(unsafe.Pointer(&mem[0])), (size-ps)/8)
	g := f[len(f)-len(s):]
	copy(g, s)
	return g, func() { syscall.Munmap(mem) }
}

// TestGuardPage checks that no kernel reads past the end of A or B, read
// in place or packed: both end at an unreadable page, for widths on both
// sides of a vector and of a tile (a kernel that loads B's last vector
// whole, like avx2's, must pack a B whose rows end mid-vector), with the
// usual choice of in-place operands and with every operand in place that
// can be.
func TestGuardPage(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		defer func() { directOverride = 0 }()
		rnd := rand.New(rand.NewPCG(23, 24))
		sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 13, 24, 25}
		for i, tr := range transposes {
			for _, m := range sizes {
				for _, n := range sizes {
					k := sizes[(m+n+i)%len(sizes)]
					g := newCase(rnd, tr[0], tr[1], m, n, k, 0, 1.5, 0)
					a, b := g.a, g.b
					ga, freeA := atGuard(t, a)
					gb, freeB := atGuard(t, b)
					for _, o := range []int{0, 1} {
						directOverride = o
						g.a, g.b = ga, gb
						got := g.run()
						g.a, g.b = a, b
						g.check(t, got)
					}
					freeA()
					freeB()
				}
			}
		}
	})
}
