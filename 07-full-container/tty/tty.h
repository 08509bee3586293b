/* tty.h - a terminal for the container's command (`run -t`): a pty
 * from the container's own devpts, its master end handed to the runtime
 * over a socket (SCM_RIGHTS), and the runtime's relay between that
 * master and its own stdin and stdout, as `docker run -t` does.
 *
 *   container (init)                         runtime (host)
 *   tty_open_pty(): /dev/ptmx, the peer  ->  tty_recv_fd(): the master
 *   the command: setsid(), TIOCSCTTY,        tty_relay_start(): stdin raw
 *   the slave as fds 0, 1 and 2              tty_relay_pump(), _resize()
 *                                            tty_relay_end(): drained,
 *                                            stdin as it was
 *
 * Like every piece, these never print: -1 with errno set and the call
 * recorded (fail.h). */
#ifndef NSLAB_TTY_H
#define NSLAB_TTY_H

#include <stddef.h>
#include <sys/ioctl.h>
#include <termios.h>

/* In the container, once its /dev is mounted: a new pty from the devpts
 * /dev/ptmx leads to. *MASTER and *SLAVE are O_CLOEXEC and O_NOCTTY; the
 * slave is opened through the master (TIOCGPTPEER), never by a path the
 * container could have replaced; *NUMBER is its N in /dev/pts/N. WS, when
 * it is not all zero, is the window size the command starts with. */
int tty_open_pty(int *master, int *slave, int *number, const struct winsize *ws);

/* One byte over the unix socket SOCK, with FD attached (SCM_RIGHTS): the
 * receiver gets its own fd for the same open file. */
int tty_send_fd(int sock, int fd);

/* The byte and the fd tty_send_fd() sent: 0 with *FD the new fd
 * (O_CLOEXEC), or -1 when the message carried none; -1 with errno EPIPE
 * when the socket was closed before anything came. */
int tty_recv_fd(int sock, int *fd);

/* The runtime's terminal's window size, from stdin, else from stdout:
 * 0, or -1 (all zero) when neither is a terminal. */
int tty_size(struct winsize *ws);

/* The runtime's side: the master, and its own stdin and stdout. */
struct tty_relay {
	int master;              /* -1: nothing to relay */
	int master_open;         /* 1 until the master gives EIO */
	int in_open;             /* 1 until stdin gives end of file */
	int out_open;            /* 1 until a write to stdout fails */
	int raw;                 /* 1: stdin is a terminal we made raw */
	char last;               /* the last byte relayed from stdin */
	struct termios saved;    /* stdin's settings, put back at the end */
	char in[4096], out[4096]; /* stdin -> master, master -> stdout */
	size_t nin, nout;
};

/* Take MASTER (made non-blocking), size it as stdin's terminal, and put
 * that terminal in raw mode: every key, Ctrl-C included, reaches the
 * container's pty, whose own line discipline then acts on it. Output
 * processing goes too: the container's pty has already turned "\n"
 * into "\r\n" where the command wanted it, and a full-screen program
 * that turned it off there must not have ours add a "\r" to its cursor
 * moves. When stdin is not a terminal, its bytes are relayed as they
 * are. 0, or -1 with MASTER closed and nothing changed. */
int tty_relay_start(struct tty_relay *t, int master);

/* Relay both ways until STOPFD is readable (the runtime's signalfd):
 * 0 then, or at once when there is no master; -1 when poll() failed.
 * A read or write that fails for good ends that direction only. */
int tty_relay_pump(struct tty_relay *t, int stopfd);

/* SIGWINCH: stdin's terminal changed size; give the pty the same size,
 * and the kernel signals the command's foreground process group. */
void tty_relay_resize(struct tty_relay *t);

/* The command is gone: write out what the pty still holds, put stdin's
 * terminal back as it was, close the master. Safe to call twice. */
void tty_relay_end(struct tty_relay *t);

#endif
