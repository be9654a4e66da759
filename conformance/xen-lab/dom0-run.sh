#!/bin/sh
# dom0-run.sh: the lab's tests, run by dom0's /init from the share. Cocoon's image is the
# read-only 9p share "image" (copied to /opt/cocoon), the bundles are in /mnt/lab/bundles.
# Every result is one line in /mnt/lab/out/results.txt:
#   PASS <name> | FAIL <name>: <why, quoting the failing command's own message> | TIME <name> <seconds>
# and the logs a failure needs (cocoon's, xl's, the domain consoles) go to /mnt/lab/out/.
OUT=/mnt/lab/out; mkdir -p $OUT; R=$OUT/results.txt; : > $R
RUNS=$(cat /mnt/lab/runs 2>/dev/null || echo 3)
T0=$(cut -d' ' -f1 /proc/uptime)
now() { cut -d' ' -f1 /proc/uptime; }
ts() { echo "[dom0 +$(awk -v t0=$T0 '{printf "%.2f", $1-t0}' /proc/uptime)s] $*"; }
pass() { echo "PASS $1" >> $R; ts "PASS $1"; }
fail() { echo "FAIL $1: $2" | head -c 2000 | tr '\n' ' ' >> $R; echo >> $R; ts "FAIL $1: $2"; }
since() { awk -v a=$1 -v b=$(now) 'BEGIN{printf "%.2f", b-a}'; }
# the last non-empty line of a file: a command's own message
last() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -1; }
# waits up to $2 s for the condition $1 (a shell command); 0 if it held
waitfor() { _n=0; while ! eval "$1" >/dev/null 2>&1; do _n=$((_n+1)); [ $_n -gt $(($2*10)) ] && return 1; sleep 0.1; done; }
# iproute2's ip by path: this busybox sh runs its own ip applet (no netns) before any PATH lookup
IP=/usr/sbin/ip; [ -x $IP ] || { fail setup "no iproute2 ip at $IP"; exit 1; }
in_netns() { for n in $($IP netns list | awk '{print $1}'); do $IP -n $n -o link show "$1" > /dev/null 2>&1 && { echo $n; return 0; }; done; return 1; }
only_dom0() { [ "$(xl list | tail -n +2 | awk '{print $1}' | tr '\n' ' ')" = "Domain-0 " ]; }

mkdir -p /mnt/image
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288,ro image /mnt/image || { fail setup "no 9p share 'image'"; exit 1; }
t=$(now); cp -a /mnt/image /opt/cocoon && cp -a /mnt/lab/bundles /tmp/bundles || { fail setup "cannot copy the image or the bundles"; exit 1; }
ts "image and bundles copied in $(since $t) s ($(du -sm /opt/cocoon | cut -f1) MiB)"
G=/opt/cocoon/share/cocoon/guest
mkdir -p $OUT/hv
C="/opt/cocoon/bin/cocoon --root /run/cocoon --log $OUT/cocoon.log --debug --hypervisor-log-dir $OUT/hv"
# The image's AOT cache holds code for the CPU it was trained on (the build host's, AVX-512
# here), and the JVM runs it without checking: on QEMU's emulated CPU that is a SIGILL in an
# AdapterBlob on the first `cocoon run`. The lab runs the image without them (the CLI's and the monitor's).
if [ -f /opt/cocoon/lib/cocoon.aot ]; then
  rm -f /opt/cocoon/lib/cocoon.aot /opt/cocoon/lib/monitor.aot
  echo "NOTE aot-cache: removed (trained on the build host's CPU; SIGILL on the emulated one)" >> $R
fi
t=$(now); $C --version > $OUT/version.txt 2>&1 || { fail setup "cocoon --version: $(last $OUT/version.txt)"; exit 1; }
echo "TIME cocoon-version $(since $t)" >> $R
ts "$(head -1 $OUT/version.txt)"

