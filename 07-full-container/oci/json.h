/* json.h - a small, strict JSON reader and the writer's one hard part,
 * for the OCI runtime's config.json and its `state` output. libc only.
 *
 * json_parse() reads RFC 8259 JSON into a tree, and refuses what a
 * runtime should not guess at: trailing text, leading zeros, raw control
 * characters, invalid UTF-8, lone surrogates, "\u0000" (every string is
 * a C string), nesting deeper than JSON_MAX_DEPTH. A refusal names the
 * line and column and says what was expected there. Numbers are kept
 * as written; json_int() reads an integer out of one, in a range.
 *
 * Duplicate names in an object are kept; json_get() finds the last, as
 * Go's encoding/json (runc, podman) takes the last.
 */
#ifndef NSLAB_JSON_H
#define NSLAB_JSON_H

#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 64           /* arrays and objects inside each other */
#define JSON_MAX_SIZE (4u << 20)    /* bytes of text: runc's configs are KiB */

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	const char *key;       /* a member of an object: its name; else NULL */
	const char *str;       /* a string: its text, decoded; a number: as written */
	size_t len;            /* strlen(str); an array or object: its count */
	struct json *child;    /* an array's first element, an object's first member */
	struct json *next;     /* the next element or member */
};

struct json_doc {
	struct json *root;
	char *text;            /* a copy of the input, where strings are decoded */
	void *chunks;          /* the nodes, allocated in chunks */
};

struct json_error {
	size_t offset;         /* where, in bytes from the start */
	unsigned line, column; /* the same, from 1 */
	const char *what;      /* "a value", "',' or '}'", "valid UTF-8"... */
};

/* Parse TEXT (LEN bytes, a NUL inside is an error) into DOC. 0, or -1
 * with errno EINVAL (ERR says where and what), E2BIG (longer than
 * JSON_MAX_SIZE) or ENOMEM. DOC is freed by json_free() either way. */
int json_parse(const char *text, size_t len, struct json_doc *doc, struct json_error *err);

void json_free(struct json_doc *doc);

/* Member KEY of object OBJ (the last of that name), or NULL when OBJ is
 * NULL, not an object, or has no such member. */
const struct json *json_get(const struct json *obj, const char *key);

/* The text of string V, or NULL when V is NULL or not a string. */
const char *json_string(const struct json *v);

/* Number V as an integer in [MIN, MAX]: 0 with *OUT, or -1 with errno
 * EINVAL (not a number, or not an integer: a fraction or an exponent)
 * or ERANGE. */
int json_int(const struct json *v, long long min, long long max, long long *out);

/* The same for the unsigned ones (uid, limits, device numbers). */
int json_uint(const struct json *v, unsigned long long max, unsigned long long *out);

/* 1 for true, 0 for false, -1 (errno EINVAL) for anything else. */
int json_bool(const struct json *v);

/* The name of type T, for messages: "a string", "an object"... */
const char *json_type_name(enum json_type t);

/* Write S as a JSON string, quoted and escaped, to F. */
void json_put_string(FILE *f, const char *s);

/* Write V compactly to F: what json_parse() reads back to the same tree. */
void json_write(FILE *f, const struct json *v);

#endif
