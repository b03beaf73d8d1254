/* saver.h: --save-state as a sink of the batcher: the header once the
 * columns are known, each epoch's state as it ends, the total at the
 * end. */
#ifndef RMSETAB_SAVER_H
#define RMSETAB_SAVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "batcher.h"
#include "metric.h"
#include "state_segment.h"
#include "state_write.h"

struct saver {
	struct state_writer writer;
	struct state_header header;
	struct state_segment_builder seg; /* the rows of the epoch going on */
	bool failed;			  /* out of memory (reported) */
};

/* The state goes to OUT. */
void saver_init(struct saver *s, FILE *out);

void saver_free(struct saver *s);

/* Writes the header H, and takes over its names.  Returns 0, or -1 when
 * out of memory (reported). */
int saver_start(struct saver *s, struct state_header *h);

/* The sink's two functions; CTX is the saver. */
void saver_rows(void *ctx, const struct metric_row *rows, size_t n);
void saver_line(void *ctx, const struct batcher_line *line);

#endif
