package dgemm

// packA copies the mc × kc block of op(A) at row i0, column p0 into dst as
// row panels of mr rows: entry (i, p) of panel t goes to
// dst[t·mr·kc + p·mr + i]. Rows past mc in the last panel are zero, so
// the kernel can run the full tile height on it.
func packA(kr *kernel, dst, a []float64, lda int, trans bool, i0, p0, mc, kc int) {
	mr := kr.mr
	for t := 0; t*mr < mc; t++ {
		rows := min(mr, mc-t*mr)
		d := dst[t*mr*kc : (t+1)*mr*kc]
		i := i0 + t*mr
		if trans {
			// op(A)(i, p) = a[p·lda + i]: each step is a run of A's row,
			// one zmm move, or else moved element by element when it fills
			// the panel (copy's call, and an array assignment's memmove,
			// cost more than the moves: packing 784 × 544 for the avx2
			// kernel's 6-row panels took a fifth of a product by memmove).
			if rows == 8 && mr == 8 && kr.fastPack {
				copy8(d, a, lda, p0*lda+i, kc)
				continue
			}
			if rows == 8 && mr == 8 {
				moveRuns8(d, a, lda, p0*lda+i, kc)
				continue
			}
			if rows == 6 && mr == 6 {
				moveRuns6(d, a, lda, p0*lda+i, kc)
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

// moveRuns8 sets d[8p : 8p+8] = src[off + p·ld:][:8] for p < kc, by
// element moves: copy8's portable twin, for a panel of a transposed A or an
// untransposed B that fills it.
func moveRuns8(d, src []float64, ld, off, kc int) {
	for p := range kc {
		s, dp := src[off+p*ld:][:8], d[8*p:][:8]
		dp[0], dp[1], dp[2], dp[3] = s[0], s[1], s[2], s[3]
		dp[4], dp[5], dp[6], dp[7] = s[4], s[5], s[6], s[7]
	}
}

// moveRuns6 is moveRuns8 for runs of 6, the avx2 kernel's panel height.
func moveRuns6(d, src []float64, ld, off, kc int) {
	for p := range kc {
		s, dp := src[off+p*ld:][:6], d[6*p:][:6]
		dp[0], dp[1], dp[2], dp[3], dp[4], dp[5] = s[0], s[1], s[2], s[3], s[4], s[5]
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
	for t := 0; t*nr < nc; t++ {
		cols := min(nr, nc-t*nr)
		d := dst[t*nr*kc : (t+1)*nr*kc]
		j := j0 + t*nr
		if !trans {
			// op(B)(p, j) = b[p·ldb + j]: each step is a run of B's row.
			if cols == 24 && nr == 24 {
				if kr.fastPack {
					copy24(d, b, ldb, p0*ldb+j, kc)
					continue
				}
				for p := range kc {
					*(*[24]float64)(d[24*p:]) = *(*[24]float64)(b[(p0+p)*ldb+j:])
				}
				continue
			}
			if cols == 8 && nr == 8 {
				moveRuns8(d, b, ldb, p0*ldb+j, kc)
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
