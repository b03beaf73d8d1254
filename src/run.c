/* run.c: the one hub.  It opens the source of the rows (the reader, or
 * with --merge the saved states), starts the batcher, and fans the
 * batcher's lines out to the sinks it attaches: the report (or --value in
 * its place), the plot, the state saver and the thresholds.  At the end it says
 * what --skip-invalid skipped and which values --fail-above and --fail-below
 * caught. */
#include "run.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batcher.h"
#include "diag.h"
#include "files.h"
#include "groups.h"
#include "measures.h"
#include "plot.h"
#include "progress.h"
#include "read_input.h"
#include "report.h"
#include "saver.h"
#include "state.h"
#include "state_merge.h"
#include "threshold.h"
#include "value.h"

/* One run's parts. */
struct run {
	struct run_config c; /* its own, which --merge's states complete */
	struct batcher batcher;
	/* The sinks of the batcher's lines. */
	struct report report;
	bool quiet;	   /* the state is saved to the output, as the output */
	struct plot *plot; /* or NULL */
	struct saver saver;
	bool saving; /* --save-state of the rows read */
	struct threshold threshold;
	bool checking;	      /* --fail-above, --fail-below */
	struct value value;   /* --value, in the report's place */
	struct groups groups; /* -g: a batcher per group, their lines kept */
};

/* The batcher's lines, to every sink. */
static void
on_line(void *ctx, const struct batcher_line *line)
{
	struct run *r = ctx;

	if (r->plot != NULL && line->kind == BATCHER_BATCH)
		plot_batch(r->plot, line);
	if (r->c.value.on)
		value_line(&r->value, line);
	else if (!r->quiet)
		report_line(&r->report, line);
	if (r->checking)
		threshold_line(&r->threshold, line);
	/* With -g, the saver has had the lines as they were made. */
	if (r->saving && !r->c.grouped)
		saver_line(&r->saver, line);
}

/* -g: a line of all the rows, kept to be printed after the groups', and
 * saved as it comes. */
static void
on_all_line(void *ctx, const struct batcher_line *line)
{
	struct run *r = ctx;

	if (r->saving)
		saver_line(&r->saver, line);
	groups_keep_all(&r->groups, line);
}

/* The rows of the epoch going on: the saver keeps them as a segment. */
static void
on_epoch_rows(void *ctx, const struct metric_row *rows, size_t n)
{
	struct run *r = ctx;

	saver_rows(&r->saver, rows, n);
}

/* The batcher's sums are set up for PAIRS pairs, and the pairs named in
 * the output by their columns TNAMES and PNAMES (NULL without a header);
 * a clash of names is reported on LINE of FILE. */
static int
start(struct run *r, size_t pairs, const char *const *tnames,
      const char *const *pnames, const char *file, uint64_t line)
{
	char msg[REPORT_ERR_SIZE];
	int st;

	if (batcher_start(&r->batcher, pairs) != 0)
		return -1;
	groups_start(&r->groups, pairs, metric_row_extras(&r->batcher.cfg));
	st = report_set_outputs(&r->report, tnames, pnames, pairs, msg);
	if (st > 0)
		diag_at(file, line, "%s", msg);
	threshold_set_outputs(&r->threshold, r->report.output_names,
			      r->report.outputs);
	return st != 0 ? -1 : 0;
}

/* Column I of PLAN as a saved state names it: its header name, or its
 * 1-based number with --no-header. */
static char *
state_name(const struct read_rows_plan *plan, size_t i)
{
	char num[24];

	if (i == READ_ROWS_NONE)
		return NULL;
	if (plan->names != NULL)
		return strdup(plan->names[i]);
	snprintf(num, sizeof num, "%zu", i + 1);
	return strdup(num);
}

/* --save-state: the state's header, whose columns are named after the
 * first file's. */
