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

// tanhAsm512 is tanhAsm eight lanes at a time (AVX-512F): the same
// operations in the same order on zmm registers, each constant broadcast
// from its first copy, and mask registers for the branch tests and blends,
// so each lane gets the same bits as in tanhAsm and the scalar code.
// Groups of eight; it returns as tanhAsm does.

// B(k) is constant k's first copy, a broadcast operand.
#define B(k) (k*32)(R9)

// func tanhAsm512(y, d1, d2, x *float64, n int) int
TEXT ·tanhAsm512(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ d1+8(FP), R10
	MOVQ d2+16(FP), R11
	MOVQ x+24(FP), SI
	MOVQ n+32(FP), CX
	LEAQ ·tanhConsts(SB), R9
	XORQ AX, AX
	ANDQ $-8, CX
	JZ   done512

loop512:
	VMOVUPD (SI)(AX*8), Z0                 // a
	VPANDQ.BCST B(0), Z0, Z1               // |a|
	VCMPPD.BCST $6, B(4), Z1, K1           // !(|a| ≤ lim), NaN included
	KORTESTW K1, K1
	JNZ     done512

	// BX has a bit per lane with |a| < 0.625.
	VCMPPD.BCST $1, B(5), Z1, K2
	KMOVW   K2, BX
	CMPL    BX, $0xff
	JEQ     rational512

	// e = exp(2|a|), as exp_amd64.s.
	VADDPD  Z1, Z1, Z3                     // X = 2|a|
	VMULPD.BCST B(6), Z3, Z4               // X·log₂e
	VCVTPD2DQ Z4, Y5                       // k, rounded to nearest
	VCVTDQ2PD Y5, Z4
	VFNMADD231PD.BCST B(7), Z4, Z3         // X − k·ln2u
	VFNMADD231PD.BCST B(8), Z4, Z3         // − k·ln2l
	VMULPD.BCST B(9), Z3, Z3               // /16
	VBROADCASTSD B(10), Z6
	VFMADD213PD.BCST B(11), Z3, Z6
	VFMADD213PD.BCST B(12), Z3, Z6
	VFMADD213PD.BCST B(13), Z3, Z6
	VFMADD213PD.BCST B(14), Z3, Z6
	VFMADD213PD.BCST B(15), Z3, Z6
	VFMADD213PD.BCST B(16), Z3, Z6         // + ½
	VFMADD213PD.BCST B(2), Z3, Z6          // + 1
	VMULPD  Z6, Z3, Z3
	VADDPD.BCST B(3), Z3, Z6
	VMULPD  Z6, Z3, Z3
	VADDPD.BCST B(3), Z3, Z6
	VMULPD  Z6, Z3, Z3
	VADDPD.BCST B(3), Z3, Z6
	VMULPD  Z6, Z3, Z3
	VADDPD.BCST B(3), Z3, Z6
	VFMADD213PD.BCST B(2), Z6, Z3          // e^(X − k·ln2), four squarings on
	VPMOVZXDQ Y5, Z7                       // k ≥ 0 here
	VPADDQ.BCST B(19), Z7, Z7
	VPSLLQ  $52, Z7, Z7                    // 2^k
	VMULPD  Z7, Z3, Z3                     // e

	// The exp branch: r = 1/(e+1), t = ±(1 − 2r), f′ = 4·e·r·r.
	VADDPD.BCST B(2), Z3, Z8
	VBROADCASTSD B(2), Z9
	VDIVPD  Z8, Z9, Z8                     // r
	VMULPD.BCST B(3), Z8, Z9               // 2r
	VBROADCASTSD B(2), Z10
	VSUBPD  Z9, Z10, Z10                   // 1 − 2r, positive
	VPANDQ.BCST B(1), Z0, Z11
	VPORQ   Z11, Z10, Z10                  // t with a's sign
	VMULPD.BCST B(17), Z3, Z12             // 4e
	VMULPD  Z8, Z12, Z12
	VMULPD  Z8, Z12, Z12                   // f′
	TESTL   BX, BX
	JZ      second512

	// The rational branch, math.Tanh's for |a| < 0.625.
rational512:
	VMULPD  Z0, Z0, Z13                    // s = a²
	VMULPD.BCST B(20), Z13, Z14
	VADDPD.BCST B(21), Z14, Z14
	VMULPD  Z13, Z14, Z14
	VADDPD.BCST B(22), Z14, Z14            // P(s)
	VADDPD.BCST B(23), Z13, Z15
	VMULPD  Z13, Z15, Z15
	VADDPD.BCST B(24), Z15, Z15
	VMULPD  Z13, Z15, Z15
	VADDPD.BCST B(25), Z15, Z15            // Q(s)
	VMULPD  Z13, Z0, Z9                    // a·s
	VMULPD  Z14, Z9, Z9                    // ·P
	VDIVPD  Z15, Z9, Z9                    // /Q
	VADDPD  Z9, Z0, Z9                     // t
	VPXORQ  Z14, Z14, Z14
	VCMPPD  $0, Z14, Z0, K3                // a = ±0: t = a
	VBLENDMPD Z0, Z9, K3, Z9
	VBROADCASTSD B(2), Z14
	VSUBPD  Z9, Z14, Z14                   // 1 − t
	VADDPD.BCST B(2), Z9, Z15              // 1 + t
	VMULPD  Z15, Z14, Z14                  // f′

	CMPL    BX, $0xff
	JNE     blend512
	VMOVAPD Z9, Z10
	VMOVAPD Z14, Z12
	JMP     second512

blend512:
	VBLENDMPD Z9, Z10, K2, Z10             // t where |a| < 0.625
	VBLENDMPD Z14, Z12, K2, Z12            // f′

	// The second-order part, from t in Z10 and f′ in Z12.
second512:
	VMULPD.BCST B(18), Z10, Z13            // −2t
	VMULPD  Z12, Z13, Z13                  // ·f′
	VPXORQ  Z14, Z14, Z14
	VMULPD  Z14, Z12, Z14                  // f′·0
	VADDPD  Z13, Z14, Z13
	VMOVUPD Z10, (DI)(AX*8)
	VMOVUPD Z12, (R10)(AX*8)
	VMOVUPD Z13, (R11)(AX*8)
	ADDQ    $8, AX
	CMPQ    AX, CX
	JLT     loop512

done512:
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	RET
