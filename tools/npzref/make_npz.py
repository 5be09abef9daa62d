#!/usr/bin/python3
"""Cross-checks internal/npz with NumPy, both ways.

1. Writes, with NumPy's own np.savez / np.savez_compressed, the archives
   that internal/npz's Go tests read back (internal/npz/testdata/):
     numpy.npz             0-d, 1-d, 3-d, float32, empty, a slashed name,
                           special values, an array spanning several chunks
     numpy_compressed.npz  the same, deflated
     numpy_fortran.npz, numpy_int64.npz, numpy_bigendian.npz
                           one unsupported array each, for the error tests
2. Checks that NumPy reads go_written.npz, written by the Go test
   TestGoldenGoWritten under NPZ_WRITE_GOLDEN=1, with exactly the values,
   shapes and names the Go side meant, to the bit.

Every value is a ratio of small integers, correctly rounded in both
languages, so Go and NumPy compute the same float64 without sharing data.

Go's tests read only the committed files; CI needs no Python. To refresh:
    go test ./internal/npz -run TestGoldenGoWritten  (with NPZ_WRITE_GOLDEN=1)
    /usr/bin/python3 tools/npzref/make_npz.py
"""

import os
import sys
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "..", "..", "internal", "npz", "testdata")

SPECIAL = [
    -0.0,
    5e-324,  # smallest subnormal
    2.2250738585072014e-308,  # smallest normal
    1.7976931348623157e308,  # largest finite
    -1.7976931348623157e308,
    np.inf,
    -np.inf,
    np.nan,
    0.1,
    1 / 3,
]


def common():
    """The float64 arrays that both numpy.npz and go_written.npz hold.
    Keep in step with commonArrays in internal/npz/npz_test.go."""
    return {
        "scalar": np.array(1 / 3),
        "vector": (np.arange(5) - 2) / 7,
        "cube": (np.arange(24).reshape(2, 3, 4) - 5) / 7,
        "empty": np.zeros((0, 3)),
        "grad_d/fc1.weight": (np.arange(8).reshape(4, 2) + 1) / 8,
        "special": np.array(SPECIAL),
        "long": (np.arange(5000) % 1000 - 500) / 7,  # more than one 4096-value chunk
    }


def numpy_arrays():
    a = common()
    # float32 of the float64 values, as Go's float32(float64(x)).
    a["float32"] = np.array([[0.1, -2.5, 3.25], [1e-8, 65504.0, -0.0]], dtype=np.float32)
    return a


def go_arrays():
    """What TestGoldenGoWritten writes; keep in step with it."""
    a = common()
    a["streamed"] = np.arange(15).reshape(3, 5) / 3
    a["streamed_scalar"] = np.array(2.5)
    a["streamed_empty"] = np.zeros((0,))
    return a


def same_bits(x, y):
    x, y = np.asarray(x), np.asarray(y)
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def write():
    os.makedirs(TESTDATA, exist_ok=True)
    path = lambda name: os.path.join(TESTDATA, name)
    np.savez(path("numpy.npz"), **numpy_arrays())
    np.savez_compressed(path("numpy_compressed.npz"), **numpy_arrays())
    np.savez(path("numpy_fortran.npz"), f=np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    np.savez(path("numpy_int64.npz"), i=np.arange(3, dtype="<i8"))
    np.savez(path("numpy_bigendian.npz"), b=np.arange(3.0).astype(">f8"))
    # Read back our own writing, as a sanity check of the script.
    for name in ("numpy.npz", "numpy_compressed.npz"):
        with np.load(path(name)) as f:
            want = numpy_arrays()
            assert sorted(f.files) == sorted(want), (name, f.files)
            for k, v in want.items():
                assert same_bits(f[k], v), (name, k)
    print("wrote", os.path.normpath(TESTDATA) + "/numpy*.npz")


def check_go():
    path = os.path.join(TESTDATA, "go_written.npz")
    if not os.path.exists(path):
        sys.exit("no %s: run the Go test TestGoldenGoWritten with NPZ_WRITE_GOLDEN=1 first" % path)
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()  # checks every CRC
        assert bad is None, "bad CRC in " + bad
    want = go_arrays()
    with np.load(path) as f:  # allow_pickle=False, the default
        if sorted(f.files) != sorted(want):
            sys.exit("go_written.npz holds %s, want %s" % (sorted(f.files), sorted(want)))
        for k, v in want.items():
            got = f[k]
            if got.dtype != np.dtype("<f8") or got.shape != v.shape:
                sys.exit("go_written.npz[%r]: got %s %s, want float64 %s" % (k, got.dtype, got.shape, v.shape))
            if not same_bits(got, v):
                i = next(i for i, (x, y) in enumerate(zip(got.ravel(), v.ravel())) if x.tobytes() != y.tobytes())
                sys.exit("go_written.npz[%r]: element %d is %s, want %s" % (k, i, got.ravel()[i].hex(), v.ravel()[i].hex()))
        # The slash survives as part of the key.
        assert f["grad_d/fc1.weight"].shape == (4, 2)
    print("NumPy %s reads go_written.npz exactly: %d arrays" % (np.__version__, len(want)))


if __name__ == "__main__":
    write()
    check_go()
