/*
 * log.c - agent diagnostics.
 *
 * Every message goes to fd 2 (the guest's /dev/console when PID 1, stderr in
 * host-test mode) when it is a warning or worse, or always with
 * cocoon.debug=1 (the serial console is slow under TCG, so it stays quiet by
 * default). Once the host has said HELLO, messages up to INFO (DEBUG too with
 * cocoon.debug=1) are also sent as LOG frames, since the agent never sends
 * anything unsolicited before HELLO.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "frame.h"

int log_debug_enabled;
static int host_connected;
static int in_log; /* no recursion through the channel */

void log_set_host(int connected) { host_connected = connected; }

void logm(int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *c = msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';

	static const char *names[] = {"error", "warn", "info", "debug"};
	if (level <= LOG_WARN || log_debug_enabled) {
		char line[600];
		int n = snprintf(line, sizeof(line), "cocoon-agent: %s: %s\n", names[level & 3], msg);
		if (n > (int)sizeof(line) - 1)
			n = sizeof(line) - 1;
		ssize_t w = write(2, line, (size_t)n);
		(void)w;
	}
	if (host_connected && !in_log) {
		in_log = 1;
		struct tbuf b;
		tb_init(&b);
		tb_u32(&b, TAG_LEVEL, (uint32_t)level);
		tb_str(&b, TAG_MESSAGE, msg);
		if (!b.oom)
			channel_send(MSG_LOG, 0, b.data, b.len);
		tb_free(&b);
		in_log = 0;
	}
}
