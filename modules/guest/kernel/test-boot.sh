#!/usr/bin/env bash
# Smoke test for the Cocoon guest kernel.
#
# Usage: test-boot.sh [--sandbox] [VMLINUX]
#   VMLINUX    kernel to boot (default: build/find it with ./build-kernel.sh)
#   --sandbox  also pass `-sandbox on` to QEMU
# Env: QEMU (default qemu-system-x86_64), MACHINE (the -M value), SMP, MEM,
#      CMDLINE_EXTRA (default "quiet"), SANDBOX_OPTS (default "on"),
#      TIMEOUT (seconds, default 60), KEEP=1 keeps the temp dir,
#      CHECKS=0 boots and reboots at once (boot/exit timing only).
#
# Builds a busybox initramfs in a temp dir and boots it in a QEMU microvm
# (TCG) with a serial console, a virtio-serial port, a 9p share, a virtio-blk
# ext4 disk, virtio-rng and virtio-net. The guest's /init checks the devices,
# namespaces and cgroup2, then `reboot -f`s, which must make QEMU exit
# (reboot=t + -no-reboot). Prints timings; exits 0 only if every check passed.
set -euo pipefail

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
log() { printf '[test-boot] %s\n' "$*" >&2; }
die() { printf '[test-boot] ERROR: %s\n' "$*" >&2; exit 1; }

sandbox=0
vmlinux=""
for a in "$@"; do
  case "$a" in
    --sandbox) sandbox=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) vmlinux=$a ;;
  esac
done

QEMU=${QEMU:-qemu-system-x86_64}
# acpi=off: QEMU then announces the virtio-mmio devices on the kernel command
# line (virtio_mmio.device=...), which is how the guest finds them (acpi=on
# hangs under TCG: HW-reduced ACPI means no PIT to calibrate the TSC against).
# pit/pic on: under TCG there is no kvmclock; without the PIT the TSC cannot be
# calibrated (boot hangs), without the PIC timers never fire.
# rtc on: with rtc=off every CMOS clock read waits 1 s (~2 s more boot time);
# with rtc=on the 5th virtio-mmio device shares IRQ 8 and rtc_cmos loses it.
MACHINE=${MACHINE:-microvm,acpi=off,pit=on,pic=on,rtc=on}
TIMEOUT=${TIMEOUT:-60}

for tool in "$QEMU" busybox cpio gzip timeout python3; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (apt-get install qemu-system-x86 busybox-static cpio python3)"
done
busybox_bin=$(command -v busybox)
if ldd "$busybox_bin" >/dev/null 2>&1; then
  die "$busybox_bin is dynamically linked (apt-get install busybox-static)"
fi

if [[ -z "$vmlinux" ]]; then
  vmlinux=$("$here/build-kernel.sh")
fi
[[ -f "$vmlinux" ]] || die "no kernel at $vmlinux"
log "kernel: $vmlinux"

dir=$(mktemp -d /tmp/cocoon-test-boot.XXXXXX)
qemu_pid=""
cleanup() {
  [[ -n "${helper_pid:-}" ]] && kill "$helper_pid" 2>/dev/null || true
  if [[ "${KEEP:-0}" == 1 ]]; then log "kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT

# --- initramfs ----------------------------------------------------------------
root="$dir/initramfs"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,mnt,tmp,etc,disk,ovl}
cp "$busybox_bin" "$root/bin/busybox"
# Only root can mknod; /init copes without a /dev/console node too.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo "COCOON-INIT-START"
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp

pass=0; fail=0
check() { # check NAME CMD...
  name=$1; shift
  if out=$("$@" 2>&1); then
    pass=$((pass+1)); echo "CHECK $name: PASS ${out:+($(echo "$out" | tr '\n' ' ' | cut -c1-150))}"
  else
    fail=$((fail+1)); echo "CHECK $name: FAIL: $(echo "$out" | tr '\n' ' ' | cut -c1-300)"
  fi
}

echo "kernel: $(uname -r) $(uname -m), cmdline: $(cat /proc/cmdline)"
if grep -q cocoon.nochecks /proc/cmdline; then
  echo "COCOON-RESULT pass=0 fail=0 (checks skipped)"; reboot -f; sleep 5
fi

