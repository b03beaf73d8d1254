/* measures.c: the table of the quantities: their names, and what each
 * one needs computed.  Whoever must know what a -c list costs (the sums
 * kept for each row, a saved state, a merge) asks it here. */
#include "measures.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *label;
	unsigned needs; /* enum measures_need */
} table[M_COUNT] = {
	[M_RMSE] = {"rmse", "batch rmse", 0},
	[M_MEAN_BATCH_RMSE] = {"mean_batch_rmse", "mean batch rmse",
			       MEASURES_BATCHES},
	[M_RUNNING_RMSE] = {"running_rmse", "running rmse", 0},
	[M_ROW_LOSS] = {"row_loss", "row loss", MEASURES_ROW_LOSS},
	[M_MEAN_ROW_LOSS] = {"mean_row_loss", "mean row loss",
			     MEASURES_ROW_LOSS | MEASURES_BATCHES},
	[M_MSE] = {"mse", "mse", 0},
	[M_RUNNING_MSE] = {"running_mse", "running mse", 0},
	[M_MAE] = {"mae", "mae", MEASURES_ABS},
	[M_RUNNING_MAE] = {"running_mae", "running mae", MEASURES_ABS},
	[M_PER_OUTPUT] = {"per_output", "rmse", MEASURES_PER_OUTPUT},
	[M_UNIFORM_RMSE] = {"uniform_rmse", "uniform rmse",
			    MEASURES_PER_OUTPUT},
	[M_WEIGHT] = {"weight", "weight", 0},
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

size_t
measures_parse(const char *spec, enum measure *list, char *err)
{
	size_t n = 0;
	const char *s = spec;

	for (;;) {
		size_t len = strcspn(s, ","), m;

		for (m = 0; m < M_COUNT; m++)
			if (strlen(table[m].name) == len &&
			    memcmp(table[m].name, s, len) == 0)
				break;
		if (m == M_COUNT) {
			size_t used = (size_t)snprintf(
				err, MEASURES_ERR_SIZE,
				"unknown column '%.*s' in -c; the columns are:",
				(int)len, s);

			for (m = 0; m < M_COUNT && used < MEASURES_ERR_SIZE;
			     m++)
				used += (size_t)snprintf(
					err + used, MEASURES_ERR_SIZE - used,
					"%s %s", m ? "," : "", table[m].name);
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
		list[n++] = (enum measure)m;
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
	/* The one choice between the reader's two paths: only what every
	 * row adds anyway, and the batch values worked out of the sums, are
	 * the fast path's; any other need, and any new one, is the general
	 * path's until the fast path works it out. */
	cfg->sq_only = (needs & ~(unsigned)MEASURES_BATCHES) == 0;
}
