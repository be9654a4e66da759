/*
 * test.h - a minimal unit test harness: CHECK records failures and goes on,
 * TEST_MAIN_END prints "N passed, N failed" and sets the exit status.
 */
#ifndef COCOON_TEST_H
#define COCOON_TEST_H

#include <stdio.h>

static int t_pass, t_fail;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (cond) {                                                                        \
			t_pass++;                                                                  \
		} else {                                                                           \
			t_fail++;                                                                  \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
		}                                                                                  \
	} while (0)

#define TEST_MAIN_END()                                                                            \
	do {                                                                                       \
		printf("%d passed, %d failed\n", t_pass, t_fail);                    \
		return t_fail ? 1 : 0;                                                             \
	} while (0)

#endif
