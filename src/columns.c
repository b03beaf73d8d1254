/* columns.c: turns "-t true_0-true_9" or "-p 11,12" into field numbers. */
#include "columns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

enum { NOT_FOUND = -1, AMBIGUOUS = -2 };

/* Appends a short list of the header to ERR, so that a user who mistyped a
 * name sees the right one. */
static void
list_header(char *err, const char *const *names, size_t n)
{
	size_t used = strlen(err);

	if (names == NULL) {
		snprintf(err + used, COLUMNS_ERR_SIZE - used,
			 "; the input has %zu columns", n);
		return;
	}
	used += (size_t)snprintf(err + used, COLUMNS_ERR_SIZE - used,
				 "; the header has:");
	for (size_t i = 0; i < n && used < COLUMNS_ERR_SIZE - 1; i++) {
		char name[DIAG_QUOTE_SIZE];

		/* Control bytes and bytes that are not UTF-8 escaped: the
		 * message stays one line of text. */
		used += (size_t)snprintf(err + used, COLUMNS_ERR_SIZE - used,
					 "%s %s", i ? "," : "",
					 diag_quote(name, sizeof name, names[i],
						    strlen(names[i])));
	}
	if (used >= COLUMNS_ERR_SIZE - 1)
		strcpy(err + COLUMNS_ERR_SIZE - 5, "...");
}

/* The field holding the column named by the LEN bytes at S: a header name
 * first, then a 1-based index.  For a name that is not unique, DUP gets
 * two fields that share it. */
static long
lookup(const char *s, size_t len, const char *const *names, size_t n,
       size_t *dup)
{
	long found = NOT_FOUND;

	if (names != NULL) {
		for (size_t i = 0; i < n; i++) {
			if (strlen(names[i]) != len ||
			    memcmp(names[i], s, len) != 0)
				continue;
			if (found >= 0) {
				dup[0] = (size_t)found;
				dup[1] = i;
				return AMBIGUOUS;
			}
			found = (long)i;
		}
		if (found >= 0)
			return found;
	}
	if (len > 0 && len < 20 && strspn(s, "0123456789") >= len) {
		char buf[20];
		unsigned long long v;

		memcpy(buf, s, len);
		buf[len] = '\0';
		errno = 0;
		v = strtoull(buf, NULL, 10);
		if (errno == 0 && v >= 1 && v <= n)
			return (long)(v - 1);
	}
	return NOT_FOUND;
}

static int
lookup_error(long r, const char *s, size_t len, const size_t *dup,
	     const char *const *names, size_t n, char *err)
{
	if (r == AMBIGUOUS) {
		snprintf(err, COLUMNS_ERR_SIZE,
			 "column name '%.*s' is ambiguous: columns %zu and %zu "
			 "share it; select by index instead",
			 (int)len, s, dup[0] + 1, dup[1] + 1);
		return -1;
	}
	snprintf(err, COLUMNS_ERR_SIZE, "no column '%.*s'", (int)len, s);
	list_header(err, names, n);
	return -1;
}

/* Resolves one item of a list: a column, or a range FIRST-LAST of them.
 * A name may itself hold '-', so the whole item is tried first, then each
 * split point; more than one way to read it is an error. */
static int
resolve_item(const char *s, size_t len, const char *const *names, size_t n,
	     size_t *lo, size_t *hi, char *err)
{
	size_t dup[2];
	long r = lookup(s, len, names, n, dup), a = NOT_FOUND, b = NOT_FOUND;
	int ways = 0;

	if (r >= 0) {
		*lo = *hi = (size_t)r;
		return 0;
	}
	if (r == AMBIGUOUS)
		return lookup_error(r, s, len, dup, names, n, err);
	for (size_t k = 1; k + 1 < len; k++) {
		long x, y;

		if (s[k] != '-')
			continue;
		x = lookup(s, k, names, n, dup);
		if (x == AMBIGUOUS)
			return lookup_error(x, s, k, dup, names, n, err);
		y = lookup(s + k + 1, len - k - 1, names, n, dup);
		if (y == AMBIGUOUS)
			return lookup_error(y, s + k + 1, len - k - 1, dup,
					    names, n, err);
		if (x >= 0 && y >= 0) {
			a = x;
			b = y;
			ways++;
		}
	}
	if (ways == 0)
		return lookup_error(NOT_FOUND, s, len, dup, names, n, err);
	if (ways > 1) {
		snprintf(err, COLUMNS_ERR_SIZE,
			 "range '%.*s' can be read in more than one way; "
			 "use indices",
			 (int)len, s);
		return -1;
	}
	if (a > b) {
		snprintf(err, COLUMNS_ERR_SIZE,
			 "range '%.*s' runs backwards (column %ld to %ld)",
			 (int)len, s, a + 1, b + 1);
		return -1;
	}
	*lo = (size_t)a;
	*hi = (size_t)b;
	return 0;
}

int
columns_resolve(const char *spec, const char *const *names, size_t n,
		size_t **out, size_t *count, char *err)
{
	size_t *cols = NULL, ncols = 0, cap = 0;
	const char *s = spec;

	for (;;) {
		size_t len = strcspn(s, ","), lo, hi;

		if (len == 0) {
			snprintf(err, COLUMNS_ERR_SIZE,
				 "empty column name in list '%s'", spec);
			goto fail;
		}
		if (resolve_item(s, len, names, n, &lo, &hi, err) != 0)
			goto fail;
		for (size_t c = lo; c <= hi; c++) {
			if (ncols == cap) {
				size_t *more;

				cap = cap ? 2 * cap : 8;
				more = realloc(cols, cap * sizeof *cols);
				if (more == NULL) {
					snprintf(err, COLUMNS_ERR_SIZE,
						 "out of memory");
					goto fail;
				}
				cols = more;
			}
			cols[ncols++] = c;
		}
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	*out = cols;
	*count = ncols;
	return 0;
fail:
	free(cols);
	return -1;
}

int
columns_resolve_one(const char *spec, const char *const *names, size_t n,
		    size_t *out, char *err)
{
	size_t *cols, count;

	if (columns_resolve(spec, names, n, &cols, &count, err) != 0)
		return -1;
	if (count != 1) {
		snprintf(err, COLUMNS_ERR_SIZE,
			 "'%s' names %zu columns, expected one", spec, count);
		free(cols);
		return -1;
	}
	*out = cols[0];
	free(cols);
	return 0;
}

int
columns_default(const char *const *names, size_t n, size_t *t, size_t *p,
		char *err)
{
	static const char *const pairs[][2] = {{"y_true", "y_pred"},
					       {"true", "pred"},
					       {"target", "prediction"}};
	size_t dup[2];

	if (names != NULL) {
		for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
			const char *tn = pairs[k][0], *pn = pairs[k][1];
			long a = lookup(tn, strlen(tn), names, n, dup), b;

			if (a == AMBIGUOUS)
				return lookup_error(a, tn, strlen(tn), dup,
						    names, n, err);
			if (a < 0)
				continue;
			b = lookup(pn, strlen(pn), names, n, dup);
			if (b == AMBIGUOUS)
				return lookup_error(b, pn, strlen(pn), dup,
						    names, n, err);
			if (b < 0)
				continue;
			*t = (size_t)a;
			*p = (size_t)b;
			return 0;
		}
	}
	if (n == 2) {
		*t = 0;
		*p = 1;
		return 0;
	}
	snprintf(err, COLUMNS_ERR_SIZE,
		 "cannot tell which columns hold true and predicted values; "
		 "give them with -t and -p");
	list_header(err, names, n);
	return -1;
}
