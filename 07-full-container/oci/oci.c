/* oci.c - the runtime spec's lifecycle, on run's init:
 *
 *   create   config.json read; ROOT/ID/ made, with an exec fifo; the
 *            init cloned into its namespaces as run clones it, its maps
 *            written, "go"; at "ready" (built and hardened) its pid goes
 *            to state.json and --pid-file, and we exit: the init lives
 *            on under our caller (a subreaper: conmon, containerd's
 *            shim), blocked on the exec fifo
 *   start    opens the fifo for reading: the init's open for writing
 *            returns, it forks the command and is its init, as in run
 *   state    the JSON the engines read: created while the fifo is there,
 *            running while the pid is the same process (its start time
 *            is recorded), stopped after
 *   kill     a signal to the init, which passes it on to the command
 *   delete   ROOT/ID/ removed; --force kills a live container first
 *
 * The state lives in ROOT/ID/ (--root; default /run/nslab-oci as root,
 * $XDG_RUNTIME_DIR/nslab-oci otherwise), apart from run's records.
 * create, start and delete change it one at a time: each holds an
 * flock(2) on ROOT/ID/ until it is done (state and kill only read).
 * Everything but state's JSON goes to stderr, and nothing at all to
 * stdout during create: the engines own the container's streams.
 *
 * Read: the runtime spec's runtime.md (the lifecycle, the operations),
 * pidfd_open(2), fifo(7).
 */
#define _GNU_SOURCE
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cgroup/cgroup.h"
#include "../cli.h"
#include "../container.h"
#include "../pause.h"
#include "fail.h"
#include "proc.h"
#include "seccomp_bpf.h"
#include "say.h"
#include "sync.h"
#include "../tty/tty.h"

/* nsl_fail(), then -1: said here, so that the analyzer sees it too. */
#define fail_with(...) ((void)nsl_fail(__VA_ARGS__), -1)

#define OCI_VERSION "1.0.2"
#define ID_MAX 128

struct oci_global {
	char root[PATH_MAX];
	int default_root;  /* no --root: removed by delete once empty */
	const char *log;
	int systemd;       /* --systemd-cgroup: cgroupsPath is slice:prefix:name */
	int no_cgroups;    /* --cgroup-manager disabled: none made */
};

/* What state.json keeps: all `state` needs, and the init's start time
 * (field 22 of /proc/PID/stat), so that a pid reused by another process
 * reads as stopped. */
struct oci_state {
	char id[ID_MAX + 1];
	char bundle[PATH_MAX];
	char created[40];
	pid_t pid;
	unsigned long long start;
	int userns;         /* 1: the container has its own user namespace */
	int nnp;            /* 1: its command has no_new_privs; exec's too */
	int devices;        /* 1: it has a devices cgroup (CAP_MKNOD kept) */
};

/* One error line, and with --log the same as a JSON line in that file,
 * as containerd's shim reads it ({"level":"error","msg":...}). */
static int failed(const struct oci_global *g, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int failed(const struct oci_global *g, int status, const char *fmt, ...)
{
	char msg[NSL_FAIL_MAX + 64];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": error: %s\n", msg);
	if (g->log != NULL && (f = fopen(g->log, "ae")) != NULL) {
		fputs("{\"level\":\"error\",\"msg\":", f);
		json_put_string(f, msg);
		fputs("}\n", f);
		fclose(f);
	}
	return status;
}

/* The last call that failed, with errno's text: "open(...): No such
 * file or directory". */
static int failed_call(const struct oci_global *g, int err)
{
	return failed(g, EXIT_RUNTIME, "%s: %s", nsl_failed_call(), strerror(err));
}

static int check_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > ID_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return -1;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
			       n ? 0 : -1;
}

/* Field 22 of /proc/PID/stat, the start time; and whether it is a
 * zombie: 0, or -1 when the process is gone. */
static int proc_start(pid_t pid, unsigned long long *start, int *zombie)
{
	char path[32], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold anything, ')' too */
	if (p == NULL || p[1] == '\0')
		return -1;
	*zombie = p[2] == 'Z' || p[2] == 'X';
	/* Field 3, the state, is right after ") "; from there, 19 more
	 * fields to the start time, field 22. */
	p += 2;
	for (int field = 3; field < 22 && p != NULL; field++) {
		p = strchr(p, ' ');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return -1;
	*start = strtoull(p, NULL, 10);
	return *start != 0 ? 0 : -1; /* 0: not the field we counted to */
}

static int container_dir(const struct oci_global *g, const char *id, char *buf, size_t len)
{
	if (check_id(id) == -1) {
		errno = EINVAL;
		return fail_with("container id \"%s\" (1 to %d of A-Z a-z 0-9 _ . -)", id, ID_MAX);
	}
	if (snprintf(buf, len, "%s/%s", g->root, id) >= (int)len) {
		errno = ENAMETOOLONG;
		return fail_with("--root \"%s\"", g->root);
	}
	return 0;
}

static int save_state(const char *dir, const struct oci_state *s)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 32];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/.state.json.tmp", dir);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	f = fopen(tmp, "we");
	if (f == NULL)
		return fail_with("open(\"%s\")", tmp);
	fputs("{\"id\":", f);
	json_put_string(f, s->id);
	fprintf(f, ",\"pid\":%d,\"start\":%llu,\"userns\":%s,\"nnp\":%s,\"devices\":%s,"
		"\"bundle\":", (int)s->pid, s->start, s->userns ? "true" : "false",
		s->nnp ? "true" : "false", s->devices ? "true" : "false");
	json_put_string(f, s->bundle);
	fputs(",\"created\":", f);
	json_put_string(f, s->created);
	fputs("}\n", f);
	if (fclose(f) != 0 || rename(tmp, path) == -1) {
		unlink(tmp);
		return fail_with("write(\"%s\")", path);
	}
	return 0;
}

/* The container's compiled filter, for exec: ROOT/ID/seccomp.bpf holds
 * seccomp(2)'s flags (4 bytes) and the program. Kept from create, as
 * runc keeps the config in its state: an exec'd command gets the filter
 * the container got, whatever the bundle says by then. */
static int save_filter(const char *dir, const struct harden_filter *f)
{
	char path[PATH_MAX + 32];
	uint32_t flags = f->flags;
	FILE *out;

	snprintf(path, sizeof(path), "%s/seccomp.bpf", dir);
	if ((out = fopen(path, "wxe")) == NULL)
		return fail_with("open(\"%s\")", path);
	if (fwrite(&flags, sizeof(flags), 1, out) != 1 ||
	    fwrite(f->insn, sizeof(*f->insn), f->len, out) != f->len) {
		fclose(out);
		return fail_with("write(\"%s\")", path);
	}
	return fclose(out) == 0 ? 0 : fail_with("write(\"%s\")", path);
}

