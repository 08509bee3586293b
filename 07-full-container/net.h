/* net.h - the container's network, from inside: its loopback, and with
 * --net veth its eth0.
 *
 * A new network namespace has one interface, lo, and it is down: not
 * even 127.0.0.1 answers until something brings it up. With --net veth
 * the runtime has also made the container's end of a veth pair in it
 * (veth.h), which the init names eth0, addresses and routes through.
 * Read: network_namespaces(7), netdevice(7), veth(4). */
#ifndef NSLAB_NET_H
#define NSLAB_NET_H

/* Bring lo up in the caller's network namespace: SIOCGIFFLAGS, then
 * SIOCSIFFLAGS with IFF_UP added. 0, or -1 after reporting the failed
 * call with nsl_error(). */
int net_loopback_up(void);

struct ctr_config;
struct veth;

/* The init's part of C's --net: none, lo up; veth, lo up, then VETH's
 * peer renamed eth0, its address, IFF_UP and the default route (veth.c's
 * veth_inside()); host, nothing: lo and the rest are the host's, not
 * ours to touch. 0, or -1 after reporting the failure. */
int net_setup(const struct ctr_config *c, const struct veth *veth);

#endif
