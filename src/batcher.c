/* batcher.c: the bookkeeping of batches and epochs (SPEC.md, Terms).  A
 * batch ends after batch_size rows or at the end of its epoch; the running
 * sums and the mean of batch RMSEs restart at each epoch or never. */
#include "batcher.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "plot.h"

void
batcher_init(struct batcher *b, const struct options *opts,
	     struct report *report)
{
	memset(b, 0, sizeof *b);
	b->opts = opts;
	b->report = report;
	metric_sums_init(&b->running);
	metric_sums_init(&b->all);
	metric_mean_init(&b->mean);
}

void
batcher_free(struct batcher *b)
{
	free(b->key);
	free(b->failed_key);
}

static void
begin_epoch(struct batcher *b)
{
	b->in_epoch = true;
	b->epoch++;
	b->batch = 0;
	metric_sums_init(&b->batch_sums);
	metric_sums_init(&b->epoch_sums);
}

static void
end_batch(struct batcher *b)
{
	struct report_line line;

	if (b->batch_sums.rows == 0)
		return;
	b->batch++;
	metric_sums_merge(&b->epoch_sums, &b->batch_sums);
	metric_sums_merge(&b->running, &b->batch_sums);
	metric_sums_merge(&b->all, &b->batch_sums);
	metric_mean_add(&b->mean, &b->batch_sums, b->pairs);
	if (!b->opts->summary || b->plot != NULL) {
		line = (struct report_line){
			.kind = REPORT_BATCH,
			.epoch = b->epoch,
			.epoch_key = b->opts->epoch_col ? b->key : NULL,
			.batch = b->batch,
			.rows = b->batch_sums.rows,
			.rmse = metric_rmse(&b->batch_sums, b->pairs),
			.mean_batch_rmse = metric_mean_value(&b->mean),
			.running_rmse = metric_rmse(&b->running, b->pairs),
		};
		if (b->plot != NULL)
			plot_batch(b->plot, &line);
		if (!b->opts->summary)
			report_line(b->report, &line);
	}
	metric_sums_init(&b->batch_sums);
}

static void
check_threshold(struct batcher *b, double rmse)
{
	/* An undefined RMSE fails too: a check must not pass on no data. */
	if (!b->opts->has_fail_above || b->failed ||
	    (rmse <= b->opts->fail_above))
		return;
	b->failed = true;
	b->failed_epoch = b->epoch;
	b->failed_rmse = rmse;
	if (b->opts->epoch_col != NULL && b->key != NULL)
		b->failed_key = strdup(b->key);
}

static void
end_epoch(struct batcher *b)
{
	struct report_line line;

	end_batch(b);
	line = (struct report_line){
		.kind = REPORT_EPOCH,
		.epoch = b->epoch,
		.epoch_key = b->opts->epoch_col ? b->key : NULL,
		.rows = b->epoch_sums.rows,
		.rmse = metric_rmse(&b->epoch_sums, b->pairs),
		.mean_batch_rmse = metric_mean_value(&b->mean),
		.running_rmse = metric_rmse(&b->running, b->pairs),
	};
	report_line(b->report, &line);
	check_threshold(b, line.rmse);
	b->last_mean = line.mean_batch_rmse;
	b->last_running = line.running_rmse;
	b->epochs_done++;
	b->in_epoch = false;
	if (b->opts->reset == RESET_EPOCH) {
		metric_sums_init(&b->running);
		metric_mean_init(&b->mean);
	}
}

void
batcher_file_begin(struct batcher *b)
{
	if (b->opts->epoch_col == NULL)
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

int
batcher_row(struct batcher *b, const struct metric_row *row, size_t pairs,
	    const char *key, size_t key_len)
{
	if (key != NULL && b->in_epoch &&
	    (key_len != b->key_len || memcmp(key, b->key, key_len) != 0))
		end_epoch(b);
	if (!b->in_epoch) {
		begin_epoch(b);
		if (key != NULL && set_key(b, key, key_len) != 0)
			return -1;
	}
	b->pairs = pairs;
	metric_sums_add(&b->batch_sums, row, 1);
	if (b->batch_sums.rows == b->opts->batch_size)
		end_batch(b);
	return 0;
}

void
batcher_rows(struct batcher *b, const struct metric_row *rows, size_t n,
	     size_t pairs)
{
	if (!b->in_epoch)
		begin_epoch(b);
	b->pairs = pairs;
	while (n > 0) {
		uint64_t room = b->opts->batch_size - b->batch_sums.rows;
		size_t k = room < n ? (size_t)room : n;

		metric_sums_add(&b->batch_sums, rows, k);
		rows += k;
		n -= k;
		if (b->batch_sums.rows == b->opts->batch_size)
			end_batch(b);
	}
}

void
batcher_finish(struct batcher *b)
{
	struct report_line line;

	if (b->epochs_done < 2)
		return;
	/* The running columns keep their meaning: their values at the end. */
	line = (struct report_line){
		.kind = REPORT_TOTAL,
		.rows = b->all.rows,
		.rmse = metric_rmse(&b->all, b->pairs),
		.mean_batch_rmse = b->last_mean,
		.running_rmse = b->last_running,
	};
	report_line(b->report, &line);
}
