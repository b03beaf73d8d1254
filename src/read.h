/* read.h: how the reader reads, as main sets it: the CSV dialect, the
 * header, the columns chosen (-t, -p, -w, -e) and what to work out of
 * each row.  The reading files (read_*.c) share it. */
#ifndef RMSETAB_READ_H
#define RMSETAB_READ_H

#include <stdbool.h>

#include "metric.h"

struct read_config {
	unsigned char delim; /* -d; 0: each file's first line says */
	bool decimal_comma;  /* --decimal-comma: "3,14" */
	bool header;	     /* the first line is the header (-n: it is not) */
	bool header_forced;  /* --header: even when it looks like data */
	bool skip_invalid;   /* --skip-invalid */
	/* -t and -p, NULL for the usual names; -w and -e, NULL for none. */
	const char *true_cols, *pred_cols, *weight_col, *epoch_col;
	const char *group_cols; /* -g: a list, NULL for none */
	/* What each row adds besides its squared errors (measures_config),
	 * and --dtype float32; the pairs come from the first file. */
	struct metric_config row;
	/* Rows come in batches of batch_size: where row.sq_only allows, and
	 * not 0, the reader sums whole batches on the worker threads
	 * (read_fused.c), and with batch_values works out their quantities
	 * there too, for batch lines.  Set by the hub from the batcher's. */
	size_t batch_size;
	bool batch_values;
	/* For the commands that messages suggest: the options as given, one
	 * shell word each ("-s -b 8"); those and the files (ARGS); and the
	 * files as given. */
	const char *options, *args;
	char *const *files;
	size_t nfiles;
};

#endif
