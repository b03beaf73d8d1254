/* select_default.c: the true and predicted columns found without -t and
 * -p, by their names, in the layouts that pandas, R, numpy and people
 * write.
 *
 * A file is read the way its names say, or not at all: every way of
 * pairing its columns that the names allow is found, and more than one is
 * an error that lists them as commands to type, never a silent pick. */
#include "select_default.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* The names of true values and of predictions, in pairs: the one table,
 * which the man page lists (FILES THAT WORK).  Case does not matter, and
 * each name may carry a key for several outputs ("true_a", "a_pred"). */
static const struct {
	const char *truth, *pred;
} synonyms[] = {
	{"y_true", "y_pred"},	 {"true", "pred"},
	{"actual", "predicted"}, {"y", "yhat"},
	{"y", "y_hat"},		 {"target", "prediction"},
	{"label", "pred"},	 {"truth", "pred"},
	{"y_test", "y_pred"},	 {"observed", "predicted"},
	{"obs", "pred"},
};

enum { NSYN = sizeof synonyms / sizeof synonyms[0] };

/* How a name holds a synonym: as the whole name, or with a key after it or
 * before it, apart by a separator ("true_a", "a.true"). */
enum form { WHOLE, KEY_AFTER, KEY_BEFORE, NFORMS };

/* C in lower case, if it is an ASCII letter: names are bytes, whatever
 * the locale. */
static int
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : (unsigned char)c;
}

static bool
is_separator(char c)
{
	return c == '_' || c == '.' || c == '-' || c == ' ';
}

/* Whether the LEN bytes at A and at B are the same, case aside. */
static bool
same_text(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/* Whether NAME (LEN bytes) holds WORD in FORM; *KEY and *KEY_LEN get the
 * rest of it. */
static bool
holds(const char *name, size_t len, const char *word, enum form form,
      const char **key, size_t *key_len)
{
	size_t w = strlen(word);

	*key = name;
	*key_len = 0;
	if (form == WHOLE)
		return len == w && same_text(name, word, w);
	if (len <= w + 1)
		return false;
	*key_len = len - w - 1;
	if (form == KEY_AFTER) {
		*key = name + w + 1;
		return same_text(name, word, w) && is_separator(name[w]);
	}
	return same_text(name + len - w, word, w) &&
	       is_separator(name[len - w - 1]);
}

/* One way of pairing the columns: T[i] with P[i].  UNPAIRED is a column
 * whose name fits but which has no partner (SIZE_MAX: none). */
struct candidate {
	size_t *t, *p, k;
	size_t unpaired;
};

struct search {
	const char *const *names;
	size_t n;
	size_t index; /* pandas's index or R's row names, or SIZE_MAX */
	bool *out;    /* it, and the columns of -w and -e */
	struct candidate *c;
	size_t nc, cap;
	bool oom;
};

/* A column of NAMES that holds a synonym in the form looked for: its key. */
struct match {
	size_t col;
	const char *key;
	size_t key_len;
};

static size_t
matches(const struct search *s, const char *word, enum form form,
	struct match *m)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		const char *key;
		size_t key_len;

		if (i != s->index && holds(s->names[i], strlen(s->names[i]),
					   word, form, &key, &key_len))
			m[k++] = (struct match){i, key, key_len};
	}
	return k;
}

