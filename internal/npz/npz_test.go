package npz

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ratios returns the values (i + off)/den for i in [0, n), ratios of small
// integers that Go and NumPy both round correctly, so the two compute the
// same float64 values independently.
func ratios(n, off int, den float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i+off) / den
	}
	return x
}

// special is tools/npzref's SPECIAL.
var special = []float64{
	math.Copysign(0, -1),
	5e-324,                  // smallest subnormal
	2.2250738585072014e-308, // smallest normal
	math.MaxFloat64,
	-math.MaxFloat64,
	math.Inf(1),
	math.Inf(-1),
	math.Float64frombits(0x7ff8000000000000), // NumPy's np.nan; Go's math.NaN() has another payload
	0.1,
	1.0 / 3,
}

// commonArrays are the float64 arrays both numpy.npz and go_written.npz
// hold, in the order tools/npzref/make_npz.py's common() lists them.
func commonArrays() []Array {
	long := make([]float64, 5000)
	for i := range long {
		long[i] = float64(i%1000-500) / 7
	}
	return []Array{
		{"scalar", []int{}, []float64{1.0 / 3}},
		{"vector", []int{5}, ratios(5, -2, 7)},
		{"cube", []int{2, 3, 4}, ratios(24, -5, 7)},
		{"empty", []int{0, 3}, []float64{}},
		{"grad_d/fc1.weight", []int{4, 2}, ratios(8, 1, 8)},
		{"special", []int{len(special)}, special},
		{"long", []int{5000}, long},
	}
}

// float32s widens float32(x) of each float64 x, as NumPy's
// np.array(..., dtype=np.float32) rounds them.
func float32s(x ...float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(float32(v))
	}
	return y
}

// numpyArrays is what tools/npzref/make_npz.py writes to numpy.npz.
func numpyArrays() []Array {
	return append(commonArrays(), Array{"float32", []int{2, 3}, float32s(0.1, -2.5, 3.25, 1e-8, 65504, math.Copysign(0, -1))})
}

// goArrays is what TestGoldenGoWritten writes, and the script checks.
func goArrays() []Array {
	return append(commonArrays(),
		Array{"streamed", []int{3, 5}, ratios(15, 0, 3)},
		Array{"streamed_scalar", []int{}, []float64{2.5}},
		Array{"streamed_empty", []int{0}, []float64{}},
	)
}

