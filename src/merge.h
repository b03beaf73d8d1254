/* merge.h: --merge: reads saved states, joins the epochs that go on from
 * one state into the next, and hands the epochs to the batcher as one
 * pass over all their rows would, or writes them as one state. */
#ifndef RMSETAB_MERGE_H
#define RMSETAB_MERGE_H

#include <stdio.h>

#include "batcher.h"
#include "options.h"

/* Reads the states in the NFILES open files FDS (FILES their names as
 * given, "-" for standard input), in order.  Sets the options that the
 * states decide (batch size, reset, epoch column, and -c when it was not
 * given), then prints through B, and saves to SAVE unless it is NULL.
 * Returns 0, or -1 after reporting an error. */
int merge_run(struct options *opts, int nfiles, char **files, const int *fds,
	      struct batcher *b, FILE *save);

#endif