static int
save_header(struct run *r, const struct read_rows_plan *plan, const char *file)
{
	const struct run_config *c = &r->c;
	struct state_header h = {.batch_size = c->batcher.batch_size,
				 .reset_never = c->batcher.reset_never,
				 .ncolumns = c->report.nmeasures,
				 .pairs = plan->pairs,
				 .indices = plan->names == NULL};
	bool oom;
	int status;

	memcpy(h.columns, c->report.measures, sizeof h.columns);
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
	oom = oom || (plan->wcol != READ_ROWS_NONE && h.weight == NULL) ||
	      (plan->ecol != READ_ROWS_NONE && h.epoch_col == NULL);
	if (!oom && plan->ngcol > 0) {
		h.group_names = calloc(plan->ngcol, sizeof *h.group_names);
		oom = h.group_names == NULL;
		h.ngroup_cols = oom ? 0 : plan->ngcol;
	}
	for (size_t i = 0; !oom && i < h.ngroup_cols; i++)
		oom = (h.group_names[i] = state_name(plan, plan->gcol[i])) ==
		      NULL;
	if (oom) {
		state_header_free(&h);
		diag("%s: out of memory", file);
		return -1;
	}
	status = saver_start(&r->saver, &h);
	state_header_free(&h);
	return status;
}

/* The reader selected the columns: the batcher starts, the pairs get their
 * names in the output, and a saved state its header. */
static int
on_selected(void *ctx, const struct read_rows_plan *plan, const char *file,
	    uint64_t line)
{
	struct run *r = ctx;
	const char **names = NULL;
	size_t pairs = plan->pairs;
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
	status = start(r, pairs, names, names != NULL ? names + pairs : NULL,
		       file, line);
	free(names);
	if (status != 0 || (r->saving && save_header(r, plan, file) != 0))
		return -1;
	return 0;
}

static void
on_file_begin(void *ctx)
{
	struct run *r = ctx;

	batcher_file_begin(&r->batcher);
	if (r->c.grouped)
		groups_file_begin(&r->groups);
}

static void
on_file_end(void *ctx)
{
	struct run *r = ctx;

	batcher_file_end(&r->batcher);
	if (r->c.grouped)
		groups_file_end(&r->groups);
}

static int
on_rows(void *ctx, const struct read_input_rows *rows)
{
	struct run *r = ctx;

	if (batcher_rows(&r->batcher, rows->rows, rows->out, rows->n, rows->key,
			 rows->key_len) != 0)
		return -1;
	if (rows->nbatches > 0 || rows->tail != NULL)
		batcher_batches(&r->batcher, rows->batches, rows->nbatches,
				rows->tail);
	if (rows->group == NULL)
		return 0;
	if (rows->group_count != NULL)
		return groups_runs(&r->groups, &rows->group_sq,
				   rows->group_count, rows->ngroups, rows->key,
				   rows->key_len, rows->group, rows->group_len,
				   rows->ngcol, rows->group_hash,
				   rows->group_word);
	return groups_rows(&r->groups, rows->group_rows, rows->out,
			   rows->group_n, rows->key, rows->key_len, rows->group,
			   rows->group_len, rows->ngcol);
}

/* Output that cannot be written ends the reading; before the reader
 * waits, what is done so far is shown. */
static int
on_idle(void *ctx, bool wait)
{
	struct run *r = ctx;

	return wait ? report_flush(&r->report) : report_check(&r->report);
}

/* --merge: the states say how their rows were read, and the run goes on
 * as that one did: the same batch size, resets and epoch column, and
 * their -c unless one was given; epoch and total lines only.  This is the
 * one place where the states settle the run's settings, once the first
 * state's header is read. */
