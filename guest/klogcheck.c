// SPDX-License-Identifier: GPL-2.0
/*
 * Check the kernel log for trouble: WARNING, BUG, Oops, stalls, lockups.
 * For boots with a low console loglevel (lab/tree-tests.sh keeps the
 * register dumps of deliberately crashed test processes off the console),
 * where a WARNING would not reach the console for lab/verdict.sh to see.
 * Prints the offending lines; exits 1 if there are any.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>

#define LOG_SIZE	(1 << 21)

static const char * const bad[] = {
	"WARNING:", "BUG:", "Oops", "Kernel panic", "Unable to handle kernel",
	"self-detected stall", "rcu: INFO", "soft lockup", "hard LOCKUP",
	"blocked for more than",
};

int main(void)
{
	static char buf[LOG_SIZE];
	int n = klogctl(3, buf, sizeof(buf) - 1), found = 0;
	char *line, *save;
	size_t i;

	printf("TAP version 13\n1..1\n");
	if (n < 0) {
		printf("not ok 1 kernel log # klogctl: %s\n", strerror(errno));
		return 1;
	}
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(line, bad[i])) {
				printf("# %s\n", line);
				found++;
				break;
			}
	printf("%sok 1 kernel log clean (%d lines of trouble)\n",
	       found ? "not " : "", found);
	return found ? 1 : 0;
}