/* The order of the keys of A and B, case aside. */
static int
key_order(const struct match *a, const struct match *b)
{
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;

	for (size_t i = 0; i < n; i++) {
		int d = fold(a->key[i]) - fold(b->key[i]);

		if (d != 0)
			return d;
	}
	return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

/* For qsort: by key, then by column. */
static int
by_key(const void *a, const void *b)
{
	const struct match *x = a, *y = b;
	int d = key_order(x, y);

	return d != 0 ? d : x->col < y->col ? -1 : x->col > y->col;
}

static bool
same_candidate(const struct candidate *a, const struct candidate *b)
{
	return a->k == b->k && memcmp(a->t, b->t, a->k * sizeof *a->t) == 0 &&
	       memcmp(a->p, b->p, a->k * sizeof *a->p) == 0;
}

/* Keeps C unless it is one already found, or it would give a column both
 * roles (one_role would refuse it). */
static void
keep(struct search *s, struct candidate *c)
{
	bool *truth = calloc(s->n ? s->n : 1, sizeof *truth), drop = false;

	if (truth == NULL)
		s->oom = drop = true;
	for (size_t i = 0; !drop && i < c->k; i++)
		truth[c->t[i]] = true;
	for (size_t i = 0; !drop && i < c->k; i++)
		drop = truth[c->p[i]];
	free(truth);
	for (size_t i = 0; !drop && i < s->nc; i++)
		drop = same_candidate(&s->c[i], c);
	if (!drop && s->nc == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4;
		struct candidate *more = realloc(s->c, cap * sizeof *more);

		if (more == NULL) {
			s->oom = drop = true;
		} else {
			s->c = more;
			s->cap = cap;
		}
	}
	if (drop) {
		free(c->t);
		free(c->p);
		return;
	}
	s->c[s->nc++] = *c;
}

struct pair {
	size_t t, p;
};

static int
by_truth(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

/* The candidate of T (NT matches) and P (NP), both in key order: the
 * columns of each key that both sides hold are a pair, the first of each
 * side's (with LAST, the last), in the order of the true columns; the
 * first column of a key that one side alone holds is UNPAIRED.  *TWICE
 * (unless NULL) says whether a side holds a key more than once, which
 * makes a candidate of the last columns too. */
static void
pair_up(struct search *s, const struct match *t, size_t nt,
	const struct match *p, size_t np, bool last, bool *twice)
{
	struct pair *pairs = malloc(nt * sizeof *pairs);
	struct candidate c = {NULL, NULL, 0, SIZE_MAX};
	size_t i = 0, j = 0;

	if (pairs == NULL) {
		s->oom = true;
		return;
	}
	while (i < nt || j < np) {
		int d = i == nt ? 1 : j == np ? -1 : key_order(&t[i], &p[j]);
		size_t i2 = i, j2 = j;

		while (d <= 0 && i2 < nt && key_order(&t[i2], &t[i]) == 0)
			i2++;
		while (d >= 0 && j2 < np && key_order(&p[j2], &p[j]) == 0)
			j2++;
		if (twice != NULL && (i2 > i + 1 || j2 > j + 1))
			*twice = true;
		if (d == 0)
			pairs[c.k++] = (struct pair){t[last ? i2 - 1 : i].col,
						     p[last ? j2 - 1 : j].col};
		else if ((d < 0 ? t[i].col : p[j].col) < c.unpaired)
			c.unpaired = d < 0 ? t[i].col : p[j].col;
		i = i2;
		j = j2;
	}
	if (c.k > 0) {
		c.t = malloc(c.k * sizeof *c.t);
		c.p = malloc(c.k * sizeof *c.p);
		if (c.t == NULL || c.p == NULL) {
			free(c.t);
			free(c.p);
			s->oom = true;
		} else {
			qsort(pairs, c.k, sizeof *pairs, by_truth);
			for (size_t k = 0; k < c.k; k++) {
				c.t[k] = pairs[k].t;
				c.p[k] = pairs[k].p;
			}
			keep(s, &c);
		}
	}
	free(pairs);
}

static void
search_all(struct search *s)
{
	struct match *t = malloc((s->n ? s->n : 1) * sizeof *t),
		     *p = malloc((s->n ? s->n : 1) * sizeof *p);

	if (t == NULL || p == NULL) {
		s->oom = true;
		free(t);
		free(p);
		return;
	}
	for (size_t i = 0; i < NSYN && !s->oom; i++) {
		for (int f = WHOLE; f < NFORMS && !s->oom; f++) {
			size_t nt = matches(s, synonyms[i].truth, f, t);
			size_t np = nt ? matches(s, synonyms[i].pred, f, p) : 0;
			bool twice = false;

			if (np == 0)
				continue;
			qsort(t, nt, sizeof *t, by_key);
			qsort(p, np, sizeof *p, by_key);
			pair_up(s, t, nt, p, np, false, &twice);
			if (twice)
				pair_up(s, t, nt, p, np, true, NULL);
		}
	}
	free(t);
	free(p);
}

/* What the names say column I holds: 't', 'p', or 0 for neither or both;
 * the longest synonym it holds decides ("y_pred" holds "y" and "y_pred"). */
static char
role(const struct search *s, size_t i)
{
	size_t best = 0, len = strlen(s->names[i]);
	char r = 0;

	for (size_t k = 0; k < NSYN; k++) {
		for (int f = WHOLE; f < NFORMS; f++) {
			const char *w[2] = {synonyms[k].truth,
					    synonyms[k].pred};

			for (int j = 0; j < 2; j++) {
				const char *key;
				size_t key_len, wl = strlen(w[j]);

				if (!holds(s->names[i], len, w[j], f, &key,
					   &key_len) ||
				    wl < best)
					continue;
				r = wl > best || r == 0 || r == "tp"[j]
					    ? "tp"[j]
					    : 'x';
				best = wl;
			}
		}
	}
	return r == 'x' ? 0 : r;
}

/* "rmsetab -t T -p P ARGS" for candidate C, appended to ERR. */
static void
command(char *err, const struct search *s, const struct candidate *c,
	const char *args)
{
	char t[SELECT_ERR_SIZE], p[SELECT_ERR_SIZE];
	size_t used = strlen(err);

	if (select_spell(t, sizeof t, s->names, s->n, c->t, c->k) != 0 ||
	    select_spell(p, sizeof p, s->names, s->n, c->p, c->k) != 0) {
		snprintf(err + used, SELECT_ERR_SIZE - used, "(out of memory)");
		return;
	}
	snprintf(err + used, SELECT_ERR_SIZE - used, "rmsetab -t %s -p %s%s%s",
		 t, p, *args ? " " : "", args);
}

static const char *
quoted(char *buf, const struct search *s, size_t i)
{
	return diag_quote(buf, DIAG_QUOTE_SIZE, s->names[i],
			  strlen(s->names[i]));
}

/* The only two columns there are, the names of either deciding which is
 * which; -1 when there are not two, or their names contradict each
 * other. */
static int
only_two(const struct search *s, size_t *t, size_t *p)
{
	size_t two[2], k = 0;
	char a, b;

	for (size_t i = 0; i < s->n; i++)
		if (!s->out[i] && k++ < 2)
			two[k - 1] = i;
	if (k != 2)
		return -1;
	*t = two[0];
	*p = two[1];
	if (s->names == NULL)
		return 0;
	a = role(s, two[0]);
	b = role(s, two[1]);
	if ((a == 'p' || b == 't') && (a == 't' || b == 'p'))
		return -1;
	if (a == 'p' || b == 't') {
		*t = two[1];
		*p = two[0];
	}
	return 0;
}

/* With no pair of names: a header with the true values alone, or the
 * predictions alone, and another file after this one, is half of a
 * pair that paste(1) puts together. */
static bool
half_message(char *err, const struct search *s, const char *paste)
{
	size_t first[2] = {SIZE_MAX, SIZE_MAX};
	char name[DIAG_QUOTE_SIZE];
	int half;

	if (paste == NULL || s->names == NULL)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		char r = s->out[i] ? 0 : role(s, i);

		if (r != 0 && first[r == 'p'] == SIZE_MAX)
			first[r == 'p'] = i;
	}
	if ((first[0] == SIZE_MAX) == (first[1] == SIZE_MAX))
		return false;
	half = first[0] == SIZE_MAX;
	snprintf(err, SELECT_ERR_SIZE,
		 "cannot tell which columns hold true and predicted values: "
		 "the header has %s only ('%s'); if the next file holds the "
		 "%s, type %s",
		 half ? "predictions" : "true values",
		 quoted(name, s, first[half]),
		 half ? "true values" : "predictions", paste);
	return true;
}

int
select_default(const char *const *names, size_t n,
	       const struct select_default_how *how, size_t **tcol,
	       size_t **pcol, size_t *pairs, char *err)
{
	struct search s = {names, n, SIZE_MAX, NULL, NULL, 0, 0, false};
	int status = -1;
	size_t t, p;

	s.out = calloc(n ? n : 1, sizeof *s.out);
	if (s.out == NULL)
		goto oom;
	for (size_t i = 0; i < 2; i++)
		if (how->skip[i] < n)
			s.out[how->skip[i]] = true;
	for (size_t i = 0; i < how->nmore; i++)
		if (how->more[i] < n)
			s.out[how->more[i]] = true;
	/* pandas's index (to_csv with index=True, or read back and written
	 * again) and R's row names (write.csv): row labels, not data.  The
	 * columns of -w, -e and -g are not counted among the only two, but a
	 * pair of names that takes one is an error of one_role's. */
	if (names != NULL && n > 0 &&
	    (names[0][0] == '\0' || strcmp(names[0], "Unnamed: 0") == 0))
		s.out[s.index = 0] = true;
	if (names != NULL)
		search_all(&s);
	if (s.oom)
		goto oom;
	if (s.nc == 1 && s.c[0].unpaired == SIZE_MAX) {
		*tcol = s.c[0].t;
		*pcol = s.c[0].p;
		*pairs = s.c[0].k;
		s.nc = 0;
		status = 0;
	} else if (s.nc == 1) {
		char name[DIAG_QUOTE_SIZE];

		snprintf(err, SELECT_ERR_SIZE,
			 "cannot tell which columns hold true and predicted "
			 "values: '%s' has no column to pair with; for the "
			 "pairs that have one, type ",
			 quoted(name, &s, s.c[0].unpaired));
		command(err, &s, &s.c[0], how->args);
	} else if (s.nc > 1) {
		snprintf(err, SELECT_ERR_SIZE,
			 "cannot tell which columns hold true and predicted "
			 "values, %zu choices fit: type ",
			 s.nc);
		for (size_t i = 0; i < s.nc; i++) {
			size_t used = strlen(err);

			if (i > 0)
				snprintf(err + used, SELECT_ERR_SIZE - used,
					 "%s", i + 1 < s.nc ? ", " : ", or ");
			command(err, &s, &s.c[i], how->args);
		}
	} else if (only_two(&s, &t, &p) == 0) {
		*tcol = malloc(sizeof **tcol);
		*pcol = malloc(sizeof **pcol);
		if (*tcol == NULL || *pcol == NULL) {
			free(*tcol);
			free(*pcol);
			goto oom;
		}
		**tcol = t;
		**pcol = p;
		*pairs = 1;
		status = 0;
	} else if (!half_message(err, &s, how->paste)) {
		snprintf(err, SELECT_ERR_SIZE,
			 "cannot tell which columns hold true and predicted "
			 "values; give them with -t and -p");
		select_list_header(err, names, n);
	}
	goto done;
oom:
	snprintf(err, SELECT_ERR_SIZE, "out of memory");
done:
	for (size_t i = 0; i < s.nc; i++) {
		free(s.c[i].t);
		free(s.c[i].p);
	}
	free(s.c);
	free(s.out);
	return status;
}
