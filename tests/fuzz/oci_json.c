/* oci_json - fuzz json_parse() (07-full-container/oci/json.c), which
 * will read a bundle's config.json: text that podman, containerd or
 * anyone who can write the bundle gives us.
 *
 * Invariants, whatever the input:
 *  - it answers 0 or -1, and -1 comes with errno EINVAL (with a place
 *    inside the input and what was expected there), E2BIG or ENOMEM;
 *  - an accepted document is a well-formed tree: an array's or an
 *    object's len counts its children, every member has a key, strings
 *    hold no NUL before their len, nesting stays within JSON_MAX_DEPTH;
 *  - what it accepts, json_write() writes back as JSON that json_parse()
 *    accepts again, and that writes back to the very same text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include "fuzz.h"
#include "json.h"

static void check_tree(const struct json *v, int depth)
{
	size_t n = 0;

	FUZZ_ASSERT(depth <= JSON_MAX_DEPTH);
	if (v->type == JSON_STRING || v->type == JSON_NUMBER)
		FUZZ_ASSERT(v->str != NULL && strlen(v->str) == v->len);
	for (const struct json *c = v->child; c != NULL; c = c->next) {
		FUZZ_ASSERT(v->type == JSON_ARRAY || v->type == JSON_OBJECT);
		FUZZ_ASSERT((c->key != NULL) == (v->type == JSON_OBJECT));
		check_tree(c, depth + 1);
		n++;
	}
	if (v->type == JSON_ARRAY || v->type == JSON_OBJECT)
		FUZZ_ASSERT(n == v->len);
}

/* V written out, in a malloc'd buffer of *LEN bytes. */
static char *written(const struct json *v, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	FUZZ_ASSERT(f != NULL);
	json_write(f, v);
	FUZZ_ASSERT(fclose(f) == 0);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc doc, again;
	struct json_error err;
	size_t len1, len2;
	char *one, *two;
	int ret;

	ret = json_parse((const char *)data, size, &doc, &err);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == -1) {
		FUZZ_ASSERT(errno == EINVAL || errno == E2BIG || errno == ENOMEM);
		if (errno == EINVAL)
			FUZZ_ASSERT(err.what != NULL && err.offset <= size && err.line >= 1 &&
				    err.column >= 1);
		json_free(&doc);
		return 0;
	}
	check_tree(doc.root, 0);
	one = written(doc.root, &len1);
	FUZZ_ASSERT(json_parse(one, len1, &again, &err) == 0);
	two = written(again.root, &len2);
	FUZZ_ASSERT(len1 == len2 && memcmp(one, two, len1) == 0);
	free(one);
	free(two);
	json_free(&again);
	json_free(&doc);
	return 0;
}
