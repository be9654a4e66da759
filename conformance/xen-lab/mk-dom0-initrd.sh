#!/bin/bash
# mk-dom0-initrd.sh ROOT CACHE: builds dom0's initramfs from the packages fetch.sh unpacked in
# ROOT: busybox-static, xl + xenstored + xenconsoled + qemu-system-xen (dom0's 9pfs and PV
# channel backend) and their libraries, util-linux's unshare/nsenter/setsid (Cocoon's monitor
# runs in a mount namespace of its own), the Xen, 9p and bridge kernel modules, and
# dom0-init as /init. Cached in CACHE/dom0-<key> (key: ROOT's packages, this script,
# dom0-init, the host's busybox and util-linux); prints that directory, which holds
# xen (the hypervisor, gunzipped), vmlinuz (dom0's kernel) and initrd.gz.
set -euo pipefail
X=${1:?usage: mk-dom0-initrd.sh ROOT CACHE}; CACHE=${2:?usage: mk-dom0-initrd.sh ROOT CACHE}
HERE=$(cd "$(dirname "$0")" && pwd)
say() { echo "[xen-lab] $*" >&2; }
for t in /usr/bin/busybox /usr/bin/unshare /usr/bin/nsenter /usr/bin/setsid /usr/sbin/modprobe cpio; do
  command -v "$t" >/dev/null || { say "$t not found: apt-get install busybox-static util-linux kmod cpio"; exit 1; }
