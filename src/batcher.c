/* batcher.c: the bookkeeping of batches and epochs (SPEC.md, Terms).  A
 * batch ends after batch_size rows or at the end of its epoch; the running
 * sums and the means of batch values restart at each epoch or never. */
#include "batcher.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static void
reset_means(struct batcher *b)
{
	metric_mean_init(&b->mean_rmse);
	metric_mean_init(&b->mean_row_loss);
	metric_mean32_init(&b->mean_rmse32);
	metric_mean32_init(&b->mean_row_loss32);
}

void
batcher_init(struct batcher *b, const struct batcher_config *config,
	     const struct batcher_sink *sink, bool batch_lines)
{
	memset(b, 0, sizeof *b);
	b->config = config;
	b->sink = *sink;
	b->batch_lines = batch_lines;
	reset_means(b);
}

int
batcher_start(struct batcher *b, size_t pairs)
{
	b->cfg = b->config->sums;
	b->cfg.pairs = pairs;
	b->sq_only = metric_config_sq_only(&b->cfg);
	if (metric_sums_init(&b->batch_sums, &b->cfg) != 0 ||
	    metric_sums_init(&b->epoch_sums, &b->cfg) != 0 ||
	    metric_sums_init(&b->running, &b->cfg) != 0 ||
	    metric_sums_init(&b->all, &b->cfg) != 0 ||
	    (b->outputs = calloc(pairs, sizeof *b->outputs)) == NULL) {
		diag("out of memory");
		return -1;
	}
	b->all_is_epoch = true;
	return 0;
}

void
batcher_free(struct batcher *b)
{
	metric_sums_free(&b->batch_sums);
	metric_sums_free(&b->epoch_sums);
	metric_sums_free(&b->running);
	metric_sums_free(&b->all);
	free(b->outputs);
	free(b->key);
}

/* The running sums: with resets at each epoch, those of the epoch, which
 * hold the same rows merged in the same order (both start empty with the
 * epoch), so that a batch's end merges its sums into two, not three. */
static const struct metric_sums *
running_sums(const struct batcher *b)
{
	return b->config->reset_never ? &b->running : &b->epoch_sums;
}

/* The total sums, from the epoch's when they have been the same so far:
 * until the first epoch ends, each merge went into both, and into the
 * total alone from then on. */
static void
keep_all(struct batcher *b)
{
	if (b->all_is_epoch) {
		metric_sums_copy(&b->all, &b->epoch_sums);
		b->all_is_epoch = false;
	}
}

static void
begin_epoch(struct batcher *b)
{
	if (b->began)
		keep_all(b);
	b->began = true;
	b->in_epoch = true;
	b->epoch++;
	b->batch = 0;
	metric_sums_clear(&b->batch_sums);
	metric_sums_clear(&b->epoch_sums);
}

/* The values of a line: those of the line's own rows (OWN), and the
 * running ones as they stand. */
static void
fill_values(struct batcher *b, const struct metric_values *own, double *v)
{
	struct metric_values run = {0};

	metric_values(&b->cfg, running_sums(b), &run);
	v[M_RMSE] = own->rmse;
	v[M_ROW_LOSS] = own->row_loss;
	v[M_MSE] = own->mse;
	v[M_MAE] = own->mae;
	v[M_UNIFORM_RMSE] = own->uniform_rmse;
	v[M_R2] = own->r2;
	v[M_BIAS] = own->bias;
	v[M_MAX_ERROR] = own->max_error;
	v[M_WEIGHT] = own->weight;
	v[M_PER_OUTPUT] = NAN;
	if (b->cfg.f32) {
		v[M_MEAN_BATCH_RMSE] = metric_mean32_value(&b->mean_rmse32);
		v[M_MEAN_ROW_LOSS] = metric_mean32_value(&b->mean_row_loss32);
	} else {
		v[M_MEAN_BATCH_RMSE] = metric_mean_value(&b->mean_rmse);
		v[M_MEAN_ROW_LOSS] = metric_mean_value(&b->mean_row_loss);
	}
	v[M_RUNNING_RMSE] = run.rmse;
	v[M_RUNNING_MSE] = run.mse;
	v[M_RUNNING_MAE] = run.mae;
}

/* The batch's values into the means of batch values: exact sums of
 * rows * value, or with --dtype float32 Keras's float32 tracker of the
 * float32 values. */
static void
add_to_means(struct batcher *b)
{
	uint64_t rows = b->batch_sums.rows;

	if (b->cfg.f32) {
		struct metric_values own = {0};

		metric_values(&b->cfg, &b->batch_sums, &own);
		metric_mean32_add(&b->mean_rmse32, (float)own.rmse, rows);
		if (b->cfg.row_loss)
			metric_mean32_add(&b->mean_row_loss32,
					  (float)own.row_loss, rows);
	} else {
		struct xdd rmse, row_loss;

		metric_batch_values(&b->cfg, &b->batch_sums, &rmse, &row_loss);
		metric_mean_add(&b->mean_rmse, rmse, rows);
		if (b->cfg.row_loss)
			metric_mean_add(&b->mean_row_loss, row_loss, rows);
	}
}

