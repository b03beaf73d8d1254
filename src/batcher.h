/* batcher.h: groups rows into batches and epochs, keeps the batch, running
 * and epoch sums, and hands each finished batch and epoch, and the total,
 * to a sink as a line. */
#ifndef RMSETAB_BATCHER_H
#define RMSETAB_BATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "measures.h"
#include "metric.h"

enum batcher_kind { BATCHER_BATCH, BATCHER_EPOCH, BATCHER_TOTAL };

/* A finished batch, epoch, or the whole run: what the batcher hands on. */
struct batcher_line {
	enum batcher_kind kind;
	uint64_t epoch;	       /* 1-based epoch number */
	const char *epoch_key; /* the epoch column's value, or NULL */
	size_t epoch_key_len;
	const char *group; /* the group's key (-g), or NULL: the lines of all
			      the rows */
	size_t group_len;
	uint64_t batch; /* 1-based within the epoch; batch lines only */
	uint64_t rows;
	double v[M_COUNT]; /* each quantity */
	unsigned absent;   /* bits 1 << measure: none on this line, the running
			      values of the total line with -r epoch */
	const double *per_output;	/* one per pair */
	const struct metric_sums *sums; /* of the line's rows */

	size_t pairs; /* and per_output's values */

	/* What --explain needs to know besides, on epoch lines. */
	bool reset_never;
	uint64_t running_rows;

	uint64_t epochs; /* on the total line: how many the run had */
};

/* How rows are cut into batches and epochs, and what is summed. */
struct batcher_config {
	size_t batch_size;
	bool reset_never; /* -r never: the running values go on over epochs */
	bool keyed; /* -e: an epoch is a run of an epoch column's values, not
		       a file */
	struct metric_config sums; /* what to sum (measures_config); the
				      pairs come with batcher_start */
};

/* Where the lines go. */
struct batcher_sink {
	void *ctx;
	/* Every epoch line, the total line, and each batch's line when the
	 * batcher is asked for them. */
	void (*line)(void *ctx, const struct batcher_line *line);
	/* The rows of the epoch going on, as they come; NULL: not wanted. */
	void (*rows)(void *ctx, const struct metric_row *rows, size_t n);
};

struct batcher {
	/* First, together, what adding rows that end no batch reads and
	 * writes (batcher_sq_run): with -g, that of every group, a block at
	 * a time, in few cache lines. */
	const struct batcher_config *config;
	struct batcher_sink sink;
	bool in_epoch;
	struct metric_sums batch_sums;

	bool batch_lines; /* a line for every batch */
	struct metric_config cfg;
	bool sq_only; /* metric_config_sq_only(&cfg) */

	uint64_t epoch; /* 1-based number of the current epoch */
	char *key;	/* its epoch column value, with -e */
	size_t key_len, key_cap;
	uint64_t batch; /* batches finished in this epoch */

	/* RUNNING is kept with -r never only: with resets, the running sums
	 * are EPOCH_SUMS (batcher.c); ALL only once the first epoch has
	 * ended: until then it is EPOCH_SUMS too (ALL_IS_EPOCH). */
	struct metric_sums epoch_sums, running, all;
	bool all_is_epoch, began;
	struct metric_mean mean_rmse, mean_row_loss; /* since the last reset */
	struct metric_mean32 mean_rmse32, mean_row_loss32; /* --dtype float32 */
	uint64_t epochs_done;
	double last[M_COUNT]; /* the running columns at the last epoch's end */
	double *outputs;      /* room for per-output values */
};

/* As CONFIG says (it must outlive B); lines go to SINK, batch lines only
 * with BATCH_LINES. */
void batcher_init(struct batcher *b, const struct batcher_config *config,
		  const struct batcher_sink *sink, bool batch_lines);

/* Sets up for rows of PAIRS pairs; once, before the first row.  Returns
 * 0, or -1 when out of memory (reported). */
int batcher_start(struct batcher *b, size_t pairs);

void batcher_free(struct batcher *b);

/* Called at the start and the end of every input file. */
void batcher_file_begin(struct batcher *b);
void batcher_file_end(struct batcher *b);

/* Without -e, a group's epochs are the files it has rows in (groups.c):
 * the epoch of file NUMBER (1-based) begins, its lines numbered so. */
void batcher_file_begin_at(struct batcher *b, uint64_t number);

/* Adds N rows, in order, with their per-output values OUT (pairs a row)
 * or NULL.  KEY is their epoch column value (KEY_LEN bytes), or NULL
 * without -e: a new value ends the epoch and starts one.  Returns 0, or
 * -1 when out of memory (reported). */
int batcher_rows(struct batcher *b, const struct metric_row *rows,
		 const struct xdd *out, size_t n, const char *key,
		 size_t key_len);

/* batcher_rows for N rows of which only the squared errors and weights
 * are summed (the configuration's sums sq_only and not f32), given as
 * those alone: rows AT to AT + N - 1 of ROWS; and no sink of rows. */
int batcher_sq_rows(struct batcher *b, const struct metric_sq_rows *rows,
		    size_t at, size_t n, const char *key, size_t key_len);

