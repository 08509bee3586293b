/* caps.c - probes of our own capability sets (capabilities(7)). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>

#include "probe.h"

/* The five sets, as /proc/self/status shows them. */
struct capsets {
	uint64_t eff, prm, bnd, inh, amb;
};

/* The value of FIELD ("CapEff:") in the text of /proc/self/status. */
static int field(const char *status, const char *name, uint64_t *v)
{
	const char *p = strstr(status, name);

	if (p == NULL)
		return -1;
	*v = strtoull(p + strlen(name), NULL, 16);
	return 0;
}

static int read_capsets(struct capsets *c, char *why, size_t len)
{
	char status[4096];

	if (read_file("/proc/self/status", status, sizeof(status)) == -1) {
		snprintf(why, len, "open(\"/proc/self/status\"): %s", strerror(errno));
		return -1;
	}
	if (field(status, "\nCapEff:", &c->eff) == -1 || field(status, "\nCapPrm:", &c->prm) == -1 ||
	    field(status, "\nCapBnd:", &c->bnd) == -1 || field(status, "\nCapInh:", &c->inh) == -1 ||
	    field(status, "\nCapAmb:", &c->amb) == -1) {
		snprintf(why, len, "/proc/self/status has no Cap* lines");
		return -1;
	}
	return 0;
}

/* Each of these undoes a container by itself: SYS_ADMIN (mount, and half
 * the kernel besides), DAC_READ_SEARCH (open_by_handle_at: "shocker"),
 * SYS_PTRACE (other processes' memory), SYS_MODULE (kernel code), MKNOD
 * (device nodes - the host's disk, see the host-disk probe). None may be
 * in the effective, the permitted or the bounding set: what is in the
 * bounding set comes back through an exec of a file with file caps. */
static const struct {
	int cap;
	const char *name;
} dangerous[] = {
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
	{ CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH" },
	{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE" },
	{ CAP_SYS_MODULE, "CAP_SYS_MODULE" },
	{ CAP_MKNOD, "CAP_MKNOD" },
};

/* Append "SETNAME has CAP_X,CAP_Y" to OUT for the dangerous caps in SET. */
static void list_set(const char *setname, uint64_t set, char *out, size_t len)
{
	char names[200] = "";
	size_t used = strlen(out);

	for (size_t i = 0; i < sizeof(dangerous) / sizeof(dangerous[0]); i++) {
		size_t n = strlen(names);

		if ((set & (UINT64_C(1) << dangerous[i].cap)) != 0)
			snprintf(names + n, sizeof(names) - n, "%s%s", n > 0 ? "," : "",
				 dangerous[i].name);
	}
	if (names[0] != '\0' && used < len)
		snprintf(out + used, len - used, "%s%s has %s", used > 0 ? "; " : "", setname, names);
}

void probe_caps(struct result *r)
{
	struct capsets c;
	char why[200], list[400] = "";

	if (read_capsets(&c, why, sizeof(why)) == -1) {
		failed(r, "%s", why);
		return;
	}
	list_set("CapEff", c.eff, list, sizeof(list));
	list_set("CapPrm", c.prm, list, sizeof(list));
	list_set("CapBnd", c.bnd, list, sizeof(list));
	if (list[0] != '\0')
		escaped(r, "%s", list);
	else
		blocked(r, "none of SYS_ADMIN, DAC_READ_SEARCH, SYS_PTRACE, SYS_MODULE, MKNOD "
			"(CapEff %016" PRIx64 ", CapBnd %016" PRIx64 ")", c.eff, c.bnd);
}

/* CVE-2022-24769 (Docker) and CVE-2022-29162 (runc exec --cap) left the
 * inheritable set non-empty. Inheritable caps
 * pass through exec into a program whose file has them inheritable, so a
 * non-root user in the container regained capabilities it was meant
 * never to have. Inheritable and ambient must be empty. */
void probe_caps_inheritable(struct result *r)
{
	struct capsets c;
	char why[200];

	if (read_capsets(&c, why, sizeof(why)) == -1) {
		failed(r, "%s", why);
		return;
	}
	if (c.inh != 0 || c.amb != 0)
		escaped(r, "CapInh %016" PRIx64 ", CapAmb %016" PRIx64 ": not empty", c.inh, c.amb);
	else
		blocked(r, "CapInh and CapAmb are empty");
}
