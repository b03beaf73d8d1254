/* select.c: choosing the columns: turns "-t true_0-true_9" or
 * "-p 11,12" into field numbers.
 *
 * Each item of a list is read by its own spelling, as xsv and cut read
 * theirs, never by what the header holds: bare digits are a 1-based
 * position, text in double quotes is a name, any other text is a name.
 * pandas writes the header 0,1,2,... for an unnamed frame, so a bare number
 * may also be the name of another column: that is refused with the two
 * spellings that are clear, rather than read one way or the other. */
#include "select.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

enum { NOT_FOUND = -1, AMBIGUOUS = -2 };

/* A distinct name of the header and its first three columns: enough to
 * tell a name that is unique, once one column is set aside, from one that
 * is not.  COUNT is 0 for an empty slot, and stops at 3. */
struct slot {
	uint32_t col[3];
	uint32_t count;
};

/* What a list is resolved against: the option it was given to (for the
 * spelling a message suggests), and the header (NULL without one) of N
 * columns, its names' lengths and a hash table of them, so that a lookup
 * costs the same whatever the width of the file: a list of 16000 columns
 * of a file of 200000 is resolved in linear time, not in their product. */
struct header {
	const char *opt;
	const char *const *names;
	size_t n;
	size_t *len;
	struct slot *slots;
	size_t mask;
};

/* One end of an item, as written: TEXT, LEN bytes of the list.  A name in
 * double quotes has them undone into NAME (malloc'd); otherwise NAME is
 * TEXT. */
struct end {
	const char *text;
	size_t len;
	bool quoted;
	char *name;
	size_t name_len;
};

/* FNV-1a: short names, no adversary worth more (a crafted header only
 * makes its own lookups slower). */
static size_t
hash_name(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return (size_t)(h ^ h >> 32);
}

/* The slot of the name S (LEN bytes): where it is, or the empty slot
 * where it would go. */
static struct slot *
slot_of(const struct header *h, const char *s, size_t len)
{
	size_t i = hash_name(s, len) & h->mask;

	for (;; i = (i + 1) & h->mask) {
		struct slot *sl = &h->slots[i];
		size_t c = sl->col[0];

		if (sl->count == 0 ||
		    (h->len[c] == len && memcmp(h->names[c], s, len) == 0))
			return sl;
	}
}

/* Sets up H for the N NAMES (NULL: no header); -1 when out of memory,
 * with ERR set. */
static int
header_init(struct header *h, const char *opt, const char *const *names,
	    size_t n, char *err)
{
	size_t cap = 8;

	*h = (struct header){opt, names, n, NULL, NULL, 0};
	if (names == NULL)
		return 0;
	while (cap < 2 * n)
		cap *= 2;
	h->len = malloc((n ? n : 1) * sizeof *h->len);
	h->slots = calloc(cap, sizeof *h->slots);
	if (h->len == NULL || h->slots == NULL) {
		free(h->len);
		free(h->slots);
		snprintf(err, SELECT_ERR_SIZE, "out of memory");
		return -1;
	}
	h->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		struct slot *sl;

		h->len[i] = strlen(names[i]);
		sl = slot_of(h, names[i], h->len[i]);
		if (sl->count < 3)
			sl->col[sl->count++] = (uint32_t)i;
	}
	return 0;
}

static void
header_free(struct header *h)
{
	free(h->len);
	free(h->slots);
}

/* The column named by the LEN bytes at S, other than column EXCEPT
 * (SIZE_MAX: none).  For a name that is not unique, DUP gets two columns
 * that share it. */
static long
find_name(const struct header *h, const char *s, size_t len, size_t except,
	  size_t *dup)
{
	const struct slot *sl;
	size_t found[3], k = 0;

	if (h->names == NULL || (sl = slot_of(h, s, len))->count == 0)
		return NOT_FOUND;
	for (uint32_t i = 0; i < sl->count; i++)
		if (sl->col[i] != except)
			found[k++] = sl->col[i];
	if (k == 0)
		return NOT_FOUND;
	if (k == 1)
		return (long)found[0];
	dup[0] = found[0];
	dup[1] = found[1];
	return AMBIGUOUS;
}

/* For a header of one column, which holds a tab, a semicolon, a pipe or a
 * comma: the -d it was surely meant to be split at (a file read with the
 * wrong delimiter), as -d spells it; else NULL. */
