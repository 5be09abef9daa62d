package npz

import (
	"bytes"
	"io"
	"testing"
)

// 10 MB of float64: a 1250 × 1000 matrix.
const benchRows, benchCols = 1250, 1000

func BenchmarkWrite(b *testing.B) {
	data := ratios(benchRows*benchCols, 0, 7)
	b.SetBytes(int64(8 * len(data)))
	b.ReportAllocs()
	for b.Loop() {
		w := NewWriter(io.Discard)
		if err := w.Write("w", []int{benchRows, benchCols}, data); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Write("w", []int{benchRows, benchCols}, ratios(benchRows*benchCols, 0, 7))
	w.Close()
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
			b.Fatal(err)
		}
	}
}
