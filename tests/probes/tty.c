/* tty.c - TIOCSTI: typing into the caller's terminal.
 *
 * ioctl(fd, TIOCSTI, &c) pushes the byte c into a terminal's input queue
 * as if it had been typed (ioctl_tty(2)). A container that shares the
 * caller's terminal and session types "rm -rf ~\n", and the caller's
 * shell reads it once the container exits (CVE-2017-5226 in bubblewrap,
 * CVE-2016-7545 in SELinux's sandbox). The cures: setsid() before exec,
 * so the terminal is no longer ours (the kernel then wants CAP_SYS_ADMIN),
 * and a seccomp filter that refuses TIOCSTI - on the request's low 32
 * bits, because the kernel reads the request as an unsigned int while
 * the filter sees 64 bits (CVE-2019-10063: flatpak's filter compared all
 * 64 and was passed by TIOCSTI | 1 << 32).
 *
 * Nothing is ever typed: the byte's address is NULL. The kernel checks
 * permission first and reads the byte after (drivers/tty/tty_io.c,
 * tiocsti()), so EFAULT means "allowed - and only the missing byte
 * stopped it". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

/* TIOCSTI on FD (WHAT names it), the request's upper half set if HIGH. */
static void try_tiocsti(struct result *r, int fd, const char *what, int high)
{
	unsigned long req = TIOCSTI;
	const char *shown = high ? "TIOCSTI | 1 << 32" : "TIOCSTI";

	if (high)
		req |= 1UL << 32;
	/* The raw call: glibc's ioctl() passes the 64 bits on too, but the
	 * point here is exactly what reaches the kernel's entry. */
	if (syscall(SYS_ioctl, fd, req, NULL) == 0) {
		escaped(r, "ioctl(%s, %s): returned 0", what, shown);
		return;
	}
	if (errno == EFAULT)
		escaped(r, "ioctl(%s, %s): allowed (EFAULT: the kernel went on to read the byte; "
			"none was given, nothing typed)", what, shown);
	else if (errno == ENOTTY)
		skipped(r, "ioctl(%s, %s): %s (not a terminal: run under one to test)",
			what, shown, strerror(errno));
	else
		blocked(r, "ioctl(%s, %s): %s", what, shown, strerror(errno));
}

static void stdin_tiocsti(struct result *r, int high)
{
	try_tiocsti(r, 0, "0", high);
}

/* /dev/tty is the controlling terminal, whatever fd 0 is; after setsid()
 * there is none and it does not open (ENXIO). */
static void devtty_tiocsti(struct result *r, int high)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd == -1) {
		blocked(r, "open(\"/dev/tty\"): %s%s", strerror(errno),
			errno == ENXIO ? " (no controlling terminal)" : "");
		return;
	}
	try_tiocsti(r, fd, "/dev/tty", high);
	close(fd);
}

void probe_tiocsti_stdin(struct result *r)
{
	stdin_tiocsti(r, 0);
}

void probe_tiocsti_stdin_hi(struct result *r)
{
	stdin_tiocsti(r, 1);
}

void probe_tiocsti_tty(struct result *r)
{
	devtty_tiocsti(r, 0);
}

void probe_tiocsti_tty_hi(struct result *r)
{
	devtty_tiocsti(r, 1);
}
