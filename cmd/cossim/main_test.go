package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// postNets is the forum post's Φ and D in the layers JSON format.
const postNets = `"phi": {"layers": [{"weight": [[1, 2, 3, 4]], "bias": [0]}]},
 "d": {"layers": [{"weight": [[1, 0], [0, 5], [1, 0], [1, 0]], "bias": [0, 0, 0, 0]}]}`

// jsonResult is the -json layout of one latent's result (output.go).
type jsonResult struct {
	S          []float64   `json:"s"`
	Dot        []float64   `json:"dot"`
	GradNormSq float64     `json:"grad_norm_sq"`
	ColNormSq  []float64   `json:"col_norm_sq"`
	GradD      [][]float64 `json:"grad_d"`
	GradPhi    [][]float64 `json:"grad_phi"`
	ParamsD    []jsonParam `json:"params_d"`
	ParamsPhi  []jsonParam `json:"params_phi"`
	FDRel      *float64    `json:"fd_rel_diff"`
	FDZero     bool        `json:"fd_reference_zero"`
}

type jsonParam struct {
	Name   string `json:"name"`
	Shape  []int  `json:"shape"`
	Offset int    `json:"offset"`
}

// jsonSum is the -sum -json layout.
type jsonSum struct {
	Sum     float64   `json:"sum"`
	GradD   []float64 `json:"grad_d"`
	GradPhi []float64 `json:"grad_phi"`
	FDRel   *float64  `json:"fd_rel_diff"`
}

func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestDefaultReport runs the command with no arguments, the README's main job.
func TestDefaultReport(t *testing.T) {
	code, out, errs := runCmd(t, "")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	// Golden values derived by hand in docs/math.md: s = [64/90, 100/750],
	// ∂s₁/∂W[0,0] = −8/27 = −0.296296…, ∂s₂/∂W[3,1] = 8/75 = 0.106667.
	for _, want := range []string{
		"0.711111111111111", "0.133333333333333",
		"|g|² = 30", "-0.296296", "0.355556", "0.106667",
		"z        = [1, 0.5]", "g = ∇Φ(x) = [1, 2, 3, 4]",
		// The inputs, the finite-difference check and the 4× explanation
		// that issue 4 asks the default report to show.
		"layers.0.weight (4×2)", "finite-difference check", "exactly 4×",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The check's figure: central differences of this rational function
	// agree to far better than 1e-6.
	const figure = "(floor 1e-08): "
	i := strings.Index(out, figure)
	if i < 0 {
		t.Fatalf("no check figure in report:\n%s", out)
	}
	var d float64
	if _, err := fmt.Sscan(out[i+len(figure):], &d); err != nil || d > 1e-6 {
		t.Errorf("check figure %v (err %v), want ≤ 1e-6", d, err)
	}
}

func TestDefaultJSONMatchesHandDerivation(t *testing.T) {
	for _, engine := range []string{"auto", "forward", "adjoint", "looped"} {
		t.Run(engine, func(t *testing.T) {
			code, out, errs := runCmd(t, "", "-json", "-wrt", "both", "-engine", engine)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var r jsonResult
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("output is not one JSON object: %v\n%s", err, out)
			}
			// docs/math.md, "The post's example, by hand".
			wantS := []float64{64.0 / 90, 100.0 / 750}
			wantD := [][]float64{
				{-8.0 / 27, 0, 16.0 / 45, 0, 8.0 / 135, 0, 32.0 / 135, 0, 0, 0, 0, 0},
				{0, 2.0 / 75, 0, 0, 0, 6.0 / 75, 0, 8.0 / 75, 0, 0, 0, 0},
			}
			// ∂sᵢ/∂w_r = 2cᵢuᵢᵣ/(G·Uᵢ) − cᵢ²·2w_r/(G²·Uᵢ), bias derivative 0.
			w := []float64{1, 2, 3, 4}
			u := [][]float64{{1, 0, 1, 1}, {0, 5, 0, 0}}
			c, U, G := []float64{8, 10}, []float64{3, 25}, 30.0
			wantPhi := make([][]float64, 2)
			for i := range wantPhi {
				for r := 0; r < 4; r++ {
					wantPhi[i] = append(wantPhi[i], 2*c[i]*u[i][r]/(G*U[i])-c[i]*c[i]*2*w[r]/(G*G*U[i]))
				}
				wantPhi[i] = append(wantPhi[i], 0)
			}
			close := func(what string, got, want []float64) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
				}
				for k := range got {
					if math.Abs(got[k]-want[k]) > 1e-14 {
						t.Errorf("%s[%d] = %.17g, want %.17g", what, k, got[k], want[k])
					}
				}
			}
			close("s", r.S, wantS)
			close("dot", r.Dot, []float64{8, 10})
			close("col_norm_sq", r.ColNormSq, []float64{3, 25})
			close("grad_norm_sq", []float64{r.GradNormSq}, []float64{30})
			for i := range wantD {
				close("grad_d row", r.GradD[i], wantD[i])
				close("grad_phi row", r.GradPhi[i], wantPhi[i])
			}
		})
	}
}

