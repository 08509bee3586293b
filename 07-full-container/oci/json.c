/* json.c - the JSON reader and writer of json.h.
 *
 * A recursive descent over a copy of the text, one function per part of
 * RFC 8259's grammar, nesting bounded by JSON_MAX_DEPTH so that the
 * recursion is too. Strings are decoded in place in the copy: an escape
 * is never shorter than what it stands for ("\n" is two bytes for one,
 * "\uD83D\uDE00" twelve for four), so the decoded text never overtakes
 * the text still to read, and the closing quote's byte leaves room for
 * the NUL. Numbers are copied, each with its NUL, after the text: each
 * is followed by a byte that is not part of it, or by the end, so they
 * fit in one byte more than the text.
 *
 * Read: RFC 8259 (JSON), RFC 3629 (UTF-8: what is valid), the Unicode
 * standard's surrogates (D800-DFFF).
 */
#define _GNU_SOURCE
#include "json.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_NODES 256

struct chunk {
	struct chunk *next;
	size_t used;
	struct json node[CHUNK_NODES];
};

struct parser {
	const char *orig;  /* the caller's text, for line and column */
	char *s;           /* our copy, decoded in place */
	size_t len, pos;
	char *num;         /* where the next number's copy goes */
	struct json_doc *doc;
	struct json_error *err;
};

static int fail(struct parser *p, const char *what)
{
	struct json_error *e = p->err;

	e->offset = p->pos;
	e->line = 1;
	e->column = 1;
	for (size_t i = 0; i < p->pos && i < p->len; i++) {
		if (p->orig[i] == '\n') {
			e->line++;
			e->column = 1;
		} else if (((unsigned char)p->orig[i] & 0xc0) != 0x80) {
			e->column++; /* a character, not a UTF-8 continuation byte */
		}
	}
	e->what = what;
	errno = EINVAL;
	return -1;
}

static struct json *new_node(struct parser *p)
{
	struct chunk *c = p->doc->chunks;

	if (c == NULL || c->used == CHUNK_NODES) {
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			return NULL;
		c->next = p->doc->chunks;
		p->doc->chunks = c;
	}
	return &c->node[c->used++];
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) != NULL && p->s[p->pos] != '\0')
		p->pos++;
}

static int peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* Four hex digits at S: 0 and *CP, or -1. */
static int hex4(const char *s, size_t left, unsigned *cp)
{
	*cp = 0;
	if (left < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;

		if (d == 16)
			return -1;
		*cp = *cp << 4 | d;
	}
	return 0;
}

