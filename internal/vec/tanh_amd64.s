//go:build !purego && !amd64.v3

#include "textflag.h"

// tanhAsm is realfn.Unit(realfn.Tanh(x)) four lanes at a time, with the
// same operations in the same order as the scalar code, so the same bits:
//
//	|x| < 0.625: t = math.Tanh's x + x·s·P(s)/Q(s), s = x² (t = x at ±0),
//	             f′ = (1 − t)(1 + t);
//	otherwise:   e = math.Exp(2|x|) as exp_amd64.s computes it on its FMA
//	             path, r = 1/(e + 1), t = ±(1 − 2r), f′ = 4·e·r·r;
//	f″ part = f′·0 + (−2·t)·f′.
//
// A group of four runs each branch that one of its lanes takes, and a
// blend picks per lane where it takes both. A group with a lane beyond
// ±½·log(2¹²⁷) or NaN, where the scalar code takes other branches (and exp
// could underflow), stops the loop: it returns the index of that group for
// the caller to do in Go.

// C(k) is constant k of tanh_data_amd64.s, a ymm operand.
#define C(k) (k*32)(R9)

// func tanhAsm(y, d1, d2, x *float64, n int) int
TEXT ·tanhAsm(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ d1+8(FP), R10
	MOVQ d2+16(FP), R11
	MOVQ x+24(FP), SI
	MOVQ n+32(FP), CX
	LEAQ ·tanhConsts(SB), R9
	XORQ AX, AX
	ANDQ $-4, CX
	JZ   done

loop:
	VMOVUPD (SI)(AX*8), Y0             // a
	VANDPD  C(0), Y0, Y1               // |a|
	VCMPPD  $6, C(4), Y1, Y2           // !(|a| ≤ lim), NaN included
	VMOVMSKPD Y2, BX
	TESTL   BX, BX
	JNZ     done

	// Each branch runs only if some lane takes it: BX has a bit per lane
	// with |a| < 0.625.
	VCMPPD  $1, C(5), Y1, Y2
	VMOVMSKPD Y2, BX
	CMPL    BX, $15
	JEQ     rational

	// e = exp(2|a|), as exp_amd64.s.
	VADDPD  Y1, Y1, Y3                 // X = 2|a|
	VMULPD  C(6), Y3, Y4               // X·log₂e
	VCVTPD2DQY Y4, X5                  // k, rounded to nearest
	VCVTDQ2PD X5, Y4
	VFNMADD231PD C(7), Y4, Y3          // X − k·ln2u
	VFNMADD231PD C(8), Y4, Y3          // − k·ln2l
	VMULPD  C(9), Y3, Y3               // /16
	VMOVUPD C(10), Y6
	VFMADD213PD C(11), Y3, Y6
	VFMADD213PD C(12), Y3, Y6
	VFMADD213PD C(13), Y3, Y6
	VFMADD213PD C(14), Y3, Y6
	VFMADD213PD C(15), Y3, Y6
	VFMADD213PD C(16), Y3, Y6          // + ½
	VFMADD213PD C(2), Y3, Y6           // + 1
	VMULPD  Y6, Y3, Y3
	VADDPD  C(3), Y3, Y6
	VMULPD  Y6, Y3, Y3
	VADDPD  C(3), Y3, Y6
	VMULPD  Y6, Y3, Y3
	VADDPD  C(3), Y3, Y6
	VMULPD  Y6, Y3, Y3
	VADDPD  C(3), Y3, Y6
	VFMADD213PD C(2), Y6, Y3           // e^(X − k·ln2), four squarings on
	VPMOVZXDQ X5, Y7                   // k ≥ 0 here
	VPADDQ  C(19), Y7, Y7
	VPSLLQ  $52, Y7, Y7                // 2^k
	VMULPD  Y7, Y3, Y3                 // e

	// The exp branch: r = 1/(e+1), t = ±(1 − 2r), f′ = 4·e·r·r.
	VADDPD  C(2), Y3, Y8
	VMOVUPD C(2), Y9
	VDIVPD  Y8, Y9, Y8                 // r
	VMULPD  C(3), Y8, Y9               // 2r
	VMOVUPD C(2), Y10
	VSUBPD  Y9, Y10, Y10               // 1 − 2r, positive
	VANDPD  C(1), Y0, Y11
	VORPD   Y11, Y10, Y10              // t with a's sign
	VMULPD  C(17), Y3, Y12             // 4e
	VMULPD  Y8, Y12, Y12
	VMULPD  Y8, Y12, Y12               // f′
	TESTL   BX, BX
	JZ      second

	// The rational branch, math.Tanh's for |a| < 0.625.
rational:
	VMULPD  Y0, Y0, Y13                // s = a²
	VMULPD  C(20), Y13, Y14
	VADDPD  C(21), Y14, Y14
	VMULPD  Y13, Y14, Y14
	VADDPD  C(22), Y14, Y14            // P(s)
	VADDPD  C(23), Y13, Y15
	VMULPD  Y13, Y15, Y15
	VADDPD  C(24), Y15, Y15
	VMULPD  Y13, Y15, Y15
	VADDPD  C(25), Y15, Y15            // Q(s)
	VMULPD  Y13, Y0, Y9                // a·s
	VMULPD  Y14, Y9, Y9                // ·P
	VDIVPD  Y15, Y9, Y9                // /Q
	VADDPD  Y9, Y0, Y9                 // t
	VXORPD  Y14, Y14, Y14
	VCMPPD  $0, Y14, Y0, Y15           // a = ±0: t = a
	VBLENDVPD Y15, Y0, Y9, Y9
	VMOVUPD C(2), Y14
	VSUBPD  Y9, Y14, Y14               // 1 − t
	VADDPD  C(2), Y9, Y15              // 1 + t
	VMULPD  Y15, Y14, Y14              // f′

	CMPL    BX, $15
	JNE     blend
	VMOVAPD Y9, Y10
	VMOVAPD Y14, Y12
	JMP     second

blend:
	VCMPPD  $1, C(5), Y1, Y15          // |a| < 0.625
	VBLENDVPD Y15, Y9, Y10, Y10        // t
	VBLENDVPD Y15, Y14, Y12, Y12       // f′

	// The second-order part, from t in Y10 and f′ in Y12.
second:
	VMULPD  C(18), Y10, Y13            // −2t
	VMULPD  Y12, Y13, Y13              // ·f′
	VXORPD  Y14, Y14, Y14
	VMULPD  Y14, Y12, Y14              // f′·0
	VADDPD  Y13, Y14, Y13
	VMOVUPD Y10, (DI)(AX*8)
	VMOVUPD Y12, (R10)(AX*8)
	VMOVUPD Y13, (R11)(AX*8)
	ADDQ    $4, AX
	CMPQ    AX, CX
	JLT     loop

done:
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	RET