/* Its counterpart: 0 with F filled (F->len 0: no seccomp.bpf, run's
 * filter), or -1. */
static int load_filter(const char *dir, struct harden_filter *f)
{
	char path[PATH_MAX + 32];
	uint32_t flags;
	FILE *in;
	long size;

	memset(f, 0, sizeof(*f));
	snprintf(path, sizeof(path), "%s/seccomp.bpf", dir);
	if ((in = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : fail_with("open(\"%s\")", path);
	if (fseek(in, 0, SEEK_END) == -1 || (size = ftell(in)) < (long)sizeof(flags) ||
	    (size_t)(size - (long)sizeof(flags)) % sizeof(*f->insn) != 0 ||
	    (size_t)(size - (long)sizeof(flags)) / sizeof(*f->insn) > OCI_BPF_MAX ||
	    fseek(in, 0, SEEK_SET) == -1) {
		fclose(in);
		errno = EINVAL;
		return fail_with("\"%s\": not a filter create wrote", path);
	}
	f->len = (size_t)(size - (long)sizeof(flags)) / sizeof(*f->insn);
	if ((f->insn = malloc(f->len * sizeof(*f->insn) + 1)) == NULL ||
	    fread(&flags, sizeof(flags), 1, in) != 1 ||
	    fread(f->insn, sizeof(*f->insn), f->len, in) != f->len) {
		fclose(in);
		free(f->insn);
		f->insn = NULL;
		f->len = 0;
		return fail_with("read(\"%s\")", path);
	}
	fclose(in);
	f->flags = flags;
	return 0;
}

/* ROOT/ID/state.json into S. -1 with errno ENOENT: no such container. */
static int load_state(const char *dir, struct oci_state *s)
{
	char path[PATH_MAX + 32], text[PATH_MAX * 2 + 512];
	struct json_doc doc;
	struct json_error err;
	long long pid;
	unsigned long long start;
	ssize_t n;
	int fd, ret = -1;

	snprintf(path, sizeof(path), "%s/state.json", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return fail_with("open(\"%s\")", path);
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		return fail_with("read(\"%s\")", path);
	if (json_parse(text, (size_t)n, &doc, &err) == 0 &&
	    json_int(json_get(doc.root, "pid"), 1, INT32_MAX, &pid) == 0 &&
	    json_uint(json_get(doc.root, "start"), ULLONG_MAX, &start) == 0 &&
	    json_string(json_get(doc.root, "id")) != NULL &&
	    json_string(json_get(doc.root, "bundle")) != NULL &&
	    json_string(json_get(doc.root, "created")) != NULL) {
		snprintf(s->id, sizeof(s->id), "%s", json_string(json_get(doc.root, "id")));
		snprintf(s->bundle, sizeof(s->bundle), "%s",
			 json_string(json_get(doc.root, "bundle")));
		snprintf(s->created, sizeof(s->created), "%s",
			 json_string(json_get(doc.root, "created")));
		s->pid = (pid_t)pid;
		s->start = start;
		s->userns = json_get(doc.root, "userns") != NULL &&
			    json_get(doc.root, "userns")->type == JSON_TRUE;
		/* Absent (an older record): on, the stricter. */
		s->nnp = json_get(doc.root, "nnp") == NULL ||
			 json_get(doc.root, "nnp")->type == JSON_TRUE;
		s->devices = json_get(doc.root, "devices") != NULL &&
			     json_get(doc.root, "devices")->type == JSON_TRUE;
		ret = 0;
	} else {
		errno = EINVAL;
		nsl_fail("reading \"%s\": not nslab's state", path);
	}
	json_free(&doc);
	return ret;
}

enum status { CREATED, RUNNING, STOPPED };
static const char *const status_name[] = { "created", "running", "stopped" };

static enum status status_of(const char *dir, const struct oci_state *s)
{
	char fifo[PATH_MAX + 32];
	unsigned long long start;
	int zombie;

	if (proc_start(s->pid, &start, &zombie) == -1 || zombie || start != s->start)
		return STOPPED;
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
	return access(fifo, F_OK) == 0 ? CREATED : RUNNING;
}

/* A pidfd of S's init, when it is still that process: opened first,
 * then the start time checked, so that the pid cannot go to another
 * process in between (the pidfd stays with the one it was opened on).
 * -1 when the init is gone or a zombie. */
static int open_live(const struct oci_state *s)
{
	unsigned long long start;
	int zombie, pfd = (int)syscall(SYS_pidfd_open, s->pid, 0);

	if (pfd == -1)
		return -1;
	if (proc_start(s->pid, &start, &zombie) == -1 || zombie || start != s->start) {
		close(pfd);
		return -1;
	}
	return pfd;
}

/* The container's lock, held from here to the end of the command
 * (oci_main lets go of it). A delete that comes while create is still
 * building waits for it, instead of taking the half-made directory for
 * one that a dead create left; a second start waits for the first, and
 * then finds the container running. The lock belongs to the open file,
 * which the init, a clone of create, shares until it closes every fd
 * it was given (ctr_init_main): create unlocks it, not only closes it.
 * The directory locked must still be the one at DIR: the command we
 * waited for may have removed it, and another create made it anew
 * (MADE: create's own, just made, and only that one will do).
 * 0, or -1 with errno (ENOENT: no such container). */
static int lock_fd = -1;

static int lock_container(const char *dir, int made)
{
	struct stat locked, now;
	int err;

	for (;;) {
		if ((lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			return -1;
		while (flock(lock_fd, LOCK_EX) == -1)
			if (errno != EINTR)
				goto fail;
		if (fstat(lock_fd, &locked) == -1 || stat(dir, &now) == -1)
			goto fail; /* ENOENT: removed while we waited */
		if (now.st_dev == locked.st_dev && now.st_ino == locked.st_ino)
			return 0;
		if (made) { /* create locks the one it made, or none */
			errno = EEXIST;
			goto fail;
		}
		close(lock_fd); /* made anew meanwhile: that one, then */
	}
fail:
	err = errno;
	close(lock_fd);
	lock_fd = -1;
	errno = err;
	return -1;
}

static void unlock_container(void)
{
	if (lock_fd == -1)
		return;
	flock(lock_fd, LOCK_UN);
	close(lock_fd);
	lock_fd = -1;
}

/* ID's directory and state, or a failure in the words containerd
 * looks for ("does not exist"); with LOCK, the container locked first. */
static int find(const struct oci_global *g, const char *id, char *dir, size_t len,
		struct oci_state *s, int *status, int lock)
{
	if (container_dir(g, id, dir, len) == -1) {
		*status = failed_call(g, errno);
		return -1;
	}
	if (lock && lock_container(dir, 0) == -1) {
		*status = errno == ENOENT ? failed(g, EXIT_RUNTIME, "container \"%s\" does not exist", id)
					  : failed(g, EXIT_RUNTIME, "flock(\"%s\", LOCK_EX): %s", dir,
						   strerror(errno));
		return -1;
	}
	if (load_state(dir, s) == -1) {
		*status = errno == ENOENT ? failed(g, EXIT_RUNTIME, "container \"%s\" does not exist", id)
					  : failed_call(g, errno);
		return -1;
	}
	return 0;
}

/* ROOT and its missing parents (containerd's shim gives
 * /run/containerd/runc/NAMESPACE), as runc makes them: 0711 on the way,
 * ROOT itself 0700. 0, or -1 with errno. */
static int mkdir_root(const char *root)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", root);
	for (char *p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0711) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) == -1 && errno != EEXIST ? -1 : 0;
}

/* DIR, a container's directory, and the default root with it once it is
 * empty (a failed create must not leave /run/nslab-oci behind either). */
static void remove_dir(const struct oci_global *g, const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/exec.fifo", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.state.json.tmp", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/seccomp.bpf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/cgroup", dir);
	unlink(path);
	rmdir(dir);
	if (g->default_root)
		rmdir(g->root); /* fails, and is left, while others are there */
}

int oci_write_pid_file(const char *path, pid_t pid)
{
	char tmp[PATH_MAX + 16];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.nslab-tmp", path);
	f = fopen(tmp, "we");
	if (f == NULL)
		return fail_with("open(\"%s\")", tmp);
	fprintf(f, "%d", (int)pid);
	if (fclose(f) != 0 || rename(tmp, path) == -1) {
		unlink(tmp);
		return fail_with("write(\"%s\") (--pid-file)", path);
	}
	return 0;
}

/* The engine's --console-socket CONSOLE, connected: the socket, or -1
 * after the report. */
static int console_connect(const char *console)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int sock;

	if (console == NULL || strlen(console) >= sizeof(sun.sun_path)) {
		nsl_error(ENAMETOOLONG, "--console-socket \"%s\"", console ? console : "");
		return -1;
	}
	memcpy(sun.sun_path, console, strlen(console) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock == -1 || connect(sock, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		nsl_error(errno, "connect(\"%s\") (--console-socket)", console);
		if (sock != -1)
			close(sock);
		return -1;
	}
	return sock;
}

/* process.terminal: the pty's master, which came with "ready", to the
 * engine's --console-socket CONSOLE (one byte and the fd, SCM_RIGHTS, as
 * runc sends it); the engine relays it from then on. 0, or -1 after the
 * report. */
static int hand_console(int go, const char *console)
{
	int master, sock, ret = -1;

	if (tty_recv_fd(go, &master) == -1) {
		if (errno != EPIPE) /* EPIPE: the init failed, and said why */
			nsl_error(errno, "%s", nsl_failed_call());
		return -1;
	}
	sock = console_connect(console);
	if (sock != -1 && tty_send_fd(sock, master) == -1)
		nsl_error(errno, "%s (--console-socket)", nsl_failed_call());
	else if (sock != -1)
		ret = 0;
	if (sock != -1)
		close(sock);
	close(master);
	if (ret == 0)
		say("the pty's master went to %s: the engine relays it", console);
	return ret;
}

/* setns() into the namespace of type TYPE (NAME in config.json) at
 * PATH: 0, or -1 after the report. */
static int enter(const char *path, int type, const char *name)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		nsl_error(errno, "open(\"%s\") (linux.namespaces: %s)", path, name);
		return -1;
	}
	if (setns(fd, type) == -1) {
		nsl_error(errno, "setns(\"%s\", CLONE_NEW%s)", path,
			  type == CLONE_NEWPID ? "PID" : "USER");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* linux.namespaces' pid path: setns() here, so that the init is born in
 * that PID namespace (/proc/self/ns/pid_for_children); this process
 * stays where it is. *OWN: our own PID namespace, opened first, for
 * back_home() once the init is born (-1: no path). 0, or -1 after the
 * report. */
static int join_pid_path(const struct ctr_config *c, int *own)
{
	const char *path = c->ns_path[join_type_index("pid")];

	*own = -1;
	if (path == NULL)
		return 0;
	if ((*own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)) == -1) {
		nsl_error(errno, "open(\"/proc/self/ns/pid\")");
		return -1;
	}
	if (enter(path, CLONE_NEWPID, "pid") == -1) {
		close(*own);
		*own = -1;
		return -1;
	}
	say("setns(\"%s\", CLONE_NEWPID): the init is born in that PID namespace", path);
	return 0;
}

/* Our children are born in our own PID namespace again (a sanitizer's
 * helper at exit, LeakSanitizer's, is one: born elsewhere it waits for
 * us forever). */
static void back_home(int own)
{
	if (own == -1)
		return;
	if (setns(own, CLONE_NEWPID) == -1)
		nsl_error(errno, "setns(our own PID namespace, CLONE_NEWPID)");
	close(own);
}

/* linux.namespaces' user path, PATH: a child of ours joins that user
 * namespace, posts on UP and waits for our end of HOLD to close, so
 * that we can read its maps: what /proc/PID/uid_map says depends on who
 * reads it, and from here it is the host's ids. Its pid, or -1 after
 * the report. */
static pid_t join_userns(const char *path, int up[2], int hold[2])
{
	pid_t pid;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		nsl_error(errno, "open(\"%s\") (linux.namespaces: user)", path);
		return -1;
	}
	fflush(stderr);
	if ((pid = fork()) == -1) {
		nsl_error(errno, "fork()");
		close(fd);
		return -1;
	}
	if (pid == 0) {
		close(up[0]);
		close(hold[1]); /* or our end of file would never come */
		/* Host root in someone else's user namespace: not to be
		 * traced or looked into from there (as exec's joiner). */
		if (prctl(PR_SET_DUMPABLE, 0) == -1) {
			nsl_error(errno, "prctl(PR_SET_DUMPABLE, 0)");
			_exit(EXIT_RUNTIME);
		}
		if (setns(fd, CLONE_NEWUSER) == -1) {
			nsl_error(errno, "setns(\"%s\", CLONE_NEWUSER)", path);
			_exit(EXIT_RUNTIME);
		}
		sync_post(up[1]);
		sync_wait(hold[0]); /* EPIPE: our end of file, as meant */
		_exit(EXIT_OK);
	}
	close(fd);
	return pid;
}

/* The host's ids of 0 inside the user namespace at PATH, for the exec
 * fifo's owner: 0, or -1 after the report. */
static int joined_root_ids(const char *path, uint32_t *uid, uint32_t *gid)
{
	static struct userns_map m; /* 4 KiB: not on the stack */
	int up[2] = { -1, -1 }, hold[2] = { -1, -1 }, ret = -1;
	pid_t pid = -1;

	if (sync_open(up) == -1 || sync_open(hold) == -1) {
		nsl_error(errno, "pipe2(O_CLOEXEC)");
		goto out;
	}
	if ((pid = join_userns(path, up, hold)) == -1)
		goto out;
	close(up[1]);
	up[1] = -1;
	if (sync_wait(up[0]) == -1)
		goto out; /* it said why */
	for (int i = 0; i < 2; i++) {
		const char *file = i == 0 ? "uid_map" : "gid_map";

		if (userns_read_map(pid, file, &m) == -1) {
			nsl_error(errno, "open(\"/proc/%d/%s\") (the user namespace \"%s\")",
				  (int)pid, file, path);
			goto out;
		}
		if (userns_to_outside(&m, 0, i == 0 ? uid : gid) == -1) {
			nsl_error(ENOENT, "0 in /proc/%d/%s (the user namespace \"%s\")", (int)pid,
				  file, path);
			nsl_hint("the init builds the container as root there: 0 inside must be "
				 "mapped");
			goto out;
		}
	}
	ret = 0;
out:
	sync_close(hold); /* the child goes */
	sync_close(up);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return ret;
}

/* The init, cloned from inside the user namespace at PATH (CLONE_PARENT:
 * our child still), so that the namespaces it is born in belong to
 * that user namespace, as they would to one made with it. */
struct in_userns {
	const char *path;
	const char *pid_path; /* linux.namespaces' pid path, or NULL */
	struct ctr_child *k;
	int flags;
	int pidp; /* the init's pid, to us */
};

static int clone_from_userns(void *arg)
{
	const struct in_userns *u = arg;
	pid_t pid;

	/* Not to be traced from the namespace it joins (as exec's joiner);
	 * the init inherits it. The PID namespace first, while we are still
	 * in the host's user namespace, whose root may join any: joined
	 * after the user namespace, it would have to be one that namespace
	 * owns. setns(CLONE_NEWPID) moves only the children we make (our
	 * own pid, and the one clone() gives back, stay the host's). */
	if (prctl(PR_SET_DUMPABLE, 0) == -1) {
		nsl_error(errno, "prctl(PR_SET_DUMPABLE, 0)");
		return EXIT_RUNTIME;
	}
	if ((u->pid_path != NULL && enter(u->pid_path, CLONE_NEWPID, "pid") == -1) ||
	    enter(u->path, CLONE_NEWUSER, "user") == -1)
		return EXIT_RUNTIME;
	if ((pid = proc_clone(ctr_init_main, u->k, u->flags | CLONE_PARENT)) == -1) {
		nsl_error(errno, "clone(CLONE_PARENT|%#x) in the user namespace \"%s\"",
			  (unsigned)u->flags, u->path);
		return EXIT_RUNTIME;
	}
	say("setns(\"%s\", CLONE_NEWUSER), then clone(CLONE_PARENT) = %d: the init is ours, "
	    "and its new namespaces belong to that user namespace", u->path, (int)pid);
	return write(u->pidp, &pid, sizeof(pid)) == (ssize_t)sizeof(pid) ? EXIT_OK : EXIT_RUNTIME;
}

static pid_t clone_init(const struct oci_config *o, struct ctr_child *k, int flags)
{
	struct in_userns u = { .path = o->userns_path, .k = k, .flags = flags,
			       .pid_path = o->c.ns_path[join_type_index("pid")] };
	int pidp[2];
	pid_t helper, pid = -1;

	if (o->userns_path == NULL)
		return proc_clone(ctr_init_main, k, flags);
	if (sync_open(pidp) == -1)
		return -1;
	u.pidp = pidp[1];
	helper = proc_clone(clone_from_userns, &u, 0);
	close(pidp[1]);
	if (helper != -1) {
		if (read(pidp[0], &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
			pid = -1;
		waitpid(helper, NULL, 0);
		if (pid == -1)
			errno = ECHILD; /* the helper said why */
	}
	close(pidp[0]);
	return pid;
}

/* The maps of the init PID's new user namespace: run's, or the
 * config's, written by us, or, rootless and wider than our own id, by
 * newuidmap and newgidmap (05's piece), which check them against
 * /etc/subuid and /etc/subgid. 0, or -1 after the report. */
static int write_maps(const struct oci_config *o, pid_t pid)
{
	const char *failed = "newuidmap";

	if (!o->helper_maps)
		return ctr_write_maps(&o->c, pid);
	if (userns_map_with_helpers(pid, &o->uids, &o->gids, &failed) == -1) {
		nsl_error(errno, "%s %d (linux.uidMappings and gidMappings)", failed, (int)pid);
		nsl_hint("without root, newuidmap and newgidmap map your own id and the ranges "
			 "/etc/subuid and /etc/subgid give you, nothing else");
		return -1;
	}
	say("linux.uidMappings and gidMappings written by newuidmap and newgidmap: wider than "
	    "our own id, as /etc/subuid and /etc/subgid allow");
	return 0;
}

/* Clone the init as run does, maps and all, put it in CG (NULL: none)
 * before its "go", and wait for its "ready" (with the pty's master, for
 * CONSOLE, when the config asks for a terminal). The init's pid, or -1
 * after the report (the init reaped). */
static pid_t start_init(const struct oci_config *o, struct ctr_child *k, const char *console,
			const struct cgroup *cg, int *last)
{
	int flags = CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS;
	int go[2], own, placed;
	pid_t pid;

	if (o->c.net != CTR_NET_HOST)
		flags |= CLONE_NEWNET;
	if (o->c.userns && o->userns_path == NULL)
		flags |= CLONE_NEWUSER;
	/* Namespaces joined by path are not made: the init joins them
	 * (container.c), but for the PID namespace, which only a child can
	 * be born into: joined here, it is where the init is born. */
	for (int i = 0; i < JOIN_NTYPES; i++)
		if (o->c.ns_path[i] != NULL)
			flags &= ~join_types[i].flag;
	/* With a user namespace's path, the helper that joins it joins the
	 * PID namespace too (clone_init()). */
	own = -1;
	if (o->userns_path == NULL && join_pid_path(&o->c, &own) == -1)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) == -1) {
		nsl_error(errno, "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC)");
		back_home(own);
		return -1;
	}
	k->go = go[0];
	pid = clone_init(o, k, flags);
	back_home(own);
	close(go[0]);
	if (pid == -1) {
		nsl_error(errno, "clone(%#x)", (unsigned)flags);
		close(go[1]);
		return -1;
	}
	say("clone() = %d: the container's init", (int)pid);
	placed = cg == NULL || cgroup_place(cg, pid, 0) == 0;
	if (!placed)
		nsl_error(errno, "%s", nsl_failed_call());
	else if (cg != NULL)
		say("placed the init %d in its cgroups (cgroup.procs) before \"go\"", (int)pid);
	if (!placed || (o->c.userns && o->userns_path == NULL && write_maps(o, pid) == -1) ||
	    oci_set_oom(&o->c, pid) == -1 || sync_post(go[1]) == -1 ||
	    (o->terminal ? hand_console(go[1], console) : sync_wait(go[1])) == -1) {
		/* The init said why, on the same stderr, or we did. */
		close(go[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	*last = go[1]; /* the last byte, once the state is written */
	return pid;
}

static int cmd_create(const struct oci_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "no-pivot", no_argument, NULL, 'n' },
		{ "no-new-keyring", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".", *pid_file = NULL, *console = NULL;
	char dir[PATH_MAX], fifo[PATH_MAX + 32];
	struct oci_state s = { 0 };
	struct oci_config o;
	struct ctr_child k = { .go = -1, .tty_slave = -1 };
	static struct cgroup cg; /* large */
	int opt, zombie, saved, last = -1, have_cg = 0;

	while ((opt = getopt_long(argc, argv, "+:b:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b': bundle = optarg; break;
		case 'p': pid_file = optarg; break;
		case 'c': console = optarg; break;
		case 'f':
			if (strcmp(optarg, "0") != 0)
				return failed(g, EXIT_USAGE, "--preserve-fds %s: not supported yet",
					      optarg);
			break;
		case 'n': case 'k': break; /* pivot_root always; no keyring made */
		default: return cli_bad_option(opt, argv);
		}
	}
	if (argc - optind != 1)
		return usage_error(PROG, "create needs one container id");
	if (ctr_pause_setup() == -1) /* run's test hook, here too */
		return failed(g, EXIT_RUNTIME, "NSLAB_PAUSE_AT=%s: no such phase (%s)",
			      ctr_pause_wanted(), ctr_pause_phases());
	if (container_dir(g, argv[optind], dir, sizeof(dir)) == -1)
		return failed_call(g, errno);
	if (oci_config_load(bundle, &o) == -1) {
		int err = errno;

		oci_config_free(&o);
		return failed_call(g, err);
	}
	if (o.terminal != (console != NULL)) {
		oci_config_free(&o);
		return failed(g, EXIT_RUNTIME, o.terminal ?
			      "process.terminal is true: the pty's master needs a --console-socket" :
			      "--console-socket, but process.terminal is not true: no pty to send");
	}
	for (size_t i = 0; i < o.nskipped; i++)
		say("mounts: %s is not mounted (%s)", o.skipped[i],
		    o.c.userns || o.c.in_userns ? "cgroup v1 in a user namespace: no v1 hierarchy "
		    "may be mounted there" : "only a cgroup mount is made there");
	if (o.ambient_dropped)
		say("process.capabilities.ambient: only what is permitted and inheritable is "
		    "raised, as the kernel allows");
	if (o.filter.unknown > 0)
		say("linux.seccomp: %zu names this build's headers do not know, skipped (calls "
		    "of other architectures, or newer than the headers)", o.filter.unknown);
	snprintf(o.c.name, sizeof(o.c.name), "%.64s", argv[optind]);
	if (mkdir_root(g->root) == -1) {
		int err = errno;

		oci_config_free(&o);
		return failed(g, EXIT_RUNTIME, "mkdir(\"%s\") (--root): %s", g->root, strerror(err));
	}
	if (mkdir(dir, 0700) == -1) {
		int err = errno;

		oci_config_free(&o);
		if (err == EEXIST)
			return failed(g, EXIT_RUNTIME, "container \"%s\" exists already in %s",
				      argv[optind], g->root);
		return failed(g, EXIT_RUNTIME, "mkdir(\"%s\"): %s", dir, strerror(err));
	}
	if (lock_container(dir, 1) == -1) {
		int err = errno;

		if (err != EEXIST)
			rmdir(dir);
		oci_config_free(&o);
		return failed(g, EXIT_RUNTIME, "flock(\"%s\", LOCK_EX): %s", dir, strerror(err));
	}
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
	if (o.userns_path != NULL && joined_root_ids(o.userns_path, &o.root_uid, &o.root_gid) == -1) {
		remove_dir(g, dir);
		oci_config_free(&o);
		return failed(g, EXIT_RUNTIME, "create \"%s\": the user namespace to join",
			      argv[optind]);
	}
	/* As root with a user namespace, the init is 0 inside's uid outside
	 * (100000 with run's map): the fifo is its to open. */
	if (mkfifo(fifo, 0600) == -1 ||
	    (o.c.userns && getuid() == 0 && chown(fifo, o.root_uid, o.root_gid) == -1)) {
		int err = errno;

		remove_dir(g, dir);
		oci_config_free(&o);
		return failed(g, EXIT_RUNTIME, "mkfifo(\"%s\"): %s", fifo, strerror(err));
	}
	if (g->no_cgroups)
		say("--cgroup-manager disabled: no cgroups are made, and linux.resources' limits are "
		    "not applied");
	/* Recorded at once: a create killed from here on leaves them to
	 * delete, which finds them in DIR/cgroup. */
	if ((!g->no_cgroups &&
	     oci_cgroup_create(&o, argv[optind], g->systemd, &cg, &have_cg, &s.devices) == -1) ||
	    (have_cg && oci_cgroup_save(dir, &cg) == -1) ||
	    oci_cgroup_view(&o, &cg, have_cg) == -1) {
		if (have_cg) {
			nsl_error(errno, "%s", nsl_failed_call());
			cgroup_destroy(&cg);
		}
		remove_dir(g, dir);
		oci_config_free(&o);
		return failed(g, EXIT_RUNTIME, "create \"%s\": its cgroups could not be made",
			      argv[optind]);
	}
	if (!s.devices)
		oci_drop_mknod(&o);
	if (o.mknod_dropped)
		say("process.capabilities: CAP_MKNOD left out: as root with no user namespace and "
		    "no devices cgroup, nothing would stop the device nodes it makes");
	k.c = &o.c;
	k.exec_fifo = fifo;
	k.tty_size = (struct winsize){ .ws_row = o.rows, .ws_col = o.cols };
	s.pid = start_init(&o, &k, console, have_cg ? &cg : NULL, &last);
	if (s.pid == -1) {
		if (have_cg)
			cgroup_destroy(&cg);
		remove_dir(g, dir);
		oci_config_free(&o);
		return failed(g, EXIT_RUNTIME, "create \"%s\": the container could not be built",
			      argv[optind]);
	}
	ctr_phase("ready");
	snprintf(s.id, sizeof(s.id), "%s", argv[optind]);
	snprintf(s.bundle, sizeof(s.bundle), "%s", o.bundle);
	s.userns = o.c.userns;
	s.nnp = !o.c.nnp_off;
	saved = o.c.seccomp == NULL || save_filter(dir, &o.filter) == 0;
	oci_config_free(&o);
	strftime(s.created, sizeof(s.created), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime_r(&(time_t){ time(NULL) }, &(struct tm){ 0 }));
	zombie = 1;
	if (proc_start(s.pid, &s.start, &zombie) == -1 || zombie) {
		errno = ESRCH;
		nsl_fail("reading /proc/%d/stat (the init's start time)", (int)s.pid);
	}
	/* The last byte, once the state is there for the others to find:
	 * after it, the init waits for `start` on its own. */
	if (!saved || zombie || save_state(dir, &s) == -1 ||
	    (pid_file != NULL && oci_write_pid_file(pid_file, s.pid) == -1) || sync_post(last) == -1) {
		int err = errno;

		close(last);
		kill(s.pid, SIGKILL);
		waitpid(s.pid, NULL, 0);
		if (have_cg)
			cgroup_destroy(&cg);
		remove_dir(g, dir);
		return failed_call(g, err);
	}
	close(last);
	say("created \"%s\": the init %d waits for `start`", s.id, (int)s.pid);
	return EXIT_OK;
}

static int cmd_start(const struct oci_global *g, const char *id)
{
	char dir[PATH_MAX], fifo[PATH_MAX + 32], byte;
	struct oci_state s;
	struct pollfd p[2];
	enum status st;
	int status, fd;

	if (find(g, id, dir, sizeof(dir), &s, &status, 1) == -1)
		return status;
	if ((st = status_of(dir, &s)) != CREATED)
		return failed(g, EXIT_RUNTIME, "container \"%s\" is %s, not created: it can start "
			      "once", id, status_name[st]);
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
	/* Non-blocking, so that an init that died cannot hold us: its
	 * pidfd says so. */
	p[1] = (struct pollfd){ .fd = open_live(&s), .events = POLLIN };
	if (p[1].fd == -1)
		return failed(g, EXIT_RUNTIME, "container \"%s\" is not running: its init is gone",
			      id);
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		int err = errno;

		close(p[1].fd);
		return failed(g, EXIT_RUNTIME, "open(\"%s\", O_RDONLY|O_NONBLOCK): %s", fifo,
			      strerror(err));
	}
	p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (poll(p, 2, -1) == -1 && errno == EINTR)
		;
	status = p[0].revents & POLLIN && read(fd, &byte, 1) == 1;
	close(fd);
	close(p[1].fd);
	if (!status)
		return failed(g, EXIT_RUNTIME, "container \"%s\" is not running: its init ended "
			      "before `start`", id);
	unlink(fifo);
	say("started \"%s\": the init %d runs the command", id, (int)s.pid);
	return EXIT_OK;
}

/* exec --process FILE ID: oci_exec() (oci_exec.c) runs it, once the
 * options and the container are checked. */
static int cmd_exec(const struct oci_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "detach", no_argument, NULL, 'd' },
		{ "tty", no_argument, NULL, 't' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static struct oci_exec_args a = { .console = -1 }; /* large; one exec per process */
	static struct cgroup cg;
	const char *console = NULL, *process = NULL;
	char dir[PATH_MAX];
	struct oci_state s;
	int opt, tty = 0, status, found;

	while ((opt = getopt_long(argc, argv, "+:p:dt", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': process = optarg; break;
		case 'P': a.pid_file = optarg; break;
		case 'c': console = optarg; break;
		case 'd': a.detach = 1; break;
		case 't': tty = 1; break;
		case 'f':
			if (strcmp(optarg, "0") != 0)
				return failed(g, EXIT_USAGE, "--preserve-fds %s: not supported yet",
					      optarg);
			break;
		default: return cli_bad_option(opt, argv);
		}
	}
	if (argc - optind != 1 || process == NULL)
		return usage_error(PROG, "exec needs --process FILE and one container id (a "
				   "command after the id is not supported: write it in FILE)");
	a.id = argv[optind];
	if (tty && console == NULL)
		return failed(g, EXIT_USAGE, "--tty: the pty's master needs a --console-socket");
	if (find(g, a.id, dir, sizeof(dir), &s, &status, 0) == -1)
		return status;
	if (status_of(dir, &s) == STOPPED)
		return failed(g, EXIT_RUNTIME, "container \"%s\" is not running: nothing to exec "
			      "into", a.id);
	a.init = s.pid;
	if (oci_process_load(process, s.userns, &a.o) == -1) {
		int err = errno;

		oci_config_free(&a.o);
		return failed_call(g, err);
	}
	if (a.o.terminal != (console != NULL)) {
		oci_config_free(&a.o);
		return failed(g, EXIT_RUNTIME, a.o.terminal ?
			      "process.terminal is true: the pty's master needs a --console-socket" :
			      "--console-socket, but process.terminal is not true: no pty to send");
	}
	if (load_filter(dir, &a.o.filter) == -1) {
		int err = errno;

		oci_config_free(&a.o);
		return failed_call(g, err);
	}
	if (a.o.filter.len > 0)
		a.o.c.seccomp = &a.o.filter;
	if (oci_cgroup_load(dir, &cg, &found) == -1) {
		int err = errno;

		oci_config_free(&a.o);
		return failed_call(g, err);
	}
	a.cg = found > 0 ? &cg : NULL;
	/* no_new_privs as process.json says, or as the container has it:
	 * an exec never takes it away from a container that has it. */
	if (s.nnp)
		a.o.c.nnp_off = 0;
	if (!s.devices)
		oci_drop_mknod(&a.o);
	if (a.o.mknod_dropped)
		say("process.capabilities: CAP_MKNOD left out, as create left it out");
	if (a.o.ambient_dropped)
		say("process.capabilities.ambient: only what is permitted and inheritable is "
		    "raised, as the kernel allows");
	if (console != NULL && (a.console = console_connect(console)) == -1) {
		oci_config_free(&a.o);
		return failed(g, EXIT_RUNTIME, "exec \"%s\": the console socket", a.id);
	}
	status = oci_exec(&a);
	if (a.console != -1)
		close(a.console);
	oci_config_free(&a.o);
	/* Detached, anything but 0 is ours, said on stderr: --log too,
	 * with the command's own reason (with --tty it said it on a pty
	 * that nobody reads yet). */
	if (a.detach && status != EXIT_OK)
		return failed(g, status, "exec \"%s\": the process could not be started%s%s", a.id,
			      a.why[0] != '\0' ? ": " : "", a.why);
	return status;
}

static int cmd_state(const struct oci_global *g, const char *id)
{
	char dir[PATH_MAX];
	struct oci_state s;
	enum status st;
	int status;

	if (find(g, id, dir, sizeof(dir), &s, &status, 0) == -1)
		return status;
	st = status_of(dir, &s);
	printf("{\"ociVersion\":\"" OCI_VERSION "\",\"id\":");
	json_put_string(stdout, s.id);
	printf(",\"status\":\"%s\",\"pid\":%d,\"bundle\":", status_name[st],
	       st == STOPPED ? 0 : (int)s.pid);
	json_put_string(stdout, s.bundle);
	printf(",\"created\":");
	json_put_string(stdout, s.created);
	printf("}\n");
	return fflush(stdout) == 0 ? EXIT_OK : failed(g, EXIT_RUNTIME, "write(stdout): %s",
							 strerror(errno));
}

/* "15", "TERM", "SIGTERM": the number, or -1. */
static int signal_number(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	n = strtol(name, &end, 10);
	if (*name != '\0' && *end == '\0')
		return n > 0 && n < NSIG ? (int)n : -1;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev != NULL && strcmp(abbrev, name) == 0)
			return sig;
	}
	return -1;
}

/* Whether SIG can reach the command: the init passes on the signals
 * run's runtime does (CTR_FORWARDED), and a PID namespace's init gets
 * no other signal from outside but SIGKILL and SIGSTOP (and SIGCONT,
 * which resumes whatever the init does with it). */
static int reaches(int sig)
{
	static const int forwarded[] = CTR_FORWARDED;

	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (forwarded[i] == sig)
			return 1;
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGCONT;
}

static int cmd_kill(const struct oci_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[PATH_MAX];
	struct oci_state s;
	int opt, sig = SIGTERM, status, pfd;

	while ((opt = getopt_long(argc, argv, "+:a", longopts, NULL)) != -1) {
		if (opt != 'a') /* --all: the init's PID namespace is the container */
			return cli_bad_option(opt, argv);
	}
	if (argc - optind < 1 || argc - optind > 2)
		return usage_error(PROG, "kill needs a container id, and may take a signal");
	if (argc - optind == 2 && (sig = signal_number(argv[optind + 1])) == -1)
		return usage_error(PROG, "kill: \"%s\" is not a signal", argv[optind + 1]);
	if (!reaches(sig))
		return usage_error(PROG, "kill: SIG%s would not reach the command: the init passes "
				   "on INT, TERM, HUP, QUIT, USR1, USR2 and WINCH; KILL, STOP and "
				   "CONT act on it", sigabbrev_np(sig));
	if (find(g, argv[optind], dir, sizeof(dir), &s, &status, 0) == -1)
		return status;
	pfd = open_live(&s);
	if (pfd == -1)
		return failed(g, EXIT_RUNTIME, "container \"%s\" is not running", argv[optind]);
	/* Created, the init has no command to pass a signal on to, and
	 * keeps the ones it passes on blocked until it has: one that would
	 * end the command ends the container now, as SIGKILL. */
	if (status_of(dir, &s) == CREATED && sig != SIGWINCH && sig != SIGSTOP && sig != SIGCONT) {
		say("SIG%s to a created container, with no command yet: SIGKILL to its init",
		    sigabbrev_np(sig));
		sig = SIGKILL;
	}
	if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) == -1) {
		int err = errno;

		close(pfd);
		return failed(g, EXIT_RUNTIME, "pidfd_send_signal(init %d, SIG%s): %s", (int)s.pid,
			      sigabbrev_np(sig), strerror(err));
	}
	close(pfd);
	say("SIG%s to the init %d, which passes it on to the command", sigabbrev_np(sig),
	    (int)s.pid);
	return EXIT_OK;
}

static int cmd_delete(const struct oci_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[PATH_MAX], path[PATH_MAX + 32];
	static struct cgroup cg; /* large */
	struct oci_state s;
	enum status st;
	int opt, force = 0, pfd, found;

	while ((opt = getopt_long(argc, argv, "+:f", longopts, NULL)) != -1) {
		if (opt != 'f')
			return cli_bad_option(opt, argv);
		force = 1;
	}
	if (argc - optind != 1)
		return usage_error(PROG, "delete needs one container id");
	if (container_dir(g, argv[optind], dir, sizeof(dir)) == -1)
		return failed_call(g, errno);
	/* --force ends the init first, before the lock: a start that waits
	 * for a stuck init holds the lock, and delete would wait behind it. */
	if (force && load_state(dir, &s) == 0 && (pfd = open_live(&s)) != -1) {
		syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
		close(pfd);
	}
	if (lock_container(dir, 0) == -1)
		return errno == ENOENT ? failed(g, EXIT_RUNTIME, "container \"%s\" does not exist",
						argv[optind])
				       : failed(g, EXIT_RUNTIME, "flock(\"%s\", LOCK_EX): %s", dir,
						strerror(errno));
	if (load_state(dir, &s) == -1) {
		int err = errno;

		/* A directory with no state: a create that died before it
		 * wrote it, whose init died with it (container.c). */
		snprintf(path, sizeof(path), "%s/exec.fifo", dir);
		if (err == ENOENT && access(path, F_OK) == 0) {
			if (oci_cgroup_load(dir, &cg, &found) == 0 && found > 0)
				cgroup_destroy(&cg);
			remove_dir(g, dir);
			say("removed what a failed create left of \"%s\"", argv[optind]);
			return EXIT_OK;
		}
		return err == ENOENT ? failed(g, EXIT_RUNTIME, "container \"%s\" does not exist",
					      argv[optind]) : failed_call(g, err);
	}
	if ((st = status_of(dir, &s)) != STOPPED) {
		if (!force)
			return failed(g, EXIT_RUNTIME, "container \"%s\" is %s: stop it first, or "
				      "delete --force", argv[optind], status_name[st]);
		/* SIGKILL to the init ends its whole PID namespace; its
		 * pidfd turns readable once it has exited. */
		pfd = open_live(&s);
		if (pfd != -1 && syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) == 0)
			poll(&(struct pollfd){ .fd = pfd, .events = POLLIN }, 1, -1);
		if (pfd != -1)
			close(pfd);
	}
	/* What is left in its cgroups (a process that was put there, or
	 * that outlived a joined PID namespace's init) killed, and they go:
	 * the state stays until they are gone, for delete to try again. */
	if (oci_cgroup_load(dir, &cg, &found) == -1 || (found > 0 && cgroup_destroy(&cg) == -1)) {
		struct nsl_failure first;

		nsl_fail_save(&first); /* the call that failed, and errno */
		return failed(g, EXIT_RUNTIME, "delete \"%s\": its cgroups: %s: %s", argv[optind],
			      first.call, strerror(first.err));
	}
	if (found > 0)
		say("the container's cgroups are emptied and removed");
	remove_dir(g, dir);
	say("deleted \"%s\"", argv[optind]);
	return EXIT_OK;
}

