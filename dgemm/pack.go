package dgemm

// packA copies the mc × kc block of op(A) at row i0, column p0 into dst as
// row panels of mr rows: entry (i, p) of panel t goes to
// dst[t·mr·kc + p·mr + i]. Rows past mc in the last panel are zero, so
// the kernel can run the full tile height on it.
func packA(kr *kernel, dst, a []float64, lda int, trans bool, i0, p0, mc, kc int) {
	mr := kr.mr
	t0 := 0
	if trans && !kr.fastPack {
		// op(A)(i, p) = a[p·lda + i]: the full panels are runs of A's rows,
		// moved a row of A at a time (see packRuns).
		t0 = mc / mr
		packRuns(dst, a, lda, p0*lda+i0, mr, t0, kc)
	}
	for t := t0; t*mr < mc; t++ {
		rows := min(mr, mc-t*mr)
		d := dst[t*mr*kc : (t+1)*mr*kc]
		i := i0 + t*mr
		if trans {
			// Each step is a run of A's row, one zmm move for a full
			// panel of the avx512 kernel.
			if rows == 8 && mr == 8 && kr.fastPack {
				copy8(d, a, lda, p0*lda+i, kc)
				continue
			}
			for p := range kc {
				src := a[(p0+p)*lda+i:][:rows]
				dp := d[p*mr : p*mr+mr]
				copy(dp, src)
				clear(dp[rows:])
			}
			continue
		}
		// op(A)(i, p) = a[i·lda + p]: read rows of A, write columns of Ã.
		if rows == 8 && mr == 8 {
			if kr.fastPack {
				trans8(d, 8, a, lda, i*lda+p0, kc)
			} else {
				packRows8(d, a, lda, i*lda+p0, kc)
			}
			continue
		}
		for r := range rows {
			src := a[(i+r)*lda+p0:][:kc]
			for p, v := range src {
				d[p*mr+r] = v
			}
		}
		for r := rows; r < mr; r++ {
			for p := range kc {
				d[p*mr+r] = 0
			}
		}
	}
}

// packRows8 interleaves eight rows of kc entries, the first at src[off] and
// the next at strides of ld, into d: d[8p+r] = row r's entry p.
func packRows8(d, src []float64, ld, off, kc int) {
	r0 := src[off:][:kc]
	r1 := src[off+ld:][:kc]
	r2 := src[off+2*ld:][:kc]
	r3 := src[off+3*ld:][:kc]
	r4 := src[off+4*ld:][:kc]
	r5 := src[off+5*ld:][:kc]
	r6 := src[off+6*ld:][:kc]
	r7 := src[off+7*ld:][:kc]
	d = d[:8*kc]
	for p := range kc {
		dp := (*[8]float64)(d[8*p:])
		dp[0], dp[1], dp[2], dp[3] = r0[p], r1[p], r2[p], r3[p]
		dp[4], dp[5], dp[6], dp[7] = r4[p], r5[p], r6[p], r7[p]
	}
}

