# Sourced by the benches: busybox_rootfs DIR makes DIR a busybox root (the host's static busybox
# and a link per applet, the mount points a container needs), the one rootfs every bench runs.
busybox_rootfs() {
  mkdir -p "$1/bin" "$1/"{proc,sys,dev,tmp,etc}
  cp /bin/busybox "$1/bin/"
  local app
  for app in $(/bin/busybox --list); do [ "$app" = busybox ] || ln -s busybox "$1/bin/$app"; done
}
