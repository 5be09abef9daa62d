package jsonstrict

import (
	"encoding/json"
	"math/rand/v2"
	"sync"
	"testing"
)

// weightDoc returns a {"weight": [[...], ...]} document of 512 × 1000
// standard normal numbers in shortest round-trip form, about 10 MB: the
// size of a large network's weight matrix.
var weightDoc = sync.OnceValue(func() []byte {
	const rows, cols = 512, 1000
	rng := rand.New(rand.NewPCG(7, 11))
	w := NewWriter(nil)
	var out []byte
	w.w = writerFunc(func(p []byte) (int, error) { out = append(out, p...); return len(p), nil })
	w.BeginObject()
	w.Key("weight")
	w.BeginArray()
	row := make([]float64, cols)
	for range rows {
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		w.Floats(row)
	}
	w.EndArray()
	w.EndObject()
	if err := w.Close(); err != nil {
		panic(err)
	}
	return out
})

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func BenchmarkParseMatrix(b *testing.B) {
	data := weightDoc()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := ParseBytes(data)
		if err != nil {
			b.Fatal(err)
		}
		w, err := v.Need("weight")
		if err != nil {
			b.Fatal(err)
		}
		if _, _, _, err := w.Matrix(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodingJSONAny(b *testing.B) {
	data := weightDoc()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodingJSONFloats(b *testing.B) {
	data := weightDoc()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var v struct {
			Weight [][]float64 `json:"weight"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteMatrix(b *testing.B) {
	v, err := ParseBytes(weightDoc())
	if err != nil {
		b.Fatal(err)
	}
	r, c, data, _ := v.Get("weight").Matrix()
	b.SetBytes(int64(len(weightDoc())))
	b.ReportAllocs()
	for b.Loop() {
		w := NewWriter(writerFunc(func(p []byte) (int, error) { return len(p), nil }))
		w.BeginObject()
		w.Key("weight")
		w.BeginArray()
		for i := range r {
			w.Floats(data[i*c : (i+1)*c])
		}
		w.EndArray()
		w.EndObject()
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
