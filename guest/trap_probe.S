/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trap probes for trapcheck: load every general-purpose register but sp
 * from in[] (indexed by register number), take exactly one kind of trap,
 * and store every register to out[]. out[0] receives sp before the trap,
 * out[2] sp after it. ra, gp, tp and s0-s11 are restored before returning.
 *
 *   void lab_probe_ecall(const unsigned long in[32], unsigned long out[32]);
 *   ... and likewise _store, _load, _spin, _corrupt (see trapcheck.c).
 *
 * Between the load of in[] and the store to out[] no C code runs, so tp and
 * gp may hold any value there (signals must not be handled meanwhile).
 */

#define FRAME	144
#define OUTP	120
#define T0SAVE	128

	.macro PROBE_BEGIN name
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
	ld	t0, 40(t0)
	.endm

	.macro PROBE_END name
	sd	t0, T0SAVE(sp)
	ld	t0, OUTP(sp)
	.irp r, 1,2,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\r, (\r * 8)(t0)
	.endr
	ld	t1, T0SAVE(sp)
	sd	t1, 40(t0)
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

/* A system call: a7 holds the number, a0 the result. */
PROBE_BEGIN lab_probe_ecall
	ecall
PROBE_END lab_probe_ecall

/* A store page fault: a1 is stored at a0 (a fresh page). */
PROBE_BEGIN lab_probe_store
	sd	a1, 0(a0)
PROBE_END lab_probe_store

/* A load page fault: a load from a0 (a fresh page) into x0. */
PROBE_BEGIN lab_probe_load
	ld	zero, 0(a0)
PROBE_END lab_probe_load

/* Interrupts and preemption: spin t6 iterations down to 0. */
PROBE_BEGIN lab_probe_spin
1:	addi	t6, t6, -1
	bnez	t6, 1b
PROBE_END lab_probe_spin

/*
 * The checker's own test: a system call, then s5 is changed as a broken
 * kernel would. trapcheck must report exactly x21.
 */
PROBE_BEGIN lab_probe_corrupt
	ecall
	addi	s5, s5, 1
PROBE_END lab_probe_corrupt

	.section .note.GNU-stack, "", @progbits
