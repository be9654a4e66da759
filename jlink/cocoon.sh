#!/bin/sh
# bin/cocoon: the Cocoon launcher (installed by jlink/build-image.sh).
# Resolves its own location so that symlinks (/usr/local/bin/cocoon) work, then starts the
# image's JVM with the start-up settings measured in docs/performance.md: SerialGC and C1
# only (short-lived CLI, small long-lived monitor), the AOT cache from the training run, no
# perf data file, and no JVM log lines on stdout (stdout may be a container's).
#
# A foreground `run` is its container's monitor, and a monitor lives in a mount namespace of
# its own (its share binds must not reach the host, and must vanish with it even after kill -9):
# the JVM cannot unshare one itself (it is multi-threaded), so unshare(1) does it here. `create`
# starts its monitor the same way (io.cocoon.core.container.Namespaces).
self=$(readlink -f "$0")
home=${self%/bin/*}
ns=
cmd=
skip=
for a in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  if [ -z "$cmd" ]; then
    case "$a" in
      --log|-log|--log-format|-log-format|--root|-root|--criu|-criu|--rootless|-rootless|--global-log|-global-log|\
      --hypervisor-log-dir|-hypervisor-log-dir) skip=1 ;;
      -*) ;;
      *) cmd=$a; [ "$cmd" = run ] && ns=1 ;;
    esac
  elif [ -n "$ns" ]; then
    case "$a" in
      -d|--detach|-detach|--detach=true|-detach=true) ns= ;;
      --) break ;;
    esac
  fi
done
# A monitor has its own AOT cache, trained on a monitor alone (jlink/build-image.sh): AOT class
# linking loads every class of the cache at start, and the CLI's holds classes a monitor never
# uses (an idle monitor loads 2,598 classes with its own cache, 2,768 with the CLI's: 0.4 MiB
# less private memory for its whole life, create->running ~30 ms sooner; docs/performance.md).
aot=$home/lib/cocoon.aot
[ "$cmd" = monitor ] && [ -f "$home/lib/monitor.aot" ] && aot=$home/lib/monitor.aot
if [ -n "$ns" ] && [ -x /usr/bin/unshare ] && [ -z "$COCOON_NO_UNSHARE" ]; then
  COCOON_PARENT_MNTNS=$(readlink /proc/self/ns/mnt); export COCOON_PARENT_MNTNS
  set -- /usr/bin/unshare --mount --uts --ipc --propagation private -- "$home/bin/java" @JVM_OPTIONS@ \
    -XX:AOTCache="$aot" -Dcocoon.home="$home" -m io.cocoon.cli/io.cocoon.cli.Main "$@"
  exec "$@"
fi
exec "$home/bin/java" @JVM_OPTIONS@ -XX:AOTCache="$aot" -Dcocoon.home="$home" \
  -m io.cocoon.cli/io.cocoon.cli.Main "$@"
