#!/usr/bin/env bash
# Build (or find in the cache) the Cocoon guest kernel: Debian's linux-source-6.1
# + `make tinyconfig` + cocoon.config, producing an uncompressed vmlinux ELF that
# QEMU boots directly through the PVH entry point (`-M microvm -kernel vmlinux`).
#
# Usage: build-kernel.sh [--print-path]
#   Progress goes to stderr (prefixed "[kernel]"); the only line on stdout is
#   the absolute path of the vmlinux.
#   --print-path  print the path the kernel is (or would be) cached at; no work.
#
# Cache: ${COCOON_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cocoon/kernel}/<hash>/
#   <hash> = first 16 hex chars of sha256(cocoon.config + linux-source-6.1
#   package version + this script). The entry holds vmlinux and config.
set -euo pipefail

SRC_PKG=linux-source-6.1
SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz
APT_PACKAGES="linux-source-6.1 flex bison bc libelf-dev libssl-dev gcc make xz-utils"

log() { printf '[kernel] %s\n' "$*" >&2; }
die() { printf '[kernel] ERROR: %s\n' "$*" >&2; exit 1; }

print_only=0
case "${1:-}" in
  "") ;;
  --print-path) print_only=1 ;;
  -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) die "unknown argument: $1 (usage: build-kernel.sh [--print-path])" ;;
esac

script_path=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$script_path")
fragment="$here/cocoon.config"
[[ -f "$fragment" ]] || die "config fragment not found: $fragment"

src_version=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null || true)

# The script is part of the key, except its progress reporting (between the progress-begin
# and progress-end markers), which does not shape the kernel.
hash=$( { cat "$fragment"; printf '%s' "$src_version"; sed '/^# progress-begin/,/^# progress-end/d' "$script_path"; } \
        | sha256sum | cut -c1-16 )

cache_root="${COCOON_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cocoon/kernel}"
mkdir -p "$cache_root" 2>/dev/null || true
cache_root=$(readlink -f "$cache_root" 2>/dev/null || echo "$cache_root")
entry="$cache_root/$hash"
vmlinux="$entry/vmlinux"

if (( print_only )); then
  echo "$vmlinux"
  exit 0
fi

if [[ -f "$vmlinux" ]]; then
  log "cached: $vmlinux"
  echo "$vmlinux"
  exit 0
fi

# --- prerequisites ----------------------------------------------------------
missing=()
[[ -n "$src_version" && -f "$SRC_TARBALL" ]] || missing+=(linux-source-6.1)
for tool in flex:flex bison:bison bc:bc gcc:gcc make:make xz:xz-utils \
            sha256sum:coreutils tar:tar perl:perl; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
