/* net.h - the container's network: for now only its loopback interface.
 *
 * A new network namespace has one interface, lo, and it is down: not
 * even 127.0.0.1 answers until something brings it up. (A veth pair to
 * the host comes later, with cgroups.) Read: network_namespaces(7),
 * netdevice(7). */
#ifndef NSLAB_NET_H
#define NSLAB_NET_H

/* Bring lo up in the caller's network namespace: SIOCGIFFLAGS, then
 * SIOCSIFFLAGS with IFF_UP added. 0, or -1 after reporting the failed
 * call with nsl_error(). */
int net_loopback_up(void);

#endif
