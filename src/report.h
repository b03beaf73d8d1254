/* report.h: writes result lines as an aligned table, CSV, TSV or JSON Lines. */
#ifndef RMSETAB_REPORT_H
#define RMSETAB_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "options.h"

enum report_kind { REPORT_BATCH, REPORT_EPOCH, REPORT_TOTAL };

struct report_line {
	enum report_kind kind;
	uint64_t epoch;	       /* 1-based epoch number */
	const char *epoch_key; /* the epoch column's value, or NULL */
	uint64_t batch;	       /* 1-based within the epoch; batch lines only */
	uint64_t rows;
	double rmse, mean_batch_rmse, running_rmse;
};

struct report {
	FILE *out;
	enum out_format format;
	int header_done;
	char *buf; /* the line being built */
	size_t len, cap;
	int error;     /* errno of the first failed write, or 0 */
	bool reported; /* that failure has been reported */
};

void report_init(struct report *r, FILE *out, enum out_format format);

void report_free(struct report *r);

void report_line(struct report *r, const struct report_line *line);

/* Pushes what is buffered to the output; -1 (reported, once) if writing
 * failed, now or before. */
int report_flush(struct report *r);

/* -1 (reported, once) if writing has failed so far, without waiting to
 * flush: a reader stops there instead of reading the rest for nothing. */
int report_check(struct report *r);

#endif
