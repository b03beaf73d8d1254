/* value.h: --value as a sink of the batcher: the one number a shell
 * script asks for, a measure of all the rows, alone on its line. */
#ifndef RMSETAB_VALUE_H
#define RMSETAB_VALUE_H

#include <stdbool.h>
#include <stdio.h>

#include "batcher.h"
#include "measures.h"

/* --value: ON, print MEASURE (not per_output, not a running value) of
 * the lines of all the rows. */
struct value_config {
	bool on;
	enum measure measure;
};

struct value {
	FILE *out;
	const struct value_config *cfg;
};

/* Prints to OUT as CFG says; CFG must outlive V. */
void value_init(struct value *v, FILE *out, const struct value_config *cfg);

/* The sink's function; CTX is the value.  A total line's measure goes to
 * the output with 17 significant digits, as -f csv prints it: a group's
 * as KEY<TAB>VALUE (the key escaped as -f tsv escapes text), the one of
 * all the rows alone. */
void value_line(void *ctx, const struct batcher_line *line);

#endif
