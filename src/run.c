/* run.c: wires input (or merge), batcher, report, plot, progress and the
 * state writer together for one run, and says at the end what
 * --skip-invalid skipped and which epoch --fail-above caught. */
#include "run.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "batcher.h"
#include "diag.h"
#include "input.h"
#include "merge.h"
#include "progress.h"
#include "report.h"
#include "state.h"

enum run_result
run_inputs(struct options *opts, size_t nfiles, const int *fds,
	   char *const *names, FILE *out, const struct run_extras *x,
	   size_t nworkers)
{
	static const struct run_extras none = {NULL, NULL, 0};
	struct report report;
	struct batcher batcher;
	struct input input;
	struct progress progress;
	struct state_writer writer;
	enum run_result result;
	int status = 0;

	if (x == NULL)
		x = &none;
	progress_init(&progress, opts->progress, x->total_size);
	diag_set_hook(progress_clear, &progress);
	report_init(&report, out, opts);
	/* On one screen, the results take the progress line's place. */
	if (isatty(fileno(out))) {
		report.before_write = progress_clear;
		report.before_write_ctx = &progress;
	}
	batcher_init(&batcher, opts, &report);
	batcher.plot = x->plot;
	state_writer_init(&writer, x->save);
	if (x->save != NULL && !opts->merge)
		batcher_save_to(&batcher, &writer);
	if (input_init(&input, opts, &batcher, &progress, nworkers) != 0)
		status = -1;
	if (status == 0 && opts->merge)
		status = merge_run(opts, (int)nfiles, (char **)names, fds,
				   &batcher, x->save);
	for (size_t i = 0; !opts->merge && i < nfiles && status == 0; i++)
		status = input_file(&input, fds[i], names[i]);
	progress_end(&progress);
	if (status == 0)
		batcher_finish(&batcher);
	if (batcher.save_failed)
		status = -1;
	if (report_flush(&report) != 0)
		status = -1;
	input_report_skips(&input);
	if (x->plot != NULL && plot_close(x->plot) != 0)
		status = -1;
	if (status == 0 && batcher.failed) {
		char label[32];

		snprintf(label, sizeof label, "%" PRIu64, batcher.failed_epoch);
		diag("epoch %s: rmse %.17g is above %.17g (--fail-above)",
		     batcher.failed_key != NULL ? batcher.failed_key : label,
		     batcher.failed_rmse, opts->fail_above);
	}
	diag_set_hook(NULL, NULL);
	result = status != 0 ? RUN_ERROR : batcher.failed ? RUN_ABOVE : RUN_OK;
	input_free(&input);
	batcher_free(&batcher);
	report_free(&report);
	state_writer_free(&writer);
	return result;
}
