/* run.h: one run over inputs that are already open, from their first byte
 * to the last line of output: all that main does after the options.  The
 * fuzzing harness (tests/fuzz/) calls it the same way. */
#ifndef RMSETAB_RUN_H
#define RMSETAB_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "options.h"
#include "plot.h"

enum run_result {
	RUN_OK,	   /* everything read and written */
	RUN_ABOVE, /* as RUN_OK, and some epoch's RMSE is above --fail-above */
	RUN_ERROR  /* an input or output error, reported on standard error */
};

/* What main opens before a run besides the inputs. */
struct run_extras {
	FILE *save;	     /* --save-state, or NULL */
	struct plot *plot;   /* --plot, opened, or NULL */
	uint64_t total_size; /* of the inputs, for progress; 0 if unknown */
};

/* Reads the NFILES inputs FDS (named NAMES in messages) in order, as OPTS
 * say (--merge: as states), and writes the result lines to OUT, flushed
 * but not closed.  NWORKERS threads convert blocks of rows (0: this thread
 * does).  X may be NULL.  The descriptors are left open. */
enum run_result run_inputs(const struct options *opts, size_t nfiles,
			   const int *fds, char *const *names, FILE *out,
			   const struct run_extras *x, size_t nworkers);

#endif
