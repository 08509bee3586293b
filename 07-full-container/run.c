/* run.c - the host's side of run: the runtime.
 *
 *   block the signals, make a signalfd    nothing can end us halfway
 *   hold the state directory; the only    state_hold(); 04's mnt_sweep_rootfs(),
 *   run? sweep what killed runs left      state_list(), cgroup_sweep()
 *   claim the name (the state record)     held locked while we run
 *   --net veth: pick a free /30           run_net.c, under a lock
 *   make the cgroups, write the limits    run_cgroup.c, before any container
 *   clone() the init in new namespaces    container.c takes over there
 *   write its uid and gid maps            05-user's userns_write_maps()
 *   --net veth: the pair, the host end    run_net.c; the init does eth0
 *   place the init in its cgroups         run_cgroup.c, while it waits
 *   note its pid in the record, "go"
 *   "ready" (-t: with the pty's master)   tty/: relayed to stdin and stdout
 *   read the signalfd: pass signals on, until the init is reaped
 *   an OOM kill told; the cgroups emptied (cgroup.kill) and removed
 *   remove the record and the mount points made in the rootfs (the
 *   kernel removes the veth with the container's network namespace)
 *
 * The signals are blocked before clone() and read from a signalfd, never
 * caught by a handler: a SIGCHLD from an init that exits at once stays
 * pending until we read it, and a Ctrl-C that comes while we set up is
 * passed on when the container runs, instead of killing us with a state
 * record and mount points left behind.
 *
 * ctr_phase("NAME") marks where a phase ends, here, in container.c and
 * in command.c: the test hooks (--timing's line, NSLAB_PAUSE_AT's stop)
 * are behind it, in pause.c, which lists the phases.
 *
 * Read: signalfd(2), sigprocmask(2), clone(2), user_namespaces(7),
 * waitpid(2), flock(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../05-user/userns.h"
#include "container.h"
#include "fail.h"
#include "pause.h"
#include "proc.h"
#include "run_cgroup.h"
#include "run_net.h"
#include "say.h"
#include "state/state.h"
#include "sync.h"
#include "tty/tty.h"

/* As root with --userns: container ids 0..65535 are host ids
 * 100000..165535, where docker's userns-remap commonly puts them. */
#define REMAP_MAP "0 100000 65536\n"

struct runtime {
	struct ctr_config *c;
	struct state_rec rec;
	struct mnt_record record; /* the mount points the init makes */
	int lockfd;               /* holds the state record's lock */
	int holdfd;               /* holds ".runs" there (shared) */
	int sfd;                  /* the signalfd */
	int go[2];                /* runtime -> init: "go"; EOF: we died */
	pid_t init;
	struct cgroup cg;         /* the container's cgroups (run_cgroup.c) */
	struct run_net net;       /* its network (run_net.c) */
	int born_in;              /* 1: cloned into its cgroup v2 */
	struct tty_relay tty;     /* -t: the pty's master, relayed (tty/) */
	int failed;               /* 1: the runtime failed after the init's "ready" */
};

static const int forwarded[] = CTR_FORWARDED;

/* Block SIGCHLD and the signals we pass on, and read them from a
 * signalfd. The init, our clone() child, inherits the blocked mask, so
 * what the runtime passes on waits for it too, pending, until it reads
 * it. Each gets its default action back first: a signal whose action is
 * "ignore" is discarded when sent, blocked or not (signal(7)) - a shell
 * starts `cmd &` with SIGINT and SIGQUIT ignored - and an ignored
 * SIGCHLD would even have the kernel reap the init for us, status and
 * all. SIGPIPE is ignored: narration to a closed pipe fails with EPIPE
 * instead of killing us before we clean up. */
static int block_signals(struct runtime *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		nsl_error(errno, "sigprocmask(SIG_BLOCK, SIGCHLD|SIGINT|SIGTERM|...)");
		return -1;
	}
	for (int sig = 1; sig < NSIG; sig++) {
		if (sigismember(&set, sig) == 1 && signal(sig, SIG_DFL) == SIG_ERR) {
			nsl_error(errno, "signal(SIG%s, SIG_DFL)", sigabbrev_np(sig));
			return -1;
		}
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		nsl_error(errno, "signal(SIGPIPE, SIG_IGN)");
		return -1;
	}
	r->sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (r->sfd == -1) {
		nsl_error(errno, "signalfd(SIGCHLD|SIGINT|SIGTERM|...)");
		return -1;
	}
	say_more("sigprocmask(SIG_BLOCK, SIGCHLD|SIGINT|SIGTERM|SIGHUP|SIGQUIT|SIGUSR1|SIGUSR2|"
		 "SIGWINCH), signalfd() = %d: no signal is lost or acts before we read it", r->sfd);
	return 0;
}

