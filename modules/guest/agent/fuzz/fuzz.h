/*
 * fuzz.h - shared bits of the libFuzzer harnesses (see README.md).
 *
 * A harness links the real agent sources and checks properties of what they
 * return; a broken property is reported with FUZZ_CHECK, which prints the
 * condition and aborts so that libFuzzer keeps the input as a crash.
 */
#ifndef COCOON_FUZZ_H
#define COCOON_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FUZZ_CHECK failed %s:%d: %s: ", __FILE__, __LINE__,       \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fprintf(stderr, "\n");                                                     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
