/* run.h: one run over inputs that are already open, from their first byte
 * to the last line of output: all that main does after the options.  The
 * fuzzing harness (tests/fuzz/) calls it the same way. */
#ifndef RMSETAB_RUN_H
#define RMSETAB_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "options.h"

enum run_result {
	RUN_OK,	   /* everything read and written */
	RUN_ABOVE, /* as RUN_OK, and some epoch's RMSE is above --fail-above */
	RUN_ERROR  /* an input or output error, reported on standard error */
};

/* Reads the NFILES inputs FDS (named NAMES in messages) in order, as OPTS
 * say, and writes the result lines to OUT, flushed but not closed.  NWORKERS
 * threads convert blocks of rows (0: this thread does).  The descriptors are
 * left open. */
enum run_result run_inputs(const struct options *opts, size_t nfiles,
			   const int *fds, const char *const *names, FILE *out,
			   size_t nworkers);

#endif
