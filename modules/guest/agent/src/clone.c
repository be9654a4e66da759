/*
 * clone.c - a guest restored from a VM template (docs/templates.md) starts with the template's
 * kernel RNG state, the same in every clone: HELLO's SEED is mixed in and the CRNG reseeded
 * from it before the container can draw random numbers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "agent.h"

int rng_reseed(const uint8_t *bytes, uint32_t len, char *err, size_t errsz)
{
	struct {
		struct rand_pool_info info;
		uint8_t buf[64];
	} seed;
	if (len < 16 || len > sizeof(seed.buf)) {
		snprintf(err, errsz, "SEED: %u bytes (want 16 to 64)", len);
		return -1;
	}
	seed.info.entropy_count = (int)len * 8;
	seed.info.buf_size = (int)len;
	memcpy(seed.buf, bytes, len);
	int fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	int r = fd < 0 || ioctl(fd, RNDADDENTROPY, &seed) < 0 || ioctl(fd, RNDRESEEDCRNG) < 0 ? -1 : 0;
	if (r < 0)
		snprintf(err, errsz, "SEED: cannot reseed the guest's RNG: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	explicit_bzero(&seed, sizeof(seed));
	return r;
}