static const char *const commands[] = { "create", "start", "state", "kill", "delete" };

int oci_is_command(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i]) == 0)
			return 1;
	/* exec is run's too: it is ours when an option before the container
	 * is not one of run's exec (-u/--user UID, -q/--quiet, --verbose,
	 * --help): the engines' always has --process, often after --pid-file
	 * P or --console-socket S. */
	for (int i = 2; strcmp(argv[1], "exec") == 0 && i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-u") == 0 || strcmp(argv[i], "--user") == 0)
			i++; /* its UID */
		else if (strncmp(argv[i], "-u", 2) != 0 && strncmp(argv[i], "--user=", 7) != 0 &&
			 strcmp(argv[i], "-q") != 0 && strcmp(argv[i], "--quiet") != 0 &&
			 strcmp(argv[i], "--verbose") != 0 && strcmp(argv[i], "--help") != 0)
			return 1;
	}
	return strncmp(argv[1], "--root", 6) == 0 || strncmp(argv[1], "--log", 5) == 0 ||
	       strcmp(argv[1], "--systemd-cgroup") == 0 || strcmp(argv[1], "--debug") == 0 ||
	       strncmp(argv[1], "--cgroup-manager", 16) == 0 ||
	       strcmp(argv[1], "--version") == 0;
}

