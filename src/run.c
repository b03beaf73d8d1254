/* run.c: wires input (or merge), batcher, report, plot, progress and the
 * state writer together for one run, and says at the end what
 * --skip-invalid skipped and which epoch --fail-above caught. */
#include "run.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batcher.h"
#include "diag.h"
#include "input.h"
#include "merge.h"
#include "progress.h"
#include "report.h"
#include "state.h"

/* One run's parts. */
struct run {
	const struct options *opts;
	struct report report;
	struct batcher batcher;
};

/* Column I of PLAN as a saved state names it: its header name, or its
 * 1-based number with --no-header. */
static char *
state_name(const struct rows_plan *plan, size_t i)
{
	char num[24];

	if (i == ROWS_NONE)
		return NULL;
	if (plan->names != NULL)
		return strdup(plan->names[i]);
	snprintf(num, sizeof num, "%zu", i + 1);
	return strdup(num);
}

/* --save-state: the first file's columns name the state's. */
static int
save_columns(struct run *r, const struct rows_plan *plan, const char *file)
{
	struct state_header h = {.pairs = plan->pairs,
				 .indices = plan->names == NULL};
	bool oom;
	int status;

	h.true_names = calloc(plan->pairs, sizeof *h.true_names);
	h.pred_names = calloc(plan->pairs, sizeof *h.pred_names);
	oom = h.true_names == NULL || h.pred_names == NULL;
	for (size_t j = 0; !oom && j < plan->pairs; j++) {
		h.true_names[j] = state_name(plan, plan->tcol[j]);
		h.pred_names[j] = state_name(plan, plan->pcol[j]);
		oom = h.true_names[j] == NULL || h.pred_names[j] == NULL;
	}
	h.weight = state_name(plan, plan->wcol);
	h.epoch_col = state_name(plan, plan->ecol);
	oom = oom || (plan->wcol != ROWS_NONE && h.weight == NULL) ||
	      (plan->ecol != ROWS_NONE && h.epoch_col == NULL);
	if (oom) {
		state_header_free(&h);
		diag("%s: out of memory", file);
		return -1;
	}
	status = batcher_save_columns(&r->batcher, &h);
	state_header_free(&h);
	return status;
}

/* The reader found the columns: the batcher starts, the pairs get their
 * names in the output, and a saved state its header. */
static int
on_columns(void *ctx, const struct rows_plan *plan, const char *file,
	   uint64_t line)
{
	struct run *r = ctx;
	const char **names = NULL;
	size_t pairs = plan->pairs;
	char msg[REPORT_ERR_SIZE];
	int status;

	/* The pairs are named by their columns. */
	if (plan->names != NULL) {
		names = calloc(2 * pairs, sizeof *names);
		if (names == NULL) {
			diag("%s: out of memory", file);
			return -1;
		}
		for (size_t j = 0; j < pairs; j++) {
			names[j] = plan->names[plan->tcol[j]];
			names[pairs + j] = plan->names[plan->pcol[j]];
		}
	}
	status = batcher_start(&r->batcher, pairs, names,
			       names != NULL ? names + pairs : NULL, msg);
	free(names);
	if (status > 0)
		diag_at(file, line, "%s", msg);
	if (status != 0 ||
	    (r->opts->save_state != NULL && save_columns(r, plan, file) != 0))
		return -1;
	return 0;
}

static void
on_file_begin(void *ctx)
{
	struct run *r = ctx;

	batcher_file_begin(&r->batcher);
}

static void
on_file_end(void *ctx)
{
	struct run *r = ctx;

	batcher_file_end(&r->batcher);
}

static int
on_rows(void *ctx, const struct input_rows *rows)
{
	struct run *r = ctx;

	return batcher_rows(&r->batcher, rows->rows, rows->out, rows->n,
			    rows->key, rows->key_len);
}

/* Output that cannot be written ends the reading; before the reader
 * waits, what is done so far is shown. */
static int
on_idle(void *ctx, bool wait)
{
	struct run *r = ctx;

	return wait ? report_flush(&r->report) : report_check(&r->report);
}

enum run_result
run_inputs(struct options *opts, size_t nfiles, const int *fds,
	   char *const *names, FILE *out, const struct run_extras *x,
	   size_t nworkers)
{
	static const struct run_extras none = {NULL, NULL, 0};
	struct run r = {.opts = opts};
	const struct input_outlet outlet = {
		&r, on_columns, on_file_begin, on_file_end, on_rows, on_idle};
	struct batcher *batcher = &r.batcher;
	struct input input;
	struct progress progress;
	struct state_writer writer;
	enum run_result result;
	int status = 0;

	if (x == NULL)
		x = &none;
	progress_init(&progress, opts->progress, x->total_size);
	diag_set_hook(progress_clear, &progress);
	report_init(&r.report, out, opts);
	/* On one screen, the results take the progress line's place. */
	if (isatty(fileno(out))) {
		r.report.before_write = progress_clear;
		r.report.before_write_ctx = &progress;
	}
	batcher_init(batcher, opts, &r.report);
	batcher->plot = x->plot;
	state_writer_init(&writer, x->save);
	if (x->save != NULL && !opts->merge)
		batcher_save_to(batcher, &writer);
	if (input_init(&input, opts, &outlet, &progress, nworkers) != 0)
		status = -1;
	if (status == 0 && opts->merge)
		status = merge_run(opts, (int)nfiles, (char **)names, fds,
				   batcher, x->save);
	for (size_t i = 0; !opts->merge && i < nfiles && status == 0; i++)
		status = input_file(&input, fds[i], names[i]);
	progress_end(&progress);
	if (status == 0)
		batcher_finish(batcher);
	if (batcher->save_failed)
		status = -1;
	if (report_flush(&r.report) != 0)
		status = -1;
	input_report_skips(&input);
	if (x->plot != NULL && plot_close(x->plot) != 0)
		status = -1;
	if (status == 0 && batcher->failed) {
		char label[32];

		snprintf(label, sizeof label, "%" PRIu64,
			 batcher->failed_epoch);
		diag("epoch %s: rmse %.17g is above %.17g (--fail-above)",
		     batcher->failed_key != NULL ? batcher->failed_key : label,
		     batcher->failed_rmse, opts->fail_above);
	}
	diag_set_hook(NULL, NULL);
	result = status != 0 ? RUN_ERROR : batcher->failed ? RUN_ABOVE : RUN_OK;
	input_free(&input);
	batcher_free(batcher);
	report_free(&r.report);
	state_writer_free(&writer);
	return result;
}