/* Code point CP as UTF-8 at W; the number of bytes. */
static size_t put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | cp >> 6);
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | cp >> 12);
		w[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | cp >> 18);
	w[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	w[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The length of the valid UTF-8 sequence at S (of LEFT bytes), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	unsigned cp;

	if (s[0] < 0xc2 || s[0] > 0xf4 || left < n)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 2)
		return 2;
	cp = n == 3 ? (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu) :
		      (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 |
			      (s[3] & 0x3fu);
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* A \u escape at p->pos (just past the 'u'), and its low surrogate if it
 * is a high one: the code point, or -1 after fail(). */
static long unicode_escape(struct parser *p)
{
	unsigned hi, lo;

	if (hex4(p->s + p->pos, p->len - p->pos, &hi) == -1)
		return fail(p, "four hex digits after \\u");
	p->pos += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(p, "a high surrogate before a low one (\\uD800-\\uDBFF)");
	if (hi < 0xd800 || hi > 0xdbff)
		return hi == 0 ? fail(p, "no \\u0000: strings here are C strings") : (long)hi;
	if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
	    hex4(p->s + p->pos + 2, p->len - p->pos - 2, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
		return fail(p, "a low surrogate (\\uDC00-\\uDFFF) after a high one");
	p->pos += 6;
	return 0x10000 + ((long)(hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* A string at p->pos (its opening quote), decoded in place: 0 with
 * *OUT and *OUTLEN, or -1. */
static int parse_string(struct parser *p, const char **out, size_t *outlen)
{
	char *start = p->s + p->pos + 1, *w = start;
	size_t n;
	long cp;
	int c;

	p->pos++;
	for (;;) {
		c = peek(p);
		if (c == -1)
			return fail(p, "a closing '\"'");
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(p, "no control character in a string (escape it)");
		if (c >= 0x80) {
			n = utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
			if (n == 0)
				return fail(p, "valid UTF-8");
			memmove(w, p->s + p->pos, n);
			w += n;
			p->pos += n;
			continue;
		}
		p->pos++;
		if (c != '\\') {
			*w++ = (char)c;
			continue;
		}
		c = peek(p);
		p->pos++;
		switch (c) {
		case '"': case '\\': case '/': *w++ = (char)c; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u':
			cp = unicode_escape(p);
			if (cp == -1)
				return -1;
			w += put_utf8(w, (unsigned)cp);
			break;
		default:
			p->pos--;
			return fail(p, "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
		}
	}
	p->pos++; /* the closing quote, whose byte (or an earlier one) takes the NUL */
	*w = '\0';
	*out = start;
	*outlen = (size_t)(w - start);
	return 0;
}

static int digits(struct parser *p)
{
	size_t from = p->pos;

	while (peek(p) >= '0' && peek(p) <= '9')
		p->pos++;
	return p->pos > from ? 0 : -1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, copied with its NUL. */
static int parse_number(struct parser *p, struct json *v)
{
	size_t from = p->pos;

	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0') {
		p->pos++;
		if (peek(p) >= '0' && peek(p) <= '9')
			return fail(p, "no leading zero in a number");
	} else if (digits(p) == -1) {
		return fail(p, "a digit");
	}
	if (peek(p) == '.') {
		p->pos++;
		if (digits(p) == -1)
			return fail(p, "a digit after '.'");
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (digits(p) == -1)
			return fail(p, "a digit in the exponent");
	}
	v->type = JSON_NUMBER;
	v->len = p->pos - from;
	memcpy(p->num, p->s + from, v->len);
	p->num[v->len] = '\0';
	v->str = p->num;
	p->num += v->len + 1;
	return 0;
}

static int parse_value(struct parser *p, struct json *v, int depth);

/* The elements of an array, or the members of an object, after its
 * opening bracket: V's children, in order. */
static int parse_items(struct parser *p, struct json *v, int depth)
{
	int object = v->type == JSON_OBJECT, close = object ? '}' : ']';
	struct json **tail = &v->child, *item;

	if (depth >= JSON_MAX_DEPTH)
		return fail(p, "at most 64 levels of nesting");
	p->pos++;
	skip_space(p);
	if (peek(p) == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		item = new_node(p);
		if (item == NULL)
			return -1;
		if (object) {
			if (peek(p) != '"')
				return fail(p, "a member's name, in double quotes");
			if (parse_string(p, &item->key, &item->len) == -1)
				return -1;
			skip_space(p);
			if (peek(p) != ':')
				return fail(p, "':' after a member's name");
			p->pos++;
			skip_space(p);
		}
		if (parse_value(p, item, depth + 1) == -1)
			return -1;
		*tail = item;
		tail = &item->next;
		v->len++;
		skip_space(p);
		if (peek(p) == close) {
			p->pos++;
			return 0;
		}
		if (peek(p) != ',')
			return fail(p, object ? "',' or '}'" : "',' or ']'");
		p->pos++;
		skip_space(p);
	}
}

static int literal(struct parser *p, struct json *v, const char *word, enum json_type t)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, "a value: an object, array, string, number, true, false or null");
	p->pos += n;
	v->type = t;
	return 0;
}

static int parse_value(struct parser *p, struct json *v, int depth)
{
	const char *key = v->key;

	memset(v, 0, sizeof(*v));
	v->key = key;
	switch (peek(p)) {
	case '{':
		v->type = JSON_OBJECT;
		return parse_items(p, v, depth);
	case '[':
		v->type = JSON_ARRAY;
		return parse_items(p, v, depth);
	case '"':
		v->type = JSON_STRING;
		return parse_string(p, &v->str, &v->len);
	case 't':
		return literal(p, v, "true", JSON_TRUE);
	case 'f':
		return literal(p, v, "false", JSON_FALSE);
	case 'n':
		return literal(p, v, "null", JSON_NULL);
	default:
		if (peek(p) == '-' || (peek(p) >= '0' && peek(p) <= '9'))
			return parse_number(p, v);
		return fail(p, "a value: an object, array, string, number, true, false or null");
	}
}

int json_parse(const char *text, size_t len, struct json_doc *doc, struct json_error *err)
{
	struct parser p = { .orig = text, .len = len, .doc = doc, .err = err };

	memset(doc, 0, sizeof(*doc));
	memset(err, 0, sizeof(*err));
	if (len > JSON_MAX_SIZE) {
		err->what = "at most 4 MiB of JSON";
		errno = E2BIG;
		return -1;
	}
	/* The text, a NUL, then room for the numbers' copies. */
	doc->text = malloc(2 * len + 2);
	doc->root = new_node(&p);
	if (doc->text == NULL || doc->root == NULL)
		return -1;
	memcpy(doc->text, text, len);
	doc->text[len] = '\0';
	p.s = doc->text;
	p.num = doc->text + len + 1;
	skip_space(&p);
	if (parse_value(&p, doc->root, 0) == -1)
		return -1;
	skip_space(&p);
	if (p.pos != len)
		return fail(&p, "the end of the text after the value");
	return 0;
}

void json_free(struct json_doc *doc)
{
	struct chunk *c = doc->chunks, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(doc->text);
	memset(doc, 0, sizeof(*doc));
}

const struct json *json_get(const struct json *obj, const char *key)
{
	const struct json *found = NULL;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (const struct json *m = obj->child; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			found = m;
	return found;
}

const char *json_string(const struct json *v)
{
	return v != NULL && v->type == JSON_STRING ? v->str : NULL;
}

/* V's digits, when V is a number written as an integer: -1 otherwise. */
static int integer_text(const struct json *v)
{
	if (v == NULL || v->type != JSON_NUMBER || strpbrk(v->str, ".eE") != NULL) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int json_int(const struct json *v, long long min, long long max, long long *out)
{
	long long n;

	if (integer_text(v) == -1)
		return -1;
	errno = 0;
	n = strtoll(v->str, NULL, 10);
	if (errno == ERANGE || n < min || n > max) {
		errno = ERANGE;
		return -1;
	}
	*out = n;
	return 0;
}

int json_uint(const struct json *v, unsigned long long max, unsigned long long *out)
{
	unsigned long long n;

	if (integer_text(v) == -1)
		return -1;
	if (v->str[0] == '-') {
		errno = strcmp(v->str, "-0") == 0 ? 0 : ERANGE;
		if (errno != 0)
			return -1;
		*out = 0;
		return 0;
	}
	errno = 0;
	n = strtoull(v->str, NULL, 10);
	if (errno == ERANGE || n > max) {
		errno = ERANGE;
		return -1;
	}
	*out = n;
	return 0;
}

int json_bool(const struct json *v)
{
	if (v != NULL && (v->type == JSON_TRUE || v->type == JSON_FALSE))
		return v->type == JSON_TRUE;
	errno = EINVAL;
	return -1;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = {
		[JSON_NULL] = "null", [JSON_FALSE] = "a boolean", [JSON_TRUE] = "a boolean",
		[JSON_NUMBER] = "a number", [JSON_STRING] = "a string", [JSON_ARRAY] = "an array",
		[JSON_OBJECT] = "an object",
	};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "nothing";
}

void json_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_write(FILE *f, const struct json *v)
{
	switch (v->type) {
	case JSON_NULL: fputs("null", f); return;
	case JSON_FALSE: fputs("false", f); return;
	case JSON_TRUE: fputs("true", f); return;
	case JSON_NUMBER: fputs(v->str, f); return;
	case JSON_STRING: json_put_string(f, v->str); return;
	case JSON_ARRAY:
	case JSON_OBJECT:
		fputc(v->type == JSON_ARRAY ? '[' : '{', f);
		for (const struct json *c = v->child; c != NULL; c = c->next) {
			if (c != v->child)
				fputc(',', f);
			if (v->type == JSON_OBJECT) {
				json_put_string(f, c->key);
				fputc(':', f);
			}
			json_write(f, c);
		}
		fputc(v->type == JSON_ARRAY ? ']' : '}', f);
	}
}