/* Whether weights W of ROWS rows, adding K more rows of weight 1, are
 * the count of rows, exactly, and stay below 2^52: each add of a 1 then
 * leaves the low part as it is (+0) and renormalizing changes nothing,
 * so the sum is W + K (metric_add_sq, xdd_add). */
static inline bool
batcher_unit_weights(struct xdd w, uint64_t rows, size_t k)
{
	uint64_t lo;

	memcpy(&lo, &w.v.lo, sizeof lo);
	return w.exp == 0 && lo == 0 && rows < (UINT64_C(1) << 52) - k &&
	       w.v.hi == (double)rows;
}

/* metric_add_sq of SQ and a weight 1 to the squared errors S and ROWS,
 * where batcher_unit_weights says the weights' sum is the rows' count. */
static inline __attribute__((always_inline)) void
batcher_add_sq_unit(struct xdd *s, uint64_t *rows, struct xdd sq)
{
	xdd_add(s, sq);
	if (++*rows % METRIC_RENORMALIZE_ROWS == 0)
		*s = xdd_renormalize(*s);
}

/* K rows of squared errors SQ and weights WEIGHT (NULL: each 1), their
 * scales 0, added to B's batch sums, all in this batch, as
 * metric_sums_add adds them, the sums in registers: batcher_sq_rows's and
 * batcher_sq_run's loop. */
static inline __attribute__((always_inline)) void
batcher_add_sq(struct batcher *b, const struct dd *sq, const struct dd *weight,
	       size_t k)
{
	struct xdd s = b->batch_sums.sq, w = b->batch_sums.weight;
	uint64_t rows = b->batch_sums.rows;

	if (weight != NULL) {
		for (size_t i = 0; i < k; i++)
			metric_add_sq(&s, &w, &rows, (struct xdd){sq[i], 0},
				      (struct xdd){weight[i], 0});
	} else if (batcher_unit_weights(w, rows, k)) {
		/* Each row's weight 1 adds to a whole number, exactly: the sum
		 * of the weights is W + K, as the adds one at a time would
		 * leave it. */
		for (size_t i = 0; i < k;) {
			struct dd v;

			if (s.exp != 0) {
				batcher_add_sq_unit(&s, &rows,
						    (struct xdd){sq[i++], 0});
				continue;
			}
			/* xdd_add of rows of scale 0 to a sum of scale 0 is
			 * dd_cascade, here in registers, up to the next
			 * renormalization. */
			v = s.v;
			do
				dd_cascade(&v, sq[i++]);
			while (++rows % METRIC_RENORMALIZE_ROWS != 0 && i < k);
			s.v = v;
			if (rows % METRIC_RENORMALIZE_ROWS == 0)
				s = xdd_renormalize(s);
		}
		w.v.hi += (double)k;
	} else {
		for (size_t i = 0; i < k; i++)
			metric_add_sq(&s, &w, &rows, (struct xdd){sq[i], 0},
				      METRIC_UNIT_WEIGHT);
	}
	b->batch_sums.sq = s;
	b->batch_sums.weight = w;
	b->batch_sums.rows = rows;
}

/* batcher_sq_rows's commonest case, inlined into a caller that hands on
 * many short runs of rows (-g: a group's rows of a block): the N rows of
 * ROWS from AT, their scales 0, without -e, in an epoch going on, that end
 * no batch.  False, and nothing done, in any other case, which
 * batcher_sq_rows then takes. */
static inline __attribute__((always_inline)) bool
batcher_sq_run(struct batcher *b, const struct metric_sq_rows *rows, size_t at,
	       size_t n)
{
	if (rows->sq_exp != NULL || !b->in_epoch ||
	    n >= b->config->batch_size - b->batch_sums.rows)
		return false;
	batcher_add_sq(b, rows->sq + at,
		       rows->weight != NULL ? rows->weight + at : NULL, n);
	return true;
}

/* Adds N whole batches BATCHES, summed where they were read, and then the
 * sums TAIL (NULL: none) of the rows after them, of a batch not yet
 * whole: what a fused block of the reader holds after its first rows,
 * which end the batch that was going on.  Only with the sums of squared
 * errors and weights alone (metric_config.sq_only, not f32), and without
 * -e: the batches must begin where the batcher's do. */
void batcher_batches(struct batcher *b, const struct metric_batch *batches,
		     size_t n, const struct metric_sums *tail);

/* Ends the run: the total line. */
void batcher_finish(struct batcher *b);

/* --merge: an epoch whose rows were read elsewhere.  KEY (KEY_LEN bytes)
 * is its epoch column value, or NULL and NUMBER its number; SUMS are the
 * sums of its rows, RMSE and ROW_LOSS the sums of rows * value of its
 * batches.  -1 when out of memory (reported). */
int batcher_epoch(struct batcher *b, const char *key, size_t key_len,
		  uint64_t number, const struct metric_sums *sums,
		  const struct metric_mean *rmse,
		  const struct metric_mean *row_loss);

#endif
