/*
 * path.h - resolve container paths under a root directory without escaping it.
 */
#ifndef COCOON_PATH_H
#define COCOON_PATH_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Resolves the absolute container path 'path' under the host directory
 * 'root' as if 'root' were "/": each component is looked up with lstat,
 * symlinks are followed (absolute targets restart at root), and ".." never
 * climbs above root. Components that do not exist are appended as they are
 * (".." among them still cannot climb above root), so the caller can create
 * them. Writes root + resolved path to out.
 * Returns 0, or -1 with errno (ELOOP, ENAMETOOLONG, ENOTDIR, EACCES, ...).
 */
int path_resolve_in_root(const char *root, const char *path, char *out, size_t outsz);

/* mkdir -p for an already resolved path; existing directories are fine. */
int path_mkdir_all(const char *path, mode_t mode);

#endif
