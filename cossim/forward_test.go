package cossim

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
)

// The Forward engine's values and derivatives are checked with the other
// engines in engine_test.go; these tests cover its memory budget.

func TestForwardMemoryBudget(t *testing.T) {
	p, _ := postExample()
	if _, err := NewForward(p, Options{ForwardMemory: -1}); err == nil || !strings.Contains(err.Error(), "ForwardMemory = -1") {
		t.Errorf("ForwardMemory = -1: error %v", err)
	}
	need := ForwardBytes(p, WrtBoth)
	if _, err := NewForward(p, Options{Wrt: WrtBoth, ForwardMemory: need}); err != nil {
		t.Errorf("budget = ForwardBytes = %d: %v", need, err)
	}
	_, err := NewForward(p, Options{Wrt: WrtBoth, ForwardMemory: need - 1})
	if err == nil {
		t.Fatalf("budget = ForwardBytes−1 = %d: no error", need-1)
	}
	for _, s := range []string{fmt.Sprintf("needs %d bytes", need), fmt.Sprintf("budget of %d bytes", need-1), "Adjoint"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}

	// A problem of realistic size exceeds the default budget; NewForward
	// refuses it before allocating anything.
	rng := rand.New(rand.NewPCG(25, 26))
	big := Problem{
		D:   randNet(rng, []int{8, 256, 256, 784}, []layers.Activation{layers.Tanh, layers.Tanh, layers.Sigmoid}, 1),
		Phi: randNet(rng, []int{784, 256, 1}, []layers.Activation{layers.Tanh, layers.Identity}, 1),
	}
	need = ForwardBytes(big, WrtD)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = NewForward(big, Options{Wrt: WrtD})
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatalf("%d bytes needed: no error with the default budget", need)
	}
	if s := fmt.Sprintf("budget of %d bytes", int64(DefaultForwardMemory)); !strings.Contains(err.Error(), s) {
		t.Errorf("error %q does not contain %q", err, s)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
		t.Errorf("refusing allocated %d bytes", a)
	}
	t.Logf("refusal: %v", err)
}

// TestForwardBytes checks the estimate against what NewForward and the first
// Eval actually allocate.
func TestForwardBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	p := Problem{
		D:   randNet(rng, []int{3, 10, 12}, []layers.Activation{layers.Tanh, layers.Sigmoid}, 1),
		Phi: randNet(rng, []int{12, 8, 1}, []layers.Activation{layers.SiLU, layers.Identity}, 1),
	}
	z := []float64{0.1, 0.2, -0.3}
	for _, wrt := range []Wrt{WrtD, WrtPhi, WrtBoth} {
		res := NewResult(p, wrt)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f, err := NewForward(p, Options{Wrt: wrt})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Eval(res, z); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		got := int64(after.TotalAlloc - before.TotalAlloc)
		est := ForwardBytes(p, wrt)
		// Allocation rounds sizes up to size classes, and headers and
		// gonum's goroutines add a little.
		if est > got || float64(got) > 1.15*float64(est)+32<<10 {
			t.Errorf("wrt=%v: ForwardBytes = %d, allocated %d", wrt, est, got)
		}
		t.Logf("wrt=%v: ForwardBytes = %d, allocated %d", wrt, est, got)
	}
}

func BenchmarkForward(b *testing.B) {
	for _, c := range []struct {
		name     string
		dW, phiW []int
	}{
		{"post", []int{2, 4}, []int{4, 1}},
		{"small", []int{4, 32, 16}, []int{16, 32, 1}},
		{"medium", []int{8, 64, 64}, []int{64, 64, 1}},
	} {
		for _, wrt := range []Wrt{WrtD, WrtBoth} {
			b.Run(fmt.Sprintf("%s/wrt=%v", c.name, wrt), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(31, 32))
				p := Problem{D: randNet(rng, c.dW, acts(layers.Tanh, len(c.dW)-1), 1), Phi: randNet(rng, c.phiW, acts(layers.Tanh, len(c.phiW)-1), 1)}
				z := make([]float64, p.M())
				for i := range z {
					z[i] = rng.NormFloat64()
				}
				f, err := NewForward(p, Options{Wrt: wrt})
				if err != nil {
					b.Fatal(err)
				}
				res := NewResult(p, wrt)
				if err := f.Eval(res, z); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					f.Eval(res, z)
				}
				b.ReportMetric(float64(ForwardBytes(p, wrt)), "bytes-held")
			})
		}
	}
}
