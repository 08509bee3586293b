/* mnt_volume - fuzz mnt_parse_volume() (04-mount/volume.c), which reads
 * the -V HOST:CTR[:ro|:rw] of 04-mount (and 07's -v).
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with errno EINVAL or ENAMETOOLONG;
 *  - an accepted volume has a HOST of 1 or more bytes and a CTR that is
 *    absolute and not the root itself (not "/" nor "//..."), each ended
 *    by a NUL inside its PATH_MAX buffer, neither holding a ':';
 *  - nothing is lost or made up: HOST ":" CTR, then ":ro" when read-only
 *    and "" or ":rw" when not, gives back the input exactly.
 *
 * Not an invariant: a CTR without "..". The parser keeps ".." on
 * purpose, since "/mnt/../etc" stays inside the rootfs; a CTR that would
 * leave the rootfs is refused by the kernel when the mount point is
 * opened with openat2(RESOLVE_BENEATH) (EXDEV; tests/bad-input.bats).
 */
#define _GNU_SOURCE
#include <errno.h>

#include "fuzz.h"
#include "mnt.h"

/* HOST:CTR plus SUFFIX spelt out again is SPEC. */
static int same_spec(const char *spec, const struct mnt_volume *v, const char *suffix)
{
	size_t hl = strlen(v->host), cl = strlen(v->ctr), sl = strlen(suffix);

	return strlen(spec) == hl + 1 + cl + sl && memcmp(spec, v->host, hl) == 0 &&
	       spec[hl] == ':' && memcmp(spec + hl + 1, v->ctr, cl) == 0 &&
	       strcmp(spec + hl + 1 + cl, suffix) == 0;
}

static void check_accepted(const char *spec, const struct mnt_volume *v)
{
	FUZZ_ASSERT(memchr(v->host, '\0', sizeof(v->host)) != NULL);
	FUZZ_ASSERT(memchr(v->ctr, '\0', sizeof(v->ctr)) != NULL);
	FUZZ_ASSERT(v->host[0] != '\0' && strchr(v->host, ':') == NULL);
	FUZZ_ASSERT(v->ctr[0] == '/' && strchr(v->ctr, ':') == NULL);
	FUZZ_ASSERT(v->ctr[strspn(v->ctr, "/")] != '\0');
	FUZZ_ASSERT(v->readonly == 0 || v->readonly == 1);
	if (v->readonly)
		FUZZ_ASSERT(same_spec(spec, v, ":ro"));
	else
		FUZZ_ASSERT(same_spec(spec, v, "") || same_spec(spec, v, ":rw"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_string(data, size);
	struct mnt_volume v;
	int ret;

	if (spec == NULL)
		return 0;
	ret = mnt_parse_volume(spec, &v);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == 0)
		check_accepted(spec, &v);
	else
		FUZZ_ASSERT(errno == EINVAL || errno == ENAMETOOLONG);
	free(spec);
	return 0;
}
