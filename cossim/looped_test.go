package cossim

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dualgrad/dualgrad/layers"
)

// The Looped engine is checked with the other engines in engine_test.go.

// BenchmarkLooped measures the reference engine on m → h → n → h → 1 tanh
// networks, the baseline for the loop-free engines.
func BenchmarkLooped(b *testing.B) {
	for _, sz := range []struct{ m, h, n int }{{2, 4, 4}, {4, 8, 8}, {8, 16, 16}} {
		for _, wrt := range []Wrt{WrtD, WrtBoth} {
			b.Run(fmt.Sprintf("m=%d/h=%d/n=%d/wrt=%d", sz.m, sz.h, sz.n, wrt), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				tanh := []layers.Activation{layers.Tanh, layers.Identity}
				p := Problem{
					D:   randNet(rng, []int{sz.m, sz.h, sz.n}, tanh, 1),
					Phi: randNet(rng, []int{sz.n, sz.h, 1}, tanh, 1),
				}
				l, err := NewLooped(p, Options{Wrt: wrt})
				if err != nil {
					b.Fatal(err)
				}
				res := NewResult(p, wrt)
				z := make([]float64, sz.m)
				for i := range z {
					z[i] = rng.NormFloat64()
				}
				if err := l.Eval(res, z); err != nil { // size the workspaces
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := l.Eval(res, z); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// The engines satisfy Engine.
var _ = []Engine{(*Forward)(nil), (*Adjoint)(nil), (*Looped)(nil)}
