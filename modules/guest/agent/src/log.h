/*
 * log.h - agent diagnostics: console/stderr and LOG frames to the host.
 */
#ifndef COCOON_LOG_H
#define COCOON_LOG_H

#include "proto.h"

extern int log_debug_enabled;

/* Called by the channel once HELLO has been answered (1) or the host left (0). */
void log_set_host(int connected);

__attribute__((format(printf, 2, 3))) void logm(int level, const char *fmt, ...);

#define log_err(...) logm(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) logm(LOG_WARN, __VA_ARGS__)
#define log_info(...) logm(LOG_INFO, __VA_ARGS__)
#define log_dbg(...)                                                                               \
	do {                                                                                       \
		if (log_debug_enabled)                                                             \
			logm(LOG_DEBUG, __VA_ARGS__);                                              \
	} while (0)

#endif
