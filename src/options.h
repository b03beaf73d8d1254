/* options.h: the settings that shape one run; main fills them in, every other
 * module reads them through a const pointer. */
#ifndef RMSETAB_OPTIONS_H
#define RMSETAB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "measures.h"

enum reset_mode { RESET_EPOCH, RESET_NEVER };

/* --progress, --no-progress, or neither: only on a terminal. */
enum progress_mode { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };

enum out_format {
	FORMAT_TABLE,
	FORMAT_CSV,
	FORMAT_TSV,
	FORMAT_JSONL,
	FORMAT_MARKDOWN
};

struct options {
	const char *
		true_cols; /* -t; NULL: find the columns by their usual names */
	const char *pred_cols;	/* -p */
	const char *weight_col; /* -w; NULL: every row weighs 1 */
	const char *epoch_col;	/* -e; NULL: each input file is one epoch */
	const char *plot_path;	/* --plot; NULL: no chart */
	size_t batch_size;
	enum reset_mode reset;
	enum out_format format;
	int precision; /* significant digits in the table and Markdown */
	bool color;    /* the table may use SGR escapes: stdout is a terminal */
	enum progress_mode progress;
	unsigned char delim;
	bool header;	    /* -n clears it: the first line is data */
	bool header_forced; /* --header: the first line is the header even
			       when it looks like data */
	bool summary;
	bool skip_invalid;
	bool has_fail_above;
	double fail_above;
	enum measure measures[M_COUNT]; /* -c: what to print, in order */
	size_t nmeasures;
	bool f32;		/* --dtype float32 */
	bool explain;		/* --explain */
	const char *save_state; /* --save-state FILE ("-": standard output) */
	bool merge;		/* --merge: the inputs are saved states */
};

#endif
