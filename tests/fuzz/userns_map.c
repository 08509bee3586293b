/* userns_map - fuzz a whole map as 05-user builds it: each line of the
 * input through userns_parse_extent() and userns_add_extent(), then
 * userns_format_map() and userns_to_outside() (05-user/userns.c).
 *
 * Invariants, whatever the input:
 *  - userns_add_extent() refuses with EINVAL or E2BIG and leaves the map
 *    as it was, or takes the line; the map never holds more than
 *    USERNS_MAX_EXTENTS lines, nor two whose inside or outside ranges
 *    overlap (the kernel would refuse the map);
 *  - userns_format_map() into a buffer of one page either succeeds or
 *    fails with E2BIG; it always fits in strlen + 1 bytes and never in
 *    strlen bytes (no silent truncation);
 *  - round trip: the formatted map, read back line by line
 *    ("INSIDE OUTSIDE COUNT\n", blanks turned into ':' for the parser)
 *    gives the same extents in the same order;
 *  - userns_to_outside() maps the first and last id of every line to the
 *    first and last outside id of that line.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "fuzz.h"
#include "userns.h"

static int overlap(uint32_t a, uint32_t n, uint32_t b, uint32_t m)
{
	return (uint64_t)a < (uint64_t)b + m && (uint64_t)b < (uint64_t)a + n;
}

/* Take one line of the input as 05-user's build_maps() takes one -m. */
static void add_line(struct userns_map *m, const char *line)
{
	struct userns_extent e;
	const char *why = NULL;
	size_t before = m->n;

	if (userns_parse_extent(line, &e, NULL) == -1)
		return;
	if (userns_add_extent(m, &e, &why) == -1) {
		FUZZ_ASSERT(errno == EINVAL || errno == E2BIG);
		FUZZ_ASSERT(why != NULL && m->n == before);
		return;
	}
	FUZZ_ASSERT(m->n == before + 1 && m->n <= USERNS_MAX_EXTENTS);
	for (size_t i = 0; i < before; i++) {
		FUZZ_ASSERT(!overlap(m->e[i].inside, m->e[i].count, e.inside, e.count));
		FUZZ_ASSERT(!overlap(m->e[i].outside, m->e[i].count, e.outside, e.count));
	}
}

/* The formatted TEXT, parsed again line by line, is M. */
static void check_round_trip(const struct userns_map *m, char *text)
{
	char *line = text, *nl;
	size_t i = 0;

	while ((nl = strchr(line, '\n')) != NULL) {
		struct userns_extent e;

		*nl = '\0';
		for (char *p = line; *p != '\0'; p++)
			if (*p == ' ')
				*p = ':';
		FUZZ_ASSERT(i < m->n);
		FUZZ_ASSERT(userns_parse_extent(line, &e, NULL) == 0);
		FUZZ_ASSERT(e.inside == m->e[i].inside && e.outside == m->e[i].outside &&
			    e.count == m->e[i].count);
		i++;
		line = nl + 1;
	}
	FUZZ_ASSERT(*line == '\0' && i == m->n);
}

static void check_format(const struct userns_map *m)
{
	static char text[USERNS_MAP_TEXT_MAX];
	static char exact[USERNS_MAP_TEXT_MAX];
	size_t len;

	if (userns_format_map(m, text, sizeof(text)) == -1) {
		FUZZ_ASSERT(errno == E2BIG);
		return;
	}
	len = strlen(text);
	FUZZ_ASSERT(userns_format_map(m, exact, len + 1) == 0 && strcmp(exact, text) == 0);
	FUZZ_ASSERT(userns_format_map(m, exact, len) == -1 && errno == E2BIG);
	check_round_trip(m, text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct userns_map m;
	char *text = fuzz_string(data, size);
	char *line, *save = NULL;

	if (text == NULL)
		return 0;
	m.n = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		add_line(&m, line);
	check_format(&m);
	for (size_t i = 0; i < m.n; i++) {
		uint32_t out = 0, last = m.e[i].count - 1;

		FUZZ_ASSERT(userns_to_outside(&m, m.e[i].inside, &out) == 0);
		FUZZ_ASSERT(out == m.e[i].outside);
		FUZZ_ASSERT(userns_to_outside(&m, m.e[i].inside + last, &out) == 0);
		FUZZ_ASSERT(out == m.e[i].outside + last);
	}
	free(text);
	return 0;
}
