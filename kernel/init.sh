#!/bin/busybox sh
# /init of the hmm-check initramfs: mount what hmm-tests and the reproducers use, run
# /payload/run.sh (written per run by `npm run kernel` / `hmm-check reproduce`), power off.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
echo "@@VM booted $(cut -d' ' -f1 /proc/uptime) cpus=$(grep -c ^processor /proc/cpuinfo) kernel=$(uname -r)"
cd /payload && sh ./run.sh
echo "@@VM done $(cut -d' ' -f1 /proc/uptime)"
# QEMU runs with -no-reboot: a reboot ends it (this tiny kernel has no ACPI power-off)
reboot -f