check 9p-mount   mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none rootfs /mnt
check 9p-read    sh -c 'test "$(cat /mnt/hello.txt)" = "hello from the host" && cat /mnt/hello.txt'
check 9p-write   sh -c 'echo written-by-guest > /mnt/from-guest.txt && sync'
check vport-name sh -c 'grep -l io.cocoon.agent /sys/class/virtio-ports/*/name'
check vport-dev  sh -c 'ls /dev/vport*p1'
# One read-write open: virtio_console drops host data while no guest fd is open.
check vport-io   sh -c 'p=$(ls /dev/vport*p1 | head -n1); exec 3<>$p; echo hello-from-guest >&3; read -t 10 line <&3 && test "$line" = hello-from-host && echo "$line"'
check blk-ext4   sh -c 'mount -t ext4 /dev/vda /disk && cat /disk/disk.txt'
check overlay    sh -c 'mkdir -p /tmp/u /tmp/w && mount -t overlay overlay -o lowerdir=/mnt,upperdir=/tmp/u,workdir=/tmp/w /ovl && echo x > /ovl/new && rm /ovl/hello.txt && test ! -e /ovl/hello.txt && test -e /mnt/hello.txt'
check rng        sh -c 'cat /sys/class/misc/hw_random/rng_current | grep virtio'
check net-dev    sh -c 'ls /sys/class/net | tr "\n" " " | grep eth0'
check net-lo     sh -c 'ip link set lo up && ip addr add 127.0.0.1/8 dev lo 2>/dev/null; ip -6 addr show dev lo | grep -q ::1 && ping -c1 -W2 127.0.0.1 >/dev/null && echo lo-ok'
check unshare    sh -c 'r=$(unshare -p -f -m -u -i -n --mount-proc sh -c "hostname inner; echo \$\$:\$(hostname):\$(cat /proc/1/comm)"); echo "$r"; test "$r" = "1:inner:sh" && test "$(hostname)" != inner'
check userns     sh -c 'test "$(unshare -U -r id -u)" = 0 && echo uid0-in-userns'
check cgroup2    sh -c 'mount -t cgroup2 cgroup2 /sys/fs/cgroup && cat /sys/fs/cgroup/cgroup.controllers'
check cg-ctrls   sh -c 'set -e; cg=/sys/fs/cgroup; c=" $(cat $cg/cgroup.controllers) "; for x in cpuset cpu io memory pids; do case "$c" in *" $x "*) ;; *) echo "missing $x"; exit 1;; esac; done
  echo "+cpu +memory +pids +io +cpuset" > $cg/cgroup.subtree_control; mkdir $cg/t; sleep 30 >/dev/null 2>&1 & p=$!
  echo $p > $cg/t/cgroup.procs; echo "50000 100000" > $cg/t/cpu.max; echo 64M > $cg/t/memory.max; echo 20 > $cg/t/pids.max
  echo 1 > $cg/t/cgroup.freeze; sleep 0.2; grep -q "frozen 1" $cg/t/cgroup.events; echo 0 > $cg/t/cgroup.freeze
  kill $p; wait $p 2>/dev/null || true; echo "limits+freeze ok; cpu.max=$(cat $cg/t/cpu.max)"'
check seccomp    sh -c 'grep -q "^Seccomp:" /proc/self/status && cat /proc/sys/kernel/seccomp/actions_avail'
check ptys       sh -c 'mkdir -p /dev/pts && mount -t devpts devpts /dev/pts && test -c /dev/ptmx && echo ok'
check virtio-drv sh -c 'd=$(ls /sys/bus/virtio/drivers | tr "\n" " "); echo "$d"; for x in virtio_blk virtio_net virtio_console virtio_rng 9pnet_virtio vmw_vsock_virtio_transport; do echo " $d" | grep -q " $x " || { echo "missing $x"; exit 1; }; done'

echo "COCOON-RESULT pass=$pass fail=$fail"
umount /disk 2>/dev/null; umount /ovl 2>/dev/null; umount /mnt 2>/dev/null
sync
reboot -f
echo "COCOON-REBOOT-RETURNED"
sleep 5
INIT
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$dir/initrd.gz"

# --- host side resources --------------------------------------------------------
mkdir -p "$dir/share"
printf 'hello from the host\n' >"$dir/share/hello.txt"
disk_opt=()
if command -v mkfs.ext4 >/dev/null; then
  mkdir -p "$dir/diskroot"; echo "hello from ext4" >"$dir/diskroot/disk.txt"
  truncate -s 16M "$dir/disk.img"
  mkfs.ext4 -q -F -d "$dir/diskroot" "$dir/disk.img"
  disk_opt=(-drive "file=$dir/disk.img,format=raw,if=none,id=disk0" -device virtio-blk-device,drive=disk0)
else
  log "mkfs.ext4 not found: the blk-ext4 check will fail (apt-get install e2fsprogs)"
fi

# Agent side of the virtio-serial port: connect to QEMU's socket, answer the
# guest's first line with "hello-from-host", record what the guest sent.
cat >"$dir/agent.py" <<'PY'
import socket, sys, time
path, out = sys.argv[1], sys.argv[2]
deadline = time.time() + 60
s = socket.socket(socket.AF_UNIX)
while True:
    try:
        s.connect(path); break
    except OSError:
        if time.time() > deadline: sys.exit(1)
        time.sleep(0.05)
