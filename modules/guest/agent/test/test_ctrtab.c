/*
 * test_ctrtab.c - unit tests of the pod's container table: frame ids carry their container
 * (id >> CTR_SHIFT), a number is claimed once, the table has CTR_SLOTS slots, and a container
 * whose init is gone frees its slot (ctr_init_gone kills the rest through its cgroup.kill).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>

#include "agent.h"
#include "test.h"

struct agent A;
int log_debug_enabled;
void logm(int level, const char *fmt, ...) { (void)level; (void)fmt; }

static char written[300];
int write_file(const char *path, const char *s)
{
	(void)s;
	snprintf(written, sizeof(written), "%s", path);
	return 0;
}

int main(void)
{
	/* ids: the container in the high bits, the host's local id in the low 20 */
	CHECK(CTR_OF(CTR_ID(3, 5)) == 3 && (CTR_ID(3, 5) & CTR_MASK) == 5);
	CHECK(CTR_OF(CTR_ID(4095, 0xFFFFF)) == 4095);
	CHECK(CTR_OF(7) == 0); /* a plain one-container id is container 0's */
	CHECK(IS_INIT(CTR_ID(2, 1)) && !IS_INIT(CTR_ID(2, 2)) && IS_INIT(1));

	struct ctr *c0 = ctr_claim(0);
	CHECK(c0 && c0->k == 0 && ctr_find(0) == c0);
	CHECK(ctr_claim(0) == NULL); /* claimed once */
	CHECK(ctr_find(9) == NULL && !strcmp(ctr_cgroup(9), ""));

	int n = 1;
	while (ctr_claim((uint32_t)n))
		n++;
	CHECK(n == CTR_SLOTS); /* 0 .. CTR_SLOTS-1 fit, the next does not */

	/* a member's init exits: the rest of it is killed through its cgroup, its slot is free */
	struct ctr *m = ctr_find(5);
	snprintf(m->cgroup, sizeof(m->cgroup), "/nonexistent-cgroupfs/cocoon-5");
	ctr_init_gone(5);
	CHECK(!strcmp(written, "/nonexistent-cgroupfs/cocoon-5/cgroup.kill"));
	CHECK(ctr_find(5) == NULL);
	CHECK(ctr_claim(CTR_SLOTS + 100) != NULL); /* the freed slot takes a new number */

	/* container 0's cgroup is never killed wholesale: its end is the VM's */
	written[0] = 0;
	snprintf(c0->cgroup, sizeof(c0->cgroup), "/nonexistent-cgroupfs/cocoon");
	ctr_init_gone(0);
	CHECK(written[0] == 0 && ctr_find(0) == NULL);
	TEST_MAIN_END();
}