static int default_root(struct oci_global *g)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	/* Root of a user namespace of someone's (rootless podman's) is a
	 * user outside, who may not write /run: its XDG_RUNTIME_DIR, as for
	 * a user, as crun does. */
	if (getuid() == 0 && oci_in_host_userns()) {
		snprintf(g->root, sizeof(g->root), "/run/nslab-oci");
		return 0;
	}
	if (xdg == NULL || xdg[0] != '/')
		return -1;
	snprintf(g->root, sizeof(g->root), "%s/nslab-oci", xdg);
	return 0;
}

static int run_command(const struct oci_global *g, const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "create") == 0)
		return cmd_create(g, argc, argv);
	if (strcmp(cmd, "kill") == 0)
		return cmd_kill(g, argc, argv);
	if (strcmp(cmd, "delete") == 0)
		return cmd_delete(g, argc, argv);
	if (strcmp(cmd, "exec") == 0)
		return cmd_exec(g, argc, argv);
	if ((strcmp(cmd, "start") == 0 || strcmp(cmd, "state") == 0) && argc != 2)
		return usage_error(PROG, "%s needs one container id", cmd);
	if (strcmp(cmd, "start") == 0)
		return cmd_start(g, argv[1]);
	if (strcmp(cmd, "state") == 0)
		return cmd_state(g, argv[1]);
	return usage_error(PROG, "unknown command '%s' (create, start, state, kill, delete, "
			   "exec)", cmd);
}

