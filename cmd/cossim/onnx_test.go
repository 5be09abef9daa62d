package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/dualgrad/dualgrad/internal/npz"
	"github.com/dualgrad/dualgrad/onnx"
	"google.golang.org/protobuf/encoding/protowire"
)

// oxTestdata is the ONNX fixtures' directory (tools/onnxref/README.md).
var oxTestdata = filepath.Join("..", "..", "onnx", "testdata")

// oxExpected is the part of a <problem>.expected.json the command tests
// read (schema in tools/onnxref/README.md).
type oxExpected struct {
	D, Phi struct {
		File        string `json:"file"`
		OutputShape []int  `json:"output_shape"`
		OutputIndex *int   `json:"output_index"`
	}
	M         int       `json:"m"`
	ParamsD   []oxParam `json:"params_d"`
	ParamsPhi []oxParam `json:"params_phi"`
	Samples   []struct {
		Z          []float64                  `json:"z"`
		S          []float64                  `json:"s"`
		Dot        []float64                  `json:"dot"`
		GradNormSq float64                    `json:"grad_norm_sq"`
		ColNormSq  []float64                  `json:"col_norm_sq"`
		GradD      map[string]json.RawMessage `json:"grad_d"`
		GradPhi    map[string]json.RawMessage `json:"grad_phi"`
	} `json:"samples"`
}

type oxParam struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

func oxReadExpected(t *testing.T, problem string) *oxExpected {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(oxTestdata, problem+".expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e oxExpected
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("%s: %v", problem, err)
	}
	if len(e.Samples) == 0 {
		t.Fatalf("%s: no samples", problem)
	}
	return &e
}

// oxFlatten returns a nested JSON array's numbers row-major and its shape.
func oxFlatten(t *testing.T, raw json.RawMessage) ([]float64, []int) {
	t.Helper()
	var rec func(v any) ([]float64, []int)
	rec = func(v any) ([]float64, []int) {
		switch v := v.(type) {
		case float64:
			return []float64{v}, nil
		case []any:
			var out []float64
			var inner []int
			for i, e := range v {
				f, s := rec(e)
				if i > 0 && !slices.Equal(s, inner) {
					t.Fatalf("ragged array")
				}
				inner = s
				out = append(out, f...)
			}
			return out, append([]int{len(v)}, inner...)
		}
		t.Fatalf("unexpected JSON value %T", v)
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return rec(v)
}

// oxClose checks got against want to tol relative to want's largest entry.
func oxClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	oxCloseFloor(t, what, got, want, tol, 0)
}

// oxCloseFloor is oxClose with the scale at least floor.
func oxCloseFloor(t *testing.T, what string, got, want []float64, tol, floor float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d entries, want %d", what, len(got), len(want))
		return
	}
	scale, diff, at := 0.0, 0.0, 0
	for i := range want {
		scale = math.Max(scale, math.Abs(want[i]))
		if d := math.Abs(got[i] - want[i]); !(d <= diff) {
			diff, at = d, i
		}
	}
	scale = math.Max(scale, floor)
	if scale == 0 {
		scale = 1
	}
	if !(diff <= tol*scale) {
		t.Errorf("%s: entry %d is %.17g, want %.17g (difference %.3g relative to the largest entry %.3g)",
			what, at, got[at], want[at], diff/scale, scale)
	}
}

// oxWriteJSON writes v as JSON into dir and returns the path.
func oxWriteJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// oxDims formats a shape as the report does (output.go's dims).
func oxDims(s []int) string {
	if len(s) == 0 {
		return "scalar"
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

// oxResults parses -json output: one object, or an array for a list of
// latents.
func oxResults(t *testing.T, out string, batch bool) []jsonResult {
	t.Helper()
	if batch {
		var rs []jsonResult
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatalf("output is not a JSON array: %v", err)
		}
		return rs
	}
	var r jsonResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("output is not one JSON object: %v", err)
	}
	return []jsonResult{r}
}

