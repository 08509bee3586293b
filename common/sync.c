/* sync.c - pipe barriers; see sync.h. */
#define _GNU_SOURCE
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int sync_open(int fds[2])
{
	return pipe2(fds, O_CLOEXEC);
}

int sync_post(int fd)
{
	char c = 'x';

	if (write(fd, &c, 1) == -1)
		return -1;
	return 0;
}

int sync_wait(int fd)
{
	char c;
	ssize_t n = read(fd, &c, 1);

	if (n == -1)
		return -1;
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

void sync_close(int fds[2])
{
	for (int i = 0; i < 2; i++) {
		if (fds[i] != -1)
			close(fds[i]);
		fds[i] = -1;
	}
}