func TestCheckFlag(t *testing.T) {
	code, out, errs := runCmd(t, "", "-json", "-check", "-wrt", "both")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r jsonResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	// Central differences on this quadratic-over-quadratic function have
	// truncation and round-off error far below 1e-6.
	if r.FDRel == nil || *r.FDRel > 1e-6 || r.FDZero {
		t.Fatalf("fd_rel_diff = %v, want ≤ 1e-6", r.FDRel)
	}
	code, out, _ = runCmd(t, "", "-check")
	if code != 0 || !strings.Contains(out, "relative to the largest finite difference") {
		t.Fatalf("report -check: exit %d\n%s", code, out)
	}
}

func TestProblemFileAndBatch(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.json")
	src := `{` + postNets + `, "z": [[1, 0.5], [2, -1], [1, 0.5]]}`
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-problem", file}, {"-problem", "-"}} {
		code, out, errs := runCmd(t, src, append(args, "-json")...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		var rs []jsonResult
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatalf("batch output is not a JSON array: %v\n%s", err, out)
		}
		if len(rs) != 3 {
			t.Fatalf("%d results, want 3", len(rs))
		}
		// Samples 0 and 2 are the same latent; D is linear, so s does not
		// depend on z at all and every sample gives s = [64/90, 100/750].
		for b, r := range rs {
			if math.Abs(r.S[0]-64.0/90) > 1e-15 || math.Abs(r.S[1]-100.0/750) > 1e-15 {
				t.Errorf("sample %d: s = %v", b, r.S)
			}
			for k := range r.GradD[0] {
				if r.GradD[0][k] != rs[0].GradD[0][k] {
					t.Errorf("sample %d differs from sample 0 at %d", b, k)
				}
			}
		}
	}
	code, out, _ := runCmd(t, src, "-problem", "-")
	if code != 0 || !strings.Contains(out, "== sample 2 ==") {
		t.Fatalf("batch report: exit %d\n%s", code, out)
	}
}

