/* pty.c - the pty, made in the container, and the fd passing that takes
 * its master end to the runtime.
 *
 * The pty comes from the container's own devpts (dev.c mounts a new
 * instance at /dev/pts, with /dev/ptmx a link to its ptmx), so inside,
 * `tty` names /dev/pts/0 of the container, not a terminal of the host.
 * The runtime, outside, cannot open that devpts by a path; a unix
 * socket can carry the open master to it (unix(7), SCM_RIGHTS), as
 * runc's --console-socket carries it to podman's conmon.
 *
 * Read: pty(7), pts(4), ioctl_tty(2) (TIOCGPTPEER, TIOCSPTLCK, TIOCGPTN,
 * TIOCSWINSZ), unix(7), cmsg(3).
 */
#define _GNU_SOURCE
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fail.h"

int tty_open_pty(int *master, int *slave, int *number, const struct winsize *ws)
{
	int unlock = 0, err;

	*slave = -1;
	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master == -1)
		return nsl_fail_hint("the container's /dev/ptmx leads to its own devpts (dev.c)",
				     "open(\"/dev/ptmx\", O_RDWR|O_NOCTTY)");
	/* A new pty is locked until its master says otherwise (pty(7)). */
	if (ioctl(*master, TIOCSPTLCK, &unlock) == -1) {
		nsl_fail("ioctl(ptmx, TIOCSPTLCK, 0)");
		goto fail;
	}
	if (ioctl(*master, TIOCGPTN, number) == -1) {
		nsl_fail("ioctl(ptmx, TIOCGPTN)");
		goto fail;
	}
	if (ws != NULL && (ws->ws_row != 0 || ws->ws_col != 0) &&
	    ioctl(*master, TIOCSWINSZ, ws) == -1) {
		nsl_fail("ioctl(ptmx, TIOCSWINSZ, %ux%u)", ws->ws_col, ws->ws_row);
		goto fail;
	}
	/* The slave through the master (Linux 4.13): opening
	 * "/dev/pts/N" would look the name up in a tree the container
	 * could change under us. */
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave == -1) {
		nsl_fail("ioctl(ptmx, TIOCGPTPEER, O_RDWR|O_NOCTTY)");
		goto fail;
	}
	return 0;
fail:
	err = errno;
	close(*master);
	*master = -1;
	errno = err;
	return -1;
}

/* The control message that carries one fd, aligned as cmsg(3) asks. */
union fd_cmsg {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

int tty_send_fd(int sock, int fd)
{
	char byte = 't';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union fd_cmsg u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	/* At least one byte of data: a message of control data alone is
	 * not sent on a stream socket (unix(7)). */
	memset(&u, 0, sizeof(u));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
		return nsl_fail("sendmsg(fd %d, SCM_RIGHTS fd %d)", sock, fd);
	return 0;
}

int tty_recv_fd(int sock, int *fd)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union fd_cmsg u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n == 0)
		errno = EPIPE;
	if (n <= 0)
		return nsl_fail("recvmsg(fd %d, SCM_RIGHTS)", sock);
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if (*fd == -1) {
		errno = EBADMSG;
		return nsl_fail("recvmsg(fd %d): no fd came with the message", sock);
	}
	return 0;
}