static const char *
header_delimiter(const char *const *names, size_t n)
{
	static const char *const spelled[] = {"tab", "';'", "'|'", ","};
	static const char bytes[] = "\t;|,";

	if (names == NULL || n != 1)
		return NULL;
	for (size_t i = 0; i < 4; i++)
		if (strchr(names[0], bytes[i]) != NULL)
			return spelled[i];
	return NULL;
}

void
select_list_header(char *err, const char *const *names, size_t n)
{
	size_t used = strlen(err);
	const char *d = header_delimiter(names, n);

	if (names == NULL) {
		snprintf(err + used, SELECT_ERR_SIZE - used,
			 "; the input has %zu columns", n);
		return;
	}
	if (d != NULL) {
		char name[DIAG_QUOTE_SIZE];

		snprintf(err + used, SELECT_ERR_SIZE - used,
			 "; the header is one column, '%s': type -d %s",
			 diag_quote(name, sizeof name, names[0],
				    strlen(names[0])),
			 d);
		return;
	}
	used += (size_t)snprintf(err + used, SELECT_ERR_SIZE - used,
				 "; the header has:");
	for (size_t i = 0; i < n && used < SELECT_ERR_SIZE - 1; i++) {
		char name[DIAG_QUOTE_SIZE];

		/* Control bytes and bytes that are not UTF-8 escaped: the
		 * message stays one line of text. */
		used += (size_t)snprintf(err + used, SELECT_ERR_SIZE - used,
					 "%s %s", i ? "," : "",
					 diag_quote(name, sizeof name, names[i],
						    strlen(names[i])));
	}
	if (used >= SELECT_ERR_SIZE - 1)
		strcpy(err + SELECT_ERR_SIZE - 5, "...");
}

static bool
all_digits(const char *s, size_t len)
{
	return len > 0 && strspn(s, "0123456789") >= len;
}

/* The 1-based position that the digits at S (LEN bytes) spell, or 0 when
 * it is 0 or beyond any column. */
static size_t
position_value(const char *s, size_t len, size_t n)
{
	char buf[20];
	unsigned long long v;

	if (len >= sizeof buf)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoull(buf, NULL, 10);
	return errno == 0 && v <= n ? (size_t)v : 0;
}

/* How the user would type the name NAME (LEN bytes) to option OPT in a
 * shell: -t '"NAME"', its double quotes doubled and its single quotes
 * closed and reopened. */
static const char *
shell_spelling(char *buf, size_t size, const char *opt, const char *name,
	       size_t len)
{
	char shown[DIAG_QUOTE_SIZE];
	size_t used;

	diag_quote(shown, sizeof shown, name, len);
	used = (size_t)snprintf(buf, size, "%s '\"", opt);
	for (const char *c = shown; *c != '\0' && used + 8 < size; c++) {
		if (*c == '"')
			buf[used++] = '"';
		if (*c == '\'') {
			memcpy(buf + used, "'\\''", 4);
			used += 4;
			continue;
		}
		buf[used++] = *c;
	}
	snprintf(buf + used, size - used, "\"'");
	return buf;
}

/* C in lower case, if it is an ASCII letter: names are bytes, whatever
 * the locale. */
static int
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

/* How far apart the names A and B are, in edits (a byte put in, taken
 * out, changed, or two swapped; case aside), up to MAX: MAX + 1 when
 * further. */
