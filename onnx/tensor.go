package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// TensorProto fields (onnx/onnx.proto3):
//
//	1  dims           repeated int64
//	2  data_type      int32 (a DataType)
//	3  segment        Segment (refused: segmented tensors)
//	4  float_data     repeated float, packed (FLOAT)
//	5  int32_data     repeated int32, packed (INT32, BOOL)
//	6  string_data    repeated bytes (refused: STRING is unsupported)
//	7  int64_data     repeated int64, packed (INT64)
//	8  name           string
//	9  raw_data       bytes, little-endian elements
//	10 double_data    repeated double, packed (DOUBLE)
//	11 uint64_data    repeated uint64, packed (refused: UINT32, UINT64 unsupported)
//	13 external_data  repeated StringStringEntryProto (refused)
//	14 data_location  DataLocation enum (DEFAULT 0; EXTERNAL 1 refused)
const (
	tensorDims         = 1
	tensorDataType     = 2
	tensorSegment      = 3
	tensorFloatData    = 4
	tensorInt32Data    = 5
	tensorStringData   = 6
	tensorInt64Data    = 7
	tensorName         = 8
	tensorRawData      = 9
	tensorDoubleData   = 10
	tensorUint64Data   = 11
	tensorExternalData = 13
	tensorDataLocation = 14
)

// maxElements bounds a tensor's element count so that its decoded data
// (8 bytes an element) stays within MaxTensorBytes.
const maxElements = MaxTensorBytes / 8

var tensorDataFields = map[protowire.Number]string{
	tensorFloatData: "float_data", tensorInt32Data: "int32_data", tensorInt64Data: "int64_data",
	tensorDoubleData: "double_data", tensorUint64Data: "uint64_data", tensorStringData: "string_data",
}

// dataFieldOrder fixes the order in which typed data fields are examined,
// so that errors do not depend on map iteration.
var dataFieldOrder = []protowire.Number{
	tensorFloatData, tensorInt32Data, tensorStringData, tensorInt64Data, tensorDoubleData, tensorUint64Data,
}

// typedField is the typed data field each supported type may use instead of
// raw_data.
var typedField = map[DataType]protowire.Number{
	Float32: tensorFloatData, Float64: tensorDoubleData, Int64: tensorInt64Data,
	Int32: tensorInt32Data, Bool: tensorInt32Data,
}

func float32frombits(v uint64) float32 { return math.Float32frombits(uint32(v)) }

