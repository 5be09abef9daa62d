package vec

import "github.com/dualgrad/dualgrad/internal/realfn"

// TanhUnits sets y[i], d1[i] and d2[i] to realfn.Unit(realfn.Tanh(x[i])):
// tanh x, tanh′ x and the ε₁ε₂ part at unit seeds, f′·0 + f″, with the same
// bits (so y is math.Tanh's). On amd64 with AVX2 and FMA, groups of four
// inside ±½·log(2¹²⁷) run in assembly; the rest, and every element
// elsewhere, go through realfn. It panics if y, d1 or d2 is shorter than
// x.
func TanhUnits(y, d1, d2, x []float64) {
	n := len(x)
	if len(y) < n || len(d1) < n || len(d2) < n {
		panic("vec: TanhUnits destination shorter than x")
	}
	i := 0
	for i < n {
		if useTanhAsm && n-i >= 4 {
			i += tanhAsm(&y[i], &d1[i], &d2[i], &x[i], n-i)
		}
		// The group the assembly stopped at, or the tail.
		for e := i; e < min(i+4, n); e++ {
			y[e], d1[e], d2[e], _ = realfn.Unit(realfn.Tanh(x[e]))
		}
		i += 4
	}
}
