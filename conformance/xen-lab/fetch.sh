#!/bin/bash
# fetch.sh CACHE: downloads (apt-get download, never installs) the Xen 4.17 hypervisor, its
# toolstack, qemu-system-xen (dom0's backend for 9pfs and PV channels), the CNI plugins (the
# bridge network of the two-container test) and Debian's kernel for dom0, and unpacks them with dpkg -x into CACHE/root-<key>. The key is a hash of the package
# names and their candidate versions, so a new Debian point release fetches again.
# Prints the unpacked root's path on stdout; progress goes to stderr.
set -euo pipefail
CACHE=${1:?usage: fetch.sh CACHE}
say() { echo "[xen-lab] $*" >&2; }
command -v depmod >/dev/null || { say "depmod not found: apt-get install kmod (scripts/setup does)"; exit 1; }
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$KPKG" ] || { say "apt-cache knows no linux-image-amd64 dependency (run apt-get update)"; exit 1; }
PKGS=(xen-hypervisor-4.17-amd64 xen-hypervisor-common xen-utils-4.17 xen-utils-common xenstore-utils
      libxentoolcore1 libxentoollog1 libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1
      libxengnttab1 libxenhypfs1 libxenstore4 libxenmisc4.17 libyajl2 qemu-system-xen qemu-system-data
      containernetworking-plugins "$KPKG")
# one apt-cache call (it costs half a second each): "name=candidate" per package
vers=$(apt-cache policy "${PKGS[@]}" 2>/dev/null | awk '/^[^ ]/ {sub(":$", "", $1); p=$1} /Candidate:/ && p {print p "=" $2; p=""}' | tr '\n' ' ')
for p in "${PKGS[@]}"; do
  case " $vers" in *" $p="*) ;; *) say "no candidate version of $p (apt-get update?)"; exit 1 ;; esac
done
case "$vers" in *"=(none)"*) say "no candidate version: $vers (apt-get update?)"; exit 1 ;; esac
key=$(echo "$vers" | sha256sum | cut -c1-16)
ROOT=$CACHE/root-$key
if [ -f "$ROOT/.complete" ]; then echo "$ROOT"; exit 0; fi
mkdir -p "$CACHE"
tmp=$(mktemp -d "$CACHE/fetch.XXXX")
trap 'rm -rf "$tmp"' EXIT
say "downloading ${#PKGS[@]} packages into $tmp"
# apt-get download as _apt needs a directory it can write to
chmod 777 "$tmp"
(cd "$tmp" && timeout 600 apt-get download -q $vers >&2) || { say "apt-get download failed (above)"; exit 1; }
mkdir -p "$tmp/root"
for d in "$tmp"/*.deb; do dpkg -x "$d" "$tmp/root"; done
KV=$(ls "$tmp/root/lib/modules" | head -1)
depmod -b "$tmp/root" "$KV"
echo "$vers" | tr ' ' '\n' > "$tmp/root/.packages"
touch "$tmp/root/.complete"
rm -rf "$ROOT"; mv "$tmp/root" "$ROOT"
# older unpacked sets (other package versions) are not used again
for old in "$CACHE"/root-*; do [ "$old" = "$ROOT" ] || rm -rf "$old"; done
say "unpacked into $ROOT"
echo "$ROOT"