// tensor decodes a TensorProto. label gives the error context once the
// tensor's name is known. A first walk reads the small fields and counts
// the data elements without keeping them; only when the count agrees with
// the dims is the data decoded, in a second walk, into slices of exactly
// that size. So a declared size is never allocated unless the input holds
// that many elements.
func (d *decoder) tensor(b []byte, base int, label func(name string) string) (*Tensor, error) {
	const msg = "TensorProto"
	var (
		t        Tensor
		count    [tensorUint64Data + 1]int64 // elements per typed data field
		sawData  [tensorUint64Data + 1]bool
		raw      *field
		dtype    int32
		sawType  bool
		location int32
		external bool
		segment  bool
	)
	where := label(d.peek(b, tensorName))
	for f, err := range d.each(b, base, msg, where) {
		if err != nil {
			return nil, err
		}
		switch f.num {
		case tensorDims:
			t.Dims, err = d.appendVarints(t.Dims, f, msg, "dims", where)
		case tensorDataType:
			dtype, err = d.int32v(f, msg, "data_type", where)
			sawType = true
		case tensorSegment:
			segment = true
		case tensorFloatData, tensorDoubleData:
			size := 4
			if f.num == tensorDoubleData {
				size = 8
			}
			var c int
			c, err = d.countFixed(f, size, msg, tensorDataFields[f.num], where)
			count[f.num] += int64(c)
			sawData[f.num] = true
		case tensorInt32Data, tensorInt64Data, tensorUint64Data, tensorStringData:
			if f.num != tensorStringData && f.typ != protowire.VarintType && f.typ != protowire.BytesType {
				return nil, d.errf(where, "corrupt TensorProto at byte %d: field %d (%s) has wire type %s, want varint or packed bytes",
					f.off, f.num, tensorDataFields[f.num], wireName(f.typ))
			}
			count[f.num] += int64(countVarints(f))
			sawData[f.num] = true
		case tensorName:
			t.Name, err = d.str(f, msg, "name", where)
		case tensorRawData:
			if err = d.want(f, protowire.BytesType, msg, "raw_data", where); err == nil {
				if raw != nil {
					return nil, d.errf(where, "corrupt TensorProto at byte %d: a second raw_data", f.off)
				}
				raw = &f
			}
		case tensorExternalData:
			external = true
		case tensorDataLocation:
			location, err = d.int32v(f, msg, "data_location", where)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case external || location == 1:
		return nil, d.errf(where, "external data (data_location EXTERNAL) is not supported; re-export with the weights inside the file")
	case location != 0:
		return nil, d.errf(where, "corrupt TensorProto: unknown data_location %d", location)
	case segment:
		return nil, d.errf(where, "segmented tensors are not supported")
	case !sawType:
		return nil, d.errf(where, "tensor has no data_type")
	}
	t.DataType = DataType(dtype)
	size := t.DataType.elemSize()
	if size == 0 {
		return nil, d.errf(where, "data type %v is not supported (want FLOAT, DOUBLE, INT64, INT32 or BOOL)", t.DataType)
	}
	n, ok := mulDims(t.Dims, maxElements)
	if !ok {
		for _, v := range t.Dims {
			if v < 0 {
				return nil, d.errf(where, "dims %v has a negative dimension", t.Dims)
			}
		}
		return nil, d.errf(where, "dims %v declare more than %d elements (%d bytes), the most a tensor may hold",
			t.Dims, maxElements, MaxTensorBytes)
	}

	// Exactly one data source: raw_data or the type's own typed field.
	typed := typedField[t.DataType]
	var present int64
	for _, num := range dataFieldOrder {
		if !sawData[num] {
			continue
		}
		if num != typed {
			return nil, d.errf(where, "tensor of type %v has %s", t.DataType, tensorDataFields[num])
		}
		if raw != nil {
			return nil, d.errf(where, "tensor has both raw_data and %s", tensorDataFields[typed])
		}
		present = count[num]
	}
	if raw != nil {
		if int64(len(raw.b))%size != 0 {
			return nil, d.errf(where, "raw_data has %d bytes, not a multiple of the %d-byte %v element", len(raw.b), size, t.DataType)
		}
		present = int64(len(raw.b)) / size
	}
	if present != n {
		return nil, d.errf(where, "tensor holds %d elements of data but dims %v need %d", present, t.Dims, n)
	}

	// Sizes agree with the bytes present: decode.
	if raw != nil {
		if err := d.rawData(&t, raw.b, int(n), where); err != nil {
			return nil, err
		}
	} else {
		if t.DataType.IsFloat() {
			t.Float64 = make([]float64, 0, n)
		} else {
			t.Int64 = make([]int64, 0, n)
		}
		for f, err := range d.each(b, base, msg, where) {
			if err != nil {
				return nil, err
			}
			if f.num != typed {
				continue
			}
			switch typed {
			case tensorFloatData:
				t.Float64 = appendWidened(t.Float64, f)
			case tensorDoubleData:
				t.Float64 = appendFixed64(t.Float64, f)
			default:
				if t.Int64, err = d.appendVarints(t.Int64, f, msg, tensorDataFields[typed], where); err != nil {
					return nil, err
				}
			}
		}
		if int64(len(t.Float64)+len(t.Int64)) != n { // a malformed varint the count could not see
			return nil, d.errf(where, "corrupt TensorProto: %s does not hold %d elements", tensorDataFields[typed], n)
		}
		if err := d.checkInts(&t, where); err != nil {
			return nil, err
		}
	}
	for i, v := range t.Float64 {
		if !isFinite(v) {
			return nil, d.errf(where, "element %d (index %v) is %v: weights must be finite", i, unravel(t.Dims, i), v)
		}
	}
	return &t, nil
}

// appendWidened appends the values of a repeated float field, widened to
// float64, whose wire type countFixed has accepted.
func appendWidened(dst []float64, f field) []float64 {
	if f.typ == protowire.Fixed32Type {
		return append(dst, float64(math.Float32frombits(uint32(f.v))))
	}
	for b := f.b; len(b) >= 4; b = b[4:] {
		v, _ := protowire.ConsumeFixed32(b)
		dst = append(dst, float64(math.Float32frombits(v)))
	}
	return dst
}

// rawData decodes little-endian raw_data whose length has been checked.
func (d *decoder) rawData(t *Tensor, b []byte, n int, where string) error {
	le := binary.LittleEndian
	switch t.DataType {
	case Float32:
		t.Float64 = make([]float64, n)
		for i := range t.Float64 {
			t.Float64[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
		}
	case Float64:
		t.Float64 = make([]float64, n)
		for i := range t.Float64 {
			t.Float64[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		}
	case Int64:
		t.Int64 = make([]int64, n)
		for i := range t.Int64 {
			t.Int64[i] = int64(le.Uint64(b[8*i:]))
		}
	case Int32:
		t.Int64 = make([]int64, n)
		for i := range t.Int64 {
			t.Int64[i] = int64(int32(le.Uint32(b[4*i:])))
		}
	case Bool:
		t.Int64 = make([]int64, n)
		for i := range t.Int64 {
			t.Int64[i] = int64(b[i])
		}
		return d.checkInts(t, where)
	}
	return nil
}

// checkInts checks the range of INT32 and BOOL values held in int32_data
// (varints of sign-extended int32s) or BOOL raw bytes.
func (d *decoder) checkInts(t *Tensor, where string) error {
	for i, v := range t.Int64 {
		switch {
		case t.DataType == Int32 && (v < math.MinInt32 || v > math.MaxInt32):
			return d.errf(where, "element %d = %d does not fit in INT32", i, v)
		case t.DataType == Bool && v != 0 && v != 1:
			return d.errf(where, "element %d = %d is not a BOOL (0 or 1)", i, v)
		}
	}
	return nil
}

// unravel returns the row-major multi-index of flat index i in dims.
func unravel(dims []int64, i int) []int64 {
	idx := make([]int64, len(dims))
	for k := len(dims) - 1; k >= 0; k-- {
		if dims[k] > 0 {
			idx[k] = int64(i) % dims[k]
			i /= int(dims[k])
		}
	}
	return idx
}

// String describes t briefly, such as `DOUBLE [8 2 3 3] "0.weight"`.
func (t *Tensor) String() string {
	return fmt.Sprintf("%v %v %q", t.DataType, t.Dims, t.Name)
}