buf = b""
try:
    while b"\n" not in buf:
        d = s.recv(4096)
        if not d: break
        buf += d
    open(out, "wb").write(buf)
    if buf:
        s.sendall(b"hello-from-host\n")
        time.sleep(2)
except OSError:
    pass
PY

kernel_cmdline="console=ttyS0 reboot=t panic=-1 ${CMDLINE_EXTRA-quiet}"
[[ "${CHECKS:-1}" == 0 ]] && kernel_cmdline+=" cocoon.nochecks"
qemu_cmd=(
  timeout "$TIMEOUT" "$QEMU"
  -M "$MACHINE"
  -accel tcg,tb-size=16
  -cpu max -m "${MEM:-128}" -smp "${SMP:-1}"
  -nodefaults -no-user-config -nographic -no-reboot
  -kernel "$vmlinux" -initrd "$dir/initrd.gz"
  -append "$kernel_cmdline"
  -serial stdio
  -device virtio-serial-device
  -chardev "socket,id=agent,path=$dir/agent.sock,server=on,wait=off"
  -device virtserialport,chardev=agent,name=io.cocoon.agent
  -fsdev "local,id=fs0,path=$dir/share,security_model=passthrough"
  -device virtio-9p-device,fsdev=fs0,mount_tag=rootfs
  "${disk_opt[@]}"
  -device virtio-rng-device
  -netdev hubport,id=net0,hubid=0 -device virtio-net-device,netdev=net0
)
(( sandbox )) && qemu_cmd+=(-sandbox "${SANDBOX_OPTS:-on}")

log "qemu command line:"
printf '  %q' "${qemu_cmd[@]:2}" >&2; echo >&2

python3 "$dir/agent.py" "$dir/agent.sock" "$dir/agent.out" &
helper_pid=$!

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
t0=$(now_ms)
set +e
"${qemu_cmd[@]}" </dev/null 2>"$dir/qemu.err" | {
  while IFS= read -r line; do
    line=${line%$'\r'}
    t=$(( $(now_ms) - t0 ))
    printf '%6d ms | %s\n' "$t" "$line"
    [[ "$line" == *COCOON-INIT-START* && ! -f "$dir/t_init" ]] && echo "$t" >"$dir/t_init"
    [[ "$line" == *COCOON-RESULT* ]] && echo "$t" >"$dir/t_reboot"
  done
} | tee "$dir/console.log"
rc=${PIPESTATUS[0]}
set -e
t_exit=$(( $(now_ms) - t0 ))
wait "$helper_pid" 2>/dev/null || true
helper_pid=""

[[ -s "$dir/qemu.err" ]] && { log "qemu stderr:"; sed 's/^/  /' "$dir/qemu.err" >&2; }

ok=1
if [[ $rc -eq 124 ]]; then log "FAIL: QEMU did not exit within ${TIMEOUT}s (reboot path broken?)"; ok=0
elif [[ $rc -ne 0 ]]; then log "FAIL: QEMU exited with status $rc"; ok=0
fi
grep -q 'COCOON-RESULT pass=[0-9]* fail=0' "$dir/console.log" || { log "FAIL: guest checks failed or did not run"; ok=0; }
grep -q 'CHECK .*: FAIL' "$dir/console.log" && ok=0
if [[ "${CHECKS:-1}" == 0 ]]; then
  log "CHECKS=0: guest checks skipped (boot/reboot timing only)"
elif grep -q hello-from-guest "$dir/agent.out" 2>/dev/null; then
  log "host agent socket received: $(cat "$dir/agent.out")"
else
  log "FAIL: host agent socket did not receive hello-from-guest"; ok=0
fi
if [[ "${CHECKS:-1}" == 0 ]]; then
  :
elif [[ "$(cat "$dir/share/from-guest.txt" 2>/dev/null)" == written-by-guest ]]; then
  log "9p write from guest visible on host"
else
  log "FAIL: 9p write from guest not visible on host"; ok=0
fi

t_init=$(cat "$dir/t_init" 2>/dev/null || echo '?')
log "time QEMU start -> init first line: ${t_init} ms"
log "time QEMU start -> QEMU exit:       ${t_exit} ms (qemu exit status $rc)"
[[ -f "$dir/t_reboot" ]] && log "time guest 'reboot -f' -> QEMU exit: $(( t_exit - $(cat "$dir/t_reboot") )) ms"
if (( ok )); then log "RESULT: PASS"; else log "RESULT: FAIL"; exit 1; fi
