/* threshold.c: the checks of --fail-above and --fail-below.  Every epoch
 * line and the total are checked, and every value that fails is named,
 * not only the first.  An undefined value fails too: a check must not
 * pass on no data. */
#include "threshold.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void
threshold_init(struct threshold *t, const struct threshold_config *cfg,
	       char *const *files, size_t nfiles)
{
	memset(t, 0, sizeof *t);
	t->cfg = cfg;
	t->files = files;
	t->nfiles = nfiles;
}

void
threshold_set_outputs(struct threshold *t, char *const *names, size_t pairs)
{
	t->outputs = names;
	t->pairs = pairs;
}

void
threshold_free(struct threshold *t)
{
	free(t->text);
	t->text = NULL;
}

unsigned
threshold_needs(const struct threshold_config *cfg)
{
	unsigned needs = 0;

	for (size_t i = 0; i < cfg->n; i++)
		needs |= measures_needs(&cfg->rules[i].measure, 1);
	return needs;
}

static void add(struct threshold *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends to the messages; out of memory, says so once. */
static void
add(struct threshold *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	for (;;) {
		size_t room = t->cap - t->len;
		char *more;

		va_start(ap, fmt);
		/* No offset on the null text before the first message: room
		 * is 0 then, and vsnprintf only counts. */
		n = vsnprintf(t->text != NULL ? t->text + t->len : NULL, room,
			      fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		if (n < 0 || (more = realloc(t->text, t->cap * 2 + (size_t)n +
							      256)) == NULL) {
			diag("out of memory");
			t->failed = true;
			return;
		}
		t->text = more;
		t->cap = t->cap * 2 + (size_t)n + 256;
	}
}

/* The name of line L in a message: its group's key first, with -g; then
 * "total", the epoch's value with -e, or its file when each epoch is a
 * file ("epoch N (FILE)" when there are several), or "epoch N". */
static void
add_label(struct threshold *t, const struct batcher_line *l)
{
	char q[DIAG_QUOTE_SIZE];

	if (l->group != NULL)
		add(t, "group '%s', ",
		    diag_quote(q, sizeof q, l->group, l->group_len));
	if (l->kind == BATCHER_TOTAL)
		add(t, "total");
	else if (l->epoch_key != NULL)
		add(t, "epoch '%s'",
		    diag_quote(q, sizeof q, l->epoch_key, l->epoch_key_len));
	else if (t->files != NULL && t->nfiles == 1 && l->epoch == 1)
		add(t, "%s", t->files[0]);
	else if (t->files != NULL && l->epoch >= 1 && l->epoch <= t->nfiles)
		add(t, "epoch %" PRIu64 " (%s)", l->epoch,
		    t->files[l->epoch - 1]);
	else
		add(t, "epoch %" PRIu64, l->epoch);
}

/* Writes V as the shortest text that reads back as V ("0.3", not
 * printf's "%.17g" of it, "0.29999999999999999"), so that a message
 * shows the limit as it was typed and a value as the same double: the
 * fewest significant digits that read back, without an exponent from
 * 1e-4 to below 1e16 ("25", not "2.5e+01"): Python's repr without its
 * trailing ".0" on whole numbers. */
static const char *
shortest(char *buf, size_t size, double v)
{
	int prec, x;

	if (!isfinite(v)) {
		snprintf(buf, size, "%g", v);
		return buf;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, size, "%.*e", prec - 1, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	snprintf(buf, size, "%.*e", prec - 1, v);
	x = atoi(strchr(buf, 'e') + 1);
	if (x >= -4 && x < 16)
		snprintf(buf, size, "%.*f", prec - 1 - x > 0 ? prec - 1 - x : 0,
			 v);
	return buf;
}

/* Checks VALUE, of L's measure R->measure (of pair J with per_output),
 * against R. */
static void
check(struct threshold *t, const struct batcher_line *l,
      const struct threshold_rule *r, double value, size_t j)
{
	const char *dir = r->below ? "below" : "above";
	char v[32], x[32];

	if (r->below ? value >= r->limit : value <= r->limit)
		return;
	add_label(t, l);
	if (r->measure != M_PER_OUTPUT)
		add(t, ": %s ", measures_name(r->measure));
	else if (t->outputs != NULL && j < t->pairs)
		add(t, ": %s ", t->outputs[j]);
	else
		add(t, ": rmse[%zu] ", j + 1);
	if (isnan(value))
		add(t, "is undefined (nan), which fails --fail-%s %s\n", dir,
		    shortest(x, sizeof x, r->limit));
	else
		add(t, "%s is %s %s (--fail-%s)\n",
		    shortest(v, sizeof v, value), dir,
		    shortest(x, sizeof x, r->limit), dir);
}

void
threshold_line(void *ctx, const struct batcher_line *l)
{
	struct threshold *t = ctx;
	const struct threshold_config *cfg = t->cfg;

	/* The total of one epoch is that epoch, checked as such. */
	if (l->kind == BATCHER_BATCH ||
	    (l->kind == BATCHER_TOTAL && l->epochs < 2))
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		const struct threshold_rule *r = &cfg->rules[i];

		/* A value the line does not have (with resets, the running
		 * ones of the total) is not checked. */
		if ((l->absent >> r->measure) & 1)
			continue;
		if (r->measure != M_PER_OUTPUT)
			check(t, l, r, l->v[r->measure], 0);
		else
			for (size_t j = 0; j < l->pairs; j++)
				check(t, l, r, l->per_output[j], j);
	}
}

bool
threshold_report(const struct threshold *t)
{
	const char *s = t->text, *end;

	if (t->len == 0)
		return false;
	for (; (end = memchr(s, '\n', t->len - (size_t)(s - t->text))) != NULL;
	     s = end + 1)
		diag("%.*s", (int)(end - s), s);
	return true;
}