// TestONNXGolden runs the command on PyTorch exports of real architectures
// and compares s, its pieces and every parameter's Jacobian with PyTorch's
// own double backward (onnx/testdata/<problem>.expected.json), then checks
// that -out writes the same numbers to the bit and that the report names
// the parameters.
func TestONNXGolden(t *testing.T) {
	for _, problem := range []string{"mlp", "mlp_f32", "mnist", "resnet", "upsample_groupnorm", "layernorm_op13"} {
		t.Run(problem, func(t *testing.T) {
			e := oxReadExpected(t, problem)
			dir := t.TempDir()
			batch := len(e.Samples) > 1
			var z any = e.Samples[0].Z
			if batch {
				var zs [][]float64
				for _, s := range e.Samples {
					zs = append(zs, s.Z)
				}
				z = zs
			}
			args := []string{"-d", filepath.Join(oxTestdata, e.D.File), "-phi", filepath.Join(oxTestdata, e.Phi.File),
				"-z", oxWriteJSON(t, dir, "z.json", z), "-wrt", "both"}
			nOut := 1
			for _, d := range e.Phi.OutputShape {
				nOut *= d
			}
			if e.Phi.OutputIndex != nil && (*e.Phi.OutputIndex != 0 || nOut > 1) {
				args = append(args, "-phi-output", fmt.Sprint(*e.Phi.OutputIndex))
			}

			code, out, errs := runCmd(t, "", append(args, "-json")...)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			rs := oxResults(t, out, batch)
			if len(rs) != len(e.Samples) {
				t.Fatalf("%d results, want %d", len(rs), len(e.Samples))
			}
			const tol = 1e-10
			for b, r := range rs {
				want := e.Samples[b]
				at := func(what string) string { return fmt.Sprintf("sample %d: %s", b, what) }
				oxClose(t, at("s"), r.S, want.S, tol)
				oxClose(t, at("dot"), r.Dot, want.Dot, tol)
				oxClose(t, at("grad_norm_sq"), []float64{r.GradNormSq}, []float64{want.GradNormSq}, tol)
				oxClose(t, at("col_norm_sq"), r.ColNormSq, want.ColNormSq, tol)
				for _, net := range []struct {
					name   string
					params []jsonParam
					wantP  []oxParam
					J      [][]float64
					wantJ  map[string]json.RawMessage
				}{{"D", r.ParamsD, e.ParamsD, r.GradD, want.GradD}, {"Φ", r.ParamsPhi, e.ParamsPhi, r.GradPhi, want.GradPhi}} {
					if len(net.params) != len(net.wantP) {
						t.Fatalf("%s: %d parameters %v, want %d %v", net.name, len(net.params), net.params, len(net.wantP), net.wantP)
					}
					if len(net.J) != e.M {
						t.Fatalf("%s: Jacobian with %d rows, want m = %d", net.name, len(net.J), e.M)
					}
					jmax := 0.0
					for _, raw := range net.wantJ {
						v, _ := oxFlatten(t, raw)
						for _, x := range v {
							jmax = math.Max(jmax, math.Abs(x))
						}
					}
					if len(net.wantJ) != len(net.wantP) {
						t.Fatalf("%s: the oracle has %d Jacobians for %d parameters", net.name, len(net.wantJ), len(net.wantP))
					}
					offset := 0
					for k, p := range net.params {
						wp := net.wantP[k]
						if p.Name != wp.Name || !slices.Equal(p.Shape, wp.Shape) || p.Offset != offset {
							t.Fatalf("%s parameter %d: %s %v at %d, want %s %v at %d", net.name, k, p.Name, p.Shape, p.Offset, wp.Name, wp.Shape, offset)
						}
						size := 1
						for _, d := range p.Shape {
							size *= d
						}
						offset += size
						wantJ, shape := oxFlatten(t, net.wantJ[p.Name])
						if !slices.Equal(shape, append([]int{e.M}, p.Shape...)) {
							t.Fatalf("expected Jacobian of %s has shape %v", p.Name, shape)
						}
						var got []float64
						for i := 0; i < e.M; i++ {
							if len(net.J[i]) < p.Offset+size {
								t.Fatalf("%s: Jacobian row %d has %d entries", net.name, i, len(net.J[i]))
							}
							got = append(got, net.J[i][p.Offset:p.Offset+size]...)
						}
						// Relative to the parameter's own largest entry, or to
						// 1e-4 of the network's whole Jacobian for one that is
						// zero up to rounding (Φ's conv2.bias in
						// upsample_groupnorm, which GroupNorm cancels), as
						// onnx's TestImportFixtures does.
						oxCloseFloor(t, at("∂s/∂"+p.Name+" ("+net.name+")"), got, wantJ, tol, 1e-4*jmax)
					}
					for i, row := range net.J {
						if len(row) != offset {
							t.Errorf("%s: Jacobian row %d has %d entries, want %d", net.name, i, len(row), offset)
						}
					}
				}
			}

			// -out: the same numbers, to the bit, in the documented layout.
			npzPath := filepath.Join(dir, "out.npz")
			code, out, errs = runCmd(t, "", append(args, "-out", npzPath)...)
			if code != 0 || errs != "" || out != "" {
				t.Fatalf("-out: exit %d, stdout %q, stderr %q", code, out, errs)
			}
			arrays, err := npz.Open(npzPath)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]npz.Array{}
			for _, a := range arrays {
				byName[a.Name] = a
			}
			lead := []int{}
			if batch {
				lead = []int{len(rs)}
			}
			type want struct {
				shape []int
				data  []float64
			}
			wants := map[string]want{}
			cat := func(f func(r jsonResult) []float64) []float64 {
				var v []float64
				for _, r := range rs {
					v = append(v, f(r)...)
				}
				return v
			}
			m := e.M
			wants["s"] = want{append(slices.Clone(lead), m), cat(func(r jsonResult) []float64 { return r.S })}
			wants["dot"] = want{append(slices.Clone(lead), m), cat(func(r jsonResult) []float64 { return r.Dot })}
			wants["col_norm_sq"] = want{append(slices.Clone(lead), m), cat(func(r jsonResult) []float64 { return r.ColNormSq })}
			wants["grad_norm_sq"] = want{slices.Clone(lead), cat(func(r jsonResult) []float64 { return []float64{r.GradNormSq} })}
			for _, net := range []struct {
				prefix string
				params []jsonParam
				J      func(r jsonResult) [][]float64
			}{{"grad_d/", rs[0].ParamsD, func(r jsonResult) [][]float64 { return r.GradD }},
				{"grad_phi/", rs[0].ParamsPhi, func(r jsonResult) [][]float64 { return r.GradPhi }}} {
				for _, p := range net.params {
					size := 1
					for _, d := range p.Shape {
						size *= d
					}
					shape := append(append(slices.Clone(lead), m), p.Shape...)
					wants[net.prefix+p.Name] = want{shape, cat(func(r jsonResult) []float64 {
						var v []float64
						for _, row := range net.J(r) {
							v = append(v, row[p.Offset:p.Offset+size]...)
						}
						return v
					})}
				}
			}
			if len(arrays) != len(wants) {
				var names []string
				for _, a := range arrays {
					names = append(names, a.Name)
				}
				t.Errorf("archive has %d arrays %q, want %d", len(arrays), names, len(wants))
			}
			for name, w := range wants {
				a, ok := byName[name]
				switch {
				case !ok:
					t.Errorf("archive lacks %s", name)
				case !slices.Equal(a.Shape, w.shape):
					t.Errorf("%s: shape %v, want %v", name, a.Shape, w.shape)
				case !oxBitsEqual(a.Data, w.data):
					t.Errorf("%s: values differ from the -json output", name)
				}
			}

			// The report names every parameter with its shape.
			code, out, errs = runCmd(t, "", args...)
			if code != 0 || errs != "" {
				t.Fatalf("report: exit %d, stderr %q", code, errs)
			}
			for _, net := range []struct {
				params []jsonParam
				sym    string
			}{{rs[0].ParamsD, "θ_D"}, {rs[0].ParamsPhi, "φ"}} {
				P := 0
				for _, p := range net.params {
					line := "\n  " + p.Name + " (" + oxDims(p.Shape) + ")"
					if !strings.Contains(out, line) {
						t.Errorf("report lacks the line %q", line[1:])
					}
					size := 1
					for _, d := range p.Shape {
						size *= d
					}
					P += size
				}
				if P > maxPrinted {
					abbrev := fmt.Sprintf("∂s/∂%s: %d × %d (too large to print; use -json or -out FILE.npz), parameters:", net.sym, m, P)
					if !strings.Contains(out, abbrev) {
						t.Errorf("report lacks %q", abbrev)
					}
				} else if !strings.Contains(out, "∂s1/∂"+net.sym+":") {
					t.Errorf("report lacks ∂s1/∂%s", net.sym)
				}
			}
			if batch && !strings.Contains(out, fmt.Sprintf("== sample %d ==", len(rs)-1)) {
				t.Errorf("report lacks the last sample")
			}
		})
	}
}

func oxBitsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestONNXMatchesDenseJSON: the same network as dense JSON and as ONNX, in
// any combination, gives the same s and Jacobians to the bit.
func TestONNXMatchesDenseJSON(t *testing.T) {
	for _, problem := range []string{"mlp", "mlp_f32"} {
		t.Run(problem, func(t *testing.T) {
			e := oxReadExpected(t, problem)
			z := oxWriteJSON(t, t.TempDir(), "z.json", e.Samples[0].Z)
			file := func(net, ext string) string {
				return filepath.Join(oxTestdata, problem+"_"+net+ext)
			}
			var first []jsonResult
			for _, c := range [][2]string{{".layers.json", ".layers.json"}, {".onnx", ".onnx"}, {".onnx", ".layers.json"}, {".layers.json", ".onnx"}} {
				code, out, errs := runCmd(t, "", "-d", file("d", c[0]), "-phi", file("phi", c[1]), "-z", z, "-wrt", "both", "-json")
				if code != 0 || errs != "" {
					t.Fatalf("D %s, Φ %s: exit %d, stderr %q", c[0], c[1], code, errs)
				}
				r := oxResults(t, out, false)
				if first == nil {
					first = r
					continue
				}
				a, b := first[0], r[0]
				same := oxBitsEqual(a.S, b.S) && oxBitsEqual(a.Dot, b.Dot) && oxBitsEqual(a.ColNormSq, b.ColNormSq) &&
					oxBitsEqual([]float64{a.GradNormSq}, []float64{b.GradNormSq}) && len(a.GradD) == len(b.GradD) && len(a.GradPhi) == len(b.GradPhi)
				for i := range a.GradD {
					same = same && oxBitsEqual(a.GradD[i], b.GradD[i]) && oxBitsEqual(a.GradPhi[i], b.GradPhi[i])
				}
				if !same {
					t.Errorf("D %s, Φ %s: results differ from the dense JSON networks'", c[0], c[1])
				}
				// Names differ (layers.0.weight against 0.weight); the
				// layout does not.
				for k, p := range b.ParamsD {
					if q := a.ParamsD[k]; !slices.Equal(p.Shape, q.Shape) || p.Offset != q.Offset {
						t.Errorf("D parameter %d: %v at %d, want %v at %d", k, p.Shape, p.Offset, q.Shape, q.Offset)
					}
				}
			}
		})
	}
}