/* The values of the rows summed in SUMS, into OWN. */
static void
own_values(struct batcher *b, const struct metric_sums *sums,
	   struct metric_values *own)
{
	own->per_output = b->outputs;
	metric_values(&b->cfg, sums, own);
}

/* A line of KIND about the rows summed in SUMS, in the current epoch. */
static void
start_line(struct batcher *b, struct batcher_line *line, enum batcher_kind kind,
	   const struct metric_sums *sums)
{
	bool keyed = b->config->keyed && kind != BATCHER_TOTAL;

	*line = (struct batcher_line){
		.kind = kind,
		.epoch = kind != BATCHER_TOTAL ? b->epoch : 0,
		.epoch_key = keyed ? b->key : NULL,
		.epoch_key_len = keyed ? b->key_len : 0,
		.rows = sums->rows,
		.pairs = b->cfg.pairs,
		.per_output = b->outputs,
		.sums = sums,
	};
}

/* A batch of the rows summed in SUMS ends: into the epoch, running (with
 * -r never) and total sums (after the first epoch). */
static void
merge_batch(struct batcher *b, const struct metric_sums *sums)
{
	b->batch++;
	metric_sums_merge(&b->cfg, &b->epoch_sums, sums);
	if (b->config->reset_never)
		metric_sums_merge(&b->cfg, &b->running, sums);
	if (!b->all_is_epoch)
		metric_sums_merge(&b->cfg, &b->all, sums);
}

/* The line of the batch that just ended, its rows summed in SUMS, its own
 * values OWN. */
static void
batch_line(struct batcher *b, const struct metric_sums *sums,
	   const struct metric_values *own)
{
	struct batcher_line line;

	start_line(b, &line, BATCHER_BATCH, sums);
	line.batch = b->batch;
	fill_values(b, own, line.v);
	b->sink.line(b->sink.ctx, &line);
}

static void
end_batch(struct batcher *b)
{
	if (b->batch_sums.rows == 0)
		return;
	if (b->sq_only && !b->batch_lines && !b->config->reset_never &&
	    b->all_is_epoch) {
		/* merge_batch into the epoch's sums alone, add_to_means and
		 * the clearing below, in one call: each group's batches end
		 * so, on the main thread. */
		b->batch++;
		metric_batch_end_sq(&b->cfg, &b->epoch_sums, &b->batch_sums,
				    &b->mean_rmse);
		return;
	}
	merge_batch(b, &b->batch_sums);
	add_to_means(b);
	if (b->batch_lines) {
		struct metric_values own = {0};

		own_values(b, &b->batch_sums, &own);
		batch_line(b, &b->batch_sums, &own);
	}
	metric_sums_clear(&b->batch_sums);
}

static void
end_epoch(struct batcher *b)
{
	struct metric_values own = {0};
	struct batcher_line line;

	end_batch(b);
	start_line(b, &line, BATCHER_EPOCH, &b->epoch_sums);
	line.reset_never = b->config->reset_never;
	line.running_rows = running_sums(b)->rows;
	own_values(b, &b->epoch_sums, &own);
	fill_values(b, &own, line.v);
	b->sink.line(b->sink.ctx, &line);
	memcpy(b->last, line.v, sizeof b->last);
	keep_all(b);
	b->epochs_done++;
	b->in_epoch = false;
	if (!b->config->reset_never)
		reset_means(b);
}

void
batcher_file_begin(struct batcher *b)
{
	if (!b->config->keyed)
		begin_epoch(b);
}

void
batcher_file_begin_at(struct batcher *b, uint64_t number)
{
	b->epoch = number - 1;
	begin_epoch(b);
}

void
batcher_file_end(struct batcher *b)
{
	if (b->in_epoch)
		end_epoch(b);
}

static int
set_key(struct batcher *b, const char *key, size_t len)
{
	if (len + 1 > b->key_cap) {
		char *k = realloc(b->key, len + 1);

		if (k == NULL) {
			diag("out of memory");
			return -1;
		}
		b->key = k;
		b->key_cap = len + 1;
	}
	memcpy(b->key, key, len);
	b->key[len] = '\0';
	b->key_len = len;
	return 0;
}

/* Before rows of the epoch column value KEY (KEY_LEN bytes), or of no
 * such column (NULL): the epoch they are in. */
static int
rows_epoch(struct batcher *b, const char *key, size_t key_len)
{
	if (key != NULL && b->in_epoch &&
	    (key_len != b->key_len || memcmp(key, b->key, key_len) != 0))
		end_epoch(b);
	if (!b->in_epoch) {
		begin_epoch(b);
		if (key != NULL && set_key(b, key, key_len) != 0)
			return -1;
	}
	return 0;
}