// TestInvalidInput covers every invalid input of issue 4: one line on
// stderr starting with "cossim:", naming the problem, exit status 2.
func TestInvalidInput(t *testing.T) {
	phi4 := `"phi": {"layers": [{"weight": [[1, 2, 3, 4]], "bias": [0]}]}`
	d := `"d": {"layers": [{"weight": [[1, 0], [0, 5], [1, 0], [1, 0]], "bias": [0, 0, 0, 0]}]}`
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string // a substring of the message
	}{
		{"missing file", "", []string{"-problem", "/nonexistent/p.json"}, "no such file"},
		{"malformed JSON", `{"phi": `, nil, "line 1, column 9: phi: unexpected end of input"},
		{"not an object", `[1, 2]`, nil, "an array, want an object"},
		{"unknown field", `{` + postNets + `, "z": [1, 0.5], "zz": 1}`, nil, "zz"},
		{"trailing data", `{` + postNets + `, "z": [1, 0.5]} {}`, nil, "after the top-level value"},
		{"missing phi", `{` + d + `, "z": [1, 0.5]}`, nil, `"phi"`},
		{"missing z", `{` + postNets + `}`, nil, `"z"`},
		{"shape mismatch", `{"phi": {"layers": [{"weight": [[1, 2, 3]], "bias": [0]}]}, ` + d + `, "z": [1, 0.5]}`, nil, "D's output shape [4] has 4 elements and Φ's input shape [3] has 3"},
		{"phi two outputs", `{"phi": {"layers": [{"weight": [[1, 2, 3, 4], [1, 1, 1, 1]], "bias": [0, 0]}]}, ` + d + `, "z": [1, 0.5]}`, nil, "Φ has 2 output elements (shape [2]); pick the one that is Φ with -phi-output K"},
		{"z too short", `{` + postNets + `, "z": [1]}`, nil, "z: latent has 1 numbers, want 2"},
		{"z too long in batch", `{` + postNets + `, "z": [[1, 2], [1, 2, 3]]}`, nil, "sample 1"},
		{"ragged batch", `{` + postNets + `, "z": [[1, 2], 3]}`, nil, "z[1]: 3, want an array of numbers"},
		{"empty batch", `{` + postNets + `, "z": []}`, nil, "empty"},
		{"non-finite weight", `{"phi": {"layers": [{"weight": [[1, 2, 3, 1e999]], "bias": [0]}]}, ` + d + `, "z": [1, 0.5]}`, nil, "phi"},
		{"non-finite z", `{` + postNets + `, "z": [1, 1e400]}`, nil, "z[1]: 1e400 is outside the float64 range"},
		{"NaN literal", `{` + postNets + `, "z": [1, NaN]}`, nil, `z[1]: "NaN" is not valid JSON`},
		{"NaN position", "{\n\"z\": [NaN]}", nil, "line 2, column"},
		{"ragged weight", `{` + phi4 + `, "d": {"layers": [{"weight": [[1, 0], [0], [1, 0], [1, 0]], "bias": [0, 0, 0, 0]}]}, "z": [1, 0.5]}`, nil, `"d"`},
		{"bias length", `{` + phi4 + `, "d": {"layers": [{"weight": [[1, 0], [0, 5], [1, 0], [1, 0]], "bias": [0, 0]}]}, "z": [1, 0.5]}`, nil, "bias"},
		{"unknown activation", `{` + phi4 + `, "d": {"layers": [{"weight": [[1, 0], [0, 5], [1, 0], [1, 0]], "bias": [0, 0, 0, 0], "activation": "swish"}]}, "z": [1, 0.5]}`, nil, "swish"},
		{"empty network", `{"phi": {"layers": []}, ` + d + `, "z": [1, 0.5]}`, nil, `"phi"`},
		{"unknown flag", "", []string{"-frobnicate"}, "frobnicate"},
		{"unknown engine", "", []string{"-engine", "magic"}, "magic"},
		{"unknown wrt", "", []string{"-wrt", "z"}, "-wrt"},
		{"negative eps", "", []string{"-eps", "-1"}, "-eps"},
		{"NaN eps", "", []string{"-eps", "NaN"}, "-eps"},
		{"bad eps", "", []string{"-eps", "abc"}, "eps"},
		{"stray argument", "", []string{"extra"}, "extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if args == nil {
				args = []string{"-problem", "-"}
			}
			code, out, errs := runCmd(t, tt.stdin, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errs)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			checkOneLine(t, errs, tt.want)
		})
	}
}

func checkOneLine(t *testing.T, errs, want string) {
	t.Helper()
	if !strings.HasPrefix(errs, "cossim: ") || strings.Count(errs, "\n") != 1 {
		t.Errorf("stderr is not one line starting with \"cossim: \": %q", errs)
	}
	if !strings.Contains(errs, want) {
		t.Errorf("stderr %q does not name %q", errs, want)
	}
	if strings.Contains(errs, "goroutine") || strings.Contains(errs, "panic") {
		t.Errorf("stderr has a panic trace: %q", errs)
	}
}

