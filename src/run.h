/* run.h: one run over inputs that are already open, from their first byte
 * to the last line of output: all that main does after the options, which
 * it turns into one config per part.  The fuzzing harness (tests/fuzz/)
 * calls it the same way. */
#ifndef RMSETAB_RUN_H
#define RMSETAB_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "batcher.h"
#include "plot.h"
#include "progress.h"
#include "read.h"
#include "report.h"
#include "saver.h"
#include "threshold.h"
#include "value.h"

enum run_result {
	RUN_OK,	   /* everything read and written */
	RUN_ABOVE, /* as RUN_OK, and a --fail-above or --fail-below failed */
	RUN_ERROR  /* an input or output error, reported on standard error */
};

/* One config per part, as main makes them from the options.  With
 * --merge, the states complete the batcher's and the report's. */
struct run_config {
	struct read_config read;
	struct batcher_config batcher;
	struct report_config report;
	struct threshold_config threshold;
	struct value_config value;
	struct saver_config save; /* --part, --run-id */
	enum progress_mode progress;
	bool merge; /* the inputs are saved states */
	/* -g (read.group_cols): the lines of every group, and with
	 * GROUP_BATCHES their batch lines too. */
	bool grouped, group_batches;
};

/* What main opens before a run besides the inputs. */
struct run_extras {
	FILE *save;	     /* --save-state, or NULL */
	struct plot *plot;   /* --plot, started, or NULL */
	uint64_t total_size; /* of the inputs, for progress; 0 if unknown */
};

/* Reads the NFILES inputs NAMES in order, as CFG says (--merge: as
 * states), and writes the result lines to OUT, flushed but not closed; a
 * state saved to OUT (X->save) is the output alone.  FDS[I] is input I's
 * open descriptor, left open, or -1: the file NAMES[I] is then opened when
 * its turn comes and closed after it, so that there may be more inputs
 * than open files.  NWORKERS threads convert blocks of rows (0: this
 * thread does).  X may be NULL. */
enum run_result run_inputs(const struct run_config *cfg, size_t nfiles,
			   const int *fds, char *const *names, FILE *out,
			   const struct run_extras *x, size_t nworkers);

#endif
