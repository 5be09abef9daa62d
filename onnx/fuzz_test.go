package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode checks that Decode never panics, returns only *Error values,
// and never decodes more tensor elements than the input has bytes (every
// element takes at least one byte on the wire), which bounds allocation.
// It is seeded with the committed PyTorch exports and the hand-built model.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.onnx"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed models: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(spec{}.bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, not *onnx.Error", err, err)
			}
			if m != nil {
				t.Fatal("a model and an error")
			}
			return
		}
		elems := 0
		count := func(tt *Tensor) {
			if n := len(tt.Float64) + len(tt.Int64); n != tt.Len() {
				t.Fatalf("tensor %v holds %d elements", tt, n)
			}
			elems += tt.Len()
		}
		for i := range m.Graph.Initializers {
			count(&m.Graph.Initializers[i])
		}
		for _, n := range m.Graph.Nodes {
			for _, a := range n.Attrs {
				if a.T != nil {
					count(a.T)
				}
			}
		}
		if elems > len(data) {
			t.Fatalf("%d tensor elements from %d bytes", elems, len(data))
		}
	})
}
