// Text files of the guest's root file system: PID 1's script and the account files dropbear needs.

export const GUEST_ADDRESS = '10.0.2.15/24';
export const GUEST_GATEWAY = '10.0.2.2';
export const HOST_KEY_PATH = '/etc/dropbear/dropbear_ed25519_host_key';
/** Printed on the serial console by /init once dropbear is started (the boot log shows how far it got). */
export const INIT_READY_LINE = 'lab-init: dropbear started';

/**
 * /init, PID 1. It must never exit: PID 1 exiting panics the kernel, and with panic=-1 -no-reboot QEMU quits.
 * The kernel finds no /dev/console in the initramfs (creating the node would need root on the host), so init
 * starts without stdin/stdout/stderr and takes the console once devtmpfs is mounted.
 */
export function initScript(modules: readonly string[]): string {
  return `#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
hostname netlink-lab
for m in ${modules.join(' ')}; do
  modprobe "$m" || echo "lab-init: modprobe $m failed"
done
ip link set lo up
ip link set eth0 up
ip addr add ${GUEST_ADDRESS} dev eth0
ip route add default via ${GUEST_GATEWAY}
# -s: keys only; -E: errors to the console; -P: /var/run does not exist.
dropbear -s -E -r ${HOST_KEY_PATH} -p 22 -P /run/dropbear.pid && echo "${INIT_READY_LINE}"
while :; do
  sleep 3600
done
`;
}

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\n';
export const GROUP = 'root:x:0:\ntty:x:5:\n';
export const SHELLS = '/bin/sh\n';