// sameBits compares arrays to the bit, so that NaN equals NaN and -0 does
// not equal 0.
func sameBits(t *testing.T, what string, got, want []Array) {
	t.Helper()
	if len(got) != len(want) {
		var names []string
		for _, a := range got {
			names = append(names, a.Name)
		}
		t.Fatalf("%s: %d arrays %q, want %d", what, len(got), names, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || !cmp.Equal(g.Shape, w.Shape) || len(g.Data) != len(w.Data) {
			t.Errorf("%s: array %d is %q %v (%d values), want %q %v (%d)", what, i, g.Name, g.Shape, len(g.Data), w.Name, w.Shape, len(w.Data))
			continue
		}
		if g.Shape == nil || g.Data == nil {
			t.Errorf("%s: %q has nil Shape or Data", what, g.Name)
		}
		for j := range w.Data {
			if math.Float64bits(g.Data[j]) != math.Float64bits(w.Data[j]) {
				t.Errorf("%s: %s[%d] = %v, want %v", what, w.Name, j, g.Data[j], w.Data[j])
				break
			}
		}
	}
}

func TestReadNumPy(t *testing.T) {
	for _, file := range []string{"numpy.npz", "numpy_compressed.npz"} {
		got, err := Open(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		sameBits(t, file, got, numpyArrays())
	}
}

// TestHeaderMatchesNumPy checks that the headers Writer writes are byte for
// byte those of np.savez.
func TestHeaderMatchesNumPy(t *testing.T) {
	zr, err := zip.OpenReader(filepath.Join("testdata", "numpy.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	arrays := numpyArrays()
	for i, f := range zr.File {
		descr := "<f8"
		if arrays[i].Name == "float32" {
			descr = "<f4"
		}
		want := header(descr, arrays[i].Shape)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(want))
		if _, err := io.ReadFull(rc, got); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\ngot  %q\nwant %q", f.Name, want, got)
		}
	}
}

func TestReadUnsupportedNumPy(t *testing.T) {
	for _, test := range []struct{ file, want string }{
		{"numpy_fortran.npz", `npz: array "f": fortran_order True is not supported; save np.ascontiguousarray(a) instead (in testdata/numpy_fortran.npz)`},
		{"numpy_int64.npz", `npz: array "i": dtype "<i8" is not supported; want '<f8' or '<f4' (little-endian float64 or float32) (in testdata/numpy_int64.npz)`},
		{"numpy_bigendian.npz", `npz: array "b": dtype ">f8" is not supported; want '<f8' or '<f4' (little-endian float64 or float32) (in testdata/numpy_bigendian.npz)`},
		{"missing.npz", "npz: open testdata/missing.npz: no such file or directory"},
	} {
		_, err := Open(filepath.Join("testdata", test.file))
		if err == nil || err.Error() != test.want {
			t.Errorf("%s:\ngot  %v\nwant %s", test.file, err, test.want)
		}
	}
}

// write writes arrays with Write, or with Begin and Append in pieces of
// the given size if piece > 0, and returns the archive.
func write(t *testing.T, arrays []Array, piece int) []byte {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b)
	for _, a := range arrays {
		if piece == 0 {
			if err := w.Write(a.Name, a.Shape, a.Data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		aw, err := w.Begin(a.Name, a.Shape)
		if err != nil {
			t.Fatal(err)
		}
		for x := a.Data; len(x) > 0; {
			n := min(piece, len(x))
			if err := aw.Append(x[:n]); err != nil {
				t.Fatal(err)
			}
			x = x[n:]
		}
		if err := aw.End(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	arrays := append(goArrays(),
		Array{"five/d/array", []int{2, 1, 3, 1, 2}, ratios(12, 3, 11)},
		Array{"chunks", []int{2*chunk + 3}, ratios(2*chunk+3, 0, 9)},
		Array{"zeros in shape", []int{3, 0, 2}, []float64{}},
		Array{"é", []int{1}, []float64{-1}},
	)
	for _, piece := range []int{0, 1, 7, chunk + 1} {
		data := write(t, arrays, piece)
		got, err := Read(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("piece %d: %v", piece, err)
		}
		sameBits(t, "round trip", got, arrays)
	}
	// Piecewise and whole writing give the same bytes.
	if !bytes.Equal(write(t, arrays, 0), write(t, arrays, 5)) {
		t.Error("Begin/Append and Write give different archives")
	}
}

// TestGoldenGoWritten writes go_written.npz, which tools/npzref/make_npz.py
// checks NumPy reads exactly, when NPZ_WRITE_GOLDEN=1; otherwise it checks
// that Go still writes the committed file byte for byte.
func TestGoldenGoWritten(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	for _, a := range commonArrays() {
		if err := w.Write(a.Name, a.Shape, a.Data); err != nil {
			t.Fatal(err)
		}
	}
	// The streamed arrays go in through Begin: a row at a time, one value,
	// nothing.
	s, err := w.Begin("streamed", []int{3, 5})
	if err != nil {
		t.Fatal(err)
	}
	all := ratios(15, 0, 3)
	for i := range 3 {
		if err := s.Append(all[5*i : 5*i+5]); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.End(); err != nil {
		t.Fatal(err)
	}
	s, _ = w.Begin("streamed_scalar", nil)
	s.Append([]float64{2.5})
	s.End()
	s, _ = w.Begin("streamed_empty", []int{0})
	s.End()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join("testdata", "go_written.npz")
	if os.Getenv("NPZ_WRITE_GOLDEN") == "1" {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s; check it with /usr/bin/python3 tools/npzref/make_npz.py", path)
	}
	golden, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(golden, b.Bytes()) {
		t.Errorf("Go no longer writes %s byte for byte; if intended, rewrite it with NPZ_WRITE_GOLDEN=1 and check it with tools/npzref/make_npz.py", path)
	}
	got, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sameBits(t, path, got, goArrays())
}

func TestWriterErrors(t *testing.T) {
	for _, test := range []struct {
		name  string
		write func(w *Writer) error
		want  string
		stuck bool // the Writer is unusable afterwards
	}{
		{"empty name", func(w *Writer) error { return w.Write("", nil, []float64{1}) }, `npz: array name "" is empty`, false},
		{"leading slash", func(w *Writer) error { return w.Write("/etc/x", nil, []float64{1}) }, `npz: array name "/etc/x" has an empty, "." or ".." path element`, false},
		{"dot dot", func(w *Writer) error { return w.Write("a/../../b", nil, []float64{1}) }, `npz: array name "a/../../b" has an empty, "." or ".." path element`, false},
		{"double slash", func(w *Writer) error { return w.Write("a//b", nil, []float64{1}) }, `npz: array name "a//b" has an empty, "." or ".." path element`, false},
		{"backslash", func(w *Writer) error { return w.Write(`a\b`, nil, []float64{1}) }, `npz: array name "a\\b" contains NUL or a backslash`, false},
		{"bad UTF-8", func(w *Writer) error { return w.Write("a\xff", nil, []float64{1}) }, `npz: array name "a\xff" is not valid UTF-8`, false},
		{"long name", func(w *Writer) error { return w.Write(strings.Repeat("n", 1<<16), nil, []float64{1}) }, `npz: array name "` + strings.Repeat("n", 40) + `…" is longer than a zip entry name can be`, false},
		{"twice", func(w *Writer) error { w.Write("a", nil, []float64{1}); return w.Write("a", nil, []float64{1}) }, `npz: array "a" written twice`, false},
		{"negative", func(w *Writer) error { return w.Write("a", []int{2, -1}, nil) }, `npz: array "a": shape [2 -1] has a negative dimension`, false},
		{"too many", func(w *Writer) error { _, err := w.Begin("a", []int{1 << 40, 1 << 40}); return err }, `npz: array "a": shape [1099511627776 1099511627776] has too many elements`, false},
		{"length", func(w *Writer) error { return w.Write("a", []int{2, 3}, make([]float64, 5)) }, `npz: array "a": 5 values for shape [2 3], which holds 6`, false},
		{"scalar length", func(w *Writer) error { return w.Write("a", nil, nil) }, `npz: array "a": 0 values for shape [], which holds 1`, false},
		{"Begin while open", func(w *Writer) error { w.Begin("a", []int{1}); _, err := w.Begin("b", nil); return err }, `npz: Begin "b" before End of "a"`, false},
		{"Write while open", func(w *Writer) error { w.Begin("a", []int{1}); return w.Write("b", nil, []float64{1}) }, `npz: Begin "b" before End of "a"`, false},
		{"Append past", func(w *Writer) error {
			a, _ := w.Begin("a", []int{2, 2})
			a.Append([]float64{1, 2, 3})
			return a.Append([]float64{4, 5})
		}, `npz: array "a": 1 values past the 4 of shape [2 2]`, true},
		{"End short", func(w *Writer) error { a, _ := w.Begin("a", []int{2, 2}); a.Append([]float64{1}); return a.End() }, `npz: array "a" ended after 1 of the 4 values of shape [2 2]`, true},
		{"Close open", func(w *Writer) error { w.Begin("a", []int{1}); return w.Close() }, `npz: Close before End of array "a"`, true},
		{"Append after End", func(w *Writer) error { a, _ := w.Begin("a", []int{0}); a.End(); return a.Append(nil) }, `npz: Append to array "a" after its End`, false},
		{"End twice", func(w *Writer) error { a, _ := w.Begin("a", []int{0}); a.End(); return a.End() }, `npz: End of array "a" twice`, false},
		{"after Close", func(w *Writer) error { w.Close(); return w.Write("a", nil, []float64{1}) }, "npz: Writer is closed", false},
	} {
		t.Run(test.name, func(t *testing.T) {
			var b bytes.Buffer
			w := NewWriter(&b)
			err := test.write(w)
			if err == nil || err.Error() != test.want {
				t.Fatalf("got %v\nwant %s", err, test.want)
			}
			if test.stuck {
				if err2 := w.Close(); err2 != err {
					t.Errorf("Close after the error: %v", err2)
				}
				if _, rerr := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len())); rerr == nil {
					t.Error("a failed archive is a valid zip file")
				}
			}
		})
	}
}

// TestWriterStreams checks that the data reaches the destination as it is
// appended, not at End or Close.
func TestWriterStreams(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	a, err := w.Begin("big", []int{100, 10000})
	if err != nil {
		t.Fatal(err)
	}
	row := ratios(10000, 0, 3)
	for range 50 {
		if err := a.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	// archive/zip buffers 4 KiB, and Writer a chunk of values.
	if b.Len() < 50*len(row)*8-4096-8*chunk {
		t.Errorf("after 50 rows of 80 kB, %d bytes written", b.Len())
	}
	for range 50 {
		a.Append(row)
	}
	if err := a.End(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// entry is a raw zip entry for building malformed archives.
type entry struct {
	name   string
	data   []byte
	method uint16
	usize  uint64 // declared uncompressed size if not 0
	crc    uint32 // declared CRC if not 0
}

// rawZip builds an archive of raw entries, whose headers say what the test
// wants them to say.
func rawZip(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: e.method, CompressedSize64: uint64(len(e.data)),
			UncompressedSize64: uint64(len(e.data)), CRC32: crc32.ChecksumIEEE(e.data)}
		if e.usize != 0 {
			fh.UncompressedSize64 = e.usize
		}
		if e.crc != 0 {
			fh.CRC32 = e.crc
		}
		w, err := zw.CreateRaw(fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// npy builds an NPY 1.0 file with the given header dict and data.
func npy(dict string, data ...float64) []byte {
	b := []byte(magic + "\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	b = append(b, dict...)
	for _, v := range data {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// deflate compresses data as a zip entry's Deflate method does.
func deflate(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x", Method: zip.Deflate})
	w.Write(data)
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := zr.File[0].OpenRaw()
	out, _ := io.ReadAll(raw)
	return out
}

// f8x2 is the header dict of a float64 array of shape (2,).
const f8x2 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n"

func TestReadErrors(t *testing.T) {
	good := write(t, []Array{{"a", []int{2}, []float64{1, 2}}}, 0)
	patched := patchSizes(t, good, 1<<40)
	// An NPY 2.0 entry declaring a 69000-byte header, over maxHeader (65536)
	// but within the entry, so that only the header limit can refuse it.
	big := make([]byte, 70000)
	copy(big, magic+"\x02\x00")
	binary.LittleEndian.PutUint32(big[8:], 69000)
	for _, test := range []struct {
		name string
		data []byte
		want string
	}{
		{"not zip", []byte("hello"), "npz: not a zip archive: zip: not a valid zip file"},
		{"cut short", good[:len(good)-10], "npz: not a zip archive: zip: not a valid zip file"},
		{"not npy", rawZip(t, entry{name: "a.txt", data: []byte("x")}), `npz: entry "a.txt" is not an .npy file`},
		{"twice", rawZip(t, entry{name: "a.npy", data: npy(f8x2, 1, 2)}, entry{name: "a.npy", data: npy(f8x2, 1, 2)}), `npz: entry "a.npy" appears twice`},
		{"short", rawZip(t, entry{name: "a.npy", data: []byte(magic)}), `npz: array "a": entry of 6 bytes is too short for an NPY header`},
		{"bad magic", rawZip(t, entry{name: "a.npy", data: []byte("PK\x03\x04 not npy at all")}), `npz: array "a": not an NPY file: starts with "PK\x03\x04 n"`},
		{"version", rawZip(t, entry{name: "a.npy", data: []byte(magic + "\x04\x00\x00\x00\x00\x00")}), `npz: array "a": NPY format version 4.0 is not supported; want 1.0, 2.0 or 3.0`},
		{"header past entry", rawZip(t, entry{name: "a.npy", data: []byte(magic + "\x01\x00\xff\x00{}")}), `npz: array "a": NPY header of 255 bytes is longer than the entry`},
		{"huge header", rawZip(t, entry{name: "a.npy", data: big}), `npz: array "a": NPY header of 69000 bytes is longer than the 65536 accepted`},
		{"v2 short", rawZip(t, entry{name: "a.npy", data: []byte(magic + "\x02\x00\x00\x00")}), `npz: array "a": entry of 10 bytes is too short for an NPY header`},
		{"deflate ends early", rawZip(t, entry{name: "a.npy", data: deflate(t, npy(f8x2, 1)), method: zip.Deflate, usize: uint64(len(npy(f8x2, 1, 2)))}), `npz: array "a": truncated entry`},
		{"truncated data", rawZip(t, entry{name: "a.npy", data: npy(f8x2, 1)}), `npz: array "a": truncated: shape [2] needs 16 bytes of data, the entry has 8`},
		{"extra data", rawZip(t, entry{name: "a.npy", data: npy(f8x2, 1, 2, 3)}), `npz: array "a": shape [2] needs 16 bytes of data, the entry has 8 more`},
		{"checksum", rawZip(t, entry{name: "a.npy", data: npy(f8x2, 1, 2), crc: 12345}), `npz: array "a": zip: checksum error`},
		{"method", rawZip(t, entry{name: "a.npy", data: npy(f8x2, 1, 2), method: 99}), `npz: array "a": zip compression method 99 is not supported; want stored or deflated`},
		// 84 = 10 bytes of prefix + 58 of f8x2 + 16 of data.
		{"stored sizes", rawZip(t, entry{name: "a.npy", data: npy(f8x2, 1, 2), usize: 1 << 20}), `npz: array "a": stored entry declares 1048576 bytes uncompressed, 84 compressed`},
		{"deflate bomb", rawZip(t, entry{name: "a.npy", data: []byte{1, 2, 3}, method: zip.Deflate, usize: 1 << 40}), `npz: array "a": deflated entry of 3 bytes declares 1099511627776, more than deflate can expand to`},
		{"size past archive", patched, `npz: array "a": entry declares 1099511627776 bytes, more than the archive's ` + strconv.Itoa(len(patched))},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(test.data), int64(len(test.data)))
			if err == nil || err.Error() != test.want {
				t.Errorf("got  %v\nwant %s", err, test.want)
			}
		})
	}
}

// patchSizes returns a copy of the archive whose entries declare size
// bytes, compressed and not. It rebuilds the archive with CreateRaw, which
// writes the sizes it is given (as zip64 beyond 4 GiB).
func patchSizes(t *testing.T, archive []byte, size uint64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		raw, _ := f.OpenRaw()
		data, _ := io.ReadAll(raw)
		fh := f.FileHeader
		fh.CompressedSize64, fh.UncompressedSize64 = size, size
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	return b.Bytes()
}

func TestParseHeader(t *testing.T) {
	for _, test := range []struct {
		in   string
		want npyHeader
		err  string
	}{
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (), }", npyHeader{"<f8", false, []int{}}, ""},
		{`{"shape":(3,),"fortran_order":True,"descr":"<f4"}  ` + "\n", npyHeader{"<f4", true, []int{3}}, ""},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }", npyHeader{"<f8", false, []int{2, 3}}, ""},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': ( 2 , 3 , ) }", npyHeader{"<f8", false, []int{2, 3}}, ""},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3), }", npyHeader{}, "at byte 52: (n) is not a tuple; want (n,)"},
		{"{'descr': '<f8', 'fortran_order': False}", npyHeader{}, "missing key 'shape'"},
		{"{'descr': '<f8', 'descr': '<f8'}", npyHeader{}, `key "descr" appears twice`},
		{"{'descr': '<f8', 'extra': 1}", npyHeader{}, `unknown key "extra"`},
		{"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': ()}", npyHeader{}, "structured dtype (a list of fields)"},
		{"{'descr': '<f8', 'fortran_order': false}", npyHeader{}, "at byte 34: want True or False"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", npyHeader{}, "at byte 51: want a non-negative integer"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", npyHeader{}, "at byte 51: dimension 99999999999999999999 is too large"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2]}", npyHeader{}, "at byte 55: want ',' or ')' in the shape"},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': ()} x", npyHeader{}, "at byte 54: unexpected text after the dict"},
		{"{'descr': '<f8' 'fortran_order': False}", npyHeader{}, "at byte 16: want ',' or '}'"},
		{"{'descr' '<f8'}", npyHeader{}, `at byte 9: want ':' after key "descr"`},
		{"{'descr': '<f8}", npyHeader{}, "at byte 10: unterminated string"},
		{"{'descr': '<\\f8'}", npyHeader{}, "at byte 10: escape in string"},
		{"{descr: 1}", npyHeader{}, "at byte 1: want a quoted string"},
		{"[]", npyHeader{}, "at byte 0: want '{'"},
		{"{'shape': 3}", npyHeader{}, "at byte 10: want a tuple"},
	} {
		got, err := parseHeader(test.in)
		switch {
		case test.err != "":
			if err == nil || err.Error() != test.err {
				t.Errorf("%q: got %v, want %s", test.in, err, test.err)
			}
		case err != nil:
			t.Errorf("%q: %v", test.in, err)
		case !cmp.Equal(got, test.want, cmp.AllowUnexported(npyHeader{})):
			t.Errorf("%q: got %+v, want %+v", test.in, got, test.want)
		}
	}
}

// TestHeaderLayout checks the header's alignment, NumPy's growth padding
// and the switch to format 2.0 for headers beyond 65535 bytes.
func TestHeaderLayout(t *testing.T) {
	for _, shape := range [][]int{nil, {0}, {1}, {123456789012}, {2, 3, 4}, make([]int, 64)} {
		h := header("<f8", shape)
		if len(h)%align != 0 || h[len(h)-1] != '\n' || h[6] != 1 {
			t.Errorf("shape %v: header of %d bytes, version %d", shape, len(h), h[6])
		}
		hd, err := parseHeader(string(h[10:]))
		if err != nil || !cmp.Equal(hd.shape, append([]int{}, shape...)) {
			t.Errorf("shape %v: read back %v %v", shape, hd.shape, err)
		}
	}
	// 7000 dimensions of 9 digits make a header over 65535 bytes.
	shape := make([]int, 7000)
	for i := range shape {
		shape[i] = 123456789
	}
	h := header("<f8", shape)
	if h[6] != 2 || len(h)%align != 0 || int(binary.LittleEndian.Uint32(h[8:]))+12 != len(h) {
		t.Errorf("long header: version %d, %d bytes", h[6], len(h))
	}
}
