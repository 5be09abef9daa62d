package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStrictInput: issue 13's reader findings, each a regression test: null
// in a latent, keys in the wrong case, duplicate keys, the column of a
// syntax error, and user strings quoted at a bounded length.
func TestStrictInput(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	tests := []struct {
		name, src, want string
	}{
		{"null in z", `{` + postNets + `, "z": [null, 0.5]}`, "z[0]: null, want a number"},
		{"key case", `{` + postNets + `, "Z": [1, 0.5]}`, `unknown field "Z"; did you mean "z"?`},
		{"key case phi", `{"PHI": {"layers": [{"weight": [[1, 2, 3, 4]], "bias": [0]}]}, "d": {"layers": []}, "z": [1]}`, `did you mean "phi"?`},
		{"duplicate key", `{` + postNets + `, "z": [1, 0.5], "z": [1, 2]}`, `duplicate field "z"`},
		// The error is at the second string, column 9 (counted by hand).
		{"syntax column", `{"z": 1 "d": 2}`, "line 1, column 9:"},
		{"huge activation", `{"phi": {"layers": [{"weight": [[1, 2, 3, 4]], "bias": [0], "activation": "` + long + `"}]}, "d": {"layers": [{"weight": [[1]], "bias": [0]}]}, "z": [1]}`, "unknown activation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(t, tt.src, "-problem", "-")
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			checkOneLine(t, errs, tt.want)
			if len(errs) > 400 {
				t.Errorf("message of %d bytes: user text is not capped", len(errs))
			}
		})
	}
}

// TestInputLimit: input beyond -max-input is refused before it is read
// further (issue 13: -problem /dev/zero read without limit), and
// -problem "" is an error rather than the built-in example.
func TestInputLimit(t *testing.T) {
	code, out, errs := runCmd(t, "", "-problem", "/dev/zero", "-max-input", "1000")
	if code != 2 || out != "" {
		t.Errorf("/dev/zero: exit %d, stdout %q", code, out)
	}
	checkOneLine(t, errs, "more than 1000 bytes, the input limit (-max-input)")
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCmd(t, "", "-problem", big, "-max-input", "1000")
	if code != 2 {
		t.Errorf("big file: exit %d", code)
	}
	checkOneLine(t, errs, "2000 bytes, over the input limit of 1000")
	code, _, errs = runCmd(t, "", "-problem", "")
	if code != 2 {
		t.Errorf(`-problem "": exit %d, want 2`, code)
	}
	checkOneLine(t, errs, "-problem needs a file name")
}

// TestNonFiniteResults: weights of 1e300, which gave +Inf and NaN before
// the quotient rule was made scale-safe, now give the exact finite sum
// (the post's s₁ + s₂ = 64/90 + 100/750 times 1e300); a sum that does
// overflow float64 is an error naming the quantity, exit 4, never NaN or
// Inf in the output (issue 13).
func TestNonFiniteResults(t *testing.T) {
	code, out, errs := runCmd(t, "", "-sum", "-weights", "1e300,1e300", "-json")
	if code != 0 {
		t.Fatalf("-weights 1e300: exit %d: %s", code, errs)
	}
	var sum jsonSum
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	if want := (64.0/90 + 100.0/750) * 1e300; sum.Sum < want*(1-1e-15) || sum.Sum > want*(1+1e-15) {
		t.Errorf("sum = %v, want %v", sum.Sum, want)
	}
	// D = I and Φ(x) = x₁ + x₂: every sᵢ = 1/2, so two latents with weights
	// 1.5e308 sum to 3e308, past float64's 1.8e308.
	src := `{"phi": {"layers": [{"weight": [[1, 1]], "bias": [0]}]},
	 "d": {"layers": [{"weight": [[1, 0], [0, 1]], "bias": [0, 0]}]}, "z": [[1, 0.5], [0.3, 2]]}`
	code, out, errs = runCmd(t, src, "-problem", "-", "-sum", "-weights", "1.5e308,1.5e308", "-json")
	if code != 4 || out != "" {
		t.Errorf("overflowing sum: exit %d, stdout %q; want 4 and nothing", code, out)
	}
	checkOneLine(t, errs, "Σ wᵢsᵢ")
}

// TestLoopedRefused: the looped engine on a network where it would run for
// hours is refused with exit 5 unless -max-seconds allows it (issue 13).
func TestLoopedRefused(t *testing.T) {
	layer := func(out, in int) map[string]any {
		w := make([][]float64, out)
		for r := range w {
			w[r] = make([]float64, in)
			for c := range w[r] {
				w[r][c] = 0.01 * float64((r*7+c*3)%11-5)
			}
		}
		return map[string]any{"weight": w, "bias": make([]float64, out), "activation": "tanh"}
	}
	prob := map[string]any{
		"d":   map[string]any{"layers": []any{layer(256, 16), layer(784, 256)}},
		"phi": map[string]any{"layers": []any{layer(256, 784), layer(1, 256)}},
		"z":   make([]float64, 16),
	}
	src, err := json.Marshal(prob)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, string(src), "-problem", "-", "-engine", "looped")
	if code != 5 || out != "" {
		t.Errorf("exit %d, stdout %q; want 5", code, out)
	}
	checkOneLine(t, errs, "-max-seconds")
}
