package vec

import "github.com/dualgrad/dualgrad/internal/realfn"

// TanhUnits sets y[i], d1[i] and d2[i] to realfn.Unit(realfn.Tanh(x[i])):
// tanh x, tanh′ x and the ε₁ε₂ part at unit seeds, f′·0 + f″, with the same
// bits (so y is math.Tanh's). On amd64 with AVX2 and FMA, groups of four
// (eight with AVX-512F) inside ±½·log(2¹²⁷) run in assembly; the rest, and every element
// elsewhere, go through realfn. It panics if y, d1 or d2 is shorter than
// x.
func TanhUnits(y, d1, d2, x []float64) {
	n := len(x)
	if len(y) < n || len(d1) < n || len(d2) < n {
		panic("vec: TanhUnits destination shorter than x")
	}
	i := 0
	for i < n {
		if useTanhAsm512 && n-i >= 8 {
			i += tanhAsm512(&y[i], &d1[i], &d2[i], &x[i], n-i)
			if n-i >= 8 { // the group of eight it stopped at
				tanhGo(y[i:i+8], d1[i:i+8], d2[i:i+8], x[i:i+8])
				i += 8
			}
			continue // a tail of fewer than eight: below
		}
		if useTanhAsm && n-i >= 4 {
			i += tanhAsm(&y[i], &d1[i], &d2[i], &x[i], n-i)
		}
		// The group the assembly stopped at, or the tail.
		e := min(i+4, n)
		tanhGo(y[i:e], d1[i:e], d2[i:e], x[i:e])
		i += 4
	}
}

// tanhGo is TanhUnits through realfn, an element at a time.
func tanhGo(y, d1, d2, x []float64) {
	for e, v := range x {
		y[e], d1[e], d2[e], _ = realfn.Unit(realfn.Tanh(v))
	}
}
