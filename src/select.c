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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

enum { NOT_FOUND = -1, AMBIGUOUS = -2 };

/* What a list is resolved against: the option it was given to (for the
 * spelling a message suggests), and the header (NULL without one) of N
 * columns. */
struct header {
	const char *opt;
	const char *const *names;
	size_t n;
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

/* Appends a short list of the header to ERR, so that a user who mistyped a
 * name sees the right one. */
static void
list_header(char *err, const char *const *names, size_t n)
{
	size_t used = strlen(err);

	if (names == NULL) {
		snprintf(err + used, SELECT_ERR_SIZE - used,
			 "; the input has %zu columns", n);
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

/* The column named by the LEN bytes at S, other than column EXCEPT
 * (SIZE_MAX: none).  For a name that is not unique, DUP gets two columns
 * that share it. */
static long
find_name(const char *s, size_t len, const char *const *names, size_t n,
	  size_t except, size_t *dup)
{
	long found = NOT_FOUND;

	for (size_t i = 0; names != NULL && i < n; i++) {
		if (i == except || strlen(names[i]) != len ||
		    memcmp(names[i], s, len) != 0)
			continue;
		if (found >= 0) {
			dup[0] = (size_t)found;
			dup[1] = i;
			return AMBIGUOUS;
		}
		found = (long)i;
	}
	return found;
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

static int
lookup_error(long r, const char *s, size_t len, const size_t *dup,
	     const char *const *names, size_t n, char *err)
{
	if (r == AMBIGUOUS) {
		snprintf(err, SELECT_ERR_SIZE,
			 "column name '%.*s' is ambiguous: columns %zu and %zu "
			 "share it; select by position instead",
			 (int)len, s, dup[0] + 1, dup[1] + 1);
		return -1;
	}
	snprintf(err, SELECT_ERR_SIZE, "no column '%.*s'", (int)len, s);
	list_header(err, names, n);
	return -1;
}

/* The column at the position that the bare digits of E spell.  ITEM (ILEN
 * bytes) is the whole item, which an unknown position quotes. */
static int
resolve_position(const struct header *h, const struct end *e, const char *item,
		 size_t ilen, size_t *col, char *err)
{
	size_t v = position_value(e->text, e->len, h->n), dup[2];
	long other = find_name(e->text, e->len, h->names, h->n,
			       v > 0 ? v - 1 : SIZE_MAX, dup);
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
	return lookup_error(NOT_FOUND, item, ilen, dup, h->names, h->n, err);
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
	r = find_name(e->name, e->name_len, h->names, h->n, SIZE_MAX, dup);
	if (r >= 0) {
		*col = (size_t)r;
		return 0;
	}
	if (e->quoted && r == NOT_FOUND) {
		snprintf(err, SELECT_ERR_SIZE, "no column named '%s'",
			 diag_quote(name, sizeof name, e->name, e->name_len));
		list_header(err, h->names, h->n);
		return -1;
	}
	return lookup_error(r, e->name, e->name_len, dup, h->names, h->n, err);
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
	return find_name(s, len, h->names, h->n, SIZE_MAX, dup);
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
		r = find_name(s, len, h->names, h->n, SIZE_MAX, dup);
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
	r = find_name(s, len, h->names, h->n, SIZE_MAX, dup);
	if (r == AMBIGUOUS)
		return lookup_error(r, s, len, dup, h->names, h->n, err);
	if (r >= 0) {
		*a = bare(s, len);
		return 0;
	}
	for (size_t i = 1; i + 1 < len; i++) {
		long x, y;

		if (s[i] != '-')
			continue;
		if ((x = try_bare(h, s, i, dup)) == AMBIGUOUS)
			return lookup_error(x, s, i, dup, h->names, h->n, err);
		y = try_bare(h, s + i + 1, len - i - 1, dup);
		if (y == AMBIGUOUS)
			return lookup_error(y, s + i + 1, len - i - 1, dup,
					    h->names, h->n, err);
		if (x >= 0 && y >= 0) {
			split = i;
			ways++;
		}
	}
	if (ways == 0)
		return lookup_error(NOT_FOUND, s, len, dup, h->names, h->n,
				    err);
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
	const struct header h = {opt, names, n};
	size_t *cols = NULL, ncols = 0, cap = 0;
	const char *s = spec;

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
	*out = cols;
	*count = ncols;
	return 0;
fail:
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

int
select_default(const char *const *names, size_t n, size_t *t, size_t *p,
	       char *err)
{
	static const char *const pairs[][2] = {{"y_true", "y_pred"},
					       {"true", "pred"},
					       {"target", "prediction"}};
	size_t dup[2];

	for (size_t k = 0; names != NULL && k < sizeof pairs / sizeof pairs[0];
	     k++) {
		const char *tn = pairs[k][0], *pn = pairs[k][1];
		long a = find_name(tn, strlen(tn), names, n, SIZE_MAX, dup), b;

		if (a == AMBIGUOUS)
			return lookup_error(a, tn, strlen(tn), dup, names, n,
					    err);
		if (a < 0)
			continue;
		b = find_name(pn, strlen(pn), names, n, SIZE_MAX, dup);
		if (b == AMBIGUOUS)
			return lookup_error(b, pn, strlen(pn), dup, names, n,
					    err);
		if (b < 0)
			continue;
		*t = (size_t)a;
		*p = (size_t)b;
		return 0;
	}
	if (n == 2) {
		*t = 0;
		*p = 1;
		return 0;
	}
	snprintf(err, SELECT_ERR_SIZE,
		 "cannot tell which columns hold true and predicted values; "
		 "give them with -t and -p");
	list_header(err, names, n);
	return -1;
}