// oxModel decodes a fixture for a test to edit.
func oxModel(t *testing.T, name string) *onnx.Model {
	t.Helper()
	m, err := onnx.ReadFile(filepath.Join(oxTestdata, name), 0)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func oxNode(t *testing.T, m *onnx.Model, name string) *onnx.Node {
	t.Helper()
	for k := range m.Graph.Nodes {
		if m.Graph.Nodes[k].Name == name {
			return &m.Graph.Nodes[k]
		}
	}
	t.Fatalf("no node %s", name)
	return nil
}

func oxSetAttr(n *onnx.Node, a onnx.Attribute) {
	for i := range n.Attrs {
		if n.Attrs[i].Name == a.Name {
			n.Attrs[i] = a
			return
		}
	}
	n.Attrs = append(n.Attrs, a)
}

func oxEncode(t *testing.T, m *onnx.Model) []byte {
	t.Helper()
	data, err := onnx.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// oxExternal rewrites an encoded model so that the initializer named name
// keeps its data in an external file, as torch.onnx writes models over
// 2 GB: its raw_data is dropped and external_data (location) and
// data_location = EXTERNAL are added (onnx.proto3 TensorProto fields 13
// and 14). Onnx.Tensor has no field for it, so the bytes are patched.
func oxExternal(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	const (
		modelGraph, graphInit                       = 7, 5
		tensorName, tensorRaw, tensorExt, tensorLoc = 8, 9, 13, 14
	)
	// rewrite copies the fields of msg, passing those numbered num to f.
	rewrite := func(msg []byte, num protowire.Number, f func([]byte) []byte) []byte {
		var out []byte
		for len(msg) > 0 {
			n, typ, tl := protowire.ConsumeTag(msg)
			vl := protowire.ConsumeFieldValue(n, typ, msg[tl:])
			if tl < 0 || vl < 0 {
				t.Fatal("corrupt encoding")
			}
			if n == num && typ == protowire.BytesType {
				v, _ := protowire.ConsumeBytes(msg[tl:])
				out = protowire.AppendTag(out, n, typ)
				out = protowire.AppendBytes(out, f(v))
			} else {
				out = append(out, msg[:tl+vl]...)
			}
			msg = msg[tl+vl:]
		}
		return out
	}
	found := false
	out := rewrite(data, modelGraph, func(g []byte) []byte {
		return rewrite(g, graphInit, func(tb []byte) []byte {
			var named bool
			var kept []byte
			for b := tb; len(b) > 0; {
				n, typ, tl := protowire.ConsumeTag(b)
				vl := protowire.ConsumeFieldValue(n, typ, b[tl:])
				if n == tensorName {
					v, _ := protowire.ConsumeBytes(b[tl:])
					named = string(v) == name
				}
				if n != tensorRaw {
					kept = append(kept, b[:tl+vl]...)
				}
				b = b[tl+vl:]
			}
			if !named {
				return tb
			}
			found = true
			var entry []byte
			entry = protowire.AppendTag(entry, 1, protowire.BytesType)
			entry = protowire.AppendString(entry, "location")
			entry = protowire.AppendTag(entry, 2, protowire.BytesType)
			entry = protowire.AppendString(entry, "weights.bin")
			kept = protowire.AppendTag(kept, tensorExt, protowire.BytesType)
			kept = protowire.AppendBytes(kept, entry)
			kept = protowire.AppendTag(kept, tensorLoc, protowire.VarintType)
			return protowire.AppendVarint(kept, 1)
		})
	})
	if !found {
		t.Fatalf("no initializer %s", name)
	}
	return out
}

// TestONNXBadInput: every way an ONNX input can be wrong, through the
// command: exit 2, one line on stderr starting "cossim: " that names the
// file and, where there is one, the node; nothing on stdout.
func TestONNXBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	edited := func(file string, edit func(m *onnx.Model)) func() []byte {
		return func() []byte {
			m := oxModel(t, file)
			edit(m)
			return oxEncode(t, m)
		}
	}
	mlpD := filepath.Join(oxTestdata, "mlp_d.onnx")
	mlpPhi := filepath.Join(oxTestdata, "mlp_phi.onnx")
	mnistD := filepath.Join(oxTestdata, "mnist_d.onnx")
	mnistPhi := filepath.Join(oxTestdata, "mnist_phi.onnx")
	mlpF32Phi := filepath.Join(oxTestdata, "mlp_f32_phi.onnx")
	z3 := write("z3.json", []byte("[0.1, -0.2, 0.3]"))
	mlpBytes, err := os.ReadFile(mlpD)
	if err != nil {
		t.Fatal(err)
	}
	// Eight bytes flipped in the middle of upsample_groupnorm_phi.onnx
	// fall in a node's output name. (In mlp_d.onnx the middle is weight
	// data, which stays a valid model with other weights;
	// TestONNXFlippedBytes flips every byte of a model.)
	ugPhi, err := os.ReadFile(filepath.Join(oxTestdata, "upsample_groupnorm_phi.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(ugPhi)
	for i := len(flipped) / 2; i < len(flipped)/2+8; i++ {
		flipped[i] ^= 0xff
	}

	tests := []struct {
		name string
		// The network in role ("d" or "phi") is data, written to a file;
		// the other is the fixture other (mlp's by default), and args
		// follow. Without data, args are the whole command line.
		role  string
		data  func() []byte
		other string
		args  []string
		want  []string // substrings of the message
	}{
		{name: "not ONNX", role: "d", data: func() []byte { return []byte("this is a text file, not a model\n") },
			want: []string{"not an ONNX model: corrupt ModelProto at byte 0"}},
		{name: "empty file", role: "d", data: func() []byte { return nil },
			want: []string{"empty input: not an ONNX model"}},
		{name: "truncated", role: "d", data: func() []byte { return mlpBytes[:len(mlpBytes)/2] },
			want: []string{"corrupt ModelProto at byte 19: field 7: unexpected EOF"}},
		{name: "corrupt bytes", role: "phi", data: func() []byte { return flipped }, other: filepath.Join(oxTestdata, "upsample_groupnorm_d.onnx"),
			want: []string{`node 16 "/LogSoftmax" (LogSoftmax): corrupt NodeProto at byte 1733: field 2 (output) is not valid UTF-8`}},
		{name: "unsupported op", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) { oxNode(t, m, "/1/Tanh").OpType = "Foo" }),
			want: []string{`node 1 "/1/Tanh" ("Foo")`, `op type "Foo" is not supported`, "Gemm", "Conv"}},
		{name: "Conv auto_pad", role: "phi", data: edited("mnist_phi.onnx", func(m *onnx.Model) {
			oxSetAttr(oxNode(t, m, "/0/Conv"), onnx.Attribute{Name: "auto_pad", Type: onnx.AttrString, S: "SAME_UPPER"})
		}), other: mnistD, args: []string{"-phi-output", "3"}, want: []string{`"/0/Conv" (Conv)`, `attribute "auto_pad" = "SAME_UPPER" is not supported`}},
		{name: "Pad reflect", role: "phi", data: edited("conv2d_phi.onnx", func(m *onnx.Model) {
			oxSetAttr(oxNode(t, m, "/6/Pad"), onnx.Attribute{Name: "mode", Type: onnx.AttrString, S: "reflect"})
		}), other: filepath.Join(oxTestdata, "conv2d_d.onnx"), want: []string{`"/6/Pad" (Pad)`, `attribute "mode" = "reflect" is not supported`}},
		{name: "external data", role: "d", data: func() []byte { return oxExternal(t, mlpBytes, "0.weight") },
			want: []string{`initializer "0.weight"`, "external data"}},
		{name: "int64 input", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) { m.Graph.Inputs[0].ElemType = onnx.Int64 }),
			want: []string{`graph input "input"`, "INT64"}},
		{name: "two inputs", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) {
			in := m.Graph.Inputs[0]
			in.Name = "other"
			m.Graph.Inputs = append(m.Graph.Inputs, in)
		}), want: []string{`2 inputs ("input", "other")`}},
		{name: "two outputs", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) {
			m.Graph.Outputs = append(m.Graph.Outputs, onnx.ValueInfo{Name: "/1/Tanh_output_0"})
		}), want: []string{`2 outputs ("output", "/1/Tanh_output_0"); want one`}},
		{name: "cycle", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) {
			oxNode(t, m, "/0/Gemm").Inputs[0] = "/1/Tanh_output_0"
		}), want: []string{`node 0 "/0/Gemm" (Gemm): input "/1/Tanh_output_0" is not defined by a graph input, an initializer or an earlier node`}},
		{name: "dangling input", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) {
			oxNode(t, m, "/1/Tanh").Inputs[0] = "nowhere"
		}), want: []string{`node 1 "/1/Tanh" (Tanh)`, `input "nowhere" is not defined`}},
		{name: "Gemm weight shape", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) {
			w := m.Graph.Initializer("0.weight")
			w.Dims = []int64{6, 4}
			w.Float64 = append(w.Float64, 1, 2, 3, 4, 5, 6)
		}), want: []string{`node "/0/Gemm" (Gemm)`, "op(A) is 1×3 and op(B) is 4×6"}}, // B = weightᵀ (transB)
		{name: "data disagrees with dims", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) {
			w := m.Graph.Initializer("0.bias")
			w.Float64 = w.Float64[:4]
		}), want: []string{`initializer "0.bias"`, "4 elements of data but dims [6] need 6"}},
		{name: "huge dims", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) {
			m.Graph.Initializer("0.bias").Dims = []int64{1e12}
		}), want: []string{`initializer "0.bias"`, "dims [1000000000000] declare more than"}},
		{name: "NaN weight", role: "d", data: edited("mlp_d.onnx", func(m *onnx.Model) {
			m.Graph.Initializer("2.weight").Float64[7] = math.NaN()
		}), want: []string{`initializer "2.weight"`, "is NaN"}},
		{name: "D and Φ do not fit", args: []string{"-d", mlpD, "-phi", mlpF32Phi, "-z", z3},
			want: []string{"cossim: D = " + mlpD + ", Φ = " + mlpF32Phi + ": D's output shape [1, 5] has 5 elements and Φ's input shape [1, 4] has 4"}},
		{name: "phi-output out of range", args: []string{"-d", mnistD, "-phi", mnistPhi, "-z", z3, "-phi-output", "10"},
			want: []string{mnistPhi + ": -phi-output 10: Φ has 10 output elements (shape [1, 10]), 0 to 9"}},
		{name: "phi-output missing", args: []string{"-d", mnistD, "-phi", mnistPhi, "-z", z3},
			want: []string{mnistPhi + ": Φ has 10 output elements (shape [1, 10]); pick the one that is Φ with -phi-output K"}},
		{name: "latent length", args: []string{"-d", mlpD, "-phi", mlpPhi, "-z", write("z2.json", []byte("[1, 2]"))},
			want: []string{"z2.json", "latent has 2 numbers, want 3"}},
		{name: "null in latent", args: []string{"-d", mlpD, "-phi", mlpPhi, "-z", write("znull.json", []byte("[1, null, 2]"))},
			want: []string{"znull.json", "null"}},
		{name: "unknown extension", args: []string{"-d", write("model.pt", mlpBytes), "-phi", mlpPhi, "-z", z3},
			want: []string{"model.pt", `unknown file extension ".pt"`}},
		{name: "-d without -phi", args: []string{"-d", mlpD, "-z", z3}, want: []string{"-phi is missing"}},
		{name: "-phi without -d", args: []string{"-phi", mlpPhi, "-z", z3}, want: []string{"-d is missing"}},
		{name: "no -z", args: []string{"-d", mlpD, "-phi", mlpPhi}, want: []string{"-z is missing"}},
		{name: "-problem with -d", args: []string{"-problem", filepath.Join(oxTestdata, "mlp.problem.json"), "-d", mlpD},
			want: []string{"-problem may not be combined with -d"}},
		{name: `-problem ""`, args: []string{"-problem", ""}, want: []string{"-problem needs a file name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			var file string
			if tt.data != nil {
				file = write(strings.ReplaceAll(tt.name, " ", "_")+".onnx", tt.data())
				d, phi := file, mlpPhi
				if tt.role == "phi" {
					d, phi = mlpD, file
				}
				if tt.other != "" && tt.role == "phi" {
					d = tt.other
				} else if tt.other != "" {
					phi = tt.other
				}
				args = append([]string{"-d", d, "-phi", phi, "-z", z3}, args...)
			}
			code, out, errs := runCmd(t, "", args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			want := tt.want
			if file != "" {
				want = append([]string{file + ": "}, want...)
			}
			checkOneLine(t, errs, want[0])
			for _, w := range want[1:] {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not name %q", errs, w)
				}
			}
			t.Logf("%s", errs)
		})
	}
}

