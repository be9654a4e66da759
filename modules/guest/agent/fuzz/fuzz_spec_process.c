/*
 * fuzz_spec_process.c - spec_decode_process (the PROCESS field of EXEC and
 * CREATE) on arbitrary bytes. A success must give a spec the child can use
 * as is (spec_check.h); a failure must say why. Decoding the same bytes
 * twice gives the same answer.
 */
#include <stdint.h>
#include <string.h>

#include "spec.h"
#include "spec_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct proc_spec ps;
	char err[256];
	memset(err, 0, sizeof(err));
	int r = spec_decode_process(data, size, &a, &ps, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -1, "returned %d", r);
	if (r == 0)
		check_proc(&ps);
	else
		check_err(err, sizeof(err));

	struct arena a2 = {0};
	struct proc_spec ps2;
	char err2[256] = "";
	int r2 = spec_decode_process(data, size, &a2, &ps2, err2, sizeof(err2));
	FUZZ_CHECK(r2 == r && (r == 0 ? ps2.argc == ps.argc && ps2.envc == ps.envc : !strcmp(err, err2)),
		   "a second decode differs");
	arena_free(&a2);
	arena_free(&a);
	return 0;
}