func TestUndefinedCosine(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		// Φ's weight is zero, so g = 0 for every direction.
		{"zero gradient", `{"phi": {"layers": [{"weight": [[0, 0, 0, 0]], "bias": [1]}]},
		  "d": {"layers": [{"weight": [[1, 0], [0, 5], [1, 0], [1, 0]], "bias": [0, 0, 0, 0]}]}, "z": [1, 0.5]}`, "gradient"},
		// D's second column is zero, so u₂ = 0: direction 1 counting from 0.
		{"zero column", `{"phi": {"layers": [{"weight": [[1, 2, 3, 4]], "bias": [0]}]},
		  "d": {"layers": [{"weight": [[1, 0], [0, 0], [1, 0], [1, 0]], "bias": [0, 0, 0, 0]}]}, "z": [[1, 0.5], [2, 2]]}`, "direction 1"},
	}
	for _, tt := range tests {
		for _, engine := range []string{"forward", "adjoint", "looped"} {
			t.Run(tt.name+"/"+engine, func(t *testing.T) {
				code, _, errs := runCmd(t, tt.src, "-problem", "-", "-engine", engine)
				if code != 3 {
					t.Fatalf("exit %d, want 3 (stderr %q)", code, errs)
				}
				checkOneLine(t, errs, tt.want)
				if !strings.Contains(errs, "sample 0") {
					t.Errorf("stderr %q does not name the sample", errs)
				}
				// With -eps the cosine is regularized and the command succeeds.
				code, out, errs := runCmd(t, tt.src, "-problem", "-", "-engine", engine, "-eps", "1e-12", "-json")
				if code != 0 {
					t.Fatalf("-eps: exit %d: %s", code, errs)
				}
				if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
					t.Errorf("-eps output not finite: %s", out)
				}
			})
		}
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCmd(t, "", "-h")
	if code != 0 || !strings.Contains(out, "usage: cossim") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// TestSum checks -sum against the weighted rows of the full Jacobians the
// command prints without it, for a batch.
func TestSum(t *testing.T) {
	src := `{"phi": {"layers": [{"weight": [[0.3, -1.2, 0.7]], "bias": [0.1], "activation": "tanh"}]},
	 "d": {"layers": [{"weight": [[0.5, -0.4], [1.1, 0.2], [-0.3, 0.9]], "bias": [0.05, -0.1, 0.2], "activation": "sigmoid"}]},
	 "z": [[0.2, -0.7], [1.0, 0.4]]}`
	code, out, errs := runCmd(t, src, "-problem", "-", "-json", "-wrt", "both")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var full []jsonResult
	if err := json.Unmarshal([]byte(out), &full); err != nil {
		t.Fatal(err)
	}
	w := []float64{0.25, -1.5}
	code, out, errs = runCmd(t, src, "-problem", "-", "-json", "-wrt", "both", "-sum", "-weights", "0.25,-1.5", "-check")
	if code != 0 {
		t.Fatalf("-sum: exit %d: %s", code, errs)
	}
	var sum jsonSum
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	wantSum := 0.0
	wantD := make([]float64, len(full[0].GradD[0]))
	wantPhi := make([]float64, len(full[0].GradPhi[0]))
	for _, r := range full {
		for i, wi := range w {
			wantSum += wi * r.S[i]
			for k, v := range r.GradD[i] {
				wantD[k] += wi * v
			}
			for k, v := range r.GradPhi[i] {
				wantPhi[k] += wi * v
			}
		}
	}
	near := func(what string, got, want []float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
		}
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-13*(1+math.Abs(want[k])) {
				t.Errorf("%s[%d] = %.17g, want %.17g", what, k, got[k], want[k])
			}
		}
	}
	near("sum", []float64{sum.Sum}, []float64{wantSum})
	near("grad_d", sum.GradD, wantD)
	near("grad_phi", sum.GradPhi, wantPhi)
	if sum.FDRel == nil || *sum.FDRel > 1e-6 {
		t.Errorf("fd_rel_diff = %v, want ≤ 1e-6", *sum.FDRel)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"-sum", "-weights", "1,2,3"}, "3 entries"},
		{[]string{"-weights", "1,2"}, "needs -sum"},
		{[]string{"-sum", "-weights", "1,x"}, `"x"`},
		{[]string{"-sum", "-weights", "1,Inf"}, "finite"},
	} {
		code, _, errs := runCmd(t, "", bad.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", bad.args, code)
		}
		checkOneLine(t, errs, bad.want)
	}
	code, _, errs = runCmd(t, `{"phi": {"layers": [{"weight": [[0, 0, 0, 0]], "bias": [1]}]}, `+
		`"d": {"layers": [{"weight": [[1, 0], [0, 5], [1, 0], [1, 0]], "bias": [0, 0, 0, 0]}]}, "z": [1, 0.5]}`, "-problem", "-", "-sum")
	if code != 3 {
		t.Errorf("-sum at |g| = 0: exit %d, want 3", code)
	}
	checkOneLine(t, errs, "gradient")
	code, out, _ = runCmd(t, "", "-sum")
	if code != 0 || !strings.Contains(out, "S = 0.844444444444444") {
		// 64/90 + 100/750 = 0.8444…, docs/math.md.
		t.Errorf("-sum report: exit %d\n%s", code, out)
	}
}

