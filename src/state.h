/* state.h: the format of saved states (--save-state, --merge): the sums of
 * every epoch of a run as versioned, line-based text that reads back to
 * the same bits.  The format is described atop state.c and in rmsetab(1),
 * STATE FORMAT; state_write.h writes it, state_read.h reads it. */
#ifndef RMSETAB_STATE_H
#define RMSETAB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "measures.h"
#include "state_segment.h"

#define STATE_MAGIC "rmsetab-state" /* the first word of a state */

enum { STATE_VERSION = 1, STATE_HEADER_LINES = 10 };

/* Header lines, counted from 0 at the first: the -c list, and the names
 * of the true columns. */
enum { STATE_LINE_COLUMNS = 4, STATE_LINE_TRUE = 6 };

/* How the rows of a state were read: states merge only when this is the
 * same. */
struct state_header {
	size_t batch_size;
	bool reset_never;	       /* -r never */
	enum measure columns[M_COUNT]; /* -c */
	size_t ncolumns;
	size_t pairs;
	char **true_names, **pred_names; /* one per pair */
	char *weight, *epoch_col;	 /* NULL when not given */
	bool indices; /* -n: the names are 1-based column numbers */
};

void state_header_free(struct state_header *h);

/* A deep copy of SRC into DST; -1 when out of memory. */
int state_header_copy(struct state_header *dst, const struct state_header *src);

/* What the sums of a state with header H hold: what its -c needs
 * (measures_needs), batch values included. */
void state_config(const struct state_header *h,
		  struct state_segment_config *sc);

/* An epoch of a state, as read. */
struct state_epoch {
	char *key; /* its epoch column value (KEY_LEN bytes), or NULL */
	size_t key_len;
	uint64_t number; /* without an epoch column */
	uint64_t line;	 /* of its first line */
	struct state_segment seg;
};

void state_epoch_free(struct state_epoch *e);

/* The FNV-1a 64-bit hash of the N bytes at S, going on from HASH
 * (STATE_HASH_BASIS to start): the checksum of a state's lines. */
#define STATE_HASH_BASIS UINT64_C(0xcbf29ce484222325)
uint64_t state_hash(uint64_t hash, const char *s, size_t n);

#endif
