package npz

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// FuzzRead checks that Read never panics and never allocates much more
// than its input: for stored entries a small multiple of the input, and for
// deflated entries a small multiple of what their declared sizes, which
// Read bounds by deflate's expansion limit, allow.
func FuzzRead(f *testing.F) {
	small := func(arrays ...Array) []byte {
		var b bytes.Buffer
		w := NewWriter(&b)
		for _, a := range arrays {
			w.Write(a.Name, a.Shape, a.Data)
		}
		w.Close()
		return b.Bytes()
	}
	f.Add(small(Array{"a", []int{2}, []float64{1, 2}}))
	f.Add(small(Array{"s", nil, []float64{0.5}}, Array{"e/f", []int{0, 2}, nil}, Array{"m", []int{2, 2}, []float64{1, 2, 3, 4}}))
	for _, file := range []string{"numpy_fortran.npz", "numpy_int64.npz", "numpy_bigendian.npz", "numpy_compressed.npz"} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(npy(f8x2, 1, 2))
	f.Add(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }\n", 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		check(t, data)
		// The same bytes as an .npy entry of a valid archive, to reach the
		// NPY reader past the zip checks.
		check(t, wrap(data))
	})
}

// wrap returns an archive of one stored entry "x.npy" holding data.
func wrap(data []byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x.npy", Method: zip.Store})
	w.Write(data)
	zw.Close()
	return b.Bytes()
}

// check reads data and checks what FuzzRead promises.
func check(t *testing.T, data []byte) {
	{
		// What a deflated entry may legitimately make Read allocate.
		var deflated uint64
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			for _, e := range zr.File {
				if e.Method == zip.Deflate {
					deflated += min(e.UncompressedSize64, maxRatio*e.CompressedSize64+1024)
				}
			}
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		arrays, err := Read(bytes.NewReader(data), int64(len(data)))
		runtime.ReadMemStats(&after)
		// Widening '<f4' doubles the data; growing a slice by appending
		// costs up to about 3 times its final size.
		limit := 16*uint64(len(data)) + 6*deflated + 1<<20
		if got := after.TotalAlloc - before.TotalAlloc; got > limit {
			t.Fatalf("Read of %d bytes allocated %d (limit %d)", len(data), got, limit)
		}
		if err != nil {
			return
		}
		for _, a := range arrays {
			n, err := count(a.Shape, 8)
			if err != nil || n != len(a.Data) {
				t.Fatalf("array %q of shape %v has %d values", a.Name, a.Shape, len(a.Data))
			}
		}
	}
}
