/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest programs' KTAP v1 (Documentation/dev-tools/ktap.rst), one
 * writer for all, after tools/testing/selftests/kselftest.h: the version
 * line, the plan, a result line per test. lab/ktap.sh is the shell's.
 */
#ifndef LAB_KTAP_H
#define LAB_KTAP_H

#include <stdarg.h>
#include <stdio.h>

static inline void ktap_version(void)
{
	printf("KTAP version 1\n");
}

static inline void ktap_plan(int n)
{
	printf("1..%d\n", n);
}

/* The version line and the plan, when the count is known up front. */
static inline void ktap_header(int n)
{
	ktap_version();
	ktap_plan(n);
}

/* "1..0 # SKIP <why>": nothing to run here. */
static inline __attribute__((format(printf, 1, 2))) void ktap_skip_all(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * "ok N <text>" or "not ok N <text>": the text is the test's name and,
 * after " # ", a directive (SKIP, TIMEOUT) or a note.
 */
static inline __attribute__((format(printf, 3, 4))) void ktap_result(int ok, int n, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#endif
