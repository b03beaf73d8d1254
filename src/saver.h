/* saver.h: --save-state as a sink of the batcher: the header once the
 * columns are known, each epoch's state as it ends, the end line at the
 * end. */
#ifndef RMSETAB_SAVER_H
#define RMSETAB_SAVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "batcher.h"
#include "metric.h"
#include "state.h"
#include "state_segment.h"
#include "state_write.h"

/* --part K/N (PART 0: not given) and --run-id (or NULL). */
struct saver_config {
	uint64_t part, parts;
	const char *run_id;
};

struct saver {
	const struct saver_config *config;
	struct state_writer writer;
	struct state_header header;
	struct state_segment_builder seg; /* the rows of the epoch going on */
	bool failed; /* out of memory, or a line too long (reported) */
};

/* The state goes to OUT, as CONFIG (which must outlive S) says. */
void saver_init(struct saver *s, FILE *out, const struct saver_config *config);

void saver_free(struct saver *s);

/* Writes the header H, and takes over its names.  Returns 0, or -1 after
 * reporting an error. */
int saver_start(struct saver *s, struct state_header *h);

/* The sink's two functions; CTX is the saver. */
void saver_rows(void *ctx, const struct metric_row *rows, size_t n);
void saver_line(void *ctx, const struct batcher_line *line);

#endif
