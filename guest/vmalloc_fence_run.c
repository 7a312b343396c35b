// SPDX-License-Identifier: GPL-2.0
/*
 * Load the lab's vmalloc_fence_test.ko (guest/vmalloc_fence_mod/), run its
 * tests through debugfs and report its KTAP results as our own.
 *
 *   vmalloc_fence_run MODULE.ko
 *
 * VMALLOC_FENCE_SECONDS (default 5) sets the length of the stress test, and
 * the time the other test may take (up to 20 rounds a second). If the
 * module is loaded already, it is used as it is; one this program loaded
 * is unloaded when it exits. Exits 4 (skip) when the module cannot be
 * opened or loaded, or there is no debugfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktap.h"

#define MODULE_NAME	"vmalloc_fence_test"
#define DEBUGFS		"/sys/kernel/debug"
#define DIR		DEBUGFS "/riscv_vmalloc_fence"
#define KSFT_SKIP	4

/* Set when this program loaded the module: it unloads it when it exits. */
static int loaded;

static void unload_module(void)
{
	if (loaded && syscall(__NR_delete_module, MODULE_NAME, O_NONBLOCK))
		printf("# unloading %s: %s\n", MODULE_NAME, strerror(errno));
}

static void skip_all(const char *what, const char *why)
{
	ktap_skip_all("%s: %s", what, why);
	exit(KSFT_SKIP);
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		printf("# writing %s to %s: %s\n", val, path, strerror(errno));
		exit(1);
	}
	close(fd);
}

/* Loads the module unless it is loaded already. */
static void load_module(const char *path)
{
	int fd;

	if (!access(DIR, F_OK))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		skip_all(path, strerror(errno));
	if (syscall(__NR_finit_module, fd, "", 0)) {
		if (errno != EEXIST)
			skip_all(path, strerror(errno));
	} else {
		loaded = 1;
	}
	close(fd);
	if (access(DIR, F_OK))
		skip_all(DIR, "not there after loading the module (no debugfs?)");
}

int main(int argc, char **argv)
{
	const char *env = getenv("VMALLOC_FENCE_SECONDS");
	double seconds = env ? atof(env) : 5;
	int results = 0, plan = -1, failed = 0, n;
	char val[32], line[512];
	FILE *f;

	ktap_version();
	if (argc != 2)
		skip_all("usage", "vmalloc_fence_run MODULE.ko");
	if (access(DEBUGFS "/", F_OK) || access(DEBUGFS "/.", R_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	atexit(unload_module);
	load_module(argv[1]);

	snprintf(val, sizeof(val), "%u", (unsigned int)(seconds * 1000));
	write_file(DIR "/duration_ms", val);
	snprintf(val, sizeof(val), "%u", (unsigned int)(seconds * 20) + 1);
	write_file(DIR "/rounds", val);
	printf("# running %s for %.0f s of stress and %s rounds\n", MODULE_NAME, seconds, val);
	fflush(stdout);
	write_file(DIR "/run", "1");

	f = fopen(DIR "/results", "r");
	if (!f) {
		printf("# open %s/results: %s\n", DIR, strerror(errno));
		return 1;
	}
	/* The module's report is KTAP already: pass it on, counting. */
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "KTAP version", 12))
			continue;
		if (sscanf(line, "1..%d", &n) == 1) {
			plan = n;
		} else if (sscanf(line, "not ok %d", &n) == 1) {
			failed++;
			results++;
		} else if (sscanf(line, "ok %d", &n) == 1) {
			results++;
		}
		printf("%s\n", line);
	}
	fclose(f);
	if (!plan && !results)
		return KSFT_SKIP;
	if (plan < 0 || results != plan) {
		printf("# the module reported %d results for a plan of %d\n", results, plan);
		return 1;
	}
	return failed ? 1 : 0;
}
