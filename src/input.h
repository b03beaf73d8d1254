/* input.h: reads each input file to its rows and hands them to the batcher
 * in order: the header first, then blocks converted on worker threads, or
 * libcsv from the first quote on. */
#ifndef RMSETAB_INPUT_H
#define RMSETAB_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batcher.h"
#include "blocks.h"
#include "epochkeys.h"
#include "options.h"
#include "progress.h"
#include "rows.h"

enum { INPUT_SKIPS_SHOWN = BLOCKS_SKIPS_KEPT };

struct input {
	const struct options *opts;
	struct batcher *batcher;
	struct progress *progress;
	struct blocks blocks;
	size_t pairs; /* as chosen in the first file; later files must agree */

	/* Per file. */
	const char *name;
	int fd;
	bool eof, planned, failed;
	bool pending_cr; /* the first record ended in a CR that may be CRLF */
	struct rows_plan plan;
	uint64_t line;	  /* physical line at the start of the next block */
	uint64_t records; /* data records */
	char *carry;	  /* read and not yet in a block */
	size_t carry_len, carry_cap;
	bool carry_open; /* no record ends in the carry, but for a final CR */
	double *t, *p;
	struct xdd *out;
	/* With -e: the epoch values seen, and where rows are, worked out
	 * only where an epoch starts: the line of the last row, and in the
	 * block being taken, the line at byte LINE_OFF. */
	struct epochkeys keys;
	uint64_t last_row_line, line_at;
	size_t line_off;

	/* Over the whole run. */
	uint64_t bytes_read, rows_read, rows_skipped;
	struct {
		const char *name;
		uint64_t line;
	} skipped[INPUT_SKIPS_SHOWN];
};

/* NWORKERS threads convert blocks; with 0, the calling thread does.  Each
 * read is told to PROGRESS. */
int input_init(struct input *in, const struct options *opts,
	       struct batcher *batcher, struct progress *progress,
	       size_t nworkers);

void input_free(struct input *in);

/* Reads one file (FD, called NAME in messages) as one or more epochs.
 * Returns 0, or -1 after reporting an error. */
int input_file(struct input *in, int fd, const char *name);

/* Says on standard error how many rows --skip-invalid skipped, if any. */
void input_report_skips(const struct input *in);

#endif