int
batcher_rows(struct batcher *b, const struct metric_row *rows,
	     const struct xdd *out, size_t n, const char *key, size_t key_len)
{
	if (rows_epoch(b, key, key_len) != 0)
		return -1;
	if (b->sink.rows != NULL)
		b->sink.rows(b->sink.ctx, rows, n);
	while (n > 0) {
		uint64_t room = b->config->batch_size - b->batch_sums.rows;
		size_t k = room < n ? (size_t)room : n;

		metric_sums_add(&b->cfg, &b->batch_sums, rows, out, k);
		rows += k;
		if (out != NULL)
			out += k * metric_row_extras(&b->cfg);
		n -= k;
		if (b->batch_sums.rows == b->config->batch_size)
			end_batch(b);
	}
	return 0;
}

/* batcher_sq_rows where some rows' scales are not 0 (rare): each row as
 * metric_sums_add adds it. */
static __attribute__((noinline)) void
scaled_rows(struct batcher *b, const struct metric_sq_rows *r, size_t at,
	    size_t n)
{
	for (size_t i = at; i < at + n; i++) {
		struct xdd sq = {r->sq[i], r->sq_exp[i]};
		struct xdd w = METRIC_UNIT_WEIGHT;

		if (r->weight != NULL)
			w = (struct xdd){r->weight[i], r->weight_exp[i]};
		metric_sums_add_sq(&b->batch_sums, sq, w);
		if (b->batch_sums.rows == b->config->batch_size)
			end_batch(b);
	}
}

int
batcher_sq_rows(struct batcher *b, const struct metric_sq_rows *rows, size_t at,
		size_t n, const char *key, size_t key_len)
{
	const struct dd *sq = rows->sq + at, *weight = rows->weight;

	/* rows_epoch, which has nothing to do without a key in an epoch:
	 * the groups call here for each group of each block. */
	if ((key != NULL || !b->in_epoch) && rows_epoch(b, key, key_len) != 0)
		return -1;
	if (rows->sq_exp != NULL) {
		scaled_rows(b, rows, at, n);
		return 0;
	}
	if (weight != NULL)
		weight += at;
	while (n > 0) {
		uint64_t room = b->config->batch_size - b->batch_sums.rows;
		size_t k = room < n ? (size_t)room : n;

		batcher_add_sq(b, sq, weight, k);
		if (weight != NULL)
			weight += k;
		sq += k;
		n -= k;
		if (b->batch_sums.rows == b->config->batch_size)
			end_batch(b);
	}
	return 0;
}

void
batcher_batches(struct batcher *b, const struct metric_batch *batches, size_t n,
		const struct metric_sums *tail)
{
	for (size_t i = 0; i < n; i++) {
		const struct metric_batch *m = &batches[i];

		/* As end_batch and add_to_means do, with what the reader
		 * worked out where it summed the batch. */
		merge_batch(b, &m->sums);
		metric_mean_add(&b->mean_rmse, m->rmse, m->sums.rows);
		if (b->batch_lines)
			batch_line(b, &m->sums, &m->values);
	}
	if (tail != NULL) {
		/* The sums as they stand after the rows, not renormalized:
		 * the next rows are added to them as they would have been. */
		b->batch_sums.sq = tail->sq;
		b->batch_sums.weight = tail->weight;
		b->batch_sums.rows = tail->rows;
	}
}

void
batcher_finish(struct batcher *b)
{
	struct metric_values own = {0};
	struct batcher_line line;

	keep_all(b);
	start_line(b, &line, BATCHER_TOTAL, &b->all);
	line.epochs = b->epochs_done;
	own_values(b, &b->all, &own);
	fill_values(b, &own, line.v);
	/* The running columns keep their meaning: with -r never their values
	 * at the end, those of the whole run; with resets, the last epoch's
	 * would read as the run's, and there are none. */
	for (int m = 0; m < M_COUNT; m++) {
		if (!measures_running((enum measure)m))
			continue;
		if (b->config->reset_never) {
			line.v[m] = b->last[m];
		} else {
			line.v[m] = NAN;
			line.absent |= 1u << m;
		}
	}
	b->sink.line(b->sink.ctx, &line);
}

int
batcher_epoch(struct batcher *b, const char *key, size_t key_len,
	      uint64_t number, const struct metric_sums *sums,
	      const struct metric_mean *rmse,
	      const struct metric_mean *row_loss)
{
	begin_epoch(b);
	b->epoch = number;
	if (key != NULL && set_key(b, key, key_len) != 0)
		return -1;
	metric_sums_merge(&b->cfg, &b->epoch_sums, sums);
	if (b->config->reset_never)
		metric_sums_merge(&b->cfg, &b->running, sums);
	if (!b->all_is_epoch)
		metric_sums_merge(&b->cfg, &b->all, sums);
	metric_mean_merge(&b->mean_rmse, rmse);
	if (b->cfg.row_loss)
		metric_mean_merge(&b->mean_row_loss, row_loss);
	end_epoch(b);
	return 0;
}
