#!/usr/bin/env bash
# vm-test.sh - smoke test of cocoon-agent as /init of a QEMU microvm guest.
#
# 1. builds the agent (make), 2. finds the guest kernel through
# modules/guest/kernel/build-kernel.sh --print-path (waiting up to
# KERNEL_WAIT seconds, default 2400, for a build in progress to produce it),
# 3. packs a test-only initramfs: /init = the agent, /dev/console, /dev/null
# (the product's initramfs is written by the Java side), 4. runs the
# scenarios of scenarios.py, one VM per scenario, through vm-test.py
# (virtio-serial agent channel, busybox root over virtio-9p, -accel tcg).
#
# Usage: test/vm-test.sh [--debug] [scenario-name-substring...]
# Env: KERNEL=/path/to/vmlinux to skip the lookup, KERNEL_WAIT, OUT (build dir).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
agent_dir=$(dirname "$here")
kernel_dir=$(cd "$agent_dir/../kernel" 2>/dev/null && pwd || true)
out=${OUT:-$agent_dir/build}

log() { printf '[vm-test] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in qemu-system-x86_64 cpio gzip python3 timeout busybox; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
[[ $(id -u) == 0 ]] || die "must run as root (9p passthrough export)"

make -C "$agent_dir" OUT="$out" >/dev/null
agent="$out/cocoon-agent"
log "agent: $agent ($(stat -c %s "$agent") bytes)"

kernel=${KERNEL:-}
if [[ -z "$kernel" ]]; then
  [[ -x "$kernel_dir/build-kernel.sh" ]] || die "no $kernel_dir/build-kernel.sh and no KERNEL="
  kernel=$("$kernel_dir/build-kernel.sh" --print-path)
  wait_s=${KERNEL_WAIT:-2400}
  start=$SECONDS
  while [[ ! -f "$kernel" ]]; do
    (( SECONDS - start < wait_s )) || die "kernel $kernel did not appear within ${wait_s}s"
    (( (SECONDS - start) % 60 == 0 )) && log "waiting for the kernel build: $kernel"
    sleep 5
  done
fi
log "kernel: $kernel"

tmp=$(mktemp -d /tmp/cocoon-vm-initrd.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root/dev"
cp "$agent" "$tmp/root/init"
mknod -m 600 "$tmp/root/dev/console" c 5 1
mknod -m 666 "$tmp/root/dev/null" c 1 3
(cd "$tmp/root" && find . | cpio -o -H newc --quiet) | gzip -9 >"$tmp/initrd.gz"
log "initramfs: $(stat -c %s "$tmp/initrd.gz") bytes"

debug=()
if [[ "${1:-}" == "--debug" ]]; then debug=(--debug); shift; fi
python3 "$here/vm-test.py" --kernel "$kernel" --initrd "$tmp/initrd.gz" "${debug[@]}" "$@"
