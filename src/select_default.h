/* select_default.h: the true and predicted columns that a header's names
 * give, when -t and -p are not given. */
#ifndef RMSETAB_SELECT_DEFAULT_H
#define RMSETAB_SELECT_DEFAULT_H

#include <stddef.h>

#include "select.h"

/* What a message that suggests a command needs: ARGS, the arguments given
 * after "rmsetab", as a shell reads them ("" for none); PASTE, for a file
 * followed by another, the command that would put the two side by side
 * ("paste -d, a.csv b.csv | rmsetab ..."), or NULL; and SKIP, the columns
 * of -w and -e (SIZE_MAX for none), which are not among "the only two
 * columns". */
struct select_default_how {
	const char *args;
	const char *paste;
	size_t skip[2];
	const size_t *more; /* NMORE more columns not to count (-g) */
	size_t nmore;
};

/* Picks the true and predicted columns of a header of N NAMES (NULL with
 * -n): the names of the table of synonyms (y_true/y_pred, actual/predicted,
 * y/yhat, ... in any case), paired by the rest of their names when there
 * are several outputs (true_a/pred_a); else the only two columns there
 * are.  A first column named "" or "Unnamed: 0" is pandas's index or R's
 * row names, and never taken.  On success stores malloc'd arrays of the
 * *PAIRS columns in *TCOL and *PCOL and returns 0; when more than one
 * pairing fits, or none, writes to ERR a message that says what to type
 * and returns -1. */
int select_default(const char *const *names, size_t n,
		   const struct select_default_how *how, size_t **tcol,
		   size_t **pcol, size_t *pairs, char *err);

#endif