# what a hang needs: dom0's state, copied to the share every 5 s (a frozen dom0 leaves its last copy)
( while :; do mkdir -p $OUT/live
    for d in /run/cocoon/*/; do [ -d "$d" ] && cp $d/monitor.log $OUT/live/$(basename $d)-monitor.log 2>/dev/null; done
    cp /var/log/xen/console/*.log $OUT/live/ 2>/dev/null; free -m > $OUT/live/free.txt; cat /proc/loadavg > $OUT/live/loadavg.txt
    ps > $OUT/live/ps.txt 2>&1; xl list > $OUT/live/xl-list.txt 2>&1; dmesg | tail -50 > $OUT/live/dmesg.txt; sleep 5
  done ) > /dev/null 2>&1 &
LIVE=$!

# --- bare xl: the same kernel and initramfs as a PVH domain, without Cocoon, until the kernel
# starts /init (its console line), then destroyed
cat > /tmp/bare.cfg <<C
name = "bare"
type = "pvh"
kernel = "$G/vmlinux"
ramdisk = "$G/initramfs.cpio.gz"
cmdline = "console=hvc0"
memory = 256
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
C
bare() { # $1 = run number
  rm -f /var/log/xen/console/guest-bare.log
  t=$(now)
  xl create /tmp/bare.cfg > $OUT/bare-create.txt 2>&1 || { fail bare-xl-create "xl create: $(last $OUT/bare-create.txt)"; return 1; }
  tc=$(since $t)
  if waitfor "grep -q 'Run /init as init process' /var/log/xen/console/guest-bare.log" 120; then
    echo "TIME bare-xl-create-to-init $(since $t)" >> $R; echo "TIME bare-xl-create $tc" >> $R
  else
    fail bare-xl-create "no 'Run /init' on the console within 120 s: $(last /var/log/xen/console/guest-bare.log)"
  fi
  cp /var/log/xen/console/guest-bare.log $OUT/bare-console.txt 2>/dev/null
  xl destroy bare > $OUT/bare-destroy.txt 2>&1 || fail bare-xl-destroy "$(last $OUT/bare-destroy.txt)"
  waitfor only_dom0 30 || fail bare-xl-destroy "domain bare still listed: $(xl list | tail -1)"
}

# --- cocoon run of busybox echo as a Xen domain
run_echo() { # $1 = run number
  t=$(now)
  $C run --bundle /tmp/bundles/echo xecho$1 > $OUT/run-echo.out 2> $OUT/run-echo.err; rc=$?
  d=$(since $t)
  if [ $rc = 0 ] && [ "$(cat $OUT/run-echo.out)" = "hello from a xen domain" ]; then
    echo "TIME cocoon-run-echo $d" >> $R; return 0
  fi
  fail cocoon-run-echo "rc=$rc, stdout '$(head -c 200 $OUT/run-echo.out)', stderr: $(last $OUT/run-echo.err)"
  return 1
}

i=1; ok=1
while [ $i -le $RUNS ]; do
  ts "round $i: bare xl create"; bare $i || ok=0
  ts "round $i: cocoon run"; run_echo $i || { ok=0; break; }
  i=$((i+1))
done
[ $ok = 1 ] && pass cocoon-run-echo
# where a run's time goes (untimed): the monitor's log of a kept run
$C run --keep --bundle /tmp/bundles/echo xkept > /dev/null 2>&1
cp /run/cocoon/xkept/monitor.log $OUT/run-monitor.log 2>/dev/null
$C delete --force xkept > /dev/null 2>&1
waitfor only_dom0 30 && pass run-leaves-only-dom0 || fail run-leaves-only-dom0 "xl list: $(xl list | tail -n +2 | awk '{print $1}' | tr '\n' ' ')"

# --- the exit status of the container's process is cocoon run's
$C run --bundle /tmp/bundles/exit3 xexit > $OUT/run-exit3.out 2> $OUT/run-exit3.err; rc=$?
[ $rc = 3 ] && [ "$(cat $OUT/run-exit3.out)" = "about to exit 3" ] && pass cocoon-run-exit-status \
  || fail cocoon-run-exit-status "rc=$rc (want 3), stdout '$(head -c 200 $OUT/run-exit3.out)', stderr: $(last $OUT/run-exit3.err)"

# --- the lifecycle: create, start, exec, pause, resume, kill, delete
st() { $C state xlife 2>/dev/null | tr -d ' \n' | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'; }
step() { # $1 = name, $2... = cocoon arguments; the step's own message on failure
  n=$1; shift
  if $C "$@" > $OUT/$n.out 2> $OUT/$n.err; then return 0; fi
  fail $n "cocoon $*: $(last $OUT/$n.err)"; return 1
}
life() {
  t=$(now)
  step create create --bundle /tmp/bundles/sleep xlife || return 1
  echo "TIME cocoon-create $(since $t)" >> $R
  [ "$(st)" = created ] && pass create || fail create "state is '$(st)', not created"
  xl list cocoon-xlife > /dev/null 2>&1 && pass create-made-a-domain || fail create-made-a-domain "xl list has no cocoon-xlife"
  # create keeps a standby NIC: the domain's vif, moved into the container's namespace as tap0_cc
  $IP netns list | grep -q cocoon- && [ -n "$(in_netns tap0_cc)" ] && pass create-standby-vif \
    || fail create-standby-vif "no tap0_cc in a cocoon namespace ($($IP netns list | tr '\n' ' ')); vifs: $($IP -o link | grep -o 'vif[0-9.]*' | tr '\n' ' ')"
  t=$(now); step start start xlife || return 1; echo "TIME cocoon-start $(since $t)" >> $R
  [ "$(st)" = running ] && pass start || fail start "state is '$(st)', not running"
  t=$(now)
  if step exec exec xlife sh -c 'echo exec says $((6*7))'; then
    echo "TIME cocoon-exec $(since $t)" >> $R
    [ "$(cat $OUT/exec.out)" = "exec says 42" ] && pass exec || fail exec "stdout '$(head -c 200 $OUT/exec.out)'"
  fi
  if step pause pause xlife; then
    [ "$(st)" = paused ] && pass pause || fail pause "state is '$(st)', not paused"
    xl list cocoon-xlife | tail -1 | awk '{print $5}' | grep -q p && pass pause-paused-the-domain \
      || fail pause-paused-the-domain "xl list: $(xl list cocoon-xlife | tail -1)"
  fi
  if step resume resume xlife; then
    [ "$(st)" = running ] && pass resume || fail resume "state is '$(st)', not running"
    xl list cocoon-xlife | tail -1 | awk '{print $5}' | grep -q p && fail resume-unpaused-the-domain "xl list: $(xl list cocoon-xlife | tail -1)" \
      || pass resume-unpaused-the-domain
    step exec-after-resume exec xlife echo still here && [ "$(cat $OUT/exec-after-resume.out)" = "still here" ] && pass exec-after-resume
  fi
  cp /run/cocoon/xlife/monitor.log $OUT/xlife-monitor.log 2>/dev/null
  if step kill kill xlife KILL; then
    waitfor '[ "$(st)" = stopped ]' 60 && pass kill || fail kill "state is '$(st)' 60 s after kill, not stopped"
  fi
  step delete delete xlife && { $C state xlife >/dev/null 2>&1 && fail delete "state still answers" || pass delete; }
}
life || { ts "lifecycle stopped early"; $C delete --force xlife > /dev/null 2>&1; }
waitfor only_dom0 30 && pass lifecycle-leaves-only-dom0 || fail lifecycle-leaves-only-dom0 "xl list: $(xl list | tail -n +2 | awk '{print $1}' | tr '\n' ' ')"

# --- a bridge network: two containers on the lab's CNI network; the second reaches the first.
# Each container's vif is moved by Cocoon's hotplug script into the namespace cni-bridge made
# (as tap0_cc) and joined to CNI's veth by tc mirred, as a tap is with qemu-lite
mkdir -p /etc/cni/net.d
cat > /etc/cni/net.d/10-labnet.conflist <<'CONF'
{"cniVersion": "1.0.0", "name": "labnet", "plugins": [{"type": "bridge", "bridge": "cni-lab", "isGateway": true,
  "ipMasq": false, "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.99.0.0/24", "rangeStart": "10.99.0.10"}]],
  "routes": [{"dst": "0.0.0.0/0"}]}}]}
CONF
network() {
  ts "bridge network: a web server container, and a second one that fetches its page"
  t=$(now); step net-create-web create --bundle /tmp/bundles/web xweb || return 1
  echo "TIME cocoon-create-on-bridge $(since $t)" >> $R
  ns=$(in_netns tap0_cc) && pass net-vif-in-netns || fail net-vif-in-netns "no tap0_cc in any namespace ($($IP netns list | tr '\n' ' ')); vifs: $($IP -o link | grep -o 'vif[0-9.]*' | tr '\n' ' ')"
  step net-start-web start xweb || return 1
  if step net-exec-addr exec xweb ip -4 -o addr show eth0; then
    grep -q 'inet 10\.99\.0\.10/24' $OUT/net-exec-addr.out && pass net-first-address || fail net-first-address "eth0: $(head -c 200 $OUT/net-exec-addr.out)"
  fi
  t=$(now)
  $C run --bundle /tmp/bundles/fetch xfetch > $OUT/net-fetch.out 2> $OUT/net-fetch.err; rc=$?
  echo "TIME cocoon-run-fetch-across-bridge $(since $t)" >> $R
  [ $rc = 0 ] && [ "$(cat $OUT/net-fetch.out)" = "hello across the bridge" ] && pass net-second-reaches-first \
    || fail net-second-reaches-first "rc=$rc, stdout '$(head -c 200 $OUT/net-fetch.out)', stderr: $(last $OUT/net-fetch.err)"
  cp /run/cocoon/xweb/monitor.log $OUT/xweb-monitor.log 2>/dev/null
  step net-delete-web delete --force xweb
}
network || { ts "network test stopped early"; cp /run/cocoon/xweb/monitor.log $OUT/xweb-monitor.log 2>/dev/null; $C delete --force xweb > /dev/null 2>&1; }
waitfor only_dom0 30 && pass net-leaves-only-dom0 || fail net-leaves-only-dom0 "xl list: $(xl list | tail -n +2 | awk '{print $1}' | tr '\n' ' ')"
leases=$(ls /var/lib/cni/networks/labnet 2>/dev/null | grep '^10\.' | tr '\n' ' ')
[ -z "$($IP netns list)" ] && [ -z "$leases" ] && ! $IP -o link | grep -q 'vif\|_cc' && pass net-leaves-nothing \
  || fail net-leaves-nothing "netns: '$($IP netns list | tr '\n' ' ')', leases: '$leases', links: $($IP -o link | awk '{print $2}' | tr '\n' ' ')"
[ -z "$(ls /run/cocoon 2>/dev/null | grep -v '^\.')" ] && pass no-state-left || fail no-state-left "/run/cocoon has $(ls /run/cocoon | tr '\n' ' ')"
pgrep -f xen-qemu-system > /dev/null && fail no-qemu-left "$(pgrep -af xen-qemu-system | head -1)" || pass no-qemu-left

# what a failure needs
kill $LIVE 2>/dev/null
xl list > $OUT/xl-list.txt 2>&1; xl dmesg > $OUT/xl-dmesg.txt 2>&1; free -m > $OUT/free.txt
cp -r /var/log/xen $OUT/xen-logs 2>/dev/null
echo "END" >> $R
ts "dom0-run.sh done: $(grep -c ^PASS $R) passed, $(grep -c ^FAIL $R) failed"
! grep -q ^FAIL $R
