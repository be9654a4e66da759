#!/bin/sh
# bin/cocoon: the Cocoon launcher (installed by jlink/build-image.sh).
# Resolves its own location so that symlinks (/usr/local/bin/cocoon) work, then starts the
# image's JVM with the start-up settings measured in docs/performance.md: SerialGC and C1
# only (short-lived CLI, small long-lived monitor), the AOT cache from the training run, no
# perf data file, and no JVM log lines on stdout (stdout may be a container's).
self=$(readlink -f "$0")
home=${self%/bin/*}
exec "$home/bin/java" @JVM_OPTIONS@ -XX:AOTCache="$home/lib/cocoon.aot" -Dcocoon.home="$home" \
  -m io.cocoon.cli/io.cocoon.cli.Main "$@"
