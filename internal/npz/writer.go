package npz

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Writer writes an .npz archive to an io.Writer, one array at a time.
//
// The first error sticks: later calls return it. Close then returns it
// without writing the zip directory, so that a failed archive is not a
// valid zip file and cannot be mistaken for a complete one.
type Writer struct {
	zw    *zip.Writer
	names map[string]bool
	open  *ArrayWriter // the array being written, if any
	buf   []byte       // little-endian data on its way out
	err   error
}

// chunk is the number of values converted and written at a time.
const chunk = 4096

// modified is the time stamp of every entry, the one Python's zipfile and
// so np.savez give: the earliest MS-DOS date. A fixed stamp makes the
// archive a function of its arrays alone.
var modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// NewWriter returns a Writer of an archive to w. It buffers little; w
// receives the data as it is written.
func NewWriter(w io.Writer) *Writer {
	return &Writer{zw: zip.NewWriter(w), names: make(map[string]bool), buf: make([]byte, 0, 8*chunk)}
}

// fail records err as w's error if it is the first, and returns w's error.
func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// Write writes data, of the given shape, as the array name; np.load gives
// it under that key. An empty shape is a 0-d array, a scalar. Checks come
// first: if data does not match shape, nothing is written.
func (w *Writer) Write(name string, shape []int, data []float64) error {
	if w.err != nil {
		return w.err
	}
	n, err := count(shape, 8)
	if err != nil {
		return fmt.Errorf("npz: array %q: %v", name, err)
	}
	if len(data) != n {
		return fmt.Errorf("npz: array %q: %d values for shape %v, which holds %d", name, len(data), shape, n)
	}
	a, err := w.Begin(name, shape)
	if err != nil {
		return err
	}
	if err := a.Append(data); err != nil {
		return err
	}
	return a.End()
}

// Begin starts the array name of the given shape, whose values the
// returned ArrayWriter takes in C order, in pieces of any size, until End.
// No other array can be begun until then.
func (w *Writer) Begin(name string, shape []int) (*ArrayWriter, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.open != nil {
		return nil, fmt.Errorf("npz: Begin %q before End of %q", name, w.open.name)
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	if w.names[name] {
		return nil, fmt.Errorf("npz: array %q written twice", name)
	}
	n, err := count(shape, 8)
	if err != nil {
		return nil, fmt.Errorf("npz: array %q: %v", name, err)
	}
	ew, err := w.zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store, Modified: modified})
	if err != nil {
		return nil, w.fail(fmt.Errorf("npz: array %q: %w", name, err))
	}
	if _, err := ew.Write(header("<f8", shape)); err != nil {
		return nil, w.fail(fmt.Errorf("npz: array %q: %w", name, err))
	}
	w.names[name] = true
	w.open = &ArrayWriter{w: w, ew: ew, name: name, shape: append([]int(nil), shape...), n: n}
	return w.open, nil
}

// checkName checks that name makes a sensible zip entry: non-empty UTF-8
// whose slash-separated parts are neither empty nor "." or "..", so that
// unzip cannot be led outside its directory, without NUL or backslash.
func checkName(name string) error {
	bad := ""
	switch {
	case name == "":
		bad = "is empty"
	case !utf8.ValidString(name):
		bad = "is not valid UTF-8"
	case strings.ContainsAny(name, "\x00\\"):
		bad = "contains NUL or a backslash"
	case len(name)+len(".npy") > math.MaxUint16:
		bad = "is longer than a zip entry name can be"
	}
	for part := range strings.SplitSeq(name, "/") {
		if bad == "" && (part == "" || part == "." || part == "..") {
			bad = "has an empty, \".\" or \"..\" path element"
		}
	}
	if bad != "" {
		return fmt.Errorf("npz: array name %q %s", clip(name), bad)
	}
	return nil
}

// Close finishes the archive by writing the zip directory. It does not
// close the underlying writer. If an array is not ended, or an earlier
// call failed, it returns that error and leaves the archive unfinished.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.open != nil {
		return w.fail(fmt.Errorf("npz: Close before End of array %q", w.open.name))
	}
	w.err = errors.New("npz: Writer is closed")
	return w.zw.Close()
}

// ArrayWriter takes the values of one array, begun by Writer.Begin.
type ArrayWriter struct {
	w     *Writer
	ew    io.Writer
	name  string
	shape []int
	n     int // values the shape holds
	done  int // values written
}

// Append writes the next values of the array. Values beyond the shape's
// count are an error, and nothing of x is written.
func (a *ArrayWriter) Append(x []float64) error {
	w := a.w
	if w.err != nil {
		return w.err
	}
	if w.open != a {
		return fmt.Errorf("npz: Append to array %q after its End", a.name)
	}
	if len(x) > a.n-a.done {
		return w.fail(fmt.Errorf("npz: array %q: %d values past the %d of shape %v", a.name, a.done+len(x)-a.n, a.n, a.shape))
	}
	for len(x) > 0 {
		m := min(len(x), chunk)
		b := w.buf[:0]
		for _, v := range x[:m] {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		if _, err := a.ew.Write(b); err != nil {
			return w.fail(fmt.Errorf("npz: array %q: %w", a.name, err))
		}
		a.done += m
		x = x[m:]
	}
	return nil
}

// End ends the array, which must have received all its values.
func (a *ArrayWriter) End() error {
	w := a.w
	if w.err != nil {
		return w.err
	}
	if w.open != a {
		return fmt.Errorf("npz: End of array %q twice", a.name)
	}
	if a.done != a.n {
		return w.fail(fmt.Errorf("npz: array %q ended after %d of the %d values of shape %v", a.name, a.done, a.n, a.shape))
	}
	w.open = nil
	return nil
}
