//go:build tune && linux

// The tuning harness behind the block sizes of docs/dgemm.md. It times on
// the calling thread's CPU clock, not the wall clock, because the machine
// it was written for is shared: time spent descheduled does not count.
//
//	TUNE="dA dB kc mc nc jrOuter fastPack;..." TUNESHAPES="m,n,k;..." REPS=7 \
//		go test -tags tune -run Tune -v ./dgemm
//	go test -tags tune -run NONE -bench Tile -cpu 1 ./dgemm

package dgemm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// TestTune times the active kernel single-threaded on TUNESHAPES under
// each configuration of TUNE (directAMax, directBMax — or -1 and then
// directOverride —, kc, mc, nc, and jrOuter and fastPack as 0 or 1), interleaved, and prints the median and best GFLOP/s.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

func TestTune(t *testing.T) {
	runtime.LockOSThread()
	SetThreads(1)
	var cfgs [][7]int
	for _, c := range strings.Split(os.Getenv("TUNE"), ";") {
		f := strings.Fields(c)
		var x [7]int
		for i := range 7 {
			x[i], _ = strconv.Atoi(f[i])
		}
		cfgs = append(cfgs, x)
	}
	var shapes [][3]int
	for _, c := range strings.Split(os.Getenv("TUNESHAPES"), ";") {
		f := strings.Split(c, ",")
		var x [3]int
		for i := range 3 {
			x[i], _ = strconv.Atoi(f[i])
		}
		shapes = append(shapes, x)
	}
	reps, _ := strconv.Atoi(os.Getenv("REPS"))
	if reps == 0 {
		reps = 7
	}
	kr := active
	for _, s := range shapes {
		rnd := rand.New(rand.NewPCG(1, 1))
		m, n, k := s[0], s[1], s[2]
		a := randSlice(rnd, m, k, k, 0)
		b := randSlice(rnd, k, n, n, 0)
		c := randSlice(rnd, m, n, n, 0)
		res := make([][]float64, len(cfgs))
		for r := 0; r < reps; r++ {
			for ci, cf := range cfgs {
				active.directAMax, directBMax = cf[0], cf[1]
				directOverride = 0
				if cf[0] < 0 {
					directOverride = cf[1]
				}
				kr.kc, kr.mc, kr.nc = cf[2], cf[3], cf[4]
				kr.jrOuter = cf[5] == 1
				kr.fastPack = cf[6] == 1
				Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				flops := 2 * float64(m*n*k)
				iters := max(1, int(2e8/flops))
				st := threadCPU()
				for range iters {
					Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				}
				res[ci] = append(res[ci], flops*float64(iters)/(threadCPU()-st).Seconds()/1e9)
			}
		}
		for ci, cf := range cfgs {
			sort.Float64s(res[ci])
			fmt.Printf("%v %v: med %.1f max %.1f\n", s, cf, res[ci][reps/2], res[ci][reps-1])
		}
	}
}

// BenchmarkTile times one full tile of each kernel on panels in cache.
func BenchmarkTile(b *testing.B) {
	for _, kr := range kernels {
		if !kr.ok {
			continue
		}
		for _, kc := range []int{64, 256, 384} {
			b.Run(fmt.Sprintf("%s/%d", kr.name, kc), func(b *testing.B) {
				a := make([]float64, kr.mr*kc)
				bb := make([]float64, kr.nr*kc)
				for i := range a {
					a[i] = 1e-3
				}
				for i := range bb {
					bb[i] = 1e-3
				}
				c := make([]float64, kr.mr*kr.nr)
				for range b.N {
					kr.tile(kc, a, kr.mr, false, bb, kr.nr, c, kr.nr, kr.mr, kr.nr, 1, 1)
				}
				b.ReportMetric(2*float64(kr.mr*kr.nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