// TestONNXHugeTensor: a tensor declaring 10¹² elements is refused before
// anything of that size is allocated.
func TestONNXHugeTensor(t *testing.T) {
	dir := t.TempDir()
	m := oxModel(t, "mlp_d.onnx")
	m.Graph.Initializer("0.weight").Dims = []int64{1e6, 1e6}
	path := filepath.Join(dir, "huge.onnx")
	if err := os.WriteFile(path, oxEncode(t, m), 0o600); err != nil {
		t.Fatal(err)
	}
	z := oxWriteJSON(t, dir, "z.json", []float64{1, 2, 3})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	code, out, errs := runCmd(t, "", "-d", path, "-phi", filepath.Join(oxTestdata, "mlp_phi.onnx"), "-z", z)
	runtime.ReadMemStats(&after)
	if code != 2 || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	checkOneLine(t, errs, path+`: initializer "0.weight": dims [1000000 1000000] declare more than 134217728 elements`)
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("the refusal allocated %d bytes", d)
	}
}

// TestONNXFlippedBytes flips each byte of a real model in turn: every
// result is a model the command runs (with other weights) or one line on
// stderr with the documented exit status, never a panic.
func TestONNXFlippedBytes(t *testing.T) {
	dir := t.TempDir()
	model, err := os.ReadFile(filepath.Join(oxTestdata, "mlp_f32_d.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	phi := filepath.Join(oxTestdata, "mlp_f32_phi.onnx")
	z := oxWriteJSON(t, dir, "z.json", []float64{0.1, -0.2})
	path := filepath.Join(dir, "flipped.onnx")
	refused := 0
	for i := range model {
		data := slices.Clone(model)
		data[i] ^= 0xff
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errs := runCmd(t, "", "-d", path, "-phi", phi, "-z", z, "-wrt", "none", "-json")
		switch code {
		case 0:
			if errs != "" || out == "" {
				t.Fatalf("byte %d: exit 0, stdout %q, stderr %q", i, out, errs)
			}
		case 2, 3, 4:
			refused++
			if out != "" || !strings.HasPrefix(errs, "cossim: ") || strings.Count(errs, "\n") != 1 || strings.Contains(errs, "panic") {
				t.Fatalf("byte %d: exit %d, stdout %q, stderr %q", i, code, out, errs)
			}
			if code == 2 && !strings.Contains(errs, path) && !strings.Contains(errs, z) {
				t.Fatalf("byte %d: the message names no file: %q", i, errs)
			}
		default:
			t.Fatalf("byte %d: exit %d: %s", i, code, errs)
		}
	}
	t.Logf("%d of %d flipped bytes refused", refused, len(model))
	if refused < len(model)/4 {
		t.Errorf("only %d of %d flipped bytes refused", refused, len(model))
	}
}

// TestONNXExporterNamesWarning: a parameter named as torch.onnx.export
// names the weights of a convolution it folded batch norm into gives one
// warning line, and the command still succeeds.
func TestONNXExporterNamesWarning(t *testing.T) {
	dir := t.TempDir()
	m := oxModel(t, "resnet_phi.onnx")
	const old, made = "conv1.weight", "onnx::Conv_16"
	m.Graph.Initializer(old).Name = made
	for k := range m.Graph.Nodes {
		for j, in := range m.Graph.Nodes[k].Inputs {
			if in == old {
				m.Graph.Nodes[k].Inputs[j] = made
			}
		}
	}
	phi := filepath.Join(dir, "resnet_phi_eval.onnx")
	if err := os.WriteFile(phi, oxEncode(t, m), 0o600); err != nil {
		t.Fatal(err)
	}
	e := oxReadExpected(t, "resnet")
	z := oxWriteJSON(t, dir, "z.json", e.Samples[0].Z)
	code, out, errs := runCmd(t, "", "-d", filepath.Join(oxTestdata, "resnet_d.onnx"), "-phi", phi, "-z", z, "-wrt", "phi", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(errs, "cossim: warning:") || strings.Count(errs, "\n") != 1 ||
		!strings.Contains(errs, "training=torch.onnx.TrainingMode.PRESERVE") || !strings.Contains(errs, `"onnx::Conv_16"`) {
		t.Errorf("stderr is not one warning line naming the parameter and PRESERVE: %q", errs)
	}
	r := oxResults(t, out, false)[0]
	if len(r.ParamsPhi) == 0 || r.ParamsPhi[0].Name != made {
		t.Errorf("params_phi %v, want %s first", r.ParamsPhi, made)
	}
	// The renamed model is the same function: the same s as PyTorch's.
	oxClose(t, "s", r.S, e.Samples[0].S, 1e-10)
}
