/* options.h: what the command line said, checked; main's alone, which
 * turns them into one config per part (run.h). */
#ifndef RMSETAB_OPTIONS_H
#define RMSETAB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "measures.h"
#include "progress.h"
#include "report.h"
#include "threshold.h"

struct options {
	const char *
		true_cols; /* -t; NULL: find the columns by their usual names */
	const char *pred_cols;	/* -p */
	const char *weight_col; /* -w; NULL: every row weighs 1 */
	const char *epoch_col;	/* -e; NULL: each input file is one epoch */
	const char *group_cols; /* -g; NULL: no groups */
	const char *plot_path;	/* --plot; NULL: no chart */
	size_t batch_size;
	bool reset_never; /* -r never */
	enum report_format format;
	bool format_given; /* -f */
	int precision;	   /* significant digits in the table and Markdown */
	bool precision_given;
	bool color; /* the table may use SGR escapes: stdout is a terminal */
	enum progress_mode progress;
	unsigned char delim; /* -d; 0: each file's first line says */
	bool decimal_comma;  /* --decimal-comma */
	bool header;	     /* -n clears it: the first line is data */
	bool header_forced;  /* --header: the first line is the header even
				when it looks like data */
	bool summary;
	bool batches; /* --batches: batch lines, also with -g */
	bool skip_invalid;
	struct threshold_rule *rules; /* --fail-above, --fail-below */
	size_t nrules;
	enum measure measures[M_COUNT]; /* -c: what to print, in order */
	size_t nmeasures;
	bool f32;		/* --dtype float32 */
	bool explain;		/* --explain */
	const char *save_state; /* --save-state FILE ("-": standard output) */
	bool merge;		/* --merge: the inputs are saved states */
	bool value;		/* --value: one number, of all the rows */
	uint64_t part, parts;	/* --part K/N; 0/0 when not given */
	const char *run_id;	/* --run-id, or NULL */
};

#endif