static int
on_first_state(void *ctx, const struct state_merge *m)
{
	struct run *r = ctx;
	struct report_config *report = &r->c.report;
	struct batcher_config *batcher = &r->c.batcher;
	const struct threshold_config *th = &r->c.threshold;
	const struct state_header *h = &m->h;

	if (report->nmeasures == 0) {
		memcpy(report->measures, h->columns, sizeof report->measures);
		report->nmeasures = h->ncolumns;
	}
	if (state_merge_check(m, report->measures, report->nmeasures) != 0)
		return -1;
	for (size_t i = 0; i < th->n; i++)
		if (state_merge_check(m, &th->rules[i].measure, 1) != 0)
			return -1;
	report->summary = true;
	/* Groups: each group's lines, then those of all the rows, as -g
	 * prints them. */
	if (h->ngroup_cols > 0) {
		r->c.grouped = true;
		report->grouped = true;
		r->batcher.sink = (struct batcher_sink){&r->groups,
							groups_keep_all, NULL};
	}
	batcher->batch_size = h->batch_size;
	batcher->reset_never = h->reset_never;
	batcher->keyed = h->epoch_col != NULL;
	measures_config(measures_needs(report->measures, report->nmeasures) |
				threshold_needs(th),
			&batcher->sums);
	return start(r, h->pairs,
		     h->indices ? NULL : (const char *const *)h->true_names,
		     h->indices ? NULL : (const char *const *)h->pred_names,
		     m->file, m->line + STATE_LINE_PAIRS);
}

/* Input I: FDS[I], or NAMES[I] opened now, when its turn comes (-1 when
 * it cannot be, reported). */
static int
open_input(const int *fds, char *const *names, size_t i)
{
	return fds[i] >= 0 ? fds[i] : files_open_input(names[i]);
}

/* --merge: the epochs of the states, joined, to the batcher, and to SAVE
 * as one state unless it is NULL (then the parts of a run that follow one
 * another merge, to be merged with the rest later). */
static int
run_merge(struct run *r, size_t nfiles, char *const *names, const int *fds,
	  FILE *save)
{
	struct state_merge m;
	int status = 0;

	state_merge_init(&m, save != NULL, on_first_state, r);
	for (size_t i = 0; i < nfiles && status == 0; i++) {
		int fd = open_input(fds, names, i);

		status = fd < 0 ? -1 : state_merge_file(&m, fd, names[i]);
		if (fd >= 0 && fds[i] < 0)
			close(fd);
	}
	if (status == 0)
		status = state_merge_end(&m);
	if (status == 0 && save != NULL)
		status = state_merge_save(&m, save, r->c.report.measures,
					  r->c.report.nmeasures);
	for (size_t i = 0; status == 0 && i < m.all.n; i++) {
		struct state_merge_epoch e;

		state_merge_get(&m, &m.all, i, &e);
		status = batcher_epoch(&r->batcher, e.key, e.key_len, e.number,
				       e.sums, &e.rmse, &e.row_loss);
	}
	/* The groups in the order they first came. */
	for (size_t g = 0; status == 0 && g < m.ngroups; g++) {
		const struct state_merge_group *gr = &m.groups[g];

		for (size_t i = 0; status == 0 && i < gr->book.n; i++) {
			struct state_merge_epoch e;

			state_merge_get(&m, &gr->book, i, &e);
			status = groups_epoch(&r->groups, gr->key, gr->key_len,
					      e.key, e.key_len, e.number,
					      e.sums, &e.rmse, &e.row_loss);
		}
	}
	state_merge_free(&m);
	return status;
}

/* The rows of each input in turn. */
static int
run_read(struct read_input *input, size_t nfiles, char *const *names,
	 const int *fds)
{
	int status = 0;

	for (size_t i = 0; i < nfiles && status == 0; i++) {
		int fd = open_input(fds, names, i);

		status = fd < 0 ? -1 : read_input_file(input, fd, names[i]);
		if (fd >= 0 && fds[i] < 0)
			close(fd);
	}
	return status;
}

