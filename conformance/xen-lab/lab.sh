#!/bin/bash
# lab.sh: Cocoon on a real Xen, nested in QEMU (TCG, no KVM needed).
#   conformance/xen-lab/lab.sh [OUT]
# Fetches Xen 4.17 + qemu-system-xen + Debian's kernel (fetch.sh, cached), builds dom0's
# initramfs (mk-dom0-initrd.sh, cached), makes busybox bundles, boots Xen + a PV dom0 in QEMU
# with two 9p shares (OUT/share as "lab", Cocoon's image read-only as "image") and lets
# dom0-run.sh run Cocoon with the xen-xl driver inside dom0. Results: OUT/share/out/results.txt
# (PASS/FAIL/TIME lines), the serial console in OUT/serial.log. Exits 0 when every test passed.
# Environment: COCOON_IMAGE (default distribution/target/image), XEN_LAB_CACHE
# (~/.cache/cocoon/xen-lab), XEN_LAB_TIMEOUT (s, whole boot, default 900), XEN_LAB_RUNS (timed
# rounds, default 3), XEN_LAB_MEM (MiB, default 2048), XEN_LAB_DOM0_MEM (default 1200M),
# XEN_LAB_CPU (default qemu64,+svm,+npt,...), XEN_LAB_SCRIPT (another dom0 script, for experiments).
# Run it under flock /tmp/cocoon-vm.lock when other VM tests share the machine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$(realpath -m "${1:-$REPO/conformance/target/xen-lab}")
IMAGE=$(realpath -m "${COCOON_IMAGE:-$REPO/distribution/target/image}")
CACHE=${XEN_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cocoon/xen-lab}
TIMEOUT=${XEN_LAB_TIMEOUT:-900}
say() { echo "[xen-lab] $*" >&2; }
die() { say "$*"; exit 2; }
[ -x "$IMAGE/bin/cocoon" ] || die "no Cocoon image at $IMAGE (build it: mvn -B package -DskipTests)"
[ -f "$IMAGE/share/cocoon/guest/vmlinux" ] || die "the image has no guest kernel ($IMAGE/share/cocoon/guest/vmlinux)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found: apt-get install qemu-system-x86"
command -v python3 >/dev/null || die "python3 not found"
T0=$(date +%s.%N)
el() { echo "$(date +%s.%N) $T0" | awk '{printf "%.1f", $1-$2}'; }
ROOT=$("$HERE/fetch.sh" "$CACHE")
DOM0=$("$HERE/mk-dom0-initrd.sh" "$ROOT" "$CACHE")
say "packages and dom0 image ready after $(el) s"

rm -rf "$OUT"; mkdir -p "$OUT/share/out" "$OUT/share/bundles"
S=$OUT/share
# busybox bundles: rootfs from busybox-static, config.json from cocoon spec, the xen-xl driver
mkdir -p "$OUT/rootfs/bin"
cp /usr/bin/busybox "$OUT/rootfs/bin/"
for a in sh echo sleep cat ls true mkdir ip httpd wget timeout; do ln -s busybox "$OUT/rootfs/bin/$a"; done
(cd "$OUT" && COCOON_NO_UNSHARE=1 "$IMAGE/bin/cocoon" spec --no-terminal >/dev/null) || die "cocoon spec failed"
mkbundle() { # name, [annotation=value,...], then args
  local n=$1 extra=$2; shift 2
  mkdir -p "$S/bundles/$n"; cp -a "$OUT/rootfs" "$S/bundles/$n/rootfs"
  python3 - "$OUT/config.json" "$S/bundles/$n/config.json" "$extra" "$@" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = sys.argv[4:]
c["process"]["terminal"] = False
c.setdefault("annotations", {}).update({
    "io.cocoon.hypervisor": "xen-xl",          # the driver under test
    "io.cocoon.vm.memory": "256",              # the nested dom0 has room for small domains only
    "io.cocoon.vm.boot_timeout": "120000",     # Xen under TCG: xl create alone takes seconds
})
c["annotations"].update(dict(kv.split("=", 1) for kv in sys.argv[3].split(",") if kv))
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
}
mkbundle echo "" echo "hello from a xen domain"
mkbundle exit3 "" sh -c 'echo about to exit 3; exit 3'
# create (unlike run) keeps a standby NIC for a network attached before start: a vif here
mkbundle sleep "" sleep 600
# two containers on the lab's CNI bridge network (dom0-run.sh writes it): the first serves a
# page (from /dev/shm: the root is read-only); host-local gives it the range's first address, which the second fetches the page from
mkbundle web io.cocoon.network.cni=labnet sh -c 'mkdir -p /dev/shm/www && echo hello across the bridge > /dev/shm/www/index.html && exec httpd -f -p 8080 -h /dev/shm/www'
# (busybox 1.35's wget -T segfaults: timeout(1) bounds it instead)
mkbundle fetch io.cocoon.network.cni=labnet timeout 60 wget -q -O - http://10.99.0.10:8080/
cp "${XEN_LAB_SCRIPT:-$HERE/dom0-run.sh}" "$S/dom0-run.sh"
echo "${XEN_LAB_RUNS:-3}" > "$S/runs"

