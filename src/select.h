/* select.h: choosing the columns: lists given by name or 1-based
 * position, resolved against a header into 0-based field numbers. */
#ifndef RMSETAB_SELECT_H
#define RMSETAB_SELECT_H

#include <stddef.h>

/* Room for the longest message the functions below write. */
#define SELECT_ERR_SIZE 768

/* Resolves SPEC, the list given to option OPT ("-t"): a comma list of
 * items, each a column or a range FIRST-LAST of them ("1-10",
 * "true_0-true_9").  Bare digits are a 1-based position; text in double
 * quotes ("3", a doubled quote for one) or any other text is a name.  A
 * bare number that is also the name of another column is an error.  NAMES
 * are the N columns of the header (NULL when the input has none: positions
 * only).  On success stores a malloc'd array in *OUT and its length in
 * *COUNT and returns 0; otherwise writes a message to ERR and returns
 * -1. */
int select_resolve(const char *opt, const char *spec, const char *const *names,
		   size_t n, size_t **out, size_t *count, char *err);

/* Like select_resolve, for a spec that must name exactly one column. */
int select_resolve_one(const char *opt, const char *spec,
		       const char *const *names, size_t n, size_t *out,
		       char *err);

/* Appends to ERR (a message of SELECT_ERR_SIZE) what a user who mistyped
 * a name needs: "; the header has: a, b, c" (with NAMES NULL, "; the input
 * has N columns"), or for a header of one column that holds a tab, a
 * semicolon, a pipe or a comma, the -d that would split it. */
void select_list_header(char *err, const char *const *names, size_t n);

/* Writes into BUF (SIZE bytes) the columns COLS[0..K) as a list for -t or
 * -p, for a command that a message suggests: one that select_resolve
 * reads back as COLS against the header NAMES (N columns), as one shell
 * word.  -1 when out of memory. */
int select_spell(char *buf, size_t size, const char *const *names, size_t n,
		 const size_t *cols, size_t k);

#endif
