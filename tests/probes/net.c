/* net.c - probes of the host's network, which a network namespace (07's
 * CLONE_NEWNET) hides: its interfaces, and services bound to its
 * loopback - which trust "only local processes" can connect. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

/* Host services on 127.0.0.1 (databases, docker's own API proxies,
 * debuggers) assume every client is a local user. A container in the
 * host's network namespace is one; in its own, 127.0.0.1 is its own
 * loopback, where nothing listens (ECONNREFUSED). The test's listener
 * greets every client with a line, shown if we get it. */
void probe_host_loopback(struct result *r)
{
	struct sockaddr_in a;
	char hello[128] = "";
	ssize_t n;
	int s;

	if (in.port <= 0) {
		skipped(r, "needs --port N");
		return;
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s == -1) {
		blocked(r, "socket(AF_INET, SOCK_STREAM): %s", strerror(errno));
		return;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)in.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) == -1) {
		blocked(r, "connect(127.0.0.1:%d): %s", in.port, strerror(errno));
		close(s);
		return;
	}
	n = read(s, hello, sizeof(hello) - 1);
	hello[n > 0 ? n : 0] = '\0';
	hello[strcspn(hello, "\r\n")] = '\0';
	escaped(r, "connect(127.0.0.1:%d): connected; it said \"%.100s\"", in.port, hello);
	close(s);
}

/* A new network namespace holds lo and nothing else (and lo down, until
 * the runtime brings it up). Any of the host's interfaces seen here
 * means the host's network namespace: its addresses, its routes, its
 * packets to sniff with CAP_NET_RAW (which Docker keeps). */
void probe_host_iface(struct result *r)
{
	struct if_nameindex *ifs, *i;
	char seen[300] = "", hosts[300] = "";

	if (in.ifaces == NULL) {
		skipped(r, "needs --host-ifaces a,b,c");
		return;
	}
	ifs = if_nameindex();
	if (ifs == NULL) {
		blocked(r, "if_nameindex(): %s", strerror(errno));
		return;
	}
	for (i = ifs; i->if_index != 0 && i->if_name != NULL; i++) {
		char *list = strcmp(i->if_name, "lo") != 0 && in_list(i->if_name, in.ifaces) ? hosts : seen;
		size_t used = strlen(list);

		snprintf(list + used, sizeof(seen) - used, "%s%s", used > 0 ? "," : "", i->if_name);
	}
	if_freenameindex(ifs);
	if (hosts[0] != '\0')
		escaped(r, "if_nameindex(): the host's %s (and %s)", hosts, seen[0] ? seen : "nothing else");
	else
		blocked(r, "if_nameindex(): %s only", seen[0] ? seen : "nothing");
}
