/* input.h: turns CSV records into rows of numbers: reads the header, finds
 * the columns, parses values and weights, and keeps count of skipped rows. */
#ifndef RMSETAB_INPUT_H
#define RMSETAB_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batcher.h"
#include "options.h"

enum { INPUT_SKIPS_SHOWN = 5 };

struct input {
	const struct options *opts;
	struct batcher *batcher;
	size_t pairs; /* as chosen in the first file; later files must agree */

	/* Per file. */
	const char *name;
	bool columns_known;
	size_t nfields;
	char **names;
	size_t *tcol, *pcol, file_pairs, wcol, ecol;
	uint64_t records;
	double *t, *p;

	/* Over the whole run. */
	uint64_t rows_read, rows_skipped;
	struct {
		const char *name;
		uint64_t line;
	} skipped[INPUT_SKIPS_SHOWN];
};

void input_init(struct input *in, const struct options *opts,
		struct batcher *batcher);

void input_free(struct input *in);

/* Reads one file (FD, called NAME in messages) as one or more epochs.
 * Returns 0, or -1 after reporting an error. */
int input_file(struct input *in, int fd, const char *name);

/* Says on standard error how many rows --skip-invalid skipped, if any. */
void input_report_skips(const struct input *in);

#endif
