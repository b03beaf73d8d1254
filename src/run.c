/* run.c: wires input, batcher and report together for one run, and says
 * at the end what --skip-invalid skipped and which epoch --fail-above
 * caught. */
#include "run.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "batcher.h"
#include "diag.h"
#include "input.h"
#include "report.h"

enum run_result
run_inputs(const struct options *opts, size_t nfiles, const int *fds,
	   const char *const *names, FILE *out, size_t nworkers)
{
	struct report report;
	struct batcher batcher;
	struct input input;
	enum run_result result;
	int status = 0;

	report_init(&report, out, opts->format);
	batcher_init(&batcher, opts, &report);
	if (input_init(&input, opts, &batcher, nworkers) != 0)
		status = -1;
	for (size_t i = 0; i < nfiles && status == 0; i++)
		status = input_file(&input, fds[i], names[i]);
	if (status == 0)
		batcher_finish(&batcher);
	if (report_flush(&report) != 0)
		status = -1;
	input_report_skips(&input);
	if (status == 0 && batcher.failed) {
		char label[32];

		snprintf(label, sizeof label, "%" PRIu64, batcher.failed_epoch);
		diag("epoch %s: rmse %.17g is above %.17g (--fail-above)",
		     batcher.failed_key != NULL ? batcher.failed_key : label,
		     batcher.failed_rmse, opts->fail_above);
	}
	result = status != 0 ? RUN_ERROR : batcher.failed ? RUN_ABOVE : RUN_OK;
	input_free(&input);
	batcher_free(&batcher);
	report_free(&report);
	return result;
}