int oci_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "systemd-cgroup", no_argument, NULL, 's' },
		{ "cgroup-manager", required_argument, NULL, 'm' },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct oci_global g = { .root = "" };
	const char *cmd;
	int opt, status;

	say_level = 0; /* the engines own our streams: errors only */
	while ((opt = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (optarg[0] != '/' || strlen(optarg) >= sizeof(g.root) - ID_MAX - 32)
				return usage_error(PROG, "--root \"%s\": an absolute path", optarg);
			snprintf(g.root, sizeof(g.root), "%s", optarg);
			break;
		case 'l': g.log = optarg; break;
		case 'F':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				return usage_error(PROG, "--log-format \"%s\": json or text", optarg);
			break;
		case 's': g.systemd = 1; break;
		case 'm': /* crun's, which podman gives with --cgroups=disabled */
			if (strcmp(optarg, "disabled") != 0 && strcmp(optarg, "cgroupfs") != 0 &&
			    strcmp(optarg, "systemd") != 0)
				return usage_error(PROG, "--cgroup-manager \"%s\": cgroupfs, systemd or "
						   "disabled", optarg);
			g.systemd = strcmp(optarg, "systemd") == 0;
			g.no_cgroups = strcmp(optarg, "disabled") == 0;
			break;
		case 'd': say_level = 1; break;
		case 'v':
			printf(PROG " (nslab)\nspec: " OCI_VERSION "\n");
			return EXIT_OK;
		default: return cli_bad_option(opt, argv);
		}
	}
	if (optind >= argc)
		return usage_error(PROG, "which command? (create, start, state, kill, delete, exec)");
	g.default_root = g.root[0] == '\0';
	if (g.default_root && default_root(&g) == -1)
		return failed(&g, EXIT_RUNTIME, "no state directory: XDG_RUNTIME_DIR is not set; "
			      "give --root DIR");
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0; /* getopt_long() starts again, from argv[1] */
	status = run_command(&g, cmd, argc, argv);
	unlock_container();
	return status;
}
