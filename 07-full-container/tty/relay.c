/* relay.c - the runtime's side of `run -t`: its stdin to the pty's
 * master, the master to its stdout, until the command is gone.
 *
 * The master is made non-blocking, and each direction has a buffer of
 * its own, so that the container cannot stall us: a paste larger than
 * the pty takes waits in ours while the command's output still flows.
 * stdin and stdout stay as they are, blocking: their open file
 * descriptions are shared with the shell that started us, and
 * O_NONBLOCK set on them would be that shell's problem after we exit.
 * So a reader of our stdout that stops reading (a stalled ssh, a
 * pager) holds us in write() until it reads again, signals included,
 * as it would hold any program writing to it.
 *
 * Read: termios(3) (cfmakeraw), pty(7), poll(2), ioctl_tty(2)
 * (TIOCGWINSZ, TIOCSWINSZ).
 */
#define _GNU_SOURCE
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "fail.h"

int tty_size(struct winsize *ws)
{
	memset(ws, 0, sizeof(*ws));
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, ws) == 0)
		return 0;
	memset(ws, 0, sizeof(*ws));
	return -1;
}

/* MASTER closed, nothing to relay: the relay could not start. -1. */
static int give_up(struct tty_relay *t, int master)
{
	int err = errno;

	close(master);
	t->master = -1;
	errno = err;
	return -1;
}

int tty_relay_start(struct tty_relay *t, int master)
{
	struct termios raw;
	int flags;

	t->master_open = 1;
	t->in_open = 1;
	t->out_open = 1;
	t->raw = 0;
	t->last = '\n';
	t->nin = t->nout = 0;
	flags = fcntl(master, F_GETFL);
	if (flags == -1 || fcntl(master, F_SETFL, flags | O_NONBLOCK) == -1) {
		nsl_fail("fcntl(pty master, F_SETFL, O_NONBLOCK)");
		return give_up(t, master);
	}
	t->master = master;
	tty_relay_resize(t);
	if (!isatty(STDIN_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &t->saved) == -1) {
		nsl_fail("tcgetattr(stdin)");
		return give_up(t, master);
	}
	raw = t->saved;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == -1) {
		nsl_fail("tcsetattr(stdin, TCSANOW, raw)");
		return give_up(t, master);
	}
	t->raw = 1;
	return 0;
}

void tty_relay_resize(struct tty_relay *t)
{
	struct winsize ws;

	if (t->master != -1 && tty_size(&ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws); /* the same size: no SIGWINCH */
}

/* stdin gave end of file: the pty's end-of-file character (^D, read
 * through the master: the two ends share their settings), which a
 * program reading lines takes as the end of its input, as it would have
 * taken our end of file. It ends the input only at the start of a line
 * (termios(3), VEOF); after other bytes it sends them on, so it goes
 * twice then. A program that reads bytes, not lines (an editor), gets
 * just the bytes. */
static void in_ended(struct tty_relay *t)
{
	struct termios tio;
	cc_t eof = 4; /* ^D, the default */

	t->in_open = 0;
	if (tcgetattr(t->master, &tio) == 0)
		eof = tio.c_cc[VEOF];
	for (int i = t->last == '\n' ? 1 : 2; i > 0 && t->nin < sizeof(t->in); i--)
		memcpy(t->in + t->nin++, &eof, 1);
}

/* One read from FD into BUF after its *N bytes: >0 bytes read, 0 end
 * of file (EIO from a master whose slaves are all closed too), -1 for
 * "nothing now" (EAGAIN, EINTR). */
static ssize_t fill(int fd, char *buf, size_t len, size_t *n)
{
	ssize_t got = read(fd, buf + *n, len - *n);

	if (got > 0)
		*n += (size_t)got;
	else if (got == -1 && (errno == EAGAIN || errno == EINTR))
		return -1;
	else if (got == -1)
		return 0;
	return got;
}

/* One write of BUF's *N bytes to FD, the rest moved to the front:
 * 0, or -1 when FD refused for good (EAGAIN and EINTR are "later"). */
static int drain(int fd, char *buf, size_t *n)
{
	ssize_t put = write(fd, buf, *n);

	if (put == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	memmove(buf, buf + put, *n - (size_t)put);
	*n -= (size_t)put;
	return 0;
}

int tty_relay_pump(struct tty_relay *t, int stopfd)
{
	struct pollfd p[4];
	int room;

	if (t->master == -1)
		return 0;
	for (;;) {
		p[0] = (struct pollfd){ .fd = stopfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = t->in_open && t->nin < sizeof(t->in) ? 0 : -1,
					.events = POLLIN };
		/* The master only when there is room for its output or input
		 * for it: a hang-up is reported whatever the events, and read
		 * into a full buffer it would look like the end of the output
		 * while the master still holds some. */
		room = t->nout < sizeof(t->out);
		p[2] = (struct pollfd){ .fd = t->master_open && (room || t->nin > 0) ? t->master : -1,
					.events = (short)((room ? POLLIN : 0) |
							  (t->nin > 0 ? POLLOUT : 0)) };
		p[3] = (struct pollfd){ .fd = t->nout > 0 ? 1 : -1, .events = POLLOUT };
		if (poll(p, 4, -1) == -1) {
			if (errno == EINTR)
				continue;
			return nsl_fail("poll(signalfd, stdin, pty master, stdout)");
		}
		if (p[0].revents != 0)
			return 0;
		if (p[1].revents != 0) {
			size_t before = t->nin;

			if (fill(0, t->in, sizeof(t->in), &t->nin) == 0)
				in_ended(t);
			else if (t->nin > before)
				t->last = t->in[t->nin - 1];
		}
		if (p[2].revents & POLLOUT && drain(t->master, t->in, &t->nin) == -1)
			t->nin = 0; /* the pty refuses input: the command is going */
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR) && room &&
		    fill(t->master, t->out, sizeof(t->out), &t->nout) == 0)
			t->master_open = 0; /* every slave closed: the command is gone */
		if (p[3].revents != 0 && drain(1, t->out, &t->nout) == -1)
			t->out_open = 0;
		if (!t->out_open)
			t->nout = 0; /* stdout is closed: what comes is dropped */
	}
}

void tty_relay_end(struct tty_relay *t)
{
	if (t->master == -1)
		return;
	/* The command and every process of the container are gone, and
	 * the slaves with them: what the master still holds is the last of
	 * the output, then EIO. */
	while (t->out_open) {
		if (t->master_open && t->nout < sizeof(t->out) &&
		    fill(t->master, t->out, sizeof(t->out), &t->nout) <= 0)
			t->master_open = 0;
		if (t->nout == 0 && !t->master_open)
			break;
		if (drain(1, t->out, &t->nout) == -1)
			t->out_open = 0;
		else if (t->nout == sizeof(t->out))
			poll(&(struct pollfd){ .fd = 1, .events = POLLOUT }, 1, -1);
	}
	if (t->raw && tcsetattr(STDIN_FILENO, TCSANOW, &t->saved) == 0)
		t->raw = 0;
	close(t->master);
	t->master = -1;
}