enum run_result
run_inputs(const struct run_config *cfg, size_t nfiles, const int *fds,
	   char *const *names, FILE *out, const struct run_extras *x,
	   size_t nworkers)
{
	static const struct run_extras none = {NULL, NULL, 0};
	struct run r = {.c = *cfg};
	const struct read_input_outlet outlet = {
		&r, on_selected, on_file_begin, on_file_end, on_rows, on_idle};
	struct batcher_sink sink = {&r, on_line, NULL}, all;
	struct read_input input;
	struct progress progress;
	bool above = false;
	int status = 0;

	if (x == NULL)
		x = &none;
	progress_init(&progress, r.c.progress, x->total_size);
	diag_set_hook(progress_clear, &progress);
	report_init(&r.report, out, &r.c.report);
	/* On one screen, the results take the progress line's place. */
	if (isatty(fileno(out))) {
		r.report.before_write = progress_clear;
		r.report.before_write_ctx = &progress;
	}
	r.quiet = x->save != NULL && x->save == out;
	r.plot = x->plot;
	/* With --merge, the states are saved as they are merged. */
	r.saving = x->save != NULL && !r.c.merge;
	saver_init(&r.saver, x->save, &r.c.save);
	if (r.saving)
		sink.rows = on_epoch_rows;
	r.checking = r.c.threshold.n > 0;
	/* Without an epoch column, an epoch is a file and named by it. */
	threshold_init(&r.threshold, &r.c.threshold,
		       r.c.merge || r.c.batcher.keyed ? NULL : names, nfiles);
	value_init(&r.value, out, &r.c.value);
	/* With -g, every line waits for the groups' to be printed first. */
	groups_init(&r.groups, &r.c.batcher, &sink, r.c.group_batches);
	if (r.c.grouped)
		all = (struct batcher_sink){&r.groups, groups_keep_all, NULL};
	/* -g --save-state: the saver has each group's rows and lines, and
	 * those of all the rows, as they are made. */
	if (r.c.grouped && r.saving) {
		const struct groups_tap tap = {&r.saver, saver_group,
					       saver_group_rows,
					       saver_group_line};

		groups_set_tap(&r.groups, &tap);
		all = (struct batcher_sink){&r, on_all_line, on_epoch_rows};
	}
	batcher_init(&r.batcher, &r.c.batcher, r.c.grouped ? &all : &sink,
		     (!r.c.report.summary && !r.quiet && !r.c.value.on) ||
			     r.plot != NULL);
	/* The reader sums whole batches where it reads them, unless the
	 * saver wants the rows. */
	r.c.read.batch_size = r.saving ? 0 : r.c.batcher.batch_size;
	r.c.read.batch_values = r.batcher.batch_lines;
	if (read_input_init(&input, &r.c.read, &outlet, &progress, nworkers) !=
	    0)
		status = -1;
	if (status == 0 && r.c.merge)
		status = run_merge(&r, nfiles, names, fds, x->save);
	if (status == 0 && !r.c.merge)
		status = run_read(&input, nfiles, names, fds);
	progress_end(&progress, input.bytes_read, input.rows_read);
	if (status == 0)
		batcher_finish(&r.batcher);
	if (status == 0 && r.c.grouped) {
		size_t w = groups_key_width(&r.groups);

		r.report.group_width = w > 5 ? w : 5;
		status = groups_finish(&r.groups);
	}
	if (r.saver.failed || r.threshold.failed)
		status = -1;
	if (report_flush(&r.report) != 0)
		status = -1;
	read_input_report_skips(&input);
	if (r.plot != NULL)
		plot_finish(r.plot);
	if (status == 0)
		above = threshold_report(&r.threshold);
	diag_set_hook(NULL, NULL);
	read_input_free(&input);
	batcher_free(&r.batcher);
	groups_free(&r.groups);
	report_free(&r.report);
	saver_free(&r.saver);
	threshold_free(&r.threshold);
	return status != 0 ? RUN_ERROR : above ? RUN_ABOVE : RUN_OK;
}
