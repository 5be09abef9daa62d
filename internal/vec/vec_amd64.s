//go:build !purego

#include "textflag.h"

// The loops take 16 elements a step in four ymm registers, then 4, then
// one at a time with VEX scalar instructions (no SSE/AVX transitions).
// Every lane is a separate VMULPD or VADDPD, never an FMA, so the bits
// are the Go loops'.

// func mulAsm(dst, x, y *float64, n int)
TEXT ·mulAsm(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-16, BX
	JZ   mul4
mul16:
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD 32(SI)(AX*8), Y1
	VMOVUPD 64(SI)(AX*8), Y2
	VMOVUPD 96(SI)(AX*8), Y3
	VMULPD  (DX)(AX*8), Y0, Y0
	VMULPD  32(DX)(AX*8), Y1, Y1
	VMULPD  64(DX)(AX*8), Y2, Y2
	VMULPD  96(DX)(AX*8), Y3, Y3
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ    $16, AX
	CMPQ    AX, BX
	JLT     mul16
mul4:
	MOVQ CX, BX
	ANDQ $-4, BX
	CMPQ AX, BX
	JGE  mul1
mul4loop:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, BX
	JLT     mul4loop
mul1:
	CMPQ AX, CX
	JGE  muldone
mul1loop:
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ   AX
	CMPQ   AX, CX
	JLT    mul1loop
muldone:
	VZEROUPPER
	RET

// func addMulAsm(dst, x, y *float64, n int)
TEXT ·addMulAsm(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-16, BX
	JZ   am4
am16:
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD 32(SI)(AX*8), Y1
	VMOVUPD 64(SI)(AX*8), Y2
	VMOVUPD 96(SI)(AX*8), Y3
	VMULPD  (DX)(AX*8), Y0, Y0
	VMULPD  32(DX)(AX*8), Y1, Y1
	VMULPD  64(DX)(AX*8), Y2, Y2
	VMULPD  96(DX)(AX*8), Y3, Y3
	VADDPD  (DI)(AX*8), Y0, Y0
	VADDPD  32(DI)(AX*8), Y1, Y1
	VADDPD  64(DI)(AX*8), Y2, Y2
	VADDPD  96(DI)(AX*8), Y3, Y3
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ    $16, AX
	CMPQ    AX, BX
	JLT     am16
am4:
	MOVQ CX, BX
	ANDQ $-4, BX
	CMPQ AX, BX
	JGE  am1
am4loop:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, BX
	JLT     am4loop
am1:
	CMPQ AX, CX
	JGE  amdone
am1loop:
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X0
	VADDSD (DI)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ   AX
	CMPQ   AX, CX
	JLT    am1loop
amdone:
	VZEROUPPER
	RET

// func addMul3Asm(dst, x, y, z *float64, n int)
TEXT ·addMul3Asm(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ z+24(FP), R8
	MOVQ n+32(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-16, BX
	JZ   a34
a316:
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD 32(SI)(AX*8), Y1
	VMOVUPD 64(SI)(AX*8), Y2
	VMOVUPD 96(SI)(AX*8), Y3
	VMULPD  (DX)(AX*8), Y0, Y0
	VMULPD  32(DX)(AX*8), Y1, Y1
	VMULPD  64(DX)(AX*8), Y2, Y2
	VMULPD  96(DX)(AX*8), Y3, Y3
	VMULPD  (R8)(AX*8), Y0, Y0
	VMULPD  32(R8)(AX*8), Y1, Y1
	VMULPD  64(R8)(AX*8), Y2, Y2
	VMULPD  96(R8)(AX*8), Y3, Y3
	VADDPD  (DI)(AX*8), Y0, Y0
	VADDPD  32(DI)(AX*8), Y1, Y1
	VADDPD  64(DI)(AX*8), Y2, Y2
	VADDPD  96(DI)(AX*8), Y3, Y3
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ    $16, AX
	CMPQ    AX, BX
	JLT     a316
a34:
	MOVQ CX, BX
	ANDQ $-4, BX
	CMPQ AX, BX
	JGE  a31
a34loop:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VMULPD  (R8)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, BX
	JLT     a34loop
a31:
	CMPQ AX, CX
	JGE  a3done
a31loop:
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X0
	VMULSD (R8)(AX*8), X0, X0
	VADDSD (DI)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ   AX
	CMPQ   AX, CX
	JLT    a31loop
a3done:
	VZEROUPPER
	RET

// func quotientPairAsm(dg, du, u, gh *float64, n int, c *[4]float64)
// n is a multiple of 4; c holds inv, a, b, c.
TEXT ·quotientPairAsm(SB), NOSPLIT, $0-48
	MOVQ dg+0(FP), DI
	MOVQ du+8(FP), R10
	MOVQ u+16(FP), SI
	MOVQ gh+24(FP), DX
	MOVQ n+32(FP), CX
	MOVQ c+40(FP), R8
	VBROADCASTSD 0(R8), Y12            // inv
	VBROADCASTSD 8(R8), Y13            // a
	VBROADCASTSD 16(R8), Y14           // b
	VBROADCASTSD 24(R8), Y15           // c
	XORQ AX, AX
qp4:
	VMULPD  (SI)(AX*8), Y12, Y0        // h = u·inv
	VMOVUPD (DX)(AX*8), Y1             // g
	VMULPD  Y15, Y1, Y2                // c·g
	VSUBPD  Y2, Y0, Y2                 // h − c·g
	VMULPD  Y13, Y2, Y2                // a·(…)
	VADDPD  (DI)(AX*8), Y2, Y2         // dg + …
	VMOVUPD Y2, (DI)(AX*8)
	VMULPD  Y15, Y0, Y3                // c·h
	VSUBPD  Y3, Y1, Y3                 // g − c·h
	VMULPD  Y14, Y3, Y3                // b·(…)
	VMOVUPD Y3, (R10)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     qp4
	VZEROUPPER
	RET

// func sumSqDotAsm(x, y *float64, n int, s, d *[4]float64)
// n is a multiple of 4; lane l of the accumulators sums the k ≡ l mod 4.
TEXT ·sumSqDotAsm(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DX
	MOVQ n+16(FP), CX
	MOVQ s+24(FP), R8
	MOVQ d+32(FP), R9
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ AX, AX
sd4:
	VMOVUPD (SI)(AX*8), Y2
	VMULPD  Y2, Y2, Y3
	VADDPD  Y3, Y0, Y0
	VMULPD  (DX)(AX*8), Y2, Y4
	VADDPD  Y4, Y1, Y1
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     sd4
	VMOVUPD Y0, (R8)
	VMOVUPD Y1, (R9)
	VZEROUPPER
	RET

// func sumSqDotRowsAsm(ss, dot, x, y *float64, n, rows, xs int)
// n is a positive multiple of 4 and rows ≥ 1. Each row is sumSqDotAsm's
// loop, then SumSqDot's (s₀ + s₁) + (s₂ + s₃): VHADDPD forms s₀ + s₁ in
// the low lane and s₂ + s₃ in the high lane's low element.
TEXT ·sumSqDotRowsAsm(SB), NOSPLIT, $0-56
	MOVQ ss+0(FP), R8
	MOVQ dot+8(FP), R9
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DX
	MOVQ n+32(FP), CX
	MOVQ rows+40(FP), BX
	MOVQ xs+48(FP), R10
	SHLQ $3, R10
sdrow:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	XORQ AX, AX
sdr4:
	VMOVUPD (SI)(AX*8), Y2
	VMULPD  Y2, Y2, Y3
	VADDPD  Y3, Y0, Y0
	VMULPD  (DX)(AX*8), Y2, Y4
	VADDPD  Y4, Y1, Y1
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     sdr4
	VHADDPD Y0, Y0, Y0
	VEXTRACTF128 $1, Y0, X2
	VADDSD  X2, X0, X0
	VMOVSD  X0, (R8)
	VHADDPD Y1, Y1, Y1
	VEXTRACTF128 $1, Y1, X3
	VADDSD  X3, X1, X1
	VMOVSD  X1, (R9)
	ADDQ $8, R8
	ADDQ $8, R9
	ADDQ R10, SI
	DECQ BX
	JNZ  sdrow
	VZEROUPPER
	RET

// func dotRows4Asm(p *[16]float64, a *float64, lda int, x *float64, n int)
// Rows q < 4 of a, lda apart, against x, over n (a positive multiple of 4)
// elements: p[4q + l] is row q's partial sum of the j ≡ l mod 4, as
// sumSqDotAsm's dot.
TEXT ·dotRows4Asm(SB), NOSPLIT, $0-40
	MOVQ p+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $3, R8
	MOVQ x+24(FP), DX
	MOVQ n+32(FP), CX
	LEAQ (SI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
dr4:
	VMOVUPD (DX)(AX*8), Y4
	VMULPD  (SI)(AX*8), Y4, Y5
	VADDPD  Y5, Y0, Y0
	VMULPD  (R9)(AX*8), Y4, Y6
	VADDPD  Y6, Y1, Y1
	VMULPD  (R10)(AX*8), Y4, Y7
	VADDPD  Y7, Y2, Y2
	VMULPD  (R11)(AX*8), Y4, Y8
	VADDPD  Y8, Y3, Y3
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     dr4
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VZEROUPPER
	RET

// func axpyRows4Asm(y, a *float64, lda int, s *[4]float64, n int)
// y[j] = (((y[j] + s₀·a₀[j]) + s₁·a₁[j]) + s₂·a₂[j]) + s₃·a₃[j] for the rows
// a_q of a, lda apart, over n (a positive multiple of 4) elements.
TEXT ·axpyRows4Asm(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $3, R8
	MOVQ s+24(FP), DX
	MOVQ n+32(FP), CX
	LEAQ (SI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	VBROADCASTSD (DX), Y8
	VBROADCASTSD 8(DX), Y9
	VBROADCASTSD 16(DX), Y10
	VBROADCASTSD 24(DX), Y11
	XORQ AX, AX
ax4:
	VMOVUPD (DI)(AX*8), Y0
	VMULPD  (SI)(AX*8), Y8, Y1
	VADDPD  Y1, Y0, Y0
	VMULPD  (R9)(AX*8), Y9, Y2
	VADDPD  Y2, Y0, Y0
	VMULPD  (R10)(AX*8), Y10, Y3
	VADDPD  Y3, Y0, Y0
	VMULPD  (R11)(AX*8), Y11, Y4
	VADDPD  Y4, Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     ax4
	VZEROUPPER
	RET

// addRowsAsm and copyRowsAsm: for each of CX rows, n (R8) elements from SI
// into DI, then SI += xs (R10) and DI += ds (R9), in bytes. rows ≥ 1.

// func addRowsAsm(dst, x *float64, n, rows, ds, xs int)
TEXT ·addRowsAsm(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), R8
	MOVQ rows+24(FP), CX
	MOVQ ds+32(FP), R9
	SHLQ $3, R9
	MOVQ xs+40(FP), R10
	SHLQ $3, R10
	MOVQ R8, R11
	ANDQ $-16, R11
	MOVQ R8, R12
	ANDQ $-4, R12
addrow:
	XORQ AX, AX
	CMPQ AX, R11
	JGE  add4
add16:
	VMOVUPD (DI)(AX*8), Y0
	VMOVUPD 32(DI)(AX*8), Y1
	VMOVUPD 64(DI)(AX*8), Y2
	VMOVUPD 96(DI)(AX*8), Y3
	VADDPD  (SI)(AX*8), Y0, Y0
	VADDPD  32(SI)(AX*8), Y1, Y1
	VADDPD  64(SI)(AX*8), Y2, Y2
	VADDPD  96(SI)(AX*8), Y3, Y3
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ    $16, AX
	CMPQ    AX, R11
	JLT     add16
add4:
	CMPQ AX, R12
	JGE  add1
	VMOVUPD (DI)(AX*8), Y0
	VADDPD  (SI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     add4
add1:
	CMPQ AX, R8
	JGE  addnext
	VMOVSD (DI)(AX*8), X0
	VADDSD (SI)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ   AX
	JMP    add1
addnext:
	ADDQ R9, DI
	ADDQ R10, SI
	DECQ CX
	JNZ  addrow
	VZEROUPPER
	RET

// func copyRowsAsm(dst, x *float64, n, rows, ds, xs int)
TEXT ·copyRowsAsm(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), R8
	MOVQ rows+24(FP), CX
	MOVQ ds+32(FP), R9
	SHLQ $3, R9
	MOVQ xs+40(FP), R10
	SHLQ $3, R10
	MOVQ R8, R11
	ANDQ $-16, R11
	MOVQ R8, R12
	ANDQ $-4, R12
cprow:
	XORQ AX, AX
	CMPQ AX, R11
	JGE  cp4
cp16:
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD 32(SI)(AX*8), Y1
	VMOVUPD 64(SI)(AX*8), Y2
	VMOVUPD 96(SI)(AX*8), Y3
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ    $16, AX
	CMPQ    AX, R11
	JLT     cp16
cp4:
	CMPQ AX, R12
	JGE  cp1
	VMOVUPD (SI)(AX*8), Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     cp4
cp1:
	CMPQ AX, R8
	JGE  cpnext
	MOVQ (SI)(AX*8), BX
	MOVQ BX, (DI)(AX*8)
	INCQ AX
	JMP  cp1
cpnext:
	ADDQ R9, DI
	ADDQ R10, SI
	DECQ CX
	JNZ  cprow
	VZEROUPPER
	RET

DATA reluOne<>+0(SB)/8, $1.0
GLOBL reluOne<>(SB), RODATA|NOPTR, $8

// func reluAsm(y, d1, x *float64, n int)
// Lanes with x > 0 or x NaN (not ≤, unordered: predicate NLE_UQ) keep x and
// get σ′ = 1; the others get +0 and 0, by masking.
TEXT ·reluAsm(SB), NOSPLIT, $0-32
	MOVQ         y+0(FP), DI
	MOVQ         d1+8(FP), DX
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	VBROADCASTSD reluOne<>(SB), Y7
	VXORPD       Y6, Y6, Y6
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-8, BX
	JZ           relu4
relu8:
	VMOVUPD  (SI)(AX*8), Y0
	VMOVUPD  32(SI)(AX*8), Y1
	VCMPPD   $0x16, Y6, Y0, Y2
	VCMPPD   $0x16, Y6, Y1, Y3
	VANDPD   Y0, Y2, Y0
	VANDPD   Y1, Y3, Y1
	VANDPD   Y7, Y2, Y2
	VANDPD   Y7, Y3, Y3
	VMOVUPD  Y0, (DI)(AX*8)
	VMOVUPD  Y1, 32(DI)(AX*8)
	VMOVUPD  Y2, (DX)(AX*8)
	VMOVUPD  Y3, 32(DX)(AX*8)
	ADDQ     $8, AX
	CMPQ     AX, BX
	JLT      relu8
relu4:
	MOVQ CX, BX
	ANDQ $-4, BX
	CMPQ AX, BX
	JGE  relu1
	VMOVUPD (SI)(AX*8), Y0
	VCMPPD  $0x16, Y6, Y0, Y2
	VANDPD  Y0, Y2, Y0
	VANDPD  Y7, Y2, Y2
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD Y2, (DX)(AX*8)
	ADDQ    $4, AX
relu1:
	CMPQ   AX, CX
	JGE    reludone
	VMOVSD (SI)(AX*8), X0
	VCMPSD $0x16, X6, X0, X2
	VANDPD X0, X2, X0
	VANDPD X7, X2, X2
	VMOVSD X0, (DI)(AX*8)
	VMOVSD X2, (DX)(AX*8)
	INCQ   AX
	JMP    relu1
reludone:
	VZEROUPPER
	RET

// func mulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys int)
TEXT ·mulRowsAsm(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), R12
	MOVQ rows+32(FP), CX
	MOVQ ds+40(FP), R9
	SHLQ $3, R9
	MOVQ xs+48(FP), R10
	SHLQ $3, R10
	MOVQ ys+56(FP), R11
	SHLQ $3, R11
mulRowsrow:
	XORQ AX, AX
	MOVQ R12, BX
	ANDQ $-16, BX
	JZ   mulRows4
mulRows16:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD 32(SI)(AX*8), Y1
	VMULPD  32(DX)(AX*8), Y1, Y1
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD 64(SI)(AX*8), Y2
	VMULPD  64(DX)(AX*8), Y2, Y2
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD 96(SI)(AX*8), Y3
	VMULPD  96(DX)(AX*8), Y3, Y3
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ $16, AX
	CMPQ AX, BX
	JLT  mulRows16
mulRows4:
	MOVQ R12, BX
	ANDQ $-4, BX
mulRows4loop:
	CMPQ AX, BX
	JGE  mulRows1
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  mulRows4loop
mulRows1:
	CMPQ AX, R12
	JGE  mulRowsnext
	VMOVSD (SI)(AX*8), X0
	VMULSD  (DX)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  mulRows1
mulRowsnext:
	ADDQ R9, DI
	ADDQ R10, SI
	ADDQ R11, DX
	DECQ CX
	JNZ  mulRowsrow
	VZEROUPPER
	RET

// func addMulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys int)
TEXT ·addMulRowsAsm(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), R12
	MOVQ rows+32(FP), CX
	MOVQ ds+40(FP), R9
	SHLQ $3, R9
	MOVQ xs+48(FP), R10
	SHLQ $3, R10
	MOVQ ys+56(FP), R11
	SHLQ $3, R11
addMulRowsrow:
	XORQ AX, AX
	MOVQ R12, BX
	ANDQ $-16, BX
	JZ   addMulRows4
addMulRows16:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD 32(SI)(AX*8), Y1
	VMULPD  32(DX)(AX*8), Y1, Y1
	VADDPD  32(DI)(AX*8), Y1, Y1
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD 64(SI)(AX*8), Y2
	VMULPD  64(DX)(AX*8), Y2, Y2
	VADDPD  64(DI)(AX*8), Y2, Y2
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD 96(SI)(AX*8), Y3
	VMULPD  96(DX)(AX*8), Y3, Y3
	VADDPD  96(DI)(AX*8), Y3, Y3
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ $16, AX
	CMPQ AX, BX
	JLT  addMulRows16
addMulRows4:
	MOVQ R12, BX
	ANDQ $-4, BX
addMulRows4loop:
	CMPQ AX, BX
	JGE  addMulRows1
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  addMulRows4loop
addMulRows1:
	CMPQ AX, R12
	JGE  addMulRowsnext
	VMOVSD (SI)(AX*8), X0
	VMULSD  (DX)(AX*8), X0, X0
	VADDSD  (DI)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  addMulRows1
addMulRowsnext:
	ADDQ R9, DI
	ADDQ R10, SI
	ADDQ R11, DX
	DECQ CX
	JNZ  addMulRowsrow
	VZEROUPPER
	RET

// func addMul3RowsAsm(dst, x, y, z *float64, n, rows, ds, xs, ys, zs int)
TEXT ·addMul3RowsAsm(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ z+24(FP), R8
	MOVQ n+32(FP), R12
	MOVQ rows+40(FP), CX
	MOVQ ds+48(FP), R9
	SHLQ $3, R9
	MOVQ xs+56(FP), R10
	SHLQ $3, R10
	MOVQ ys+64(FP), R11
	SHLQ $3, R11
	MOVQ zs+72(FP), R13
	SHLQ $3, R13
addMul3Rowsrow:
	XORQ AX, AX
	MOVQ R12, BX
	ANDQ $-16, BX
	JZ   addMul3Rows4
addMul3Rows16:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VMULPD  (R8)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD 32(SI)(AX*8), Y1
	VMULPD  32(DX)(AX*8), Y1, Y1
	VMULPD  32(R8)(AX*8), Y1, Y1
	VADDPD  32(DI)(AX*8), Y1, Y1
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD 64(SI)(AX*8), Y2
	VMULPD  64(DX)(AX*8), Y2, Y2
	VMULPD  64(R8)(AX*8), Y2, Y2
	VADDPD  64(DI)(AX*8), Y2, Y2
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD 96(SI)(AX*8), Y3
	VMULPD  96(DX)(AX*8), Y3, Y3
	VMULPD  96(R8)(AX*8), Y3, Y3
	VADDPD  96(DI)(AX*8), Y3, Y3
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ $16, AX
	CMPQ AX, BX
	JLT  addMul3Rows16
addMul3Rows4:
	MOVQ R12, BX
	ANDQ $-4, BX
addMul3Rows4loop:
	CMPQ AX, BX
	JGE  addMul3Rows1
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VMULPD  (R8)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  addMul3Rows4loop
addMul3Rows1:
	CMPQ AX, R12
	JGE  addMul3Rowsnext
	VMOVSD (SI)(AX*8), X0
	VMULSD  (DX)(AX*8), X0, X0
	VMULSD  (R8)(AX*8), X0, X0
	VADDSD  (DI)(AX*8), X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  addMul3Rows1
addMul3Rowsnext:
	ADDQ R9, DI
	ADDQ R10, SI
	ADDQ R11, DX
	ADDQ R13, R8
	DECQ CX
	JNZ  addMul3Rowsrow
	VZEROUPPER
	RET

// func mulMul3RowsAsm(dst, x, y, z, u, v *float64, n, rows, ds, xs, ys, us, vs int)
TEXT ·mulMul3RowsAsm(SB), NOSPLIT, $0-104
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ z+24(FP), R8
	MOVQ u+32(FP), R9
	MOVQ v+40(FP), R10
	MOVQ n+48(FP), R11
	MOVQ rows+56(FP), CX
mulMul3Rowsrow:
	XORQ AX, AX
	MOVQ R11, BX
	ANDQ $-16, BX
	JZ   mulMul3Rows4
mulMul3Rows16:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VMOVUPD (R8)(AX*8), Y4
	VMULPD  (R9)(AX*8), Y4, Y4
	VMULPD  (R10)(AX*8), Y4, Y4
	VADDPD  Y4, Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD 32(SI)(AX*8), Y1
	VMULPD  32(DX)(AX*8), Y1, Y1
	VMOVUPD 32(R8)(AX*8), Y5
	VMULPD  32(R9)(AX*8), Y5, Y5
	VMULPD  32(R10)(AX*8), Y5, Y5
	VADDPD  Y5, Y1, Y1
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD 64(SI)(AX*8), Y2
	VMULPD  64(DX)(AX*8), Y2, Y2
	VMOVUPD 64(R8)(AX*8), Y6
	VMULPD  64(R9)(AX*8), Y6, Y6
	VMULPD  64(R10)(AX*8), Y6, Y6
	VADDPD  Y6, Y2, Y2
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD 96(SI)(AX*8), Y3
	VMULPD  96(DX)(AX*8), Y3, Y3
	VMOVUPD 96(R8)(AX*8), Y7
	VMULPD  96(R9)(AX*8), Y7, Y7
	VMULPD  96(R10)(AX*8), Y7, Y7
	VADDPD  Y7, Y3, Y3
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ $16, AX
	CMPQ AX, BX
	JLT  mulMul3Rows16
mulMul3Rows4:
	MOVQ R11, BX
	ANDQ $-4, BX
mulMul3Rows4loop:
	CMPQ AX, BX
	JGE  mulMul3Rows1
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VMOVUPD (R8)(AX*8), Y4
	VMULPD  (R9)(AX*8), Y4, Y4
	VMULPD  (R10)(AX*8), Y4, Y4
	VADDPD  Y4, Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  mulMul3Rows4loop
mulMul3Rows1:
	CMPQ AX, R11
	JGE  mulMul3Rowsnext
	VMOVSD (SI)(AX*8), X0
	VMULSD  (DX)(AX*8), X0, X0
	VMOVSD (R8)(AX*8), X4
	VMULSD  (R9)(AX*8), X4, X4
	VMULSD  (R10)(AX*8), X4, X4
	VADDSD  X4, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  mulMul3Rows1
mulMul3Rowsnext:
	MOVQ ds+64(FP), BX
	LEAQ (DI)(BX*8), DI
	MOVQ xs+72(FP), BX
	LEAQ (SI)(BX*8), SI
	MOVQ ys+80(FP), BX
	LEAQ (DX)(BX*8), DX
	MOVQ xs+72(FP), BX
	LEAQ (R8)(BX*8), R8
	MOVQ us+88(FP), BX
	LEAQ (R9)(BX*8), R9
	MOVQ vs+96(FP), BX
	LEAQ (R10)(BX*8), R10
	DECQ CX
	JNZ  mulMul3Rowsrow
	VZEROUPPER
	RET

// func addMulMul3RowsAsm(dst, x, y, z, u, v *float64, n, rows, ds, xs, ys, us, vs int)
TEXT ·addMulMul3RowsAsm(SB), NOSPLIT, $0-104
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ z+24(FP), R8
	MOVQ u+32(FP), R9
	MOVQ v+40(FP), R10
	MOVQ n+48(FP), R11
	MOVQ rows+56(FP), CX
addMulMul3Rowsrow:
	XORQ AX, AX
	MOVQ R11, BX
	ANDQ $-16, BX
	JZ   addMulMul3Rows4
addMulMul3Rows16:
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD (R8)(AX*8), Y4
	VMULPD  (R9)(AX*8), Y4, Y4
	VMULPD  (R10)(AX*8), Y4, Y4
	VADDPD  Y4, Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	VMOVUPD 32(SI)(AX*8), Y1
	VMULPD  32(DX)(AX*8), Y1, Y1
	VADDPD  32(DI)(AX*8), Y1, Y1
	VMOVUPD 32(R8)(AX*8), Y5
	VMULPD  32(R9)(AX*8), Y5, Y5
	VMULPD  32(R10)(AX*8), Y5, Y5
	VADDPD  Y5, Y1, Y1
	VMOVUPD Y1, 32(DI)(AX*8)
	VMOVUPD 64(SI)(AX*8), Y2
	VMULPD  64(DX)(AX*8), Y2, Y2
	VADDPD  64(DI)(AX*8), Y2, Y2
	VMOVUPD 64(R8)(AX*8), Y6
	VMULPD  64(R9)(AX*8), Y6, Y6
	VMULPD  64(R10)(AX*8), Y6, Y6
	VADDPD  Y6, Y2, Y2
	VMOVUPD Y2, 64(DI)(AX*8)
	VMOVUPD 96(SI)(AX*8), Y3
	VMULPD  96(DX)(AX*8), Y3, Y3
	VADDPD  96(DI)(AX*8), Y3, Y3
	VMOVUPD 96(R8)(AX*8), Y7
	VMULPD  96(R9)(AX*8), Y7, Y7
	VMULPD  96(R10)(AX*8), Y7, Y7
	VADDPD  Y7, Y3, Y3
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ $16, AX
	CMPQ AX, BX
	JLT  addMulMul3Rows16
addMulMul3Rows4:
	MOVQ R11, BX
	ANDQ $-4, BX
addMulMul3Rows4loop:
	CMPQ AX, BX
	JGE  addMulMul3Rows1
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y0
	VADDPD  (DI)(AX*8), Y0, Y0
	VMOVUPD (R8)(AX*8), Y4
	VMULPD  (R9)(AX*8), Y4, Y4
	VMULPD  (R10)(AX*8), Y4, Y4
	VADDPD  Y4, Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ $4, AX
	JMP  addMulMul3Rows4loop
addMulMul3Rows1:
	CMPQ AX, R11
	JGE  addMulMul3Rowsnext
	VMOVSD (SI)(AX*8), X0
	VMULSD  (DX)(AX*8), X0, X0
	VADDSD  (DI)(AX*8), X0, X0
	VMOVSD (R8)(AX*8), X4
	VMULSD  (R9)(AX*8), X4, X4
	VMULSD  (R10)(AX*8), X4, X4
	VADDSD  X4, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ AX
	JMP  addMulMul3Rows1
addMulMul3Rowsnext:
	MOVQ ds+64(FP), BX
	LEAQ (DI)(BX*8), DI
	MOVQ xs+72(FP), BX
	LEAQ (SI)(BX*8), SI
	MOVQ ys+80(FP), BX
	LEAQ (DX)(BX*8), DX
	MOVQ xs+72(FP), BX
	LEAQ (R8)(BX*8), R8
	MOVQ us+88(FP), BX
	LEAQ (R9)(BX*8), R9
	MOVQ vs+96(FP), BX
	LEAQ (R10)(BX*8), R10
	DECQ CX
	JNZ  addMulMul3Rowsrow
	VZEROUPPER
	RET

// The selecting forms: the product where x ≠ 0, +0 where x is ±0 (a
// mask from the comparison, ANDed onto the product), added to dst where
// acc ≠ 0 (a predictable branch a step: adding +0 instead would turn a
// product of −0 into +0).

// func selMulRowsAsm(dst, x, y *float64, n, rows, ds, xs, ys, acc int)
TEXT ·selMulRowsAsm(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), R12
	MOVQ rows+32(FP), CX
	MOVQ ds+40(FP), R9
	SHLQ $3, R9
	MOVQ xs+48(FP), R10
	SHLQ $3, R10
	MOVQ ys+56(FP), R11
	SHLQ $3, R11
	MOVQ acc+64(FP), R13
	VXORPD Y15, Y15, Y15
selMulRowsAsmrow:
	XORQ AX, AX
	MOVQ R12, BX
	ANDQ $-8, BX
selMulRowsAsm8:
	CMPQ AX, BX
	JGE  selMulRowsAsm4
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y1
	VCMPPD  $4, Y15, Y0, Y2        // x ≠ 0
	VANDPD  Y2, Y1, Y1
	VMOVUPD 32(SI)(AX*8), Y3
	VMULPD  32(DX)(AX*8), Y3, Y4
	VCMPPD  $4, Y15, Y3, Y5        // x ≠ 0
	VANDPD  Y5, Y4, Y4
	TESTQ R13, R13
	JZ   selMulRowsAsmst8
	VADDPD  (DI)(AX*8), Y1, Y1
	VADDPD  32(DI)(AX*8), Y4, Y4
selMulRowsAsmst8:
	VMOVUPD Y1, (DI)(AX*8)
	VMOVUPD Y4, 32(DI)(AX*8)
	ADDQ $8, AX
	JMP  selMulRowsAsm8
selMulRowsAsm4:
	MOVQ R12, BX
	ANDQ $-4, BX
	CMPQ AX, BX
	JGE  selMulRowsAsm1
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (DX)(AX*8), Y0, Y1
	VCMPPD  $4, Y15, Y0, Y2
	VANDPD  Y2, Y1, Y1
	TESTQ R13, R13
	JZ   selMulRowsAsmst4
	VADDPD  (DI)(AX*8), Y1, Y1
selMulRowsAsmst4:
	VMOVUPD Y1, (DI)(AX*8)
	ADDQ $4, AX
selMulRowsAsm1:
	CMPQ AX, R12
	JGE  selMulRowsAsmnext
	VMOVSD (SI)(AX*8), X0
	VMULSD (DX)(AX*8), X0, X1
	VCMPSD $4, X15, X0, X2
	VANDPD X2, X1, X1
	TESTQ R13, R13
	JZ   selMulRowsAsmst1
	VADDSD (DI)(AX*8), X1, X1
selMulRowsAsmst1:
	VMOVSD X1, (DI)(AX*8)
	INCQ AX
	JMP  selMulRowsAsm1
selMulRowsAsmnext:
	ADDQ R9, DI
	ADDQ R10, SI
	ADDQ R11, DX
	DECQ CX
	JNZ  selMulRowsAsmrow
	VZEROUPPER
	RET

// func outerRowsAsm(dst, a, b *float64, n, rows, ds, as int, alpha float64)
// Row r: s = alpha·a[r·as] broadcast, then dst = s·b + 0 sixteen, four and
// one at a time, each lane one multiply and one add of +0, as the Go loop.
TEXT ·outerRowsAsm(SB), NOSPLIT, $0-64
	MOVQ   dst+0(FP), DI
	MOVQ   a+8(FP), SI
	MOVQ   b+16(FP), DX
	MOVQ   n+24(FP), R12
	MOVQ   rows+32(FP), CX
	MOVQ   ds+40(FP), R9
	SHLQ   $3, R9
	MOVQ   as+48(FP), R10
	SHLQ   $3, R10
	VMOVSD alpha+56(FP), X14
	VXORPD Y13, Y13, Y13

outerRowsrow:
	VMULSD       (SI), X14, X15
	VBROADCASTSD X15, Y15
	XORQ         AX, AX
	MOVQ         R12, BX
	ANDQ         $-16, BX
	JZ           outerRows4

outerRows16:
	VMULPD  (DX)(AX*8), Y15, Y0
	VADDPD  Y13, Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	VMULPD  32(DX)(AX*8), Y15, Y1
	VADDPD  Y13, Y1, Y1
	VMOVUPD Y1, 32(DI)(AX*8)
	VMULPD  64(DX)(AX*8), Y15, Y2
	VADDPD  Y13, Y2, Y2
	VMOVUPD Y2, 64(DI)(AX*8)
	VMULPD  96(DX)(AX*8), Y15, Y3
	VADDPD  Y13, Y3, Y3
	VMOVUPD Y3, 96(DI)(AX*8)
	ADDQ    $16, AX
	CMPQ    AX, BX
	JLT     outerRows16

outerRows4:
	MOVQ R12, BX
	ANDQ $-4, BX

outerRows4loop:
	CMPQ    AX, BX
	JGE     outerRows1
	VMULPD  (DX)(AX*8), Y15, Y0
	VADDPD  Y13, Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     outerRows4loop

outerRows1:
	CMPQ   AX, R12
	JGE    outerRowsnext
	VMULSD (DX)(AX*8), X15, X0
	VADDSD X13, X0, X0
	VMOVSD X0, (DI)(AX*8)
	INCQ   AX
	JMP    outerRows1

outerRowsnext:
	ADDQ R9, DI
	ADDQ R10, SI
	DECQ CX
	JNZ  outerRowsrow
	VZEROUPPER
	RET
