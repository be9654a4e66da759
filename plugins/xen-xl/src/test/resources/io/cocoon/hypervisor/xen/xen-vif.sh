#!/bin/sh
# The vif hotplug script of Cocoon's container c1 (xen-xl, docs/xen.md):
# moves vif N into the container's network namespace under NIC N's planned name.
ns='/run/netns/cocoon-ab'\''c'
case "$1" in online) ;; *) exit 0 ;; esac
case "${XENBUS_PATH##*/}" in
  0) name='tap0_cc' ;;
  1) name='tap1_cc' ;;
  *) echo "cocoon: no NIC planned for $XENBUS_PATH" >&2; exit 1 ;;
esac
'/usr/bin/nsenter' --net=/proc/1/ns/net '/usr/sbin/ip' link set dev "$vif" netns "$ns" || exit 1
'/usr/bin/nsenter' --net="$ns" '/usr/sbin/ip' link set dev "$vif" name "$name" || exit 1
'/usr/bin/xenstore-write' "$XENBUS_PATH/hotplug-status" connected
