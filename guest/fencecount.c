// SPDX-License-Identifier: GPL-2.0
/*
 * fencecount: how often the lazy fencing of new kernel mappings acts, per
 * workload. Needs a kernel with the lab's counters (lab/count/: debugfs
 * lab_fence_counts, "NEW_MAPPINGS ENTRY_FENCES SWITCH_FENCES GATED ADDR_FENCES", and
 * lab_switch_gate); context switches come from the ctxt line of /proc/stat.
 *
 *   fencecount [-t SECONDS] [-s STRESSOR] [-m MODULE] [-v TEST_VMALLOC_RUN MODULE]
 *
 * Workloads, each SECONDS long (default 10), in order:
 *   idle       sleep
 *   stressor   the series' vmap_stack_stress (STRESSOR), for SECONDS
 *   forkexec   fork and exec this program (it exits at once), one at a time
 *   modules    load and unload MODULE (finit_module, delete_module)
 *   vmalloc    TEST_VMALLOC_RUN MODULE once (three of lib/test_vmalloc.ko's tests)
 * A workload whose program is not given is skipped. Each runs once per
 * scheme (schemes[] below: v1, v2 and addr).
 *
 * Output is KTAP, a test per workload and scheme; each also prints one line
 *   # fences: NAME SCHEME SECONDS HARTS SWITCHES SWITCH_FENCES ENTRY_FENCES NEW_MAPPINGS GATED ADDR_FENCES
 * (lab/flushes.sh turns those into the table).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

#define COUNTS "/sys/kernel/debug/lab_fence_counts"
#define GATE "/sys/kernel/debug/lab_switch_gate"

/* The switch fence schemes, by their lab_switch_gate value (lab/count/). */
static const struct {
	const char *name;
	int gate;
} schemes[] = {
	{ "v1", 0 },	/* every switch that finds its bit set fences */
	{ "v2", 1 },	/* the series: only for a task newer than the last fence */
	{ "addr", 2 },	/* v2's gate, then sfence.vma by address of the next
			 * task's stack and task_struct pages; the bit stays set */
};
#define NSCHEMES ((int)(sizeof(schemes) / sizeof(schemes[0])))

struct counts {
	unsigned long switches, new_mappings, entry_fences, switch_fences, gated;
	unsigned long addr_fences;
};

static int read_counts(struct counts *c)
{
	char line[256];
	FILE *f = fopen(COUNTS, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lu %lu %lu %lu %lu", &c->new_mappings, &c->entry_fences,
		    &c->switch_fences, &c->gated, &c->addr_fences) == 5;
	fclose(f);
	f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	c->switches = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "ctxt %lu", &c->switches) == 1)
			break;
	fclose(f);
	return ok && c->switches ? 0 : -1;
}

