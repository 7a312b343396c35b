// SPDX-License-Identifier: GPL-2.0
/*
 * trapcheck: the victim program of the lab. Several processes on every hart
 * take system calls, store and load page faults, with -g signals (a load
 * from a page with no access, SIGSEGV handled on the alternate signal
 * stack) and interrupts (spinning while other processes preempt them), each with every
 * general-purpose register, tp and gp included, loaded with a pattern unique
 * to the process and the iteration. After every trap all 31 registers and
 * sp are compared with what they must be, and the system call's result is
 * checked.
 *
 * Output is KTAP. Exit status 0 when every check passed, 1 otherwise.
 *
 *   trapcheck [-p PROCS] [-c CPU] [-t SECONDS] [-k SYMBOL] [-n NAME] [-w IDLE] [-z BYTES] [-x] [-s] [-g] [-q]
 *     PROCS    processes (default: 2 per online CPU)
 *     CPU      run them all on this CPU (default: process i on CPU i % CPUs)
 *     SECONDS  how long each process runs (default 3)
 *     SYMBOL   security probe: process 0 makes its system calls with tp
 *              holding the address of this kernel symbol (from
 *              /proc/kallsyms), a canary the fault injector watches: a
 *              kernel that takes a user tp for its own must not write
 *              through it
 *     NAME     the name (comm) of every process, instead of "trapcheck":
 *              the fault injector picks its victims by name
 *     IDLE     seconds to sleep before the work, leaving the CPUs idle
 *              (the aftermath matrix: a CPU whose task died in the kernel
 *              then takes only interrupts from the idle loop)
 *     BYTES    each iteration also reads BYTES from /dev/zero into memory
 *              faulted in beforehand: kernel time with interrupts on and
 *              no lock held (the kernel zeroes user memory), where the
 *              aftermath matrix takes its traps from S-mode
 *     -x       end at the first process killed by a signal: kill the
 *              others and report (the aftermath matrix's victim, killed
 *              by an injected kernel fault; a dying parent takes its
 *              children along)
 *     -s       every trap is taken with sp holding a negative value (a
 *              kernel-half address): the kernel must treat such a trap
 *              from user mode like any other (it tests the sign of sp to
 *              tell a trap from its own way back to user mode apart)
 *     -g       signals too (off by default: on Debian's 6.12.117, unfixed
 *              or not, the first one kills the process with SIGSEGV;
 *              v7.3 handles them; not understood yet)
 *
 * The first test runs a probe that corrupts s5 on purpose and requires the
 * checker to see it, so a checker that cannot fail fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

typedef void probe_fn(const unsigned long in[32], unsigned long out[32]);

probe_fn lab_probe_ecall, lab_probe_store, lab_probe_load, lab_probe_signal,
	lab_probe_spin, lab_probe_corrupt;
probe_fn lab_probe_ecall_nsp, lab_probe_store_nsp, lab_probe_load_nsp,
	lab_probe_signal_nsp, lab_probe_spin_nsp, lab_probe_corrupt_nsp;
void lab_probe_skip(int sig, siginfo_t *info, void *uc);
/* Read by lab_probe_skip: where the interrupted pc is in a ucontext. */
const unsigned long lab_uc_pc_offset = offsetof(ucontext_t, uc_mcontext.__gregs[REG_PC]);

enum mode { M_ECALL, M_STORE, M_LOAD, M_SIGNAL, M_SPIN, M_NR };
static const char *const mode_name[M_NR] = {
	"syscall_regs_intact", "store_fault_regs_intact",
	"load_fault_regs_intact", "signal_regs_intact", "interrupt_regs_intact",
};
/* The probes, with the process's sp and (-s) with a negative sp. */
static probe_fn *const probe[2][M_NR] = {
	{ lab_probe_ecall, lab_probe_store, lab_probe_load, lab_probe_signal, lab_probe_spin },
	{ lab_probe_ecall_nsp, lab_probe_store_nsp, lab_probe_load_nsp,
	  lab_probe_signal_nsp, lab_probe_spin_nsp },
};

