// SPDX-License-Identifier: GPL-2.0
/*
 * nproc_run NPROC UID PROGRAM [ARGS...]: run PROGRAM as user UID (and its
 * group) with RLIMIT_NPROC set to NPROC, so that its fork() and
 * pthread_create() fail with EAGAIN once it has NPROC tasks. The limit does
 * not hold for root, hence the user. The lab runs the series' stressor
 * this way: it must wait for its children and go on, not fail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rlimit lim;
	uid_t uid;

	if (argc < 4) {
		fprintf(stderr, "usage: nproc_run NPROC UID PROGRAM [ARGS...]\n");
		return 2;
	}
	lim.rlim_cur = lim.rlim_max = strtoul(argv[1], NULL, 0);
	uid = strtoul(argv[2], NULL, 0);
	if (setrlimit(RLIMIT_NPROC, &lim) || setgid(uid) || setuid(uid)) {
		printf("# nproc_run: %s\n", strerror(errno));
		return 1;
	}
	printf("# nproc_run: uid %u, RLIMIT_NPROC %s\n", (unsigned int)uid, argv[1]);
	fflush(stdout);
	execv(argv[3], argv + 3);
	printf("# nproc_run: exec %s: %s\n", argv[3], strerror(errno));
	return 127;
}
