/* replay - feed files to a fuzz target without libFuzzer: the inputs of
 * the corpus and of regress/, through the target's own
 * LLVMFuzzerTestOneInput(), in a program any C compiler builds (gcc with
 * ASan and UBSan here: `make -C tests/fuzz replay`).
 *
 * Usage: replay-TARGET PATH...   each PATH a file, or a directory whose
 * files are all fed (not its subdirectories). Prints how many inputs ran;
 * a broken invariant ends the program with SIGILL, as it does the fuzzer,
 * and ASan or UBSan end it with their report. Exit: 0 when every input
 * ran, 1 when one could not be read, 2 usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Read PATH whole and run it; 0, or -1 after saying why not. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rbe");
	uint8_t *buf = NULL;
	long size;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (size = ftell(f)) == -1 || fseek(f, 0, SEEK_SET) == -1 ||
	    (buf = malloc((size_t)size + 1)) == NULL ||
	    fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "replay: %s: cannot read it\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* An exact-size copy, as libFuzzer passes it: ASan sees overreads. */
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 0;
}

/* Every regular file of DIR, in readdir order; *RAN counts them. */
static int run_dir(const char *dir, int *ran)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (run_file(path) == -1)
			ret = -1;
		else
			(*ran)++;
	}
	closedir(d);
	return ret;
}

int main(int argc, char **argv)
{
	int ran = 0, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			status |= run_dir(argv[i], &ran) == -1;
		else if (run_file(argv[i]) == -1)
			status = 1;
		else
			ran++;
	}
	/* Only reached when no input crashed. */
	printf("%s: %d inputs, no crash\n", argv[0], ran);
	return status;
}