LOG=$OUT/serial.log
DEADLINE=$((TIMEOUT - 60)); [ $DEADLINE -lt 60 ] && DEADLINE=60
MEM=${XEN_LAB_MEM:-2048}; DOM0MEM=${XEN_LAB_DOM0_MEM:-1200M}
XENARGS="console=com1 com1=115200,8n1 dom0_mem=$DOM0MEM,max:$DOM0MEM dom0_max_vcpus=1 loglvl=warning guest_loglvl=warning console_timestamps=boot bootscrub=0"
DOM0ARGS="console=hvc0 earlyprintk=xen rdinit=/init loglevel=4 xenlab.deadline=$DEADLINE"
say "booting Xen + dom0: QEMU TCG, -m $MEM, dom0_mem=$DOM0MEM (serial: $LOG)"
/usr/bin/time -v -o "$OUT/qemu-time.txt" qemu-system-x86_64 -accel tcg,thread=single -cpu "${XEN_LAB_CPU:-qemu64,+svm,+npt,+ssse3,+sse4.1,+sse4.2,+popcnt}" \
  -m "$MEM" -smp 1 -display none -monitor none -serial "file:$LOG" -no-reboot -nodefaults \
  -kernel "$DOM0/xen" -append "$XENARGS" -initrd "$DOM0/vmlinuz $DOM0ARGS,$DOM0/initrd.gz" \
  -virtfs "local,path=$S,mount_tag=lab,security_model=none,id=lab" \
  -virtfs "local,path=$IMAGE,mount_tag=image,security_model=none,readonly=on,id=image" \
  > "$OUT/qemu.out" 2>&1 &
Q=$!
# $Q is /usr/bin/time, which does not pass a signal on: QEMU, its child, is killed by name
stop_qemu() { pkill -P $Q 2>/dev/null; kill $Q 2>/dev/null; wait $Q 2>/dev/null; }
trap 'stop_qemu' EXIT
declare -A seen
marks=("Xen version" "dom0 ready" "round 1: cocoon run" "PASS cocoon-run-echo" "bridge network:" "dom0-run.sh done" "XEN-LAB-DONE")
result=timeout
while true; do
  for m in "${marks[@]}"; do
    if [ -z "${seen[$m]:-}" ] && grep -q "$m" "$LOG" 2>/dev/null; then seen[$m]=1; say "+$(el) s: $m"; fi
  done
  if grep -q "XEN-LAB-DONE" "$LOG" 2>/dev/null; then result=$(grep -a -o "XEN-LAB-DONE rc=[0-9]*" "$LOG" | head -1); break; fi
  if ! kill -0 $Q 2>/dev/null; then result="QEMU exited early: $(tail -1 "$OUT/qemu.out" 2>/dev/null)"; break; fi
  if [ "$(el | cut -d. -f1)" -ge "$TIMEOUT" ]; then result="no XEN-LAB-DONE within $TIMEOUT s; serial: $(grep -a -v '^\s*$' "$LOG" | tail -1)"; break; fi
  sleep 0.5
done
sleep 1; stop_qemu || true; trap - EXIT
say "$result after $(el) s; QEMU: $(grep -E 'Maximum resident' "$OUT/qemu-time.txt" 2>/dev/null | sed 's/^\s*//')"
R=$S/out/results.txt
[ -f "$R" ] && cat "$R" >&2
case "$result" in
  "XEN-LAB-DONE rc=0") exit 0 ;;
  *) grep -a "XEN-LAB-FAILED" "$LOG" >&2 || true; exit 1 ;;
esac
