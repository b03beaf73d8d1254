/* measures.c: the table of the quantities: their names, and what each
 * one needs computed.  Whoever must know what a -c list costs (the sums
 * kept for each row, a saved state, a merge) asks it here. */
#include "measures.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *label;
	unsigned needs; /* enum measures_need */
	bool running;	/* since the last reset, not of a line's own rows */
	bool negative;	/* can be below 0 */
} table[M_COUNT] = {
	[M_RMSE] = {"rmse", "batch rmse", 0, false, false},
	[M_MEAN_BATCH_RMSE] = {"mean_batch_rmse", "mean batch rmse",
			       MEASURES_BATCHES, true, false},
	[M_RUNNING_RMSE] = {"running_rmse", "running rmse", 0, true, false},
	[M_ROW_LOSS] = {"row_loss", "row loss", MEASURES_ROW_LOSS, false,
			false},
	[M_MEAN_ROW_LOSS] = {"mean_row_loss", "mean row loss",
			     MEASURES_ROW_LOSS | MEASURES_BATCHES, true, false},
	[M_MSE] = {"mse", "mse", 0, false, false},
	[M_RUNNING_MSE] = {"running_mse", "running mse", 0, true, false},
	[M_MAE] = {"mae", "mae", MEASURES_ABS, false, false},
	[M_RUNNING_MAE] = {"running_mae", "running mae", MEASURES_ABS, true,
			   false},
	[M_PER_OUTPUT] = {"per_output", "rmse", MEASURES_PER_OUTPUT, false,
			  false},
	[M_UNIFORM_RMSE] = {"uniform_rmse", "uniform rmse", MEASURES_PER_OUTPUT,
			    false, false},
	/* r2 divides each pair's squared errors by their true values'
	 * spread. */
	[M_R2] = {"r2", "r2", MEASURES_PER_OUTPUT | MEASURES_SPREAD, false,
		  true},
	[M_BIAS] = {"bias", "bias", MEASURES_BIAS, false, true},
	[M_MAX_ERROR] = {"max_error", "max error", MEASURES_MAX_ERROR, false,
			 false},
	[M_WEIGHT] = {"weight", "weight", 0, false, false},
};

const char *
measures_name(enum measure m)
{
	return table[m].name;
}

const char *
measures_label(enum measure m)
{
	return table[m].label;
}

bool
measures_running(enum measure m)
{
	return table[m].running;
}

bool
measures_signed(enum measure m)
{
	return table[m].negative;
}

enum measure
measures_find(const char *name, size_t len)
{
	size_t m;

	for (m = 0; m < M_COUNT; m++)
		if (strlen(table[m].name) == len &&
		    memcmp(table[m].name, name, len) == 0)
			break;
	return (enum measure)m;
}

void
measures_list(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t m = 0; m < M_COUNT && used < size; m++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 m ? ", " : "", table[m].name);
}

size_t
measures_parse(const char *spec, enum measure *list, char *err)
{
	size_t n = 0;
	const char *s = spec;

	for (;;) {
		size_t len = strcspn(s, ",");
		enum measure m = measures_find(s, len);

		if (m == M_COUNT) {
			size_t used =
				(size_t)snprintf(err, MEASURES_ERR_SIZE,
						 "unknown column '%.*s' in -c; "
						 "the columns are: ",
						 (int)len, s);

			if (used < MEASURES_ERR_SIZE)
				measures_list(err + used,
					      MEASURES_ERR_SIZE - used);
			return 0;
		}
		for (size_t i = 0; i < n; i++) {
			if (list[i] == (enum measure)m) {
				snprintf(err, MEASURES_ERR_SIZE,
					 "column '%s' given twice in -c",
					 table[m].name);
				return 0;
			}
		}
		list[n++] = m;
		if (s[len] == '\0')
			return n;
		s += len + 1;
	}
}

unsigned
measures_needs(const enum measure *list, size_t n)
{
	unsigned needs = 0;

	for (size_t i = 0; i < n; i++)
		needs |= table[list[i]].needs;
	return needs;
}

void
measures_config(unsigned needs, struct metric_config *cfg)
{
	cfg->abs = (needs & MEASURES_ABS) != 0;
	cfg->row_loss = (needs & MEASURES_ROW_LOSS) != 0;
	cfg->per_output = (needs & MEASURES_PER_OUTPUT) != 0;
	cfg->spread = (needs & MEASURES_SPREAD) != 0;
	cfg->bias = (needs & MEASURES_BIAS) != 0;
	cfg->max_error = (needs & MEASURES_MAX_ERROR) != 0;
	/* The one choice between the reader's two paths: only what every
	 * row adds anyway, and the batch values worked out of the sums, are
	 * the fast path's; any other need, and any new one, is the general
	 * path's until the fast path works it out. */
	cfg->sq_only = (needs & ~(unsigned)MEASURES_BATCHES) == 0;
}
