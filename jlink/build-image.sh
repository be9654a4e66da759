#!/usr/bin/env bash
# Builds the Cocoon image from the explicit modules in <target>/modules:
#   1. jlink (CDS archive included) into <target>/image
#   2. bin/cocoon launcher with the options in jlink/jvm.options
#   3. the guest image: kernel (cache of modules/guest/kernel/build-kernel.sh), initramfs, agent
#   4. the JDK 25 AOT cache, from a training run over the CLI's commands (io.cocoon.cli.Training),
#      which also boots one real container when QEMU and the kernel are there
#   5. share/defaults/cocoon examples, an empty plugins/ directory
#   6. man pages and bash/zsh completion under share/, generated from the CLI (io.cocoon.cli.Docs)
#   7. <target>/cocoon-<version>-linux-x86_64.tar.gz and the Debian package (jlink/build-deb.sh)
# Usage: build-image.sh <java.home> <target dir> <version> <repo dir>
set -euo pipefail
JAVA_HOME=$1; TARGET=$2; VERSION=$3; REPO=$4
IMAGE=$TARGET/image
say() { echo "[image] $*" >&2; }

[ -x "$JAVA_HOME/bin/jlink" ] || { echo "jlink not found in $JAVA_HOME: build with JDK 25" >&2; exit 1; }
rm -rf "$IMAGE"
say "jlink -> $IMAGE"
"$JAVA_HOME/bin/jlink" \
  --module-path "$TARGET/modules" \
  --add-modules io.cocoon.cli,io.cocoon.hypervisor.qemu,io.cocoon.hypervisor.xen,io.cocoon.network.cni,io.cocoon.storage.ninep,org.tinylog.impl,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive \
  --output "$IMAGE"

opts=$(grep -v '^#' "$REPO/jlink/jvm.options" | tr '\n' ' ')
sed "s|@JVM_OPTIONS@|$opts|" "$REPO/jlink/cocoon.sh" > "$IMAGE/bin/cocoon"
chmod 755 "$IMAGE/bin/cocoon"

say "guest image"
mkdir -p "$IMAGE/share/cocoon/guest" "$IMAGE/share/defaults/cocoon" "$IMAGE/plugins"
GUEST=$REPO/modules/guest
cp "$GUEST/target/agent/cocoon-agent" "$IMAGE/share/cocoon/guest/"
cp "$GUEST/target/guest/initramfs.cpio.gz" "$IMAGE/share/cocoon/guest/"
kernel=$(bash "$GUEST/kernel/build-kernel.sh" --print-path)
if [ -f "$kernel" ]; then
  cp "$kernel" "$IMAGE/share/cocoon/guest/vmlinux"
else
  say "WARNING: no guest kernel at $kernel (build it: $GUEST/kernel/build-kernel.sh); 'cocoon doctor' will say so"
fi
cp "$REPO/jlink/defaults/"* "$IMAGE/share/defaults/cocoon/"
# for `cocoon --version`: the commit and the guest kernel's release
commit=$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
[ "$commit" != unknown ] && ! git -C "$REPO" diff --quiet HEAD 2>/dev/null && commit="$commit-dirty"
krel=unknown
[ -f "$IMAGE/share/cocoon/guest/vmlinux" ] && krel=$(grep -a -m1 -o 'Linux version [^ ]*' "$IMAGE/share/cocoon/guest/vmlinux" | cut -d' ' -f3)
printf 'commit=%s\nkernel=%s\n' "$commit" "${krel:-unknown}" > "$IMAGE/share/cocoon/build-info"

say "AOT cache: training run"
train=$(mktemp -d)
# shellcheck disable=SC2086
# in a mount namespace of its own, as the launcher starts a foreground run (the training runs one)
unshare=; [ -x /usr/bin/unshare ] && [ "$(id -u)" = 0 ] && unshare="/usr/bin/unshare --mount --uts --ipc --propagation private --"
COCOON_PARENT_MNTNS=$(readlink /proc/self/ns/mnt); export COCOON_PARENT_MNTNS
$unshare "$IMAGE/bin/java" $opts -XX:AOTCacheOutput="$IMAGE/lib/cocoon.aot" -Dcocoon.home="$IMAGE" \
  -m io.cocoon.cli/io.cocoon.cli.Training "$train" > "$train/out.txt" 2>&1 || { cat "$train/out.txt" >&2; exit 1; }
[ -s "$IMAGE/lib/cocoon.aot" ] || { echo "AOT cache was not written" >&2; exit 1; }

# The monitor's own AOT cache (bin/cocoon uses it for `monitor`): one real container, driven as
# engines do (create, start, exec, kill, delete), whose monitor JVM records what it loads. It
# uses the busybox bundle the run above made (only when it could run a VM) and starts from the
# template that run built. create starts its monitor through COCOON_LAUNCHER (SelfLauncher),
# here a JVM with the launcher's options that writes the cache when it ends;
# -Dcocoon.aot.training makes it end through the JVM's exit (ProcessExit), which writes it,
# instead of libc's _exit.
b=$train/vmbundle
if [ -d "$b" ]; then
  say "AOT cache of the monitor: training run"
  C="$IMAGE/bin/cocoon --root $train/monitor-root"
  rm "$b/config.json"
  $C spec --bundle "$b" --no-terminal --args busybox --args sleep --args 60
  COCOON_LAUNCHER="$IMAGE/bin/java $opts -XX:AOTCacheOutput=$IMAGE/lib/monitor.aot -Dcocoon.aot.training=true -Dcocoon.home=$IMAGE -m io.cocoon.cli/io.cocoon.cli.Main" \
    $C create --bundle "$b" trainmon > "$train/monitor.txt" 2>&1 \
    && $C start trainmon >> "$train/monitor.txt" 2>&1 \
    && $C exec trainmon echo trained >> "$train/monitor.txt" 2>&1 \
    && $C kill trainmon KILL >> "$train/monitor.txt" 2>&1 || { cat "$train/monitor.txt" >&2; $C delete --force trainmon; exit 1; }
  # the monitor ends when its container has; its JVM then assembles the cache (a child JVM)
  for _ in $(seq 1 1200); do [ -s "$IMAGE/lib/monitor.aot" ] && ! pgrep -f "AOTCacheOutput=$IMAGE/lib/monitor.aot" > /dev/null && break; sleep 0.1; done
  $C delete --force trainmon
  [ -s "$IMAGE/lib/monitor.aot" ] || { echo "the monitor's AOT cache was not written in 120 s" >&2; exit 1; }
fi
rm -rf "$train"

say "man pages and shell completion (from the CLI's command table)"
"$IMAGE/bin/java" -m io.cocoon.cli/io.cocoon.cli.Docs "$IMAGE/share" "$(date -u +%Y-%m-%d)"

say "tarball"
tar -C "$TARGET" --transform "s|^image|cocoon-$VERSION|" -czf "$TARGET/cocoon-$VERSION-linux-x86_64.tar.gz" image
bash "$REPO/jlink/build-deb.sh" "$IMAGE" "$VERSION" "$TARGET"
say "done: $IMAGE ($(du -sh "$IMAGE" | cut -f1)), $TARGET/cocoon-$VERSION-linux-x86_64.tar.gz"
