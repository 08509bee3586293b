/* cli.h - what main.c, cli_run.c and cli_parse.c, the command line,
 * share: the program's name for messages, the usage text, the parsers of
 * -u and -e, the report of a refused option, and run's entry point. The
 * parsers (cli_parse.c) neither print nor exit; every other call here
 * prints (usage_error(), nsl_error()). None of it is for the pieces. */
#ifndef NSLAB_CLI_H
#define NSLAB_CLI_H

#include <stdio.h>
#include <sys/types.h>

#define PROG "07-full-container"

/* main.c: the usage text of all three commands, to F. */
void cli_usage(FILE *f);

/* cli_parse.c: "UID" or "UID:GID", decimal digits only, each id at
 * most USERNS_ID_LAST; GID defaults to UID. 0, or -1. */
int cli_parse_user(const char *s, uid_t *uid, gid_t *gid);

/* cli_parse.c: "KEY=VALUE" with a non-empty KEY, which ends at the first
 * '='. 0 with *VALUE pointing into S just past it, or -1. */
int cli_parse_env(const char *s, const char **value);

/* main.c: a usage error for the option getopt_long() just refused. */
int cli_bad_option(int opt, char **argv);

/* cli_run.c: `run` with ARGV from the word "run" on: parse and check
 * every option, find ROOTFS, name the container, then ctr_run(). The
 * command's status, EXIT_USAGE or EXIT_RUNTIME. */
int cli_run(int argc, char **argv);

#endif