// packB copies the kc × nc block of op(B) at row p0, column j0 into dst as
// column panels of nr columns: entry (p, j) of panel t goes to
// dst[t·nr·kc + p·nr + j]. Columns past nc in the last panel are zero.
func packB(kr *kernel, dst, b []float64, ldb int, trans bool, j0, p0, nc, kc int) {
	nr := kr.nr
	t0 := 0
	if !trans && !kr.fastPack {
		// op(B)(p, j) = b[p·ldb + j]: the full panels are runs of B's rows,
		// moved a row of B at a time (see packRuns).
		t0 = nc / nr
		packRuns(dst, b, ldb, p0*ldb+j0, nr, t0, kc)
	}
	for t := t0; t*nr < nc; t++ {
		cols := min(nr, nc-t*nr)
		d := dst[t*nr*kc : (t+1)*nr*kc]
		j := j0 + t*nr
		if !trans {
			// Each step is a run of B's row, three zmm moves for a full
			// panel of the avx512 kernel.
			if cols == 24 && nr == 24 && kr.fastPack {
				copy24(d, b, ldb, p0*ldb+j, kc)
				continue
			}
			for p := range kc {
				dp := d[p*nr : p*nr+nr]
				copy(dp, b[(p0+p)*ldb+j:][:cols])
				clear(dp[cols:])
			}
			continue
		}
		// op(B)(p, j) = b[j·ldb + p]: read rows of B, write columns of B̃,
		// eight at a time so that each step writes whole cache lines.
		c := 0
		for ; c+8 <= cols; c += 8 {
			if kr.fastPack {
				trans8(d[c:], nr, b, ldb, (j+c)*ldb+p0, kc)
			} else {
				packRows8Stride(d[c:], nr, b, ldb, (j+c)*ldb+p0, kc)
			}
		}
		for ; c < cols; c++ {
			src := b[(j+c)*ldb+p0:][:kc]
			for p, v := range src {
				d[p*nr+c] = v
			}
		}
		for ; c < nr; c++ {
			for p := range kc {
				d[p*nr+c] = 0
			}
		}
	}
}

// packRows8Stride is packRows8 into steps of stride ds: d[ds·p+r] = row r's
// entry p.
func packRows8Stride(d []float64, ds int, src []float64, ld, off, kc int) {
	r0 := src[off:][:kc]
	r1 := src[off+ld:][:kc]
	r2 := src[off+2*ld:][:kc]
	r3 := src[off+3*ld:][:kc]
	r4 := src[off+4*ld:][:kc]
	r5 := src[off+5*ld:][:kc]
	r6 := src[off+6*ld:][:kc]
	r7 := src[off+7*ld:][:kc]
	for p := range kc {
		dp := (*[8]float64)(d[ds*p:])
		dp[0], dp[1], dp[2], dp[3] = r0[p], r1[p], r2[p], r3[p]
		dp[4], dp[5], dp[6], dp[7] = r4[p], r5[p], r6[p], r7[p]
	}
}

// packRuns moves np full panels of w entries a step (the kernel's mr for a
// transposed A, nr for an untransposed B), whose step p is
// the run src[off + p·ld + t·w:][:w] for panel t, into d: d[t·w·kc + p·w +
// r] = src[off + p·ld + t·w + r]. It reads src a row at a time, all np
// runs of a step before the next, so that the rows stream in order; panel
// by panel, each step was a jump of ld, and the misses cost more than the
// moves (784 × 256 × 512 with A transposed ran at 23–25 GFLOP/s packed
// panel by panel, 27–33 row by row, avx2 kernel, one Zen 3 thread). Runs
// of 6 and 8, the avx2 kernel's, are element moves: copy's call costs
// more.
func packRuns(d, src []float64, ld, off, w, np, kc int) {
	if np == 0 {
		return
	}
	n := w * np
	switch w {
	case 6:
		for p := range kc {
			s, o := src[off+p*ld:][:n], 6*p
			for t := 0; t < n; t += 6 {
				q, dp := s[t:t+6], d[o:o+6]
				dp[0], dp[1], dp[2], dp[3], dp[4], dp[5] = q[0], q[1], q[2], q[3], q[4], q[5]
				o += 6 * kc
			}
		}
	case 8:
		for p := range kc {
			s, o := src[off+p*ld:][:n], 8*p
			for t := 0; t < n; t += 8 {
				q, dp := s[t:t+8], d[o:o+8]
				dp[0], dp[1], dp[2], dp[3] = q[0], q[1], q[2], q[3]
				dp[4], dp[5], dp[6], dp[7] = q[4], q[5], q[6], q[7]
				o += 8 * kc
			}
		}
	default:
		for p := range kc {
			s, o := src[off+p*ld:][:n], w*p
			for t := 0; t < n; t += w {
				copy(d[o:o+w], s[t:t+w])
				o += w * kc
			}
		}
	}
}