done
key=$( (cat "$X/.packages" "$0" "$HERE/dom0-init"; dpkg-query -W busybox-static util-linux iproute2) | sha256sum | cut -c1-16)
OUT=$CACHE/dom0-$key
if [ -f "$OUT/initrd.gz" ]; then echo "$OUT"; exit 0; fi
mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/dom0.XXXX")
trap 'rm -rf "$tmp"' EXIT
R=$tmp/root
KV=$(ls "$X/lib/modules" | head -1)
mkdir -p $R/{bin,sbin,usr/bin,usr/sbin,usr/libexec,lib,lib64,dev,proc,sys,etc/xen,var/run,var/lib,var/log,tmp,run,mnt,opt,lib/modules}
cp /usr/bin/busybox $R/bin/busybox
for a in $(/usr/bin/busybox --list); do [ -e $R/bin/$a ] || ln -s busybox $R/bin/$a; done
# the Xen toolstack, its libraries and configuration, from the unpacked packages
mkdir -p $R/usr/lib
cp -a $X/usr/lib/xen-4.17 $R/usr/lib/
rm -rf $R/usr/lib/xen-4.17/lib/python* $R/usr/lib/xen-4.17/boot
cp -a $X/usr/lib/x86_64-linux-gnu $R/usr/lib/
cp -a $X/usr/bin/xenstore* $R/usr/bin/
cp -a $X/usr/libexec/xen-qemu-system-i386 $R/usr/libexec/
# qemu reads a keymap at start (-vnc none -k en-us from libxl), even without a display
mkdir -p $R/usr/share/qemu; cp -a $X/usr/share/qemu/keymaps $R/usr/share/qemu/
ln -sf /usr/lib/xen-4.17/bin/xl $R/usr/sbin/xl
cp -a $X/etc/xen/* $R/etc/xen/
# util-linux (Cocoon starts its monitor with unshare/setsid) and ip (Xen's vif scripts)
cp -L /usr/bin/unshare /usr/bin/nsenter /usr/bin/setsid $R/usr/bin/
# iproute2's ip, not busybox's (Cocoon needs ip netns): first on PATH in /bin too; its tc
# (cni-bridge joins a NIC to its interface with tc mirred)
cp -L "$(command -v ip)" $R/usr/sbin/ip
cp -L "$(command -v tc)" $R/usr/sbin/tc
# the CNI plugins (bridge, host-local: the lab's bridge network)
mkdir -p $R/usr/lib/cni; cp -a $X/usr/lib/cni/. $R/usr/lib/cni/
# the real tools, not busybox's applets of the same names, first on PATH (/bin): busybox's
# nsenter would even run its own ip applet
for t in usr/bin/unshare usr/bin/nsenter usr/bin/setsid usr/sbin/ip usr/sbin/tc; do rm -f $R/bin/${t##*/}; ln -s /$t $R/bin/${t##*/}; done
[ -x /usr/bin/bash ] && cp -L /usr/bin/bash $R/bin/bash
# the system libraries those need (ldd), from the host; the unpacked ones first
export LD_LIBRARY_PATH=$X/usr/lib/x86_64-linux-gnu:$X/usr/lib/xen-4.17/lib/x86_64-linux-gnu
for b in $X/usr/lib/xen-4.17/bin/* $X/usr/bin/xenstore $X/usr/libexec/xen-qemu-system-i386 $R/usr/bin/unshare \
         $R/usr/bin/nsenter $R/usr/bin/setsid $R/usr/sbin/ip $R/usr/sbin/tc $R/bin/bash; do
  [ -f "$b" ] && file -L "$b" | grep -q 'ELF.*dynamic' || continue
  ldd "$b" 2>/dev/null | sed "s#^#$(basename "$b") #"
done > $tmp/ldd
if grep -q "not found" $tmp/ldd; then say "libraries not found: $(grep "not found" $tmp/ldd | awk '{print $1": "$2}' | sort -u | tr '\n' ' ')"; exit 1; fi
awk '$3=="=>" && $4 ~ /^\//{print $4} $2 ~ /ld-linux/{print $2}' $tmp/ldd | sort -u | grep -v "^$X" | while read -r l; do
  mkdir -p $R$(dirname $l); cp -L $l $R$l; done
cp -L /lib64/ld-linux-x86-64.so.2 $R/lib64/
# the JVM of Cocoon's image (bin/java, lib/*.so) needs these glibc libraries
for l in libdl.so.2 libpthread.so.0 librt.so.1 libm.so.6 libz.so.1 libutil.so.1 libresolv.so.2; do
  cp -L /lib/x86_64-linux-gnu/$l $R/lib/x86_64-linux-gnu/; done
# glibc dlopens libgcc_s for pthread_cancel (xl create aborts without it)
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 $R/lib/x86_64-linux-gnu/
# kernel modules, in load order: virtio/9p (the host share), Xen's control devices, the
# backends' bridge for vifs, tc's ingress qdisc, u32 filter and mirred action (cni-bridge)
mods="virtio_pci 9pnet_virtio 9p xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-netback bridge tun veth sch_ingress cls_u32 act_mirred"
for m in $mods; do modprobe -d $X -S $KV --show-depends $m; done | awk '$1=="insmod"{print $2}' | awk '!s[$0]++' > $tmp/order
for f in $(cat $tmp/order); do cp "$f" $R/lib/modules/; done
sed 's#.*/##' $tmp/order > $R/lib/modules/order
cp "$HERE/dom0-init" $R/init; chmod +x $R/init
printf "/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n/usr/lib/xen-4.17/lib/x86_64-linux-gnu\n" > $R/etc/ld.so.conf; ldconfig -r $R
echo "root:x:0:0:root:/root:/bin/sh" > $R/etc/passwd
echo "root:x:0:" > $R/etc/group
mkdir -p $tmp/out
(cd $R && find . | cpio -o -H newc --quiet | gzip -1) > $tmp/out/initrd.gz
zcat $X/boot/xen-4.17-amd64.gz > $tmp/out/xen                     # multiboot ELF32 image
cp $X/boot/vmlinuz-$KV $tmp/out/vmlinuz
rm -rf "$OUT"; mv $tmp/out "$OUT"
for old in "$CACHE"/dom0-*; do [ "$old" = "$OUT" ] || rm -rf "$old"; done
say "dom0 initramfs: $(du -sh $R | cut -f1) unpacked, $(du -h $OUT/initrd.gz | cut -f1) gzipped, in $OUT"
echo "$OUT"
