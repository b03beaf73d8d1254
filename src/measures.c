/* measures.c: the names of the quantities, and what each one costs. */
#include "measures.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *label;
} table[M_COUNT] = {
	[M_RMSE] = {"rmse", "batch rmse"},
	[M_MEAN_BATCH_RMSE] = {"mean_batch_rmse", "mean batch rmse"},
	[M_RUNNING_RMSE] = {"running_rmse", "running rmse"},
	[M_ROW_LOSS] = {"row_loss", "row loss"},
	[M_MEAN_ROW_LOSS] = {"mean_row_loss", "mean row loss"},
	[M_MSE] = {"mse", "mse"},
	[M_RUNNING_MSE] = {"running_mse", "running mse"},
	[M_MAE] = {"mae", "mae"},
	[M_RUNNING_MAE] = {"running_mae", "running mae"},
	[M_PER_OUTPUT] = {"per_output", "rmse"},
	[M_UNIFORM_RMSE] = {"uniform_rmse", "uniform rmse"},
	[M_WEIGHT] = {"weight", "weight"},
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

void
measures_config(const enum measure *list, size_t n, struct metric_config *cfg)
{
	cfg->abs = cfg->row_loss = cfg->per_output = false;
	for (size_t i = 0; i < n; i++) {
		switch (list[i]) {
		case M_MAE:
		case M_RUNNING_MAE: cfg->abs = true; break;
		case M_ROW_LOSS:
		case M_MEAN_ROW_LOSS: cfg->row_loss = true; break;
		case M_PER_OUTPUT:
		case M_UNIFORM_RMSE: cfg->per_output = true; break;
		default: break;
		}
	}
}
