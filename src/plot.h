/* plot.h: --plot, an SVG chart of the batch RMSE, the mean of batch RMSEs
 * and the running RMSE over the batches of the whole run, with the epoch
 * boundaries marked.  It takes each batch as it ends and keeps at most
 * PLOT_POINTS points per curve, so memory and file size stay bounded
 * however many batches there are. */
#ifndef RMSETAB_PLOT_H
#define RMSETAB_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "batcher.h"

/* Points drawn per curve at most.  Past that many batches, each point pair
 * is the least and the greatest value of a run of batches, so that a spike
 * in one batch of millions still shows. */
enum { PLOT_POINTS = 2000, PLOT_MARKS = 64, PLOT_LABEL = 24 };

struct plot_extreme {
	double v; /* NAN: no defined value in the bucket */
	uint64_t at;
};

/* The batches [k * span, (k + 1) * span) of the run: per curve, the least
 * and the greatest value and where they are. */
struct plot_bucket {
	struct plot_extreme lo[3], hi[3];
};

/* The first batch of an epoch other than the first. */
struct plot_mark {
	uint64_t at;
	char label[PLOT_LABEL]; /* the epoch's number or -e text, cut */
};

/* What the chart's title says of the run. */
struct plot_config {
	size_t batch_size;
	bool reset_never;
};

struct plot {
	struct plot_config cfg;
	FILE *out;
	struct plot_bucket *buckets;
	size_t nbuckets;
	uint64_t span;	  /* batches per bucket, a power of 2 */
	uint64_t batches; /* in the run so far */
	uint64_t epochs, last_epoch;
	char first_label[PLOT_LABEL];
	struct plot_mark marks[PLOT_MARKS];
	size_t nmarks;
	uint64_t mark_stride; /* every mark_stride-th boundary is kept */
};

/* A chart to be written to OUT (the file NAME, in messages), open: its
 * writing and closing are the opener's.  Returns 0, or -1 after
 * reporting. */
int plot_init(struct plot *p, FILE *out, const char *name,
	      const struct plot_config *cfg);

/* Adds the batch line L (its kind is BATCHER_BATCH). */
void plot_batch(struct plot *p, const struct batcher_line *l);

/* Writes the chart to its file, which stays open; frees P.  A failed
 * write shows in ferror(OUT). */
void plot_finish(struct plot *p);

#endif
