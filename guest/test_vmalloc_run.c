// SPDX-License-Identifier: GPL-2.0
/*
 * The stress mode of tools/testing/selftests/mm/test_vmalloc.sh, without a
 * shell: load the tree's lib/test_vmalloc.ko with
 *   nr_threads=<online CPUs> test_repeat_count=20 nr_pcpu_objects=35000
 * (the script's STRESS_PARAM and PCPU_OBJ_PARAM) plus the arguments given
 * after the module's path, and report its "Summary:" lines as KTAP.
 *
 * test_vmalloc runs its tests in its init function and then refuses to
 * load (-EAGAIN) by design; its results are in the kernel log only.
 *
 *   test_vmalloc_run MODULE.ko [PARAM=VALUE...]
 *
 * A test passes when it has passes and no failures in every worker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktap.h"

#define LOG_SIZE	(1 << 21)
#define MAX_TESTS	32

struct result {
	char name[64];
	long passed, failed, workers;
};

static struct result results[MAX_TESTS];
static int nresults;

/* Count the Summary lines of the kernel log; parse those after skip. */
static int scan_log(int skip)
{
	static char buf[LOG_SIZE];
	int n = klogctl(3, buf, sizeof(buf) - 1), seen = 0, i;
	char *line, *save;

	if (n < 0) {
		printf("# klogctl: %s\n", strerror(errno));
		return -1;
	}
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = strstr(line, "Summary: ");
		char name[64];
		long p, f;

		if (!s || sscanf(s, "Summary: %63s passed: %ld failed: %ld", name, &p, &f) != 3)
			continue;
		if (seen++ < skip)
			continue;
		for (i = 0; i < nresults && strcmp(results[i].name, name); i++)
			;
		if (i == nresults) {
			if (nresults == MAX_TESTS)
				continue;
			snprintf(results[nresults++].name, sizeof(results[0].name), "%s", name);
		}
		results[i].passed += p;
		results[i].failed += f;
		results[i].workers++;
	}
	return seen;
}

int main(int argc, char **argv)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char params[1024];
	int before, fd, i, bad = 0;
	size_t len;

	ktap_version();
	if (argc < 2) {
		ktap_skip_all("usage: test_vmalloc_run MODULE.ko [PARAM=VALUE...]");
		return 4;
	}
	len = snprintf(params, sizeof(params),
		       "nr_threads=%ld test_repeat_count=20 nr_pcpu_objects=35000", ncpu);
	for (i = 2; i < argc && len < sizeof(params); i++)
		len += snprintf(params + len, sizeof(params) - len, " %s", argv[i]);

	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ktap_skip_all("%s: %s", argv[1], strerror(errno));
		return 4;
	}
	before = scan_log(0);
	nresults = 0;
	memset(results, 0, sizeof(results));
	printf("# loading %s %s\n", argv[1], params);
	fflush(stdout);
	if (!syscall(__NR_finit_module, fd, params, 0)) {
		printf("# test_vmalloc stayed loaded: built in, or a different module?\n");
		bad = 1;
	} else if (errno != EAGAIN) {
		ktap_skip_all("finit_module: %s", strerror(errno));
		return 4;
	}
	if (scan_log(before) < 0)
		return 1;
	ktap_plan(nresults ? nresults : 1);
	if (!nresults) {
		ktap_result(0, 1, "test_vmalloc # no Summary lines in the kernel log");
		return 1;
	}
	for (i = 0; i < nresults; i++) {
		struct result *r = &results[i];
		int ok = r->passed > 0 && r->failed == 0;

		ktap_result(ok, i + 1, "%s # %ld workers, passed: %ld failed: %ld",
			    r->name, r->workers, r->passed, r->failed);
		bad |= !ok;
	}
	return bad;
}