/* Per-process results, in memory shared with the parent. */
struct result {
	unsigned long traps[M_NR];
	unsigned long bad[M_NR];
	unsigned long cpu_seen;	/* bitmask of CPUs the child ran on */
};

#define NPAGES 64
#define SPIN 20000

static long page_size;
static unsigned long canary;	/* tp for process 0's system calls, if set */
static int end_on_kill;		/* -x */
static long zero_bytes;		/* -z */
static int only_cpu = -1;	/* -c */
static int negative_sp;		/* -s */
static int with_signals;	/* -g */

static int cpu_of(int idx, int ncpu)
{
	return only_cpu >= 0 ? only_cpu : idx % ncpu;
}

static unsigned long pattern(unsigned long seed, int reg)
{
	unsigned long x = seed * 0x9e3779b97f4a7c15UL + (unsigned long)reg * 0xbf58476d1ce4e5b9UL;

	x ^= x >> 31;
	x *= 0x94d049bb133111ebUL;
	x ^= x >> 29;
	return x;
}

static const char *const reg_abi[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/*
 * Compare out[] with what it must be. Returns the number of registers that
 * differ; reports the first few on stderr as KTAP diagnostics.
 */
static int check(const char *what, const unsigned long in[32],
		 const unsigned long out[32], const unsigned long expect_override[32],
		 int verbose)
{
	/* The nsp probes trap with sp = in[2], the others with their own. */
	unsigned long sp = negative_sp ? in[2] : out[0];
	int r, bad = 0;

	if (out[2] != sp) {
		bad++;
		if (verbose)
			printf("# %s: pid %d: sp changed: %#lx -> %#lx\n", what,
			       getpid(), sp, out[2]);
	}
	for (r = 1; r < 32; r++) {
		unsigned long exp;

		if (r == 2)
			continue;
		exp = expect_override && expect_override[r] != ~0UL ?
		      expect_override[r] : in[r];
		if (out[r] != exp) {
			bad++;
			if (verbose && bad <= 4)
				printf("# %s: pid %d: x%d (%s): expected %#lx, got %#lx\n",
				       what, getpid(), r, reg_abi[r], exp, out[r]);
		}
	}
	return bad;
}

static void fill(unsigned long in[32], unsigned long seed, unsigned long out[32])
{
	int r;

	for (r = 0; r < 32; r++)
		in[r] = pattern(seed, r);
	if (negative_sp) {
		/* A 16-byte aligned kernel-half address; gp finds out[]. */
		in[2] = (in[2] | 1UL << 63) & ~15UL;
		in[3] = (unsigned long)out;
	}
}

/* SIGSEGV from lab_probe_signal, handled on an alternate stack. */
static int signal_setup(void)
{
	static char altstack[1 << 16];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = {
		.sa_sigaction = lab_probe_skip,
		.sa_flags = SA_SIGINFO | SA_ONSTACK,
	};

	return sigaltstack(&ss, NULL) || sigaction(SIGSEGV, &sa, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void child(int idx, int ncpu, double seconds, struct result *res, int verbose)
{
	unsigned long in[32], out[32], over[32];
	unsigned long seed = ((unsigned long)getpid() << 32) ^ 0x5a5a0000UL;
	double end = now() + seconds;
	unsigned long iter = 0;
	char *pages, *noaccess, *zbuf = NULL;
	cpu_set_t set;
	int r, zfd = -1;

	if (end_on_kill) {
		/* Die with the parent, also if it died before this call. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(1);
	}
	CPU_ZERO(&set);
	CPU_SET(cpu_of(idx, ncpu), &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("# pid %d: sched_setaffinity(%d): %s\n", getpid(), cpu_of(idx, ncpu), strerror(errno));

	pages = mmap(NULL, NPAGES * page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	noaccess = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED || noaccess == MAP_FAILED) {
		printf("# pid %d: mmap: %s\n", getpid(), strerror(errno));
		_exit(1);
	}
	if (with_signals && signal_setup()) {
		printf("# pid %d: sigaltstack/sigaction: %s\n", getpid(), strerror(errno));
		_exit(1);
	}
	if (zero_bytes > 0) {
		zfd = open("/dev/zero", O_RDONLY);
		zbuf = mmap(NULL, zero_bytes, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (zfd < 0 || zbuf == MAP_FAILED) {
			printf("# pid %d: /dev/zero: %s\n", getpid(), strerror(errno));
			_exit(1);
		}
		memset(zbuf, 1, zero_bytes);
	}

	while (now() < end) {
		if (zfd >= 0 && read(zfd, zbuf, zero_bytes) != zero_bytes) {
			res->bad[M_ECALL]++;
			printf("# pid %d: read /dev/zero: %s\n", getpid(), strerror(errno));
		}
		for (enum mode m = 0; m < M_NR; m++) {
			char *page = pages + (iter % NPAGES) * page_size;

			if (m == M_SIGNAL && !with_signals)
				continue;
			fill(in, seed + iter * M_NR + m, out);
			for (r = 0; r < 32; r++)
				over[r] = ~0UL;
			switch (m) {
			case M_ECALL:
				in[17] = SYS_getpid;
				if (canary && idx == 0)
					in[4] = canary;
				over[10] = getpid();
				break;
			case M_STORE:
				in[10] = (unsigned long)page;
				break;
			case M_LOAD:
				in[10] = (unsigned long)page;
				break;
			case M_SIGNAL:
				in[10] = (unsigned long)noaccess;
				break;
			case M_SPIN:
				in[31] = SPIN;
				over[31] = 0;
				break;
			default:
				break;
			}
			probe[negative_sp][m](in, out);
			if (m == M_STORE && *(unsigned long *)page != in[11]) {
				res->bad[m]++;
				printf("# pid %d: stored %#lx, read back %#lx\n",
				       getpid(), in[11], *(unsigned long *)page);
			}
			res->traps[m]++;
			if (check(mode_name[m], in, out, over, verbose && res->bad[m] < 3))
				res->bad[m]++;
			/* The next touch of this page faults again. */
			if (m == M_STORE || m == M_LOAD)
				madvise(page, page_size, MADV_DONTNEED);
		}
		r = sched_getcpu();
		if (r >= 0 && r < 64)
			res->cpu_seen |= 1UL << r;
		iter++;
	}
	fflush(stdout);
	_exit(0);
}

/* The checker must see a register a broken kernel corrupted. */
static int checker_selftest(void)
{
	unsigned long in[32], out[32], over[32];
	int r, bad;

	fill(in, 42, out);
	in[17] = SYS_getpid;
	for (r = 0; r < 32; r++)
		over[r] = ~0UL;
	over[10] = getpid();
	(negative_sp ? lab_probe_corrupt_nsp : lab_probe_corrupt)(in, out);
	bad = check("checker_selftest", in, out, over, 0);
	if (bad != 1 || out[21] != in[21] + 1) {
		printf("# the checker saw %d bad registers, expected exactly s5\n", bad);
		return 0;
	}
	/* And a clean probe must pass. */
	probe[negative_sp][M_ECALL](in, out);
	return check("checker_selftest", in, out, over, 1) == 0;
}

/* The address of a kernel symbol, from /proc/kallsyms; 0 if not found. */
static unsigned long kallsyms_lookup(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long addr, found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int procs = 0, verbose = 1, opt, i, failed = 0, crashed = 0, stopped = 0, skipped = 0;
	double seconds = 3, idle = 0;
	struct result *res;
	unsigned long total = 0, cpus = 0;
	pid_t *pids;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "p:c:t:k:n:w:z:xsgq")) != -1) {
		switch (opt) {
		case 'p':
			procs = atoi(optarg);
			break;
		case 'c':
			only_cpu = atoi(optarg);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'q':
			verbose = 0;
			break;
		case 'n':
			prctl(PR_SET_NAME, optarg);
			break;
		case 'x':
			end_on_kill = 1;
			break;
		case 'w':
			idle = atof(optarg);
			break;
		case 'z':
			zero_bytes = atol(optarg);
			break;
		case 's':
			negative_sp = 1;
			break;
		case 'g':
			with_signals = 1;
			break;
		case 'k':
			canary = kallsyms_lookup(optarg);
			if (!canary) {
				printf("# %s not in /proc/kallsyms\n", optarg);
				return 4;
			}
			break;
		default:
			fprintf(stderr, "usage: %s [-p procs] [-c cpu] [-t seconds] [-k symbol] [-n name] [-w idle] [-z bytes] [-x] [-s] [-g] [-q]\n",
				argv[0]);
			return 2;
		}
	}
	if (idle > 0) {
		struct timespec ts = { (time_t)idle, (long)((idle - (time_t)idle) * 1e9) };

		nanosleep(&ts, NULL);
	}
	if (ncpu < 1)
		ncpu = 1;
	if (procs <= 0)
		procs = 2 * ncpu;

	ktap_header(1 + M_NR);
	printf("# %d processes on %d CPUs for %.1f s\n", procs, ncpu, seconds);
	if (canary)
		printf("# process 0 makes its system calls with tp = %#lx\n", canary);
	if (negative_sp)
		printf("# every trap is taken with a negative sp\n");

	if (checker_selftest()) {
		ktap_result(1, 1, "checker_detects_corruption");
	} else {
		ktap_result(0, 1, "checker_detects_corruption");
		failed++;
	}

	res = mmap(NULL, procs * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		printf("# mmap: %s\nBail out! no shared memory\n", strerror(errno));
		return 1;
	}
	memset(res, 0, procs * sizeof(*res));
	pids = calloc(procs, sizeof(*pids));
	if (!pids) {
		printf("Bail out! no memory\n");
		return 1;
	}

	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			printf("# fork: %s\n", strerror(errno));
			crashed++;
			break;
		}
		if (pid == 0)
			child(i, ncpu, seconds, &res[i], verbose);
		pids[i] = pid;
		/*
		 * Move it to its CPU before it first runs: it need not wait for
		 * a turn on ours (with -x ours may be busy, and the lab's
		 * aftermath matrix waits for the child on another CPU).
		 */
		{
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu_of(i, ncpu), &set);
			sched_setaffinity(pid, sizeof(set), &set);
		}
	}
	for (;;) {
		int status;
		pid_t pid = wait(&status);

		if (pid < 0)
			break;
		for (i = 0; i < procs; i++)
			if (pids[i] == pid)
				pids[i] = 0;	/* reaped: never kill it again */
		if (WIFSIGNALED(status) && stopped && WTERMSIG(status) == SIGKILL) {
			/* One of those -x stopped. */
		} else if (WIFSIGNALED(status)) {
			printf("# child %d killed by signal %d (%s)\n", pid,
			       WTERMSIG(status), strsignal(WTERMSIG(status)));
			crashed++;
			if (end_on_kill && !stopped) {
				printf("# -x: stopping the other processes\n");
				for (int k = 0; k < procs; k++)
					if (pids[k] > 0)
						kill(pids[k], SIGKILL);
				stopped = 1;
			}
		} else if (WEXITSTATUS(status)) {
			printf("# child %d exited with %d\n", pid, WEXITSTATUS(status));
			crashed++;
		}
	}

	for (i = 0; i < procs; i++)
		cpus |= res[i].cpu_seen;
	for (enum mode m = 0; m < M_NR; m++) {
		unsigned long traps = 0, bad = 0;

		for (i = 0; i < procs; i++) {
			traps += res[i].traps[m];
			bad += res[i].bad[m];
		}
		total += traps;
		if (m == M_SIGNAL && !with_signals) {
			ktap_result(1, 2 + m, "%s # SKIP signals only with -g", mode_name[m]);
			skipped++;
			continue;
		}
		/* A mode that never ran proves nothing. */
		if (bad || crashed || !traps) {
			ktap_result(0, 2 + m, "%s # traps=%lu bad=%lu crashed=%d",
				    mode_name[m], traps, bad, crashed);
			failed++;
		} else {
			ktap_result(1, 2 + m, "%s # traps=%lu", mode_name[m], traps);
		}
	}
	printf("# %lu traps checked; CPUs used: %#lx\n", total, cpus);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       1 + M_NR - failed - skipped, failed, skipped);
	return failed ? 1 : 0;
}
