package realfn

import "math"

// Exp returns the jet of eˣ at a. Where math.Exp(a) is not normal and finite
// (it overflows from a ≈ 709.44 on amd64, whose assembly overflows early, and
// 709.78 elsewhere, and underflows below −708.4) eᵃ·t may still be
// representable: the tangents are then multiplied by h = e^(a/2) and the
// derivatives applied as h·(h·t), which overflows only if the result does.
func Exp(a float64) (Jet, Mode) {
	e := math.Exp(a)
	if e >= minNormal && e <= math.MaxFloat64 {
		return Jet{e, e, e}, Mode{}
	}
	h := math.Exp(a / 2)
	return Jet{e, h, 1}, Mode{Pre: Times(h)}
}

// ln2Sq is (ln 2)², the factor of Exp2″.
const ln2Sq = math.Ln2 * math.Ln2

// Exp2 returns the jet of 2ˣ at a: f′ = ln2·2ᵃ and f″ = ln²2·2ᵃ, scaled like
// Exp's where 2ᵃ is not normal and finite.
func Exp2(a float64) (Jet, Mode) {
	e := math.Exp2(a)
	if e >= minNormal && e <= math.MaxFloat64 {
		return Jet{e, math.Ln2 * e, ln2Sq * e}, Mode{}
	}
	h := math.Exp2(a / 2)
	return Jet{e, math.Ln2 * h, ln2Sq}, Mode{Pre: Times(h)}
}

// Expm1 returns the jet of eˣ − 1 at a, whose derivatives are Exp's.
func Expm1(a float64) (Jet, Mode) {
	j, m := Exp(a)
	j.F = math.Expm1(a)
	return j, m
}

// Log returns the jet of log x at a. The derivatives 1/a and −1/a² are
// applied to the tangents divided by a, as b/a and −(b/a)(c/a), which never
// forms 1/a or 1/a²: neither overflows where the result is representable.
func Log(a float64) (Jet, Mode) { return logJet(math.Log(a), a, 1) }

// Log2 returns the jet of log₂ x at a: Log's, times log₂e.
func Log2(a float64) (Jet, Mode) { return logJet(math.Log2(a), a, math.Log2E) }

// Log10 returns the jet of log₁₀ x at a: Log's, times log₁₀e.
func Log10(a float64) (Jet, Mode) { return logJet(math.Log10(a), a, math.Log10E) }

// Log1p returns the jet of log(1+x) at a: Log's at u = 1 + a.
func Log1p(a float64) (Jet, Mode) { return logJet(math.Log1p(a), 1+a, 1) }

// logJet returns the jet of k·log u with value f, where u is the argument
// of the logarithm.
func logJet(f, u, k float64) (Jet, Mode) {
	if u > 0 {
		return Jet{f, k, -k}, Mode{Pre: Over(u)}
	}
	return logEdge(f, u)
}

// logEdge returns logJet's jet for u ≤ 0 or NaN: at u = 0 the one-sided
// derivatives f′ = +Inf and f″ = −Inf; below 0, and at NaN, NaN ones.
func logEdge(f, u float64) (Jet, Mode) {
	if u == 0 {
		return Jet{f, math.Inf(1), math.Inf(-1)}, Mode{}
	}
	nan := math.NaN()
	return Jet{f, nan, nan}, Mode{}
}
