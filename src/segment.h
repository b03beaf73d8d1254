/* segment.h: the rows of one epoch that one input held, summarized so that
 * the segments of an epoch join, in order, into what one pass over all its
 * rows gives: the means of batch values included, although a segment does
 * not know where the batches of the whole epoch fall (segment.c). */
#ifndef RMSETAB_SEGMENT_H
#define RMSETAB_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metric.h"

/* The largest batch size whose batch sums a segment keeps: it holds about
 * 3 * size numbers for every epoch. */
enum { SEGMENT_MAX_BATCH = 4096 };

struct segment_config {
	struct metric_config sums;  /* what a segment's sums hold */
	struct metric_config batch; /* what a batch value needs */
	size_t batch_size;
	bool batches; /* keep what the means of batch values need */
};

/* The batch part: with B = batch_size, a segment of at most 2B - 2 rows is
 * short and keeps every row; a longer one keeps its first B - 1 and last
 * B - 1 rows, and, for each alignment a in 0..B-1, the batch values of the
 * batches that start at rows a, a + B, a + 2B, ... and end inside it. */
struct segment {
	uint64_t rows;
	struct metric_sums sums;
	struct metric_row
		*known; /* the first nfirst rows, then the last nlast */
	size_t nfirst, nlast;
	/* Long segments: per alignment, the sum of rows * value over those
	 * batches (rmse, and the per-row loss when kept). */
	struct metric_mean *rmse, *row_loss;
};

/* The configuration for sums as CFG describes them, batches of SIZE rows,
 * and, with BATCHES, what the means of batch values need. */
void segment_config_make(struct segment_config *sc,
			 const struct metric_config *cfg, size_t size,
			 bool batches);

/* An empty segment; -1 when out of memory. */
int segment_init(const struct segment_config *sc, struct segment *s);

void segment_free(struct segment *s);

/* Whether S keeps its batch values rather than all its rows. */
bool segment_is_long(const struct segment_config *sc, const struct segment *s);

/* How many rows S keeps: every row of a short one, 2B - 2 of a long one. */
size_t segment_known_rows(const struct segment_config *sc, uint64_t rows);

/* Makes room for the rows and the batch values of a segment of S->rows
 * rows, to be filled in by the caller (a state being read); -1 when out
 * of memory. */
int segment_alloc(const struct segment_config *sc, struct segment *s);

/* Appends the rows of Y to X, as if they had been read after X's. */
int segment_append(const struct segment_config *sc, struct segment *x,
		   const struct segment *y);

/* The means of batch values over S as a whole epoch: the sum of rows *
 * value of each batch (the last one may be short), and the rows. */
int segment_means(const struct segment_config *sc, const struct segment *s,
		  struct metric_mean *rmse, struct metric_mean *row_loss);

/* Builds a segment from rows given one by one, in O(1) work a row. */
struct segment_builder {
	const struct segment_config *sc;
	uint64_t rows;
	struct metric_row *first;    /* the first B - 1 rows */
	struct metric_row *block[2]; /* the previous and the current block */
	int cur;
	struct metric_sums prefix;  /* of the current block's rows */
	struct metric_sums *suffix; /* [a]: rows a..B-1 of the previous block */
	struct metric_mean *rmse, *row_loss;
};

int segment_builder_init(struct segment_builder *b,
			 const struct segment_config *sc);

void segment_builder_free(struct segment_builder *b);

/* Starts a new segment. */
void segment_builder_reset(struct segment_builder *b);

void segment_builder_add(struct segment_builder *b,
			 const struct metric_row *rows, size_t n);

/* Makes S the segment of the rows added since the reset, whose sums
 * (kept elsewhere, with every accumulator) are SUMS.  -1 when out of
 * memory. */
int segment_builder_take(struct segment_builder *b, struct segment *s,
			 const struct metric_sums *sums);

#endif
