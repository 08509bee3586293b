/* fuzz.h - what every fuzz target here shares.
 *
 * A target is one function, LLVMFuzzerTestOneInput(), that libFuzzer
 * (clang -fsanitize=fuzzer) calls with millions of generated inputs, or
 * that replay.c calls with the files of a directory. It hands the input
 * to one parser of user text, as a C string, and then checks what must be
 * true of the answer whatever the input was. A broken promise is a crash
 * (FUZZ_ASSERT), which libFuzzer saves as a file to replay; so are the
 * buffer overruns and undefined behaviour ASan and UBSan catch on the way.
 * A target never prints: the fuzzer's own output is the report.
 */
#ifndef NSLAB_FUZZ_H
#define NSLAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry point; 0 means "input consumed". */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The line of the rule that broke, for a debugger or a core file. */
static volatile int fuzz_failed_line;

/* A broken invariant: stop right here, with a trap the fuzzer reports
 * as a crash (SIGILL). Storing the line first keeps the compiler from
 * merging every trap of a function into one, which would lose the line
 * in the crash's stack trace. */
#define FUZZ_ASSERT(cond) \
	do { \
		if (!(cond)) { \
			fuzz_failed_line = __LINE__; \
			__builtin_trap(); \
		} \
	} while (0)

/* DATA as a C string, in a buffer of exactly SIZE + 1 bytes, so that
 * ASan catches a parser reading one byte past the end. A NUL inside the
 * input ends the string early, as it would on a command line. NULL only
 * when malloc() fails. Free it with free(). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return NULL;
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