# Headers needed by the host tools (objtool needs libelf, certs/ and
# scripts/sign-file need openssl).
[[ -f /usr/include/libelf.h || -f /usr/include/libelf/libelf.h ]] || missing+=(libelf-dev)
[[ -f /usr/include/openssl/opensslv.h ]] || missing+=(libssl-dev)
if (( ${#missing[@]} )); then
  die "missing build prerequisites: $(printf '%s ' "${missing[@]}")-- install with: apt-get install -y $APT_PACKAGES"
fi

# --- build --------------------------------------------------------------------
mkdir -p "$cache_root" || die "cannot create cache directory $cache_root"
# Serialise concurrent builds of the same kernel; the loser finds it cached.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/$hash.lock"
  if ! flock -n 9; then
    log "another build of $hash is running; waiting for it"
    flock 9
  fi
  if [[ -f "$vmlinux" ]]; then
    log "cached: $vmlinux"
    echo "$vmlinux"
    exit 0
  fi
fi
build=$(mktemp -d "$cache_root/$hash.build.XXXX")
stage=""
progress_pid=""
buildlog="$build/build.log"
: >"$buildlog"
ok=0

cleanup() {
  local rc=$?
  [[ -n "$progress_pid" ]] && kill "$progress_pid" 2>/dev/null && wait "$progress_pid" 2>/dev/null
  [[ -n "$stage" && -d "$stage" ]] && rm -rf "$stage"
  if (( ok )); then
    rm -rf "$build"
  else
    # Keep only the log of a failed build so it can be inspected.
    if [[ -d "$build" ]]; then
      find "$build" -mindepth 1 -maxdepth 1 ! -name build.log -exec rm -rf {} + 2>/dev/null || true
      log "build FAILED (exit $rc); last 30 lines of $buildlog:"
      tail -n 30 "$buildlog" >&2 || true
      log "full log: $buildlog"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run() { # run a build step, all output into the log
  printf '\n$ %s\n' "$*" >>"$buildlog"
  "$@" >>"$buildlog" 2>&1
}

start=$SECONDS
log "building kernel $hash (linux-source-6.1 $src_version) in $build"
log "extracting $SRC_TARBALL"
run tar -C "$build" -xf "$SRC_TARBALL"
ksrc="$build/linux-source-6.1"
[[ -d "$ksrc" ]] || { echo "tarball did not contain linux-source-6.1/" >>"$buildlog"; exit 1; }

log "configuring (tinyconfig + cocoon.config)"
run make -C "$ksrc" ARCH=x86_64 tinyconfig
( cd "$ksrc" && run scripts/kconfig/merge_config.sh -m .config "$fragment" )
run make -C "$ksrc" ARCH=x86_64 olddefconfig

# Every CONFIG_X=y of the fragment must have survived dependency resolution.
dropped=()
while IFS= read -r line; do
  grep -qxF "$line" "$ksrc/.config" || dropped+=("${line%%=*} (now: $(grep -E "^(# )?${line%%=*}[= ]" "$ksrc/.config" || echo 'absent'))")
done < <(grep -E '^CONFIG_[A-Za-z0-9_]+=y$' "$fragment")
if (( ${#dropped[@]} )); then
  printf 'dropped options:\n' >>"$buildlog"
  printf '  %s\n' "${dropped[@]}" >>"$buildlog"
  log "ERROR: options requested =y in cocoon.config were dropped (unmet dependencies):"
  printf '[kernel]   %s\n' "${dropped[@]}" >&2
  exit 1
fi
log "config OK ($(grep -c '=y$' "$ksrc/.config") options =y)"

jobs=$(nproc 2>/dev/null || echo 2)
log "compiling vmlinux with -j$jobs (log: $buildlog)"
# progress-begin
# Progress every 10 s: objects compiled (kbuild's "CC" lines) against the count of the last
# build here (or the count measured for this config), elapsed time and an estimate of what is
# left. Sleeps in 1 s steps so that no orphaned `sleep` keeps the caller's pipes open for long.
expected=$(cat "$cache_root/objects.count" 2>/dev/null || echo 1383) # 1383: counted in a build here
log "a first build compiles about $expected objects: 6-13 min on 2 cores (measured 368-787 s on a shared machine); it is cached afterwards"
(
  n=0; t0=$SECONDS
  while sleep 1; do
    (( ++n % 10 == 0 )) || continue
    done_n=$(grep -c '^  CC ' "$buildlog" 2>/dev/null || true)
    el=$((SECONDS - t0)); pct=$(( done_n * 100 / expected )); (( pct > 99 )) && pct=99
    left=""; (( done_n > 20 )) && left=$(printf ', about %dm%02ds left' $(( el * (expected - done_n) / done_n / 60 )) $(( el * (expected - done_n) / done_n % 60 )))
    (( done_n >= expected )) && left=", linking"
    printf '[kernel] compiling: %d%% (%d/%d objects), %dm%02ds elapsed%s\n' "$pct" "$done_n" "$expected" $((el / 60)) $((el % 60)) "$left" >&2
  done
) >/dev/null &
progress_pid=$!
# progress-end
run make -C "$ksrc" ARCH=x86_64 -j"$jobs" vmlinux
kill "$progress_pid" 2>/dev/null || true
wait "$progress_pid" 2>/dev/null || true
progress_pid=""

[[ -f "$ksrc/vmlinux" ]] || { echo "make succeeded but produced no vmlinux" >>"$buildlog"; exit 1; }

# Install atomically: populate a temp dir next to the entry, then rename.
stage=$(mktemp -d "$cache_root/$hash.stage.XXXX")
cp "$ksrc/vmlinux" "$stage/vmlinux"
cp "$ksrc/.config" "$stage/config"
chmod 755 "$stage"
if ! mv -T "$stage" "$entry" 2>/dev/null; then
  # Lost a race with a concurrent build of the same hash: keep theirs.
  [[ -f "$vmlinux" ]] || { echo "could not install into $entry" >>"$buildlog"; exit 1; }
  rm -rf "$stage"
fi
stage=""
ok=1
# progress-begin
grep -c '^  CC ' "$buildlog" > "$cache_root/objects.count" 2>/dev/null || true
# progress-end
log "done in $((SECONDS - start))s: $vmlinux ($(stat -c %s "$vmlinux") bytes)"
echo "$vmlinux"
