/* batcher.h: groups rows into batches and epochs, keeps the batch, running
 * and epoch sums, and hands each finished batch or epoch to the report. */
#ifndef RMSETAB_BATCHER_H
#define RMSETAB_BATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metric.h"
#include "options.h"
#include "report.h"
#include "segment.h"
#include "state.h"

struct plot;

struct batcher {
	const struct options *opts;
	struct report *report;
	struct metric_config cfg;
	struct plot *plot; /* --plot, or NULL */

	bool in_epoch;
	uint64_t epoch; /* 1-based number of the current epoch */
	char *key;	/* its epoch column value, with -e */
	size_t key_len, key_cap;
	uint64_t batch; /* batches finished in this epoch */

	struct metric_sums batch_sums, epoch_sums, running, all;
	struct metric_mean mean_rmse, mean_row_loss; /* since the last reset */
	struct metric_mean32 mean_rmse32, mean_row_loss32; /* --dtype float32 */
	uint64_t epochs_done;
	double last[M_COUNT]; /* the running columns at the last epoch's end */
	double *outputs;      /* room for per-output values */

	/* The first epoch whose RMSE went past --fail-above, if any. */
	bool failed;
	uint64_t failed_epoch;
	char *failed_key;
	double failed_rmse;

	/* --save-state: each epoch's state goes to SAVER as it ends. */
	struct state_writer *saver;
	struct state_header save_header;
	struct segment_builder seg;
	bool quiet;	  /* --save-state -: the state is the output */
	bool save_failed; /* out of memory while saving (reported) */
};

void batcher_init(struct batcher *b, const struct options *opts,
		  struct report *report);

/* Sets up for rows of PAIRS pairs, whose true and predicted columns are
 * named TNAMES and PNAMES (or both NULL); once, before the first row.
 * Returns 0; 1 with ERR (REPORT_ERR_SIZE) set when the pairs' printed
 * names would not be unique (report_set_outputs); -1 when out of memory
 * (reported). */
int batcher_start(struct batcher *b, size_t pairs, const char *const *tnames,
		  const char *const *pnames, char *err);

void batcher_free(struct batcher *b);

/* Called at the start and the end of every input file. */
void batcher_file_begin(struct batcher *b);
void batcher_file_end(struct batcher *b);

/* Adds N rows, in order, with their per-output values OUT (pairs a row)
 * or NULL.  KEY is their epoch column value (KEY_LEN bytes), or NULL
 * without -e: a new value ends the epoch and starts one.  Returns 0, or
 * -1 when out of memory (reported). */
int batcher_rows(struct batcher *b, const struct metric_row *rows,
		 const struct xdd *out, size_t n, const char *key,
		 size_t key_len);

/* Ends the run: the total line, when there was more than one epoch, and
 * the end of a saved state. */
void batcher_finish(struct batcher *b);

/* --save-state: every epoch's state is written to W as it ends; once,
 * before batcher_start. */
void batcher_save_to(struct batcher *b, struct state_writer *w);

/* --save-state: names the columns, after batcher_start and before the
 * first row.  Takes over the names in H (true_names, pred_names, weight,
 * epoch_col, indices); the rest comes from the options.  -1 when out of
 * memory (reported). */
int batcher_save_columns(struct batcher *b, struct state_header *h);

/* --merge: an epoch whose rows were read elsewhere.  KEY (KEY_LEN bytes)
 * is its epoch column value, or NULL and NUMBER its number; SUMS are the
 * sums of its rows, RMSE and ROW_LOSS the sums of rows * value of its
 * batches (segment_means).  -1 when out of memory (reported). */
int batcher_epoch(struct batcher *b, const char *key, size_t key_len,
		  uint64_t number, const struct metric_sums *sums,
		  const struct metric_mean *rmse,
		  const struct metric_mean *row_loss);

#endif
