/* listener.c - the host side of three probes: a process on the host that
 * listens on 127.0.0.1 and carries a word in its argv.
 *
 *     listener WORD [SECONDS]
 *
 * Binds 127.0.0.1 on a port the kernel picks, prints "PORT PID" and
 * returns; PID (a child, in a session of its own) serves on: every client
 * gets one line, "nslab-probe-listener WORD", and is closed. It ends on
 * SIGTERM, or after SECONDS (default 600) so that a test that dies cannot
 * leave it behind for long. WORD is for the probe's host-process check:
 * it is in this process's /proc/PID/cmdline, which no container may read.
 * (Debian's busybox nc and bash's /dev/tcp cannot listen, and socat is
 * not always installed: hence these few lines.) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Serve until killed or until the alarm. Never returns. */
static void __attribute__((noreturn)) serve(int s, const char *word, unsigned seconds)
{
	char line[256];
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	/* Leave the caller's terminal and pipes: $(listener ...) returns
	 * only once every copy of its stdout is closed, and bats waits for
	 * whoever holds its fd 3. */
	if (null != -1) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	for (int fd = 3; fd < 1024; fd++)
		if (fd != s)
			close(fd);
	setsid();
	alarm(seconds);
	snprintf(line, sizeof(line), "nslab-probe-listener %s\n", word);
	for (;;) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);

		if (c == -1)
			continue;
		if (write(c, line, strlen(line)) == -1)
			perror("write");
		close(c);
	}
}

/* A TCP socket listening on 127.0.0.1, on a port the kernel picks
 * (stored in *PORT): the socket, or -1 after a message. */
static int open_listener(unsigned short *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s == -1) {
		perror("listener: socket");
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) == -1) {
		perror("listener: bind 127.0.0.1:0");
		close(s);
		return -1;
	}
	if (listen(s, 16) == -1 || getsockname(s, (struct sockaddr *)&a, &len) == -1) {
		perror("listener: listen");
		close(s);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return s;
}

int main(int argc, char **argv)
{
	unsigned seconds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 600;
	unsigned short port = 0;
	int s;
	pid_t pid;

	if (argc < 2 || argc > 3 || seconds == 0) {
		fprintf(stderr, "usage: listener WORD [SECONDS]\n");
		return 2;
	}
	s = open_listener(&port);
	if (s == -1)
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid == -1) {
		perror("listener: fork");
		close(s);
		return 1;
	}
	if (pid == 0)
		serve(s, argv[1], seconds);
	close(s);
	printf("%u %d\n", (unsigned)port, (int)pid);
	return 0;
}
