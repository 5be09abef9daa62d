package npz

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// Array is one array of an archive.
type Array struct {
	// Name is the key np.load gives the array: its entry's name without
	// ".npy", such as "grad_d/fc1.weight".
	Name string

	// Shape is the array's shape; it is empty for a 0-d array.
	Shape []int

	// Data holds the values in C (row-major) order, as many as Shape has
	// elements.
	Data []float64
}

// Open reads every array of the .npz file at path, as Read does.
func Open(path string) ([]Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npz: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("npz: %w", err)
	}
	arrays, err := Read(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return arrays, nil
}

// maxRatio bounds the expansion of a deflated entry: deflate cannot
// expand data more than 1032 times (RFC 1951's longest match, 258 bytes,
// costs at least 2 bits). A larger declared size is corrupt.
const maxRatio = 1032

// Read reads every array of the .npz archive in r, of size bytes, in
// archive order. Each entry must be an .npy file of '<f8' or '<f4' values
// in C order; '<f4' values are widened to float64, which is exact.
func Read(r io.ReaderAt, size int64) ([]Array, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npz: not a zip archive: %w", err)
	}
	arrays := make([]Array, 0, len(zr.File))
	seen := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			return nil, fmt.Errorf("npz: entry %q is not an .npy file", clip(f.Name))
		}
		if seen[name] {
			return nil, fmt.Errorf("npz: entry %q appears twice", clip(f.Name))
		}
		seen[name] = true
		a, err := readEntry(f, size)
		if err != nil {
			return nil, fmt.Errorf("npz: array %q: %w", clip(name), err)
		}
		a.Name = name
		arrays = append(arrays, a)
	}
	return arrays, nil
}

// readEntry reads one .npy entry of an archive of size bytes.
func readEntry(f *zip.File, size int64) (Array, error) {
	var a Array
	usize, csize := f.UncompressedSize64, f.CompressedSize64
	if csize > uint64(size) {
		return a, fmt.Errorf("entry declares %d bytes, more than the archive's %d", csize, size)
	}
	switch f.Method {
	case zip.Store:
		if usize != csize {
			return a, fmt.Errorf("stored entry declares %d bytes uncompressed, %d compressed", usize, csize)
		}
	case zip.Deflate:
		if usize > maxRatio*csize+1024 {
			return a, fmt.Errorf("deflated entry of %d bytes declares %d, more than deflate can expand to", csize, usize)
		}
	default:
		return a, fmt.Errorf("zip compression method %d is not supported; want stored or deflated", f.Method)
	}
	rc, err := f.Open()
	if err != nil {
		return a, err
	}
	defer rc.Close()

	// The fixed prefix: magic, version, header length.
	var pre [12]byte
	if usize < 10 {
		return a, fmt.Errorf("entry of %d bytes is too short for an NPY header", usize)
	}
	if _, err := io.ReadFull(rc, pre[:10]); err != nil {
		return a, truncated(err)
	}
	if string(pre[:6]) != magic {
		return a, fmt.Errorf("not an NPY file: starts with %q", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen uint64
	prefix := uint64(10)
	switch {
	case major == 1 && minor == 0:
		hlen = uint64(binary.LittleEndian.Uint16(pre[8:10]))
	case (major == 2 || major == 3) && minor == 0:
		prefix = 12
		if usize < prefix {
			return a, fmt.Errorf("entry of %d bytes is too short for an NPY header", usize)
		}
		if _, err := io.ReadFull(rc, pre[10:12]); err != nil {
			return a, truncated(err)
		}
		hlen = uint64(binary.LittleEndian.Uint32(pre[8:12]))
	default:
		return a, fmt.Errorf("NPY format version %d.%d is not supported; want 1.0, 2.0 or 3.0", major, minor)
	}
	if hlen > maxHeader {
		return a, fmt.Errorf("NPY header of %d bytes is longer than the %d accepted", hlen, maxHeader)
	}
	if hlen > usize-prefix {
		return a, fmt.Errorf("NPY header of %d bytes is longer than the entry", hlen)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(rc, hb); err != nil {
		return a, truncated(err)
	}
	hd, err := parseHeader(string(hb))
	if err != nil {
		return a, fmt.Errorf("bad NPY header %q: %v", clip(strings.TrimSpace(string(hb))), err)
	}
	itemSize := 0
	switch hd.descr {
	case "<f8":
		itemSize = 8
	case "<f4":
		itemSize = 4
	default:
		return a, fmt.Errorf("dtype %q is not supported; want '<f8' or '<f4' (little-endian float64 or float32)", clip(hd.descr))
	}
	if hd.fortran {
		return a, errors.New("fortran_order True is not supported; save np.ascontiguousarray(a) instead")
	}
	n, err := count(hd.shape, itemSize)
	if err != nil {
		return a, err
	}
	if want, have := uint64(n)*uint64(itemSize), usize-prefix-hlen; want != have {
		if want > have {
			return a, fmt.Errorf("truncated: shape %v needs %d bytes of data, the entry has %d", hd.shape, want, have)
		}
		return a, fmt.Errorf("shape %v needs %d bytes of data, the entry has %d more", hd.shape, want, have-want)
	}
	a.Shape = hd.shape
	a.Data, err = readData(rc, n, itemSize, f.Method == zip.Store || uint64(n)*8 <= 64*csize)
	return a, err
}

// readData reads n little-endian values of itemSize bytes from r, then
// checks that r ends there, which makes archive/zip verify the checksum.
// The slice is allocated at once if whole is set, and otherwise grown as
// data actually arrives, so that a deflated entry's declared size alone
// cannot make it large.
func readData(r io.Reader, n, itemSize int, whole bool) ([]float64, error) {
	var data []float64
	if whole {
		data = make([]float64, 0, n)
	}
	buf := make([]byte, min(n, chunk)*itemSize)
	for len(data) < n {
		b := buf[:min(n-len(data), chunk)*itemSize]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, truncated(err)
		}
		if itemSize == 8 {
			for i := 0; i < len(b); i += 8 {
				data = append(data, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
			}
		} else {
			for i := 0; i < len(b); i += 4 {
				data = append(data, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))))
			}
		}
	}
	if data == nil {
		data = []float64{}
	}
	var one [1]byte
	switch _, err := io.ReadFull(r, one[:]); {
	case err == nil:
		return nil, errors.New("data continues past the shape")
	case err != io.EOF:
		return nil, truncated(err)
	}
	return data, nil
}

// truncated turns an unexpected end of an entry into a clear error.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated entry")
	}
	return err
}
