package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/dualgrad/dualgrad/cossim"
	"github.com/dualgrad/dualgrad/layers"
	"gonum.org/v1/gonum/mat"
)

// inputError marks invalid input: the command exits 2.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func invalid(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// problem is a decoded problem file: the two networks and one or more latents.
type problem struct {
	cossim.Problem
	Z     [][]float64 // B × m
	Batch bool        // "z" was a list of latents
	Name  string      // where it came from, for the report
}

// problemFile is the JSON form {"phi": NET, "d": NET, "z": [...]}.
type problemFile struct {
	Phi json.RawMessage `json:"phi"`
	D   json.RawMessage `json:"d"`
	Z   json.RawMessage `json:"z"`
}

// readProblem decodes and validates a problem file.
func readProblem(r io.Reader, name string) (*problem, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, invalid("reading %s: %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f problemFile
	if err := dec.Decode(&f); err != nil {
		return nil, invalid("%s: malformed problem JSON%s: %v", name, position(data, err), err)
	}
	if dec.More() {
		return nil, invalid("%s: trailing data after the problem object", name)
	}
	p := &problem{Name: name}
	if p.Phi, err = readNet(f.Phi, "phi"); err != nil {
		return nil, err
	}
	if p.D, err = readNet(f.D, "d"); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, inputError{err}
	}
	if p.Z, p.Batch, err = readLatents(f.Z, p.M()); err != nil {
		return nil, err
	}
	return p, nil
}

func readNet(raw json.RawMessage, field string) (*layers.Network, error) {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, invalid("field %q: missing network", field)
	}
	n, err := layers.ReadJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, invalid("field %q: %v", field, err)
	}
	return n, nil
}

// readLatents accepts one latent [..] or a list of latents [[..], ..], each
// of length m.
func readLatents(raw json.RawMessage, m int) ([][]float64, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, false, invalid(`field "z": missing latent`)
	}
	var one []float64
	if err := json.Unmarshal(raw, &one); err == nil {
		if len(one) == 0 {
			return nil, false, invalid(`field "z": empty latent`)
		}
		if err := checkLatent(one, m, -1); err != nil {
			return nil, false, err
		}
		return [][]float64{one}, false, nil
	}
	var many [][]float64
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, false, invalid(`field "z": want a list of %d numbers or a list of such lists: %v`, m, err)
	}
	if len(many) == 0 {
		return nil, false, invalid(`field "z": empty list of latents`)
	}
	for b, z := range many {
		if err := checkLatent(z, m, b); err != nil {
			return nil, false, err
		}
	}
	return many, true, nil
}

func checkLatent(z []float64, m, sample int) error {
	where := `field "z"`
	if sample >= 0 {
		where = fmt.Sprintf(`field "z", sample %d`, sample)
	}
	if len(z) != m {
		return invalid("%s: latent has length %d, want D's input width %d", where, len(z), m)
	}
	for i, v := range z {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return invalid("%s: element %d is not finite", where, i)
		}
	}
	return nil
}

// example returns the forum post's problem: Φ(x) = [1,2,3,4]·x and
// D(z) = [[1,0],[0,5],[1,0],[1,0]]·z, both with zero bias, at z = [1, 0.5].
func example() *problem {
	phi := &layers.Network{Layers: []layers.Layer{{
		W: mat.NewDense(1, 4, []float64{1, 2, 3, 4}),
		B: []float64{0},
	}}}
	d := &layers.Network{Layers: []layers.Layer{{
		W: mat.NewDense(4, 2, []float64{1, 0, 0, 5, 1, 0, 1, 0}),
		B: []float64{0, 0, 0, 0},
	}}}
	return &problem{
		Problem: cossim.Problem{Phi: phi, D: d},
		Z:       [][]float64{{1, 0.5}},
		Name:    "the forum post's example (built in)",
	}
}

// position returns " at line L, column C" for a JSON syntax error, with a
// hint when the offending text looks like NaN or Infinity, which JSON lacks.
func position(data []byte, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return ""
	}
	off := int(se.Offset)
	if off > len(data) {
		off = len(data)
	}
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	hint := ""
	rest := data[max(off-1, 0):]
	for _, w := range []string{"NaN", "Inf", "-Inf", "Infinity", "-Infinity"} {
		if bytes.HasPrefix(rest, []byte(w)) {
			hint = " (JSON has no NaN or Infinity; numbers must be finite)"
		}
	}
	return fmt.Sprintf(" at line %d, column %d%s", line, col, hint)
}
