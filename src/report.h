/* report.h: writes result lines as an aligned table, CSV, TSV, JSON Lines
 * or a Markdown table. */
#ifndef RMSETAB_REPORT_H
#define RMSETAB_REPORT_H

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
	const struct options *opts;
	enum out_format format;
	int header_done;
	enum report_kind last_kind; /* of the line written last */
	/* Called before each line is written, when set: the progress
	 * display clears its line there. */
	void (*before_write)(void *ctx);
	void *before_write_ctx;
	char *buf; /* the line being built */
	size_t len, cap;
};

/* The format, --precision and colour come from OPTS, which must outlive R. */
void report_init(struct report *r, FILE *out, const struct options *opts);

void report_free(struct report *r);

void report_line(struct report *r, const struct report_line *line);

/* Pushes what is buffered to the output; -1 (reported) if writing failed. */
int report_flush(struct report *r);

#endif
