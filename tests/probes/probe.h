/* probe.h - what the probe's modules share: the inputs the test passes,
 * the verdict of one probe, and the small helpers every probe uses.
 *
 * One probe = one function that tries one thing a container must not
 * allow and fills in a struct result. run.c runs each in a child
 * process of its own (so an attempt that succeeds - a chroot breakout, a
 * new user namespace - cannot change what the next probe sees) and
 * prints one line per probe. */
#ifndef NSLAB_PROBE_H
#define NSLAB_PROBE_H

#include <stddef.h>
#include <sys/types.h>

enum verdict {
	V_BLOCKED,      /* the attempt failed: what a container must do */
	V_ESCAPED,      /* the attempt worked: a hole */
	V_SKIPPED,      /* no input for it, or nothing here to try it on */
	V_ERROR,        /* the probe itself could not tell (a bug, a hang) */
};

struct result {
	enum verdict v;
	char detail[480];
};

/* What the test tells us about the host (see usage in probe.c). An
 * input left out is NULL, 0 or -1, and the probes that need it skip. */
struct inputs {
	const char *marker;         /* --marker PATH: a host file ... */
	const char *marker_text;    /* --marker-text TEXT: ... holding this */
	pid_t host_pid;             /* --host-pid N: a host process ... */
	const char *argv_marker;    /* --host-argv-marker STR: ... with STR in argv */
	int have_disk;              /* --disk MAJ:MIN: the host's root disk */
	unsigned disk_major, disk_minor;
	int port;                   /* --port N: a listener on the host's lo */
	const char *ifaces;         /* --host-ifaces a,b,c */

	/* Facts run.c records at start, before it opens anything. */
	int self_is_pid1;           /* getpid() == 1: ptrace(1) would hit us */
	int proc1_is_self;          /* /proc/1 is us: /proc/1/... shows us */
	int inherited[16];          /* descriptors above 2 open at start */
	char inherited_what[16][128];
	int ninherited;
};

extern struct inputs in;

typedef void probe_fn(struct result *r);

/* Fill in R's verdict and detail (printf-style). */
void blocked(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void escaped(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void skipped(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void failed(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* run.c: record, before anything is opened, the descriptors we
 * inherited and whether PID 1 is us; run FN in a child of its own and
 * put its verdict into R. */
void record_start(void);
void run_probe(probe_fn *fn, struct result *r);

/* Read at most LEN-1 bytes of PATH into BUF, NUL-terminated: the number
 * read, or -1 with errno set. */
ssize_t read_file(const char *path, char *buf, size_t len);

/* 1 if the file at PATH (opened relative to DIRFD, AT_FDCWD for none)
 * holds the marker text; 0 if it does not or cannot be read, errno set
 * to why (0 when it was read and is some other file). */
int holds_marker(int dirfd, const char *path);

/* 1 if NAME is one of the comma-separated LIST. */
int in_list(const char *name, const char *list);

/* A directory a probe may use as a mount point or to create a node in:
 * /mnt, /tmp or / (the first that exists). */
const char *scratch_dir(void);

/* The probes, grouped by what they reach. */
/* fs.c: the host's files by every road */
probe_fn probe_marker_root, probe_marker_proc_root, probe_marker_chroot,
	probe_marker_cwd, probe_marker_old_root;
/* mount.c: mounts, the host's disk */
probe_fn probe_mount_tmpfs, probe_mount_proc, probe_mount_bind, probe_host_disk;
/* kernel.c: the host kernel's global knobs */
probe_fn probe_sysrq, probe_core_pattern, probe_kcore, probe_sys_write,
	probe_release_agent;
/* procs.c: host processes, capabilities, descriptors */
probe_fn probe_host_process, probe_host_signal, probe_caps,
	probe_caps_inheritable, probe_ptrace_init, probe_init_exe,
	probe_init_environ, probe_inherited_fd;
/* calls.c: system calls a container must not make */
probe_fn probe_open_by_handle, probe_keyctl, probe_userns_unshare,
	probe_userns_clone, probe_userns_clone3, probe_compat_syscall, probe_x32_syscall,
	probe_perf_event, probe_bpf, probe_userfaultfd;
/* tty.c and net.c: the caller's terminal, the host's network */
probe_fn probe_tiocsti_stdin, probe_tiocsti_stdin_hi, probe_tiocsti_tty,
	probe_tiocsti_tty_hi, probe_host_loopback, probe_host_iface;

#endif
