/* report.h: writes result lines as an aligned table, CSV, TSV, JSON Lines
 * or a Markdown table, with the columns that -c chose. */
#ifndef RMSETAB_REPORT_H
#define RMSETAB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "batcher.h"
#include "measures.h"

enum report_format {
	REPORT_TABLE,
	REPORT_CSV,
	REPORT_TSV,
	REPORT_JSONL,
	REPORT_MARKDOWN
};

/* What the report prints, and how. */
struct report_config {
	enum report_format format;
	int precision; /* significant digits in the table and Markdown */
	bool color;    /* the table may use SGR escapes */
	bool summary;  /* -s: no batch lines */
	bool grouped;  /* -g: a group column after the kind */
	bool explain;  /* --explain, with the table */
	bool weighted; /* -w was given: --explain says less */
	enum measure measures[M_COUNT]; /* -c: the columns, in order */
	size_t nmeasures;
};

struct report {
	FILE *out;
	const struct report_config *cfg;
	int header_done;
	char **output_names; /* per pair, for rmse[NAME] */
	size_t outputs;
	enum batcher_kind last_kind; /* of the line written last */
	size_t group_width; /* the table's group column, set before a line */
	const char *last_group; /* of the line written last, with -g */
	/* Called before each line is written, when set: the progress
	 * display clears its line there. */
	void (*before_write)(void *ctx);
	void *before_write_ctx;
	char *buf; /* the line being built */
	size_t len, cap;
	int error;     /* errno of the first failed write, or 0 */
	bool reported; /* that failure has been reported */
};

/* Writes to OUT as CFG says; CFG must outlive R. */
void report_init(struct report *r, FILE *out, const struct report_config *cfg);

void report_free(struct report *r);

/* Room for the message of a failed report_set_outputs. */
enum { REPORT_ERR_SIZE = 512 };

/* Names the per-output columns rmse[NAME] of the PAIRS pairs whose true
 * and predicted columns are named TNAMES and PNAMES (both NULL without a
 * header): by the true column when those names are all different, else by
 * the predicted one when those are, else by both, TRUE:PRED; without a
 * header, by the pair's number.  Returns 0; 1 with ERR set when -c prints
 * per_output and two pairs would still share a name; -1 when out of
 * memory (reported). */
int report_set_outputs(struct report *r, const char *const *tnames,
		       const char *const *pnames, size_t pairs, char *err);

/* Writes LINE: batch lines unless -s, epoch lines, and the total line
 * (in the table only when the run had more than one epoch). */
void report_line(struct report *r, const struct batcher_line *line);

/* Pushes what is buffered to the output; -1 (reported, once) if writing
 * failed, now or before. */
int report_flush(struct report *r);

/* -1 (reported, once) if writing has failed so far, without waiting to
 * flush: a reader stops there instead of reading the rest for nothing. */
int report_check(struct report *r);

#endif
