/* explain.c: plain sentences that name the gap between two numbers on an
 * epoch's line and where it comes from, with the actual values (SPEC.md,
 * "The problem it solves"). */
#include "explain.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"

struct text {
	char *buf;
	size_t size, used;
};

enum { WIDTH = 78 };

/* Adds one sentence, wrapped at spaces to WIDTH columns: its first line
 * indented by two spaces, the others by four. */
static void
say(struct text *t, const char *fmt, ...)
{
	char sentence[512];
	const char *s = sentence;
	size_t indent = 2;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sentence, sizeof sentence, fmt, ap);
	va_end(ap);
	while (*s != '\0' && t->used + WIDTH + 2 < t->size) {
		size_t room = WIDTH - indent, len = strlen(s), cut = len;

		if (len > room) {
			cut = room;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut == 0) /* a word longer than a line */
				cut = strcspn(s, " ");
		}
		t->used += (size_t)snprintf(t->buf + t->used, t->size - t->used,
					    "%*s%.*s\n", (int)indent, "",
					    (int)cut, s);
		if (t->used >= t->size) {
			t->used = t->size - 1; /* cut short, still a string */
			break;
		}
		s += cut;
		while (*s == ' ')
			s++;
		indent = 4;
	}
}

static bool
printed(const struct report_config *cfg, enum measure m)
{
	for (size_t i = 0; i < cfg->nmeasures; i++)
		if (cfg->measures[i] == m)
			return true;
	return false;
}

/* A value as the table shows it. */
static const char *
num(char *buf, double v, const struct report_config *cfg)
{
	numfmt_digits(buf, v, cfg->precision);
	return buf;
}

/* A difference, to four significant digits: enough to see its size. */
static const char *
gap(char *buf, double a, double b)
{
	snprintf(buf, NUMFMT_SIZE, "%.4g", fabs(a - b));
	return buf;
}

char *
explain_epoch(char *buf, size_t size, const struct report_config *cfg,
	      const struct explain_facts *l)
{
	struct text t = {buf, size, 0};
	double rmse = l->v[M_RMSE], mean = l->v[M_MEAN_BATCH_RMSE];
	double running = l->v[M_RUNNING_RMSE], row = l->v[M_ROW_LOSS];
	bool has_rmse = printed(cfg, M_RMSE) && isfinite(rmse);
	bool has_running = printed(cfg, M_RUNNING_RMSE) && isfinite(running);
	bool weighted = cfg->weighted;
	char a[NUMFMT_SIZE], b[NUMFMT_SIZE], c[NUMFMT_SIZE];

	buf[0] = '\0';
	/* The mean of batch RMSEs against the RMSE of the same rows: the
	 * running one, or, when the metric restarts with each epoch, the
	 * epoch's (the same number). */
	if (printed(cfg, M_MEAN_BATCH_RMSE) && isfinite(mean) &&
	    (has_running || (has_rmse && !l->reset_never))) {
		const char *name = has_running ? "running rmse" : "the rmse";
		double same = has_running ? running : rmse;

		if (mean < same)
			say(&t,
			    "mean batch rmse %s is %s below %s %s over the "
			    "same "
			    "rows: it averages each batch's square root, and a "
			    "mean of square roots is never larger than the "
			    "square root of the mean.",
			    num(a, mean, cfg), gap(b, mean, same), name,
			    num(c, same, cfg));
		else if (mean > same && weighted)
			say(&t,
			    "mean batch rmse %s is %s above %s %s: batches are "
			    "averaged by their rows, and the rmse weighs each "
			    "row by its weight.",
			    num(a, mean, cfg), gap(b, mean, same), name,
			    num(c, same, cfg));
		else if (mean == same)
			say(&t,
			    "mean batch rmse equals %s %s: every batch had the "
			    "same rmse.",
			    name, num(a, same, cfg));
	}
	if (has_rmse && has_running) {
		if (l->reset_never && l->running_rows > l->rows)
			say(&t,
			    "With --reset never, running rmse %s also covers "
			    "the %" PRIu64
			    " rows of earlier epochs; this epoch's %" PRIu64
			    " rows alone give rmse %s.",
			    num(a, running, cfg), l->running_rows - l->rows,
			    l->rows, num(b, rmse, cfg));
		else if (!l->reset_never)
			say(&t, "running rmse equals the epoch's rmse: the "
				"metric restarted with the epoch, as model.fit "
				"resets it.");
	}
	/* Each row's own RMSE, then their mean: Jensen again, row by row.
	 * With weights the two are not on the same footing: say nothing. */
	if (printed(cfg, M_ROW_LOSS) && isfinite(row) && !weighted) {
		if (l->pairs == 1)
			say(&t,
			    "With one output, row loss %s is the mean "
			    "absolute error: the square root of one squared "
			    "error is its absolute value.",
			    num(a, row, cfg));
		else if (has_rmse && row < rmse)
			say(&t,
			    "row loss %s is %s below rmse: it takes a square "
			    "root per row, over its %zu outputs, before "
			    "averaging the rows.",
			    num(a, row, cfg), gap(b, row, rmse), l->pairs);
		else if (has_rmse && row == rmse)
			say(&t,
			    "row loss equals rmse: every row has the same rmse "
			    "over its %zu outputs.",
			    l->pairs);
	}
	return buf;
}