/* What runs killed with SIGKILL left: in this rootfs, the mount points
 * they made (their record names them) - 04-mount's sweep, run before
 * every run there too; in the state directory, the records whose lock
 * nobody holds (state_list() removes them as it goes); under our cgroup,
 * the cgroups named after a run that is gone (cgroup_sweep()).
 *
 * Only when no other run holds the state directory's ".runs"
 * (state_hold()): then what is there was most likely left by a killed
 * run (each record is still judged by its own lock), and the sweep costs
 * what the leftovers do. With containers running, each sweep would
 * visit every one of them - a start with 1,000 running made 1,000 each
 * of open, flock, pidfd_open and poll - so it waits for a quiet moment.
 * `ps` sweeps the records and cgroups every time; the mount points in a
 * rootfs wait for a run alone there. A name a dead run left is taken
 * over at once (state_create()). */
static int hold_and_sweep(struct runtime *r)
{
	int swept = 0, alone;

	if (state_hold(&r->holdfd, &alone) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		if (nsl_failed_hint() != NULL)
			nsl_hint("%s", nsl_failed_hint());
		return -1;
	}
	if (!alone) {
		say_more("flock(the state directory's .runs, LOCK_EX|LOCK_NB): other runs hold it: "
			 "no sweep (ps sweeps, or the next run alone)");
		return 0;
	}
	mnt_sweep_rootfs(r->c->rootfs);
	cgroup_sweep();
	if (state_list(NULL, NULL, &swept) == -1)
		nsl_error(errno, "%s", nsl_failed_call());
	else if (swept > 0)
		say("removed %d state record%s of containers whose runtime is gone", swept,
		    swept == 1 ? "" : "s");
	return 0;
}

/* The state record, claimed under the container's name and locked. */
static int claim_name(struct runtime *r)
{
	const struct ctr_config *c = r->c;
	size_t used = 0;

	snprintf(r->rec.name, sizeof(r->rec.name), "%s", c->name);
	snprintf(r->rec.rootfs, sizeof(r->rec.rootfs), "%s", c->rootfs);
	r->rec.runtime = getpid();
	r->rec.started = time(NULL);
	r->rec.userns = c->userns;
	for (int i = 0; c->cmd[i] != NULL && used < sizeof(r->rec.cmd); i++)
		used += (size_t)snprintf(r->rec.cmd + used, sizeof(r->rec.cmd) - used, "%s%s",
					 i > 0 ? " " : "", c->cmd[i]);
	if (state_create(&r->rec, &r->lockfd) == 0) {
		say_more("state_create(\"%s\"): the record, held locked (fd %d) while we run",
			 c->name, r->lockfd);
		return 0;
	}
	if (errno == EEXIST) {
		nsl_error(EEXIST, "container name \"%s\"", c->name);
		nsl_hint("a running container has that name: pick another --name (see `ps`)");
	} else {
		nsl_error(errno, "%s", nsl_failed_call());
		if (nsl_failed_hint() != NULL)
			nsl_hint("%s", nsl_failed_hint());
	}
	return -1;
}