// TestCheckSampledColumns: a D with more than maxChecked parameters is
// checked on evenly spaced columns, and they still agree.
func TestCheckSampledColumns(t *testing.T) {
	layer := func(out, in int, act string, seed float64) map[string]any {
		w := make([][]float64, out)
		for r := range w {
			w[r] = make([]float64, in)
			for c := range w[r] {
				// A deterministic spread of weights in (−0.6, 0.6).
				w[r][c] = 0.6 * math.Sin(seed+float64(7*r+3*c))
			}
		}
		b := make([]float64, out)
		for r := range b {
			b[r] = 0.1 * math.Cos(seed+float64(r))
		}
		return map[string]any{"weight": w, "bias": b, "activation": act}
	}
	prob := map[string]any{
		"d":   map[string]any{"layers": []any{layer(24, 3, "tanh", 1), layer(10, 24, "softplus", 2)}},
		"phi": map[string]any{"layers": []any{layer(6, 10, "tanh", 3), layer(1, 6, "identity", 4)}},
		"z":   []float64{0.3, -0.8, 0.5},
	}
	src, err := json.Marshal(prob)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, string(src), "-problem", "-", "-json", "-check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r jsonResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.GradD[0]) != 24*3+24+10*24+10 || len(r.GradD[0]) <= maxChecked {
		t.Fatalf("P_D = %d, want > maxChecked = %d", len(r.GradD[0]), maxChecked)
	}
	if r.FDRel == nil || *r.FDRel > 1e-6 {
		t.Fatalf("fd_rel_diff = %v, want ≤ 1e-6", r.FDRel)
	}
	code, out, _ = runCmd(t, string(src), "-problem", "-", "-check")
	if code != 0 || !strings.Contains(out, "evenly spaced parameters") {
		t.Fatalf("report: exit %d\n%s", code, out)
	}
}

// TestNumericLimits: sᵢ is invariant to the scale of g and uᵢ, so weights of
// 1e-100, where |g|²·|uᵢ|² underflows, still give the post's s (issue 13);
// weights so large that |g|² itself overflows are a result that is not
// finite (exit 4), named in one line.
func TestNumericLimits(t *testing.T) {
	under := `{"phi": {"layers": [{"weight": [[1e-100, 2e-100, 3e-100, 4e-100]], "bias": [0]}]},
	 "d": {"layers": [{"weight": [[1e-100, 0], [0, 5e-100], [1e-100, 0], [1e-100, 0]], "bias": [0, 0, 0, 0]}]}, "z": [1, 0.5]}`
	code, out, errs := runCmd(t, under, "-problem", "-", "-json")
	if code != 0 {
		t.Fatalf("underflow: exit %d, want 0: %s", code, errs)
	}
	var r jsonResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	// The post's s (docs/math.md); ∂s/∂θ scales by 1/1e-100.
	if math.Abs(r.S[0]-64.0/90) > 1e-15 || math.Abs(r.S[1]-100.0/750) > 1e-15 || math.Abs(r.GradD[0][0]-(-8.0/27)*1e100) > 1e-14*(8.0/27)*1e100 {
		t.Errorf("scaled by 1e-100: s = %v, ∂s₁/∂W₀₀ = %v", r.S, r.GradD[0][0])
	}
	// exp-free overflow: |g|² = 4·1e400.
	over := `{"phi": {"layers": [{"weight": [[1e200, 1e200, 1e200, 1e200]], "bias": [0]}]},
	 "d": {"layers": [{"weight": [[1, 0], [0, 5], [1, 0], [1, 0]], "bias": [0, 0, 0, 0]}]}, "z": [1, 0.5]}`
	code, _, errs = runCmd(t, over, "-problem", "-")
	if code != 4 {
		t.Errorf("overflow: exit %d, want 4", code)
	}
	checkOneLine(t, errs, "|g|² = +Inf is not finite")
}
