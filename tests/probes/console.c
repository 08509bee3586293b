/* console.c - an engine's end of --console-socket, for tests/07-oci.bats:
 * what conmon and containerd's shim do with a runtime's terminal.
 *
 *     console SOCKET OUT [SECONDS]
 *
 * Listens on the unix socket SOCKET, prints a PID and returns; PID (a
 * child, its stdout /dev/null) takes one connection, receives the pty
 * master the runtime sends on it (SCM_RIGHTS), writes the window size
 * the master reports ("size ROWSxCOLS") and then everything read from
 * the master into OUT, until the container's side of the pty is closed
 * (EIO). It gives up after SECONDS (default 60), so that a test that
 * dies cannot leave it behind for long. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "console: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One message on SOCK: its fd, or -1. */
static int take_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int serve(int s, FILE *out)
{
	struct winsize ws;
	char buf[4096];
	ssize_t n;
	int c = accept4(s, NULL, NULL, SOCK_CLOEXEC), master;

	if (c == -1)
		die("accept");
	master = take_fd(c);
	if (master == -1)
		die("recvmsg(SCM_RIGHTS)");
	close(c);
	if (ioctl(master, TIOCGWINSZ, &ws) == -1)
		die("ioctl(TIOCGWINSZ)");
	fprintf(out, "size %ux%u\n", ws.ws_row, ws.ws_col);
	fflush(out);
	while ((n = read(master, buf, sizeof(buf))) > 0 || (n == -1 && errno == EINTR))
		if (n > 0 && fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			die("write");
	fclose(out);
	return 0; /* EIO: every slave closed, the container is gone */
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	FILE *out;
	pid_t pid;
	int s;

	if (argc < 3 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: console SOCKET OUT [SECONDS]\n");
		return 2;
	}
	memcpy(sun.sun_path, argv[1], strlen(argv[1]) + 1);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s == -1 || bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 || listen(s, 1) == -1)
		die(argv[1]);
	out = fopen(argv[2], "we");
	if (out == NULL)
		die(argv[2]);
	pid = fork();
	if (pid == -1)
		die("fork");
	if (pid > 0) {
		printf("%d\n", (int)pid);
		exit(0); /* the child has the socket and OUT now */
	}
	/* Not the caller's stdout: $(console ...) would wait for us. */
	if (freopen("/dev/null", "w", stdout) == NULL)
		die("/dev/null");
	alarm(argc > 3 ? (unsigned)atoi(argv[3]) : 60);
	return serve(s, out);
}
