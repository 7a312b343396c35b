// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the lab's initramfs. Mounts proc, sysfs, devtmpfs and debugfs,
 * runs the tests listed in /etc/lab-tests, prints their output as KTAP
 * subtests, and powers off with reboot(2).
 *
 * /etc/lab-tests: one test a line,
 * "NAME TIMEOUT_SECONDS [VAR=VALUE...] PROGRAM [ARGS...]": the VAR=VALUE
 * words before the program go into its environment.
 * The kernel command line may narrow the list: lab.only=NAME[,NAME...].
 * lab.cpu=N pins init, and so by default what it runs, to CPU N (the
 * aftermath matrix keeps its victim's CPU free of other user tasks).
 * A test passes when it exits 0, is skipped when it exits 4 (KSFT_SKIP),
 * and fails otherwise or when it outlives its timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

#define MAX_TESTS 256
#define MAX_ARGS 32
#define KSFT_SKIP 4

struct test {
	char *name;
	int timeout;
	char *env[MAX_ARGS + 1];
	char *argv[MAX_ARGS + 1];
};

static struct test tests[MAX_TESTS];
static int ntests;

static void power_off(void)
{
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	/* Not reached; if it is, let the kernel panic loudly. */
	for (;;)
		pause();
}

static void mnt(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		printf("# lab-init: mount %s on %s: %s\n", type, dir, strerror(errno));
}

/* The value of KEY (e.g. "lab.only=") on the kernel command line, or NULL. */
static char *cmdline_value(const char *key)
{
	static char buf[4096];
	char *p, *e;
	int fd = open("/proc/cmdline", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	p = strstr(buf, key);
	if (!p)
		return NULL;
	p += strlen(key);
	for (e = p; *e && *e != ' ' && *e != '\n'; e++)
		;
	*e = 0;
	return p;
}

static int selected(const char *only, const char *name)
{
	size_t n = strlen(name);
	const char *p = only;

	if (!only || !*only)
		return 1;
	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static void load_tests(void)
{
	FILE *f = fopen("/etc/lab-tests", "r");
	char *only = cmdline_value("lab.only=");
	char line[1024];

	if (!f) {
		printf("# lab-init: /etc/lab-tests: %s\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) && ntests < MAX_TESTS) {
		struct test *t = &tests[ntests];
		char *tok, *save;
		int a = 0, e;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		tok = strtok_r(line, " \t\n", &save);
		if (!tok)
			continue;
		t->name = strdup(tok);
		tok = strtok_r(NULL, " \t\n", &save);
		t->timeout = tok ? atoi(tok) : 60;
		e = 0;
		while ((tok = strtok_r(NULL, " \t\n", &save)) && a < MAX_ARGS) {
			if (!a && e < MAX_ARGS && strchr(tok, '='))
				t->env[e++] = strdup(tok);
			else
				t->argv[a++] = strdup(tok);
		}
		t->env[e] = NULL;
		t->argv[a] = NULL;
		if (a && selected(only, t->name))
			ntests++;
	}
	fclose(f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run one test with its output indented as a KTAP subtest. */
static int run_test(struct test *t, int *timed_out)
{
	int pfd[2], status = 0;
	char buf[4096], line[8192];
	size_t len = 0;
	double deadline = now() + t->timeout;
	pid_t pid;

	*timed_out = 0;
	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		for (char **e = t->env; *e; e++)
			putenv(*e);
		execv(t->argv[0], t->argv);
		printf("# exec %s: %s\n", t->argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int ms = (int)((deadline - now()) * 1000);
		ssize_t n;

		if (ms <= 0) {
			*timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, ms) <= 0)
			continue;
		n = read(pfd[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || len == sizeof(line) - 1) {
				line[len] = 0;
				printf("    %s\n", line);
				len = 0;
			} else {
				line[len++] = buf[i];
			}
		}
	}
	if (len) {
		line[len] = 0;
		printf("    %s\n", line);
	}
	close(pfd[0]);
	waitpid(pid, &status, 0);
	/* Reap anything the test left behind. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return status;
}

int main(void)
{
	int i, pass = 0, fail = 0, skip = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mnt("proc", "/proc", "proc");
	mnt("sysfs", "/sys", "sysfs");
	mnt("devtmpfs", "/dev", "devtmpfs");
	/* kselftest's runner writes the tests' output to /dev/stdout. */
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");
	mnt("debugfs", "/sys/kernel/debug", "debugfs");

	if (cmdline_value("lab.cpu=")) {
		cpu_set_t set;
		int cpu = atoi(cmdline_value("lab.cpu="));

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			printf("# lab-init: lab.cpu=%d: %s\n", cpu, strerror(errno));
	}
	load_tests();
	ktap_header(ntests);
	for (i = 0; i < ntests; i++) {
		struct test *t = &tests[i];
		double t0 = now();
		int to, st;

		printf("# Subtest: %s\n", t->name);
		st = run_test(t, &to);
		if (to) {
			ktap_result(0, i + 1, "%s # TIMEOUT after %d s", t->name, t->timeout);
			fail++;
		} else if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			ktap_result(1, i + 1, "%s # %.1f s", t->name, now() - t0);
			pass++;
		} else if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == KSFT_SKIP) {
			ktap_result(1, i + 1, "%s # SKIP", t->name);
			skip++;
		} else {
			ktap_result(0, i + 1, "%s # %s %d", t->name,
				    st >= 0 && WIFSIGNALED(st) ? "signal" : "exit status",
				    st < 0 ? -1 : WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			fail++;
		}
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n", pass, fail, skip);
	printf("lab-init: done\n");
	power_off();
	return 0;
}