/* TEXT with its newlines as "\n", for narration and errors. */
static const char *shown(const char *text, char *buf, size_t len)
{
	size_t n = 0;

	for (; *text != '\0' && n + 3 < len; text++) {
		if (*text == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else {
			buf[n++] = *text;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* Rootless: one id each way, ours to 0, with setgroups denied first -
 * the only map an unprivileged process may write (05-user). Root with
 * --userns: 65536 ids, written directly; setgroups stays allowed, so the
 * command can drop the supplementary groups it inherited from us. (The
 * OCI runtime's config.json may give maps of its own, written the same
 * way.) */
int ctr_write_maps(const struct ctr_config *c, pid_t pid)
{
	char own_uid[64] = REMAP_MAP, own_gid[64] = REMAP_MAP, s1[128], s2[128];
	const char *failed = "uid_map", *uid_map = own_uid, *gid_map = own_gid;
	int ret;

	if (c->host_uid != 0) {
		snprintf(own_uid, sizeof(own_uid), "0 %u 1\n", (unsigned)c->host_uid);
		snprintf(own_gid, sizeof(own_gid), "0 %u 1\n", (unsigned)c->host_gid);
	}
	if (c->uid_map != NULL) { /* the OCI runtime's config.json's */
		uid_map = c->uid_map;
		gid_map = c->gid_map;
	}
	if (c->host_uid != 0) {
		ret = userns_write_maps(pid, uid_map, gid_map, &failed);
	} else if ((ret = userns_write_file(pid, "uid_map", uid_map)) == 0) {
		failed = "gid_map";
		ret = userns_write_file(pid, "gid_map", gid_map);
	}
	if (ret == -1) {
		nsl_error(errno, "write(\"/proc/%d/%s\", \"%s\")", (int)pid, failed,
			  shown(strcmp(failed, "setgroups") == 0 ? "deny" :
				strcmp(failed, "uid_map") == 0 ? uid_map : gid_map, s1, sizeof(s1)));
		return -1;
	}
	say("uid_map \"%s\", gid_map \"%s\"%s", shown(uid_map, s1, sizeof(s1)),
	    shown(gid_map, s2, sizeof(s2)),
	    c->host_uid != 0 ? ", setgroups \"deny\": root inside is you outside (rootless)"
	    : c->uid_map != NULL ? ": config.json's" : ": root inside is uid 100000 outside");
	return 0;
}

/* clone() the init, or, when the container has a cgroup v2 of its own,
 * clone3() it straight into that cgroup (CLONE_INTO_CGROUP): no move
 * afterwards, whose write to cgroup.procs was the slowest step of a run
 * (the kernel waits for every CPU to pass a quiet point before any
 * process changes cgroups). A kernel without it (before 5.7), or any
 * other refusal, and clone() it is: the same call then says what is
 * wrong, if anything. Sets r->born_in. */
static pid_t clone_init(struct runtime *r, struct ctr_child *k, int flags)
{
	int fd, err;
	pid_t pid;

	r->born_in = 0;
	if (r->cg.v2.made) {
		fd = open(r->cg.v2.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd != -1) {
			pid = proc_clone_into(ctr_init_main, k, flags, fd);
			err = errno;
			close(fd);
			if (pid != -1) {
				r->born_in = 1;
				return pid;
			}
			say_more("clone3(CLONE_INTO_CGROUP): %s: clone(), then a move into the "
				 "cgroup", strerror(err));
		}
	}
	return proc_clone(ctr_init_main, k, flags);
}

/* Clone the init into its new namespaces. */
static int start_init(struct runtime *r, struct ctr_child *k)
{
	const char *net; /* "|CLONE_NEWNET", or "" for --net host */
	int flags = CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS |
		    run_net_flag(r->c, &net);
	const char *names = "CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNS";
	const char *user = r->c->userns ? "CLONE_NEWUSER|" : "";

	if (r->c->userns)
		flags |= CLONE_NEWUSER;
	/* A socket pair, not a pipe: it carries "go" to the init and, once
	 * the init is ready, "ready" back. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->go) == -1) {
		nsl_error(errno, "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC)");
		return -1;
	}
	k->go = r->go[0];
	k->tty_slave = -1;
	if (r->c->tty)
		tty_size(&k->tty_size); /* all zero when we have no terminal */
	r->init = clone_init(r, k, flags);
	if (r->init == -1) {
		nsl_error(errno, "clone(%s%s%s|SIGCHLD)", user, names, net);
		return -1;
	}
	close(r->go[0]);
	r->go[0] = -1;
	if (r->born_in)
		say("clone3(%s%s%s|CLONE_INTO_CGROUP, cgroup %s) = %d: the container's init, "
		    "born in its cgroup", user, names, net, r->cg.v2.path, (int)r->init);
	else
		say("clone(%s%s%s|SIGCHLD) = %d: the container's init", user, names, net,
		    (int)r->init);
	ctr_phase("cloned");
	return 0;
}

/* "ready", and with -t the pty's master end that came with it, taken
 * into the relay. 0; -1 when the init closed the socket instead; -2
 * when the terminal failed (and said so): the command would run on a
 * pty nobody reads, so the container is stopped. */
static int take_ready(struct runtime *r)
{
	int master;

	if (!r->c->tty)
		return sync_wait(r->go[1]);
	if (tty_recv_fd(r->go[1], &master) == -1) {
		if (errno == EPIPE)
			return -1;
		nsl_error(errno, "%s", nsl_failed_call());
		return -2;
	}
	if (tty_relay_start(&r->tty, master) == -1) {
		nsl_error(errno, "%s", nsl_failed_call());
		return -2;
	}
	say_more("received the pty's master (SCM_RIGHTS): relaying stdin and stdout%s",
		 r->tty.raw ? "; stdin's terminal is raw until the container ends" : "");
	return 0;
}

/* The init says "ready" once the container is built and hardened: only
 * then does the record get its pid, and only then can exec join it.
 * Before, its mount namespace still has the host's / as its root, and
 * a command joined there would run on the host's files (found by
 * killing and pausing run at every phase: tests/reliability.bats).
 * Waits for "ready" or a signal, whichever comes first; returns 0 when
 * the socket had something (then it is done with), 1 for a signal. */
static int wait_ready(struct runtime *r)
{
	struct pollfd pfd[2] = {
		{ .fd = r->sfd, .events = POLLIN }, { .fd = r->go[1], .events = POLLIN },
	};
	int ready;

	if (poll(pfd, 2, -1) == -1 || !(pfd[1].revents & (POLLIN | POLLHUP)))
		return 1;
	ready = take_ready(r);
	if (ready == -2) {
		r->failed = 1;
		kill(r->init, SIGKILL);
	} else if (ready == 0) {
		ctr_phase("ready");
		r->rec.pid = r->init;
		if (state_update(r->lockfd, &r->rec) == -1)
			nsl_error(errno, "%s", nsl_failed_call());
		else
			say_more("the init is ready: state_update() notes its pid %d; "
				 "exec may join it now", (int)r->init);
	}
	close(r->go[1]); /* "ready" or end of file: the init is on its own now */
	r->go[1] = -1;
	return 0;
}

/* Read the signalfd until the init has exited: SIGCHLD says a child
 * changed state, any other signal is passed on to the init, which
 * passes it on to the command. With -t, the pty is relayed while no
 * signal is there to read (tty_relay_pump() polls the signalfd too, and
 * returns when it is readable), and SIGWINCH resizes it instead: the
 * kernel then signals the command's foreground process group itself.
 * Returns the init's status - the command's - or EXIT_RUNTIME. */
static int wait_init(struct runtime *r)
{
	struct signalfd_siginfo si;
	int wstatus;
	ssize_t n;
	pid_t w;

	for (;;) {
		w = waitpid(r->init, &wstatus, WNOHANG);
		if (w == r->init) {
			tty_relay_end(&r->tty); /* the output's last bytes */
			return r->failed ? EXIT_RUNTIME : proc_status(wstatus);
		}
		if (w == -1 && errno != EINTR) {
			nsl_error(errno, "waitpid(%d)", (int)r->init);
			return EXIT_RUNTIME;
		}
		if (r->go[1] != -1 && wait_ready(r) == 0)
			continue;
		if (r->tty.master != -1 && tty_relay_pump(&r->tty, r->sfd) == -1) {
			nsl_error(errno, "%s", nsl_failed_call());
			tty_relay_end(&r->tty);
		}
		n = read(r->sfd, &si, sizeof(si));
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si)) {
			nsl_error(n == -1 ? errno : EIO, "read(signalfd)");
			return EXIT_RUNTIME;
		}
		if ((int)si.ssi_signo == SIGCHLD)
			continue;
		if ((int)si.ssi_signo == SIGWINCH && r->tty.master != -1) {
			tty_relay_resize(&r->tty);
			continue;
		}
		if (kill(r->init, (int)si.ssi_signo) == 0)
			say("passed SIG%s on to the container's init %d",
			    sigabbrev_np((int)si.ssi_signo), (int)r->init);
	}
}

/* A failure after clone(): the init must not run on. */
static int stop_init(struct runtime *r)
{
	kill(r->init, SIGKILL);
	wait_init(r);
	return EXIT_RUNTIME;
}

/* Start the container, let it go, wait for it. */
static int run_container(struct runtime *r)
{
	struct ctr_child k = { .c = r->c, .record = &r->record, .veth = &r->net.v, .go = -1 };

	/* The record is named after our pid, which a later run can test for
	 * life: the init's pid would be 1. The init writes it (a copy of
	 * this struct), we undo it. */
	mnt_record_init(&r->record, r->c->rootfs, getpid());
	/* The cgroups before the clone, so that a limit we cannot have is
	 * refused before there is a container; the init placed in them while
	 * it waits for "go", before it runs anything. */
	if (run_cgroup_create(&r->cg, r->c) == -1)
		return EXIT_RUNTIME;
	ctr_phase("cgroup");
	/* The /30 before the clone too: the init gets it in its copy of
	 * our memory (k.veth), and needs it to set up eth0. */
	if (run_net_prepare(r->c, &r->net) == -1)
		return EXIT_RUNTIME;
	if (start_init(r, &k) == -1)
		return EXIT_RUNTIME;
	if (r->c->userns) {
		if (ctr_write_maps(r->c, r->init) == -1)
			return stop_init(r);
		ctr_phase("mapped");
	}
	if (run_cgroup_place(&r->cg, r->init, r->born_in) == -1)
		return stop_init(r);
	ctr_phase("placed");
	if (run_net_connect(r->c, &r->net, r->init) == -1)
		return stop_init(r);
	/* EPIPE: the init has died already; its status tells how. */
	if (sync_post(r->go[1]) == -1 && errno != EPIPE)
		nsl_error(errno, "write(the init's socket)");
	say_more("posted \"go\"; reading the signalfd until the init ends");
	return wait_init(r);
}

/* Whatever happened: the mount points the init made in the rootfs (by
 * the record it kept under our pid; none made, no record), then the
 * state record. */
static void clean_up(struct runtime *r)
{
	char name[sizeof(r->record.name)];
	int removed = 0;

	sync_close(r->go);
	tty_relay_end(&r->tty); /* stdin's terminal as it was, on every way out */
	snprintf(name, sizeof(name), MNT_RECORD_PREFIX "%d", (int)getpid());
	if (mnt_record_undo(r->c->rootfs, name, &removed) == -1) {
		if (errno != ENOENT)
			nsl_error(errno, "%s", nsl_failed_call());
	} else {
		say_more("removed %s/%s and the %d mount point%s it lists", r->c->rootfs, name,
			 removed, removed == 1 ? "" : "s");
	}
	/* Our hold first (state_release() says why): then state_remove(),
	 * in the last run out, removes the directory. */
	close(r->holdfd);
	if (r->lockfd != -1 && state_remove(r->c->name, r->lockfd) == -1)
		nsl_error(errno, "%s", nsl_failed_call());
	else if (r->lockfd != -1)
		say_more("state_remove(\"%s\"): the record is gone", r->c->name);
	close(r->sfd);
}

int ctr_run(struct ctr_config *c)
{
	struct runtime r = { .c = c, .lockfd = -1, .holdfd = -1, .sfd = -1, .go = { -1, -1 },
			     .net = { .nlfd = -1, .lockfd = -1 }, .tty = { .master = -1 } };
	int status;

	say("container %s: %s in %s, %s", c->name, c->cmd[0], c->rootfs,
	    !c->userns ? "as root" : c->host_uid != 0 ? "rootless" : "as root, --userns");
	/* A test hook (pause.c): a phase that does not exist would never
	 * pause, and the test would wait in vain. */
	if (ctr_pause_setup() == -1) {
		nsl_error(EINVAL, "NSLAB_PAUSE_AT=\"%s\"", ctr_pause_wanted());
		nsl_hint("the phases are: %s", ctr_pause_phases());
		return EXIT_RUNTIME;
	}
	if (block_signals(&r) == -1)
		return EXIT_RUNTIME;
	/* Where the record goes, before anything else needs it: rootless
	 * without XDG_RUNTIME_DIR, say so once, not at every use. */
	if (hold_and_sweep(&r) == -1) {
		close(r.sfd);
		return EXIT_RUNTIME;
	}
	if (claim_name(&r) == -1) {
		state_release(r.holdfd);
		close(r.sfd);
		return EXIT_RUNTIME;
	}
	ctr_phase("claimed");
	status = run_container(&r);
	ctr_phase("exited");
	/* An OOM kill told (137), what is left killed, the cgroups removed:
	 * after every way out of run_container(), failures included. */
	status = run_cgroup_end(&r.cg, status);
	/* The veth: the kernel removes it with the namespace; we watch. */
	run_net_end(&r.net);
	clean_up(&r);
	ctr_phase("cleaned");
	say("the container exited with status %d", status);
	return status;
}