static int set_gate(int gate)
{
	FILE *f = fopen(GATE, "w");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%d\n", gate) > 0;
	return fclose(f) || !ok ? -1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run argv to its end; 0 if it exited with 0. */
static int run(char *const argv[], char *const envp[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		execve(argv[0], argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

static char *self;
static double seconds = 10;

static long w_idle(const char *arg)
{
	struct timespec ts = { (time_t)seconds, 0 };

	(void)arg;
	nanosleep(&ts, NULL);
	return 1;
}

static long w_stressor(const char *arg)
{
	char env[64];
	char *argv[] = { (char *)arg, NULL };
	char *envp[] = { env, NULL };

	snprintf(env, sizeof(env), "VMALLOC_FENCE_SECONDS=%.0f", seconds);
	return run(argv, envp) ? -1 : 1;
}

static long w_forkexec(const char *arg)
{
	char *argv[] = { self, "-n", NULL };
	double end = now() + seconds;
	long n = 0;

	(void)arg;
	while (now() < end) {
		if (run(argv, NULL))
			return -1;
		n++;
	}
	return n;
}

static long w_modules(const char *arg)
{
	char name[256], *dot;
	double end = now() + seconds;
	long n = 0;

	snprintf(name, sizeof(name), "%s", basename((char *)arg));
	dot = strstr(name, ".ko");
	if (dot)
		*dot = 0;
	while (now() < end) {
		int fd = open(arg, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
			printf("# modules: loading %s: %s\n", arg, strerror(errno));
			return -1;
		}
		close(fd);
		if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
			printf("# modules: unloading %s: %s\n", name, strerror(errno));
			return -1;
		}
		n++;
	}
	return n;
}

static const char *vmalloc_module;

static long w_vmalloc(const char *arg)
{
	/*
	 * fix_size_alloc_test, random_size_alloc_test and vm_map_ram_test
	 * (bits 0, 3, 10): the module's other tests take minutes under TCG.
	 */
	char *argv[] = { (char *)arg, (char *)vmalloc_module, "run_test_mask=1033",
			 "test_repeat_count=1", "test_loop_count=1000", NULL };

	return run(argv, NULL) ? -1 : 1;
}

struct workload {
	const char *name;
	long (*fn)(const char *arg);
	const char *arg;
};

int main(int argc, char **argv)
{
	struct workload w[] = {
		{ "idle", w_idle, "" },
		{ "stressor", w_stressor, NULL },
		{ "forkexec", w_forkexec, "" },
		{ "modules", w_modules, NULL },
		{ "vmalloc", w_vmalloc, NULL },
	};
	int n = sizeof(w) / sizeof(w[0]), i, v, opt, failed = 0, skipped = 0;
	long harts = sysconf(_SC_NPROCESSORS_ONLN);
	struct counts a, b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	self = argv[0];
	while ((opt = getopt(argc, argv, "nt:s:m:v:")) != -1) {
		switch (opt) {
		case 'n':
			return 0;	/* forkexec's short program */
		case 't':
			seconds = atof(optarg);
			break;
		case 's':
			w[1].arg = optarg;
			break;
		case 'm':
			w[3].arg = optarg;
			break;
		case 'v':
			if (optind >= argc) {
				fprintf(stderr, "-v needs TEST_VMALLOC_RUN MODULE\n");
				return 2;
			}
			w[4].arg = optarg;
			vmalloc_module = argv[optind++];
			break;
		default:
			fprintf(stderr, "usage: %s [-t seconds] [-s stressor] [-m module] [-v test_vmalloc_run module]\n",
				argv[0]);
			return 2;
		}
	}
	ktap_header(NSCHEMES * n);
	if (read_counts(&a) || set_gate(1)) {
		printf("# no counters in %s or no %s (a kernel without lab/count/?)\n",
		       COUNTS, GATE);
		printf("Bail out! no counters\n");
		return 1;
	}
	printf("# fences: workload scheme seconds harts switches switch_fences entry_fences new_mappings gated addr_fences\n");
	for (i = 0; i < n; i++) {
		for (v = 0; v < NSCHEMES; v++) {
			const char *sn = schemes[v].name;
			int t_nr = NSCHEMES * i + v + 1;
			double t;
			long r;

			if (!w[i].arg) {
				ktap_result(1, t_nr, "%s-%s # SKIP no program given", w[i].name, sn);
				skipped++;
				continue;
			}
			if (set_gate(schemes[v].gate)) {
				ktap_result(0, t_nr, "%s-%s # cannot write %s", w[i].name, sn, GATE);
				failed++;
				continue;
			}
			read_counts(&a);
			t = now();
			r = w[i].fn(w[i].arg);
			t = now() - t;
			read_counts(&b);
			printf("# fences: %s %s %.1f %ld %lu %lu %lu %lu %lu %lu\n", w[i].name, sn, t,
			       harts, b.switches - a.switches, b.switch_fences - a.switch_fences,
			       b.entry_fences - a.entry_fences, b.new_mappings - a.new_mappings,
			       b.gated - a.gated, b.addr_fences - a.addr_fences);
			if (r < 0)
				failed++;
			ktap_result(r >= 0, t_nr, "%s-%s # %ld rounds", w[i].name, sn, r);
		}
	}
	set_gate(1);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       NSCHEMES * n - failed - skipped, failed, skipped);
	return failed ? 1 : 0;
}
