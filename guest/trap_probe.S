/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trap probes for trapcheck: load every general-purpose register but sp
 * from in[] (indexed by register number), take exactly one kind of trap,
 * and store every register to out[]. out[0] receives sp before the trap,
 * out[2] sp after it. ra, gp, tp and s0-s11 are restored before returning.
 *
 *   void lab_probe_ecall(const unsigned long in[32], unsigned long out[32]);
 *   ... and likewise _store, _load, _spin, _signal, _corrupt (see
 *   trapcheck.c).
 *
 * The _nsp variants (lab_probe_ecall_nsp, ...) also load sp from in[2], a
 * negative value (a kernel-half address), before the trap, and find out[]
 * afterwards through gp, which in[3] must point to: a trap from user mode
 * with a negative sp is still a trap from user mode.
 *
 * Between the load of in[] and the store to out[] no C code runs, so tp and
 * gp may hold any value there; the one signal handler that may run there,
 * lab_probe_skip, is written in assembly and uses neither.
 */

	/* Every probe's trapping instruction is 4 bytes: lab_probe_skip. */
	.option norvc

#define FRAME	144
#define OUTP	120
#define T0SAVE	128

	.macro PROBE_BEGIN name, nsp=0
	.text
	.globl \name
	.type \name, @function
	.balign 4
\name:
	addi	sp, sp, -FRAME
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, 16(sp)
	sd	s0, 24(sp)
	sd	s1, 32(sp)
	sd	s2, 40(sp)
	sd	s3, 48(sp)
	sd	s4, 56(sp)
	sd	s5, 64(sp)
	sd	s6, 72(sp)
	sd	s7, 80(sp)
	sd	s8, 88(sp)
	sd	s9, 96(sp)
	sd	s10, 104(sp)
	sd	s11, 112(sp)
	sd	a1, OUTP(sp)
	sd	sp, 0(a1)
	mv	t0, a0
	.irp r, 1,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\r, (\r * 8)(t0)
	.endr
	.if \nsp
	ld	sp, 16(t0)
	.endif
	ld	t0, 40(t0)
	.endm

	.macro PROBE_END name, nsp=0
	.if \nsp
	/* gp points to out[], out[0] holds the probe's own sp. */
	.irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\r, (\r * 8)(gp)
	.endr
	ld	sp, 0(gp)
	.else
	sd	t0, T0SAVE(sp)
	ld	t0, OUTP(sp)
	.irp r, 1,2,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\r, (\r * 8)(t0)
	.endr
	ld	t1, T0SAVE(sp)
	sd	t1, 40(t0)
	.endif
	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, 16(sp)
	ld	s0, 24(sp)
	ld	s1, 32(sp)
	ld	s2, 40(sp)
	ld	s3, 48(sp)
	ld	s4, 56(sp)
	ld	s5, 64(sp)
	ld	s6, 72(sp)
	ld	s7, 80(sp)
	ld	s8, 88(sp)
	ld	s9, 96(sp)
	ld	s10, 104(sp)
	ld	s11, 112(sp)
	addi	sp, sp, FRAME
	ret
	.size \name, . - \name
	.endm

	.macro PROBES name, insn:vararg
	PROBE_BEGIN \name
	\insn
	PROBE_END \name
	PROBE_BEGIN \name\()_nsp, 1
	\insn
	PROBE_END \name\()_nsp, 1
	.endm

/* A system call: a7 holds the number, a0 the result. */
	PROBES lab_probe_ecall, ecall

/* A store page fault: a1 is stored at a0 (a fresh page). */
	PROBES lab_probe_store, sd a1, 0(a0)

/* A load page fault: a load from a0 (a fresh page) into x0. */
	PROBES lab_probe_load, ld zero, 0(a0)

/*
 * A signal: a load from a0 (a page with no access) into x0 raises SIGSEGV,
 * which lab_probe_skip handles on the alternate signal stack.
 */
	PROBES lab_probe_signal, ld zero, 0(a0)

/* Interrupts and preemption: spin t6 iterations down to 0. */
	.macro SPIN
1:	addi	t6, t6, -1
	bnez	t6, 1b
	.endm
	PROBES lab_probe_spin, SPIN

/*
 * The SIGSEGV handler of lab_probe_signal (SA_SIGINFO: a2 is the
 * ucontext): step over the faulting load, using only a2, t0 and t1 (the
 * kernel restores every register from the signal frame). trapcheck.c sets
 * lab_uc_pc_offset to the offset of the pc in the ucontext.
 */
	.text
	.globl lab_probe_skip
	.type lab_probe_skip, @function
	.balign 4
lab_probe_skip:
	lla	t0, lab_uc_pc_offset
	ld	t0, 0(t0)
	add	t0, a2, t0
	ld	t1, 0(t0)
	addi	t1, t1, 4
	sd	t1, 0(t0)
	ret
	.size lab_probe_skip, . - lab_probe_skip

/*
 * The checker's own test: a system call, then s5 is changed as a broken
 * kernel would. trapcheck must report exactly x21.
 */
	.macro CORRUPT
	ecall
	addi	s5, s5, 1
	.endm
	PROBES lab_probe_corrupt, CORRUPT

	.section .note.GNU-stack, "", @progbits
