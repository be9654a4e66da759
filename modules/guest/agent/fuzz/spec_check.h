/*
 * spec_check.h - what a decoded proc_spec must look like (shared by the
 * PROCESS and CREATE harnesses). Reading every string end to end lets ASan
 * see a missing terminator or a pointer outside the arena.
 */
#ifndef COCOON_SPEC_CHECK_H
#define COCOON_SPEC_CHECK_H

#include <string.h>
#include <sys/resource.h>

#include "fuzz.h"
#include "spec.h"

static inline size_t touch(const char *s)
{
	FUZZ_CHECK(s != NULL, "NULL string");
	return strlen(s);
}

static inline void check_strv(char **v, size_t n, const char *what)
{
	FUZZ_CHECK(v != NULL, "%s: no array", what);
	for (size_t i = 0; i < n; i++)
		touch(v[i]);
	FUZZ_CHECK(v[n] == NULL, "%s: not NULL-terminated at %zu", what, n);
}

static inline void check_proc(const struct proc_spec *ps)
{
	FUZZ_CHECK(ps->argc >= 1, "argc %zu", ps->argc);
	check_strv(ps->argv, ps->argc, "argv");
	FUZZ_CHECK(ps->argv[0][0] != 0, "empty argv[0]");
	check_strv(ps->envp, ps->envc, "envp");
	FUZZ_CHECK(touch(ps->cwd) > 0 && ps->cwd[0] == '/', "cwd '%s'", ps->cwd);
	FUZZ_CHECK(ps->umask <= 0777, "umask %o", ps->umask);
	FUZZ_CHECK(ps->agids != NULL, "agids");
	for (size_t i = 0; i < ps->nagids; i++)
		(void)*(volatile uint32_t *)&ps->agids[i];
	FUZZ_CHECK(ps->rlimits != NULL, "rlimits");
	for (size_t i = 0; i < ps->nrlimits; i++) {
		const struct rlimit_spec *rl = &ps->rlimits[i];
		FUZZ_CHECK(rl->type < RLIM_NLIMITS, "rlimit type %u", rl->type);
		FUZZ_CHECK(rl->soft <= rl->hard, "rlimit soft above hard");
	}
	if (ps->has_oom)
		FUZZ_CHECK(ps->oom_score_adj >= -1000 && ps->oom_score_adj <= 1000, "oom %d", ps->oom_score_adj);
	if (ps->seccomp) {
		FUZZ_CHECK(ps->seccomp_len > 0 && ps->seccomp_len % 8 == 0 && ps->seccomp_len <= 32768,
			   "seccomp length %u", ps->seccomp_len);
		FUZZ_CHECK(((uintptr_t)ps->seccomp & 7) == 0, "seccomp filter not 8-aligned");
		volatile uint8_t last = ps->seccomp[ps->seccomp_len - 1];
		(void)last;
	} else {
		FUZZ_CHECK(ps->seccomp_len == 0, "seccomp length without a filter");
	}
	if (ps->user_name)
		touch(ps->user_name);
}

/* A failed decode names the problem in a terminated, non-empty message. */
static inline void check_err(const char *err, size_t errsz)
{
	FUZZ_CHECK(memchr(err, 0, errsz) != NULL, "error message not terminated");
	FUZZ_CHECK(err[0] != 0, "decode failed without a message");
}

#endif
