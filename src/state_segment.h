/* state_segment.h: the rows of one epoch that one input held, summarized so
 * that the segments of an epoch join, in order, into what one pass over all
 * its rows gives: the means of batch values included, although a segment
 * does not know where the batches of the whole epoch fall (state_segment.c). */
#ifndef RMSETAB_STATE_SEGMENT_H
#define RMSETAB_STATE_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metric.h"

/* The largest batch size whose batch sums a segment keeps: it holds about
 * 3 * size numbers for every epoch. */
enum { STATE_SEGMENT_MAX_BATCH = 4096 };

struct state_segment_config {
	struct metric_config sums;  /* what a segment's sums hold */
	struct metric_config batch; /* what a batch value needs */
	size_t batch_size;
	bool batches; /* keep what the means of batch values need */
};

/* The batch part: with B = batch_size, a segment of at most 2B - 2 rows is
 * short and keeps every row; a longer one keeps its first B - 1 and last
 * B - 1 rows, and, for each alignment a in 0..B-1, the batch values of the
 * batches that start at rows a, a + B, a + 2B, ... and end inside it. */
struct state_segment {
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
void state_segment_config_make(struct state_segment_config *sc,
			       const struct metric_config *cfg, size_t size,
			       bool batches);

/* An empty segment; -1 when out of memory. */
int state_segment_init(const struct state_segment_config *sc,
		       struct state_segment *s);

void state_segment_free(struct state_segment *s);

/* Whether S keeps its batch values rather than all its rows. */
bool state_segment_is_long(const struct state_segment_config *sc,
			   const struct state_segment *s);

/* How many rows S keeps: every row of a short one, 2B - 2 of a long one. */
size_t state_segment_known_rows(const struct state_segment_config *sc,
				uint64_t rows);

/* Makes room for the rows and the batch values of a segment of S->rows
 * rows, to be filled in by the caller (a state being read); -1 when out
 * of memory. */
int state_segment_alloc(const struct state_segment_config *sc,
			struct state_segment *s);

/* Appends the rows of Y to X, as if they had been read after X's. */
int state_segment_append(const struct state_segment_config *sc,
			 struct state_segment *x,
			 const struct state_segment *y);

/* The means of batch values over S as a whole epoch: the sum of rows *
 * value of each batch (the last one may be short), and the rows. */
int state_segment_means(const struct state_segment_config *sc,
			const struct state_segment *s, struct metric_mean *rmse,
			struct metric_mean *row_loss);

/* Builds a segment from rows given one by one, in O(1) work a row.  Its
 * memory grows with the rows: a segment of n < B rows holds room for
 * about n rows; the B-sized arrays come with the B-th row. */
struct state_segment_builder {
	const struct state_segment_config *sc;
	uint64_t rows;
	bool failed;		     /* out of memory, since the reset */
	size_t cap;		     /* rows of room in block[0] (and first) */
	struct metric_row *first;    /* the first B - 1 rows */
	struct metric_row *block[2]; /* the previous and the current block */
	int cur;
	struct metric_sums prefix;  /* of the current block's rows */
	struct metric_sums *suffix; /* [a]: rows a..B-1 of the previous block */
	struct metric_mean *rmse, *row_loss;
};

int state_segment_builder_init(struct state_segment_builder *b,
			       const struct state_segment_config *sc);

void state_segment_builder_free(struct state_segment_builder *b);

/* Starts a new segment. */
void state_segment_builder_reset(struct state_segment_builder *b);

/* Adds N rows; when out of memory, it says so at the take. */
void state_segment_builder_add(struct state_segment_builder *b,
			       const struct metric_row *rows, size_t n);

/* Makes S the segment of the rows added since the reset, whose sums
 * (kept elsewhere, with every accumulator) are SUMS.  -1 when out of
 * memory (then or while adding). */
int state_segment_builder_take(struct state_segment_builder *b,
			       struct state_segment *s,
			       const struct metric_sums *sums);

#endif
