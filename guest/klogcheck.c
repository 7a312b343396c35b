// SPDX-License-Identifier: GPL-2.0
/*
 * Check the kernel log for trouble: WARNING, BUG, Oops, stalls, lockups.
 * For boots with a low console loglevel (lab/tree-tests.sh keeps the
 * register dumps of deliberately crashed test processes off the console),
 * where a WARNING would not reach the console for lab/verdict.sh to see.
 * The trouble words are the lab's one list, lab/trouble.re (extended
 * regular expressions, one a line), which the initramfs holds as
 * /etc/lab-trouble.re. Prints the offending lines; exits 1 if there are
 * any, or if the list cannot be read.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>

#include "ktap.h"

#define LOG_SIZE	(1 << 21)
#define MAX_RES		64
#define TROUBLE		"/etc/lab-trouble.re"

static regex_t re[MAX_RES];
static int nre;

/* The list's patterns; 0 if there are none or one does not compile. */
static int load_trouble(void)
{
	char line[512];
	FILE *f = fopen(TROUBLE, "r");

	if (!f)
		return 0;
	while (nre < MAX_RES && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		if (regcomp(&re[nre], line, REG_EXTENDED | REG_NOSUB)) {
			printf("# %s: cannot compile '%s'\n", TROUBLE, line);
			nre = 0;
			break;
		}
		nre++;
	}
	fclose(f);
	return nre;
}

int main(void)
{
	static char buf[LOG_SIZE];
	int n, found = 0, i;
	char *line, *save;

	ktap_header(1);
	if (!load_trouble()) {
		ktap_result(0, 1, "kernel log # no trouble words in %s", TROUBLE);
		return 1;
	}
	n = klogctl(3, buf, sizeof(buf) - 1);
	if (n < 0) {
		ktap_result(0, 1, "kernel log # klogctl: %s", strerror(errno));
		return 1;
	}
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < nre; i++)
			if (!regexec(&re[i], line, 0, NULL, 0)) {
				printf("# %s\n", line);
				found++;
				break;
			}
	ktap_result(!found, 1, "kernel log clean (%d lines of trouble, %d words)", found, nre);
	return found ? 1 : 0;
}
