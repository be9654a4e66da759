/*
 * channel.h - the one byte stream to the host (virtio-serial, vsock, hvc or,
 * for host tests, a unix socket) with an output queue.
 */
#ifndef COCOON_CHANNEL_H
#define COCOON_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

/* Output queue level above which process output is no longer read. */
#define CHANNEL_HIGH_WATER (1024 * 1024)

/*
 * spec: "virtio" (default; the virtio-serial port named io.cocoon.agent),
 * "vsock:PORT", "hvc:/dev/hvcN", "unix:/path" (listen there, one connection
 * at a time). Returns 0 or -1 (logged).
 */
int channel_open(const char *spec);

/* Queues one frame (header + payload) and writes as much as it can now. */
void channel_send(uint16_t type, uint32_t id, const void *payload, size_t len);
size_t channel_queued(void);
/* 1 once after the queue fell below the high-water mark: resume streams. */
int channel_take_resume(void);
/* Used before reboot/exit: write out the queue, waiting at most timeout_ms. */
void channel_flush_blocking(int timeout_ms);

#endif