static size_t
distance(const char *a, size_t la, const char *b, size_t lb, size_t max)
{
	enum { LONGEST = 64 };
	size_t rows[3][LONGEST + 1], *prev2 = rows[0], *prev = rows[1],
				     *cur = rows[2], *t;

	if (la > LONGEST || lb > LONGEST || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t best = cur[0] = i;

		for (size_t j = 1; j <= lb; j++) {
			int x = fold(a[i - 1]), y = fold(b[j - 1]);
			size_t d = prev[j - 1] + (x != y);

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && x == fold(b[j - 2]) &&
			    fold(a[i - 2]) == y && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > max)
			return max + 1;
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/* Appends to ERR the names of the header closest to the unknown name S
 * (LEN bytes), up to three, when they are close enough to be a slip: a
 * difference of case, or one edit in a short name, two in a longer one. */
static void
did_you_mean(char *err, const struct header *h, const char *s, size_t len)
{
	size_t max = len <= 2 ? 0 : len <= 5 ? 1 : len <= 8 ? 2 : 3;
	size_t best = max + 1, shown = 0, used = strlen(err);
	size_t pick[3];

	for (size_t i = 0; h->names != NULL && i < h->n; i++) {
		size_t d = distance(s, len, h->names[i], h->len[i], max);

		if (d > max || d > best)
			continue;
		if (d < best) {
			best = d;
			shown = 0;
		}
		if (shown < 3)
			pick[shown++] = i;
	}
	for (size_t i = 0; i < shown; i++) {
		char name[DIAG_QUOTE_SIZE];

		used += (size_t)snprintf(
			err + used, SELECT_ERR_SIZE - used, "%s'%s'%s",
			i == 0		 ? " (did you mean "
			: i + 1 == shown ? " or "
					 : ", ",
			diag_quote(name, sizeof name, h->names[pick[i]],
				   h->len[pick[i]]),
			i + 1 == shown ? "?)" : "");
		if (used >= SELECT_ERR_SIZE)
			return;
	}
}

static int
lookup_error(const struct header *h, long r, const char *s, size_t len,
	     const size_t *dup, char *err)
{
	if (r == AMBIGUOUS) {
		snprintf(err, SELECT_ERR_SIZE,
			 "column name '%.*s' is ambiguous: columns %zu and %zu "
			 "share it; select by position instead",
			 (int)len, s, dup[0] + 1, dup[1] + 1);
		return -1;
	}
	snprintf(err, SELECT_ERR_SIZE, "no column '%.*s'", (int)len, s);
	did_you_mean(err, h, s, len);
	select_list_header(err, h->names, h->n);
	return -1;
}

/* The column at the position that the bare digits of E spell.  ITEM (ILEN
 * bytes) is the whole item, which an unknown position quotes. */
static int
resolve_position(const struct header *h, const struct end *e, const char *item,
		 size_t ilen, size_t *col, char *err)
{
	size_t v = position_value(e->text, e->len, h->n), dup[2];
	long other =
		find_name(h, e->text, e->len, v > 0 ? v - 1 : SIZE_MAX, dup);
	char a[DIAG_QUOTE_SIZE], b[DIAG_QUOTE_SIZE];
	char ta[2 * DIAG_QUOTE_SIZE], tb[2 * DIAG_QUOTE_SIZE];

	if (other == AMBIGUOUS)
		other = (long)dup[0];
	if (v > 0 && other >= 0) {
		const char *named = h->names[v - 1];

		snprintf(err, SELECT_ERR_SIZE,
			 "'%s' is position %zu (named '%s') and also the name "
			 "of column %ld: type %s for column %zu, or %s for "
			 "column %ld",
			 diag_quote(b, sizeof b, e->text, e->len), v,
			 diag_quote(a, sizeof a, named, strlen(named)),
			 other + 1,
			 shell_spelling(ta, sizeof ta, h->opt, named,
					strlen(named)),
			 v,
			 shell_spelling(tb, sizeof tb, h->opt, e->text, e->len),
			 other + 1);
		return -1;
	}
	if (v > 0) {
		*col = v - 1;
		return 0;
	}
	if (other >= 0) {
		diag_quote(b, sizeof b, e->text, e->len);
		snprintf(
			err, SELECT_ERR_SIZE,
			"no column at position '%s' (the header has %zu); "
			"for the column named '%s' (column %ld), type %s",
			b, h->n, b, other + 1,
			shell_spelling(ta, sizeof ta, h->opt, e->text, e->len));
		return -1;
	}
	return lookup_error(h, NOT_FOUND, item, ilen, dup, err);
}

/* The column named by E. */
static int
resolve_name(const struct header *h, const struct end *e, size_t *col,
	     char *err)
{
	size_t dup[2];
	long r;
	char name[DIAG_QUOTE_SIZE];

	if (e->quoted && h->names == NULL) {
		snprintf(err, SELECT_ERR_SIZE,
			 "'%s' is a name, but with -n there is no header: "
			 "select by position; the input has %zu columns",
			 diag_quote(name, sizeof name, e->text, e->len), h->n);
		return -1;
	}
	r = find_name(h, e->name, e->name_len, SIZE_MAX, dup);
	if (r >= 0) {
		*col = (size_t)r;
		return 0;
	}
	if (e->quoted && r == NOT_FOUND) {
		snprintf(err, SELECT_ERR_SIZE, "no column named '%s'",
			 diag_quote(name, sizeof name, e->name, e->name_len));
		did_you_mean(err, h, e->name, e->name_len);
		select_list_header(err, h->names, h->n);
		return -1;
	}
	return lookup_error(h, r, e->name, e->name_len, dup, err);
}

static int
resolve_end(const struct header *h, const struct end *e, const char *item,
	    size_t ilen, size_t *col, char *err)
{
	if (!e->quoted && all_digits(e->text, e->len))
		return resolve_position(h, e, item, ilen, col, err);
	return resolve_name(h, e, col, err);
}

/* A bare end: TEXT is its name. */
static struct end
bare(const char *text, size_t len)
{
	return (struct end){text, len, false, (char *)text, len};
}

/* The column that the bare text at S (LEN bytes) would select, without a
 * message: a position, or a name; NOT_FOUND or AMBIGUOUS (DUP set). */
static long
try_bare(const struct header *h, const char *s, size_t len, size_t *dup)
{
	if (all_digits(s, len)) {
		size_t v = position_value(s, len, h->n);

		return v > 0 ? (long)v - 1 : NOT_FOUND;
	}
	return find_name(h, s, len, SIZE_MAX, dup);
}

/* Where the '-' of "DIGITS-DIGITS" is in S (LEN bytes), or 0. */
static size_t
position_range(const char *s, size_t len)
{
	size_t k = strspn(s, "0123456789");

	if (k == 0 || k >= len || s[k] != '-' ||
	    !all_digits(s + k + 1, len - k - 1))
		return 0;
	return k;
}

/* An item without quotes: a position, a range of positions, or a name; a
 * name may itself hold '-', so the whole item is tried first, then each
 * split point, and more than one way to read it is an error. */
static int
resolve_bare(const struct header *h, const char *s, size_t len, struct end *a,
	     struct end *b, bool *range, char *err)
{
	size_t dup[2], k = position_range(s, len), split = 0;
	long r;
	int ways = 0;

	*range = false;
	if (all_digits(s, len)) {
		*a = bare(s, len);
		return 0;
	}
	if (k != 0) {
		r = find_name(h, s, len, SIZE_MAX, dup);
		if (r == AMBIGUOUS)
			r = (long)dup[0];
		if (r >= 0) {
			char q[DIAG_QUOTE_SIZE], t[2 * DIAG_QUOTE_SIZE];

			snprintf(err, SELECT_ERR_SIZE,
				 "'%s' is the positions %.*s to %.*s and also "
				 "the name of column %ld: type %s for that "
				 "column, or list the positions one by one",
				 diag_quote(q, sizeof q, s, len), (int)k, s,
				 (int)(len - k - 1), s + k + 1, r + 1,
				 shell_spelling(t, sizeof t, h->opt, s, len));
			return -1;
		}
		*a = bare(s, k);
		*b = bare(s + k + 1, len - k - 1);
		*range = true;
		return 0;
	}
	r = find_name(h, s, len, SIZE_MAX, dup);
	if (r == AMBIGUOUS)
		return lookup_error(h, r, s, len, dup, err);
	if (r >= 0) {
		*a = bare(s, len);
		return 0;
	}
	for (size_t i = 1; i + 1 < len; i++) {
		long x, y;

		if (s[i] != '-')
			continue;
		if ((x = try_bare(h, s, i, dup)) == AMBIGUOUS)
			return lookup_error(h, x, s, i, dup, err);
		y = try_bare(h, s + i + 1, len - i - 1, dup);
		if (y == AMBIGUOUS)
			return lookup_error(h, y, s + i + 1, len - i - 1, dup,
					    err);
		if (x >= 0 && y >= 0) {
			split = i;
			ways++;
		}
	}
	if (ways == 0)
		return lookup_error(h, NOT_FOUND, s, len, dup, err);
	if (ways > 1) {
		snprintf(err, SELECT_ERR_SIZE,
			 "range '%.*s' can be read in more than one way; "
			 "use positions",
			 (int)len, s);
		return -1;
	}
	*a = bare(s, split);
	*b = bare(s + split + 1, len - split - 1);
	*range = true;
	return 0;
}

/* The name in double quotes at *P into E, a doubled quote standing for
 * one; *P moves past the closing quote.  SPEC is the whole list. */
static int
read_quoted(const char **p, struct end *e, const char *spec, char *err)
{
	const char *s = *p + 1;
	size_t n = 0, i = 0;

	for (;; s++, n++) {
		if (*s == '\0') {
			snprintf(err, SELECT_ERR_SIZE,
				 "unterminated quote in '%s'; a name in "
				 "double quotes ends with one",
				 spec);
			return -1;
		}
		if (*s == '"' && s[1] != '"')
			break;
		if (*s == '"')
			s++;
	}
	if ((e->name = malloc(n + 1)) == NULL) {
		snprintf(err, SELECT_ERR_SIZE, "out of memory");
		return -1;
	}
	for (s = *p + 1; i < n; s++) {
		e->name[i++] = *s;
		if (*s == '"')
			s++;
	}
	e->name[n] = '\0';
	e->name_len = n;
	e->quoted = true;
	e->text = *p;
	e->len = (size_t)(s + 1 - *p);
	*p = s + 1;
	return 0;
}

/* After a quoted end at P: the end of the item, or, when RANGE_OK, the
 * '-' of a range. */
static int
after_quote(const char *p, bool range_ok, const char *spec, char *err)
{
	if (*p == ',' || *p == '\0' || (range_ok && *p == '-'))
		return 0;
	snprintf(err, SELECT_ERR_SIZE,
		 "text after the closing quote in '%s'; a quote inside a "
		 "quoted name is written twice",
		 spec);
	return -1;
}

static void
end_free(struct end *e)
{
	if (e->quoted)
		free(e->name);
	e->quoted = false;
}

/* Resolves the item that starts at S into the columns LO..HI; *NEXT gets
 * the comma or the NUL that ends it.  The item is one end or a range
 * FIRST-LAST, each end bare or quoted. */
static int
resolve_item(const struct header *h, const char *spec, const char *s,
	     size_t *lo, size_t *hi, const char **next, char *err)
{
	struct end a = {0}, b = {0};
	const char *p = s;
	bool range = false;
	int status = -1;

	if (*p == '"') {
		if (read_quoted(&p, &a, spec, err) != 0 ||
		    after_quote(p, true, spec, err) != 0)
			goto done;
		if (*p == '-') {
			range = true;
			if (*++p == '"') {
				if (read_quoted(&p, &b, spec, err) != 0 ||
				    after_quote(p, false, spec, err) != 0)
					goto done;
			} else {
				b = bare(p, strcspn(p, ","));
				p += b.len;
			}
		}
	} else {
		/* Bare text, or bare text, '-' and a quoted name. */
		size_t len = strcspn(p, ","), k = 1;

		while (k + 1 < len && !(p[k] == '-' && p[k + 1] == '"'))
			k++;
		if (k + 1 < len) {
			range = true;
			a = bare(p, k);
			p += k + 1;
			if (read_quoted(&p, &b, spec, err) != 0 ||
			    after_quote(p, false, spec, err) != 0)
				goto done;
		} else {
			if (resolve_bare(h, p, len, &a, &b, &range, err) != 0)
				goto done;
			p += len;
		}
	}
	*next = p;
	if (range && b.len == 0) {
		snprintf(err, SELECT_ERR_SIZE, "empty column name in list '%s'",
			 spec);
		goto done;
	}
	if (resolve_end(h, &a, s, (size_t)(p - s), lo, err) != 0)
		goto done;
	*hi = *lo;
	if (range && resolve_end(h, &b, s, (size_t)(p - s), hi, err) != 0)
		goto done;
	if (*lo > *hi) {
		snprintf(err, SELECT_ERR_SIZE,
			 "range '%.*s' runs backwards (column %zu to %zu)",
			 (int)(p - s), s, *lo + 1, *hi + 1);
		goto done;
	}
	status = 0;
done:
	end_free(&a);
	end_free(&b);
	return status;
}

int
select_resolve(const char *opt, const char *spec, const char *const *names,
	       size_t n, size_t **out, size_t *count, char *err)
{
	struct header h;
	size_t *cols = NULL, ncols = 0, cap = 0;
	const char *s = spec;

	if (header_init(&h, opt, names, n, err) != 0)
		return -1;
	for (;;) {
		size_t lo, hi;
		const char *next;

		if (*s == ',' || *s == '\0') {
			snprintf(err, SELECT_ERR_SIZE,
				 "empty column name in list '%s'", spec);
			goto fail;
		}
		if (resolve_item(&h, spec, s, &lo, &hi, &next, err) != 0)
			goto fail;
		for (size_t c = lo; c <= hi; c++) {
			if (ncols == cap) {
				size_t *more;

				cap = cap ? 2 * cap : 8;
				more = realloc(cols, cap * sizeof *cols);
				if (more == NULL) {
					snprintf(err, SELECT_ERR_SIZE,
						 "out of memory");
					goto fail;
				}
				cols = more;
			}
			cols[ncols++] = c;
		}
		if (*next == '\0')
			break;
		s = next + 1;
	}
	header_free(&h);
	*out = cols;
	*count = ncols;
	return 0;
fail:
	header_free(&h);
	free(cols);
	return -1;
}

int
select_resolve_one(const char *opt, const char *spec, const char *const *names,
		   size_t n, size_t *out, char *err)
{
	size_t *cols, count;

	if (select_resolve(opt, spec, names, n, &cols, &count, err) != 0)
		return -1;
	if (count != 1) {
		snprintf(err, SELECT_ERR_SIZE,
			 "'%s' names %zu columns, expected one", spec, count);
		free(cols);
		return -1;
	}
	*out = cols[0];
	free(cols);
	return 0;
}

/* Appends C to BUF, of SIZE bytes of which *USED are taken, if it fits
 * with the NUL after it. */
static void
put(char *buf, size_t size, size_t *used, char c)
{
	if (*used + 1 < size)
		buf[(*used)++] = c;
}

/* Appends column C to BUF as WAY spells it: its name bare (0) or in double
 * quotes (1), or its position (2). */
static void
spell_column(char *buf, size_t size, size_t *used, const char *const *names,
	     size_t c, int way)
{
	char num[24];
	const char *s = num;
	bool quote = way == 1 && names != NULL;

	if (way == 2 || names == NULL)
		snprintf(num, sizeof num, "%zu", c + 1);
	else
		s = names[c];
	if (quote)
		put(buf, size, used, '"');
	for (; *s != '\0'; s++) {
		if (quote && *s == '"')
			put(buf, size, used, '"');
		put(buf, size, used, *s);
	}
	if (quote)
		put(buf, size, used, '"');
}

/* The columns COLS[0..K) into BUF as a list, each as WAY spells it; a run
 * of three or more neighbours as a range. */
static void
spell_list(char *buf, size_t size, const char *const *names, const size_t *cols,
	   size_t k, int way)
{
	size_t used = 0;

	for (size_t i = 0; i < k; i++) {
		size_t j = i;

		while (j + 1 < k && cols[j + 1] == cols[j] + 1)
			j++;
		if (i > 0)
			put(buf, size, &used, ',');
		spell_column(buf, size, &used, names, cols[i], way);
		if (j >= i + 2) {
			put(buf, size, &used, '-');
			spell_column(buf, size, &used, names, cols[j], way);
			i = j;
		}
	}
	buf[used] = '\0';
}

int
select_spell(char *buf, size_t size, const char *const *names, size_t n,
	     const size_t *cols, size_t k)
{
	char *list = malloc(size), err[SELECT_ERR_SIZE];
	int way;

	if (list == NULL)
		return -1;
	/* The first spelling that reads back as COLS, so that the command
	 * a message gives does what it says. */
	for (way = 0; way < 3; way++) {
		size_t *got, count;
		bool same;

		spell_list(list, size, names, cols, k, way);
		if (select_resolve("-t", list, names, n, &got, &count, err) !=
		    0)
			continue;
		same = count == k;
		for (size_t i = 0; same && i < k; i++)
			same = got[i] == cols[i];
		free(got);
		if (same)
			break;
	}
	if (way == 3)
		spell_list(list, size, names, cols, k, 2);
	diag_shell(buf, size, list, strlen(list));
	free(list);
	return 0;
}
