/* measures.h: the quantities rmsetab can print, by name: which ones -c
 * picks, in what order, and, in one table, what each needs computed. */
#ifndef RMSETAB_MEASURES_H
#define RMSETAB_MEASURES_H

#include <stdbool.h>
#include <stddef.h>

#include "metric.h"

enum measure {
	M_RMSE,
	M_MEAN_BATCH_RMSE,
	M_RUNNING_RMSE,
	M_ROW_LOSS,
	M_MEAN_ROW_LOSS,
	M_MSE,
	M_RUNNING_MSE,
	M_MAE,
	M_RUNNING_MAE,
	M_PER_OUTPUT, /* one column per pair: rmse[NAME] */
	M_UNIFORM_RMSE,
	M_R2,
	M_BIAS,
	M_MAX_ERROR,
	M_WEIGHT,
	M_COUNT
};

/* What a measure needs besides the sums of squared errors and weights:
 * each costs time on every row, or room in a saved state. */
enum measures_need {
	MEASURES_ABS = 1,	 /* absolute errors */
	MEASURES_ROW_LOSS = 2,	 /* each row's own RMSE, Keras's per-row loss */
	MEASURES_PER_OUTPUT = 4, /* sums of each pair */
	MEASURES_BATCHES = 8,	 /* each batch's values, for their means */
	MEASURES_SPREAD = 16,	 /* each pair's true values around their mean */
	MEASURES_BIAS = 32,	 /* the signed errors */
	MEASURES_MAX_ERROR = 64	 /* the largest absolute error */
};

/* Room for the message of a failed measures_parse. */
enum { MEASURES_ERR_SIZE = 512 };

/* Parses a comma list of names into LIST (room for M_COUNT entries).
 * Returns the count, or 0 with ERR set. */
size_t measures_parse(const char *spec, enum measure *list, char *err);

/* The name in CSV headers and JSON keys, and the table's heading. */
const char *measures_name(enum measure m);
const char *measures_label(enum measure m);

/* Whether M is a running value (since the last reset: a running_ column,
 * or a mean of batch values) rather than one of a line's own rows. */
bool measures_running(enum measure m);

/* Whether M can be below 0 (r2, bias). */
bool measures_signed(enum measure m);

/* The measure named by the LEN bytes at NAME, or M_COUNT. */
enum measure measures_find(const char *name, size_t len);

/* The names of every measure, ", " between them, into BUF of SIZE bytes:
 * for messages that list them. */
void measures_list(char *buf, size_t size);

/* What the N measures of LIST need: enum measures_need bits, or'ed. */
unsigned measures_needs(const enum measure *list, size_t n);

/* Sets the parts of CFG (abs, row_loss, per_output, spread, bias,
 * max_error, sq_only) that NEEDS ask for. */
void measures_config(unsigned needs, struct metric_config *cfg);

#endif
