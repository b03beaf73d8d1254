/* state.h: the format of saved states (--save-state, --merge): the sums of
 * every epoch of a run as versioned, line-based text that reads back to
 * the same bits.  The format is described atop state.c and in rmsetab(1),
 * STATE FORMAT; state_write.h writes it, state_read.h reads it. */
#ifndef RMSETAB_STATE_H
#define RMSETAB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dd.h"
#include "measures.h"
#include "state_segment.h"

#define STATE_MAGIC "rmsetab-state" /* the first word of a state */

enum {
	/* Version 3 is version 2 with groups (-g): a state without groups is
	 * written as version 2, which rmsetab before -g reads too. */
	STATE_VERSION = 3,
	STATE_VERSION_UNGROUPED = 2,
	/* The longest line, its line feed not counted: the reader holds one
	 * line at a time, so this bounds its memory. */
	STATE_LINE_MAX = 1 << 20,
	/* The bounds of the numbers of a state, beyond anything a run can
	 * make: a CSV record has at most 2^20 fields (read_csv.h), so at most
	 * 2^19 pairs; a sum of rows of doubles is below 2^3200 and above
	 * 2^-3300, and its high part is kept within 2^-400 .. 2^400 (dd.h,
	 * DD_SAFE_EXP), so that its exponent stays within 4096. */
	STATE_PAIRS_MAX = 1 << 19,
	STATE_COLUMN_MAX = 1 << 20,
	STATE_EXP_MAX = 4096,
	/* A saved state's id: random bytes, 32 hexadecimal digits. */
	STATE_ID_BYTES = 16,
	/* --run-id: at most this many bytes. */
	STATE_RUN_MAX = 256
};

/* Header lines, counted from 0 at the first: the -c list, and the first
 * pair line (a "pair" line for each pair). */
enum { STATE_LINE_COLUMNS = 4, STATE_LINE_PAIRS = 6 };

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
	char **group_names;		 /* -g: the group columns, or NULL */
	size_t ngroup_cols;		 /* 0 without -g */
	bool indices; /* -n: the names are 1-based column numbers */
};

void state_header_free(struct state_header *h);

/* A deep copy of SRC into DST; -1 when out of memory. */
int state_header_copy(struct state_header *dst, const struct state_header *src);

/* What the sums of a state with header H hold: what its -c needs
 * (measures_needs), batch values included. */
void state_config(const struct state_header *h,
		  struct state_segment_config *sc);

/* Which parts of a run a state holds (--part K/N): FIRST to LAST of OF,
 * the parts of run RUN (RUN_LEN bytes; NULL when --run-id was not given).
 * OF is 0 for a state saved without --part. */
struct state_part {
	uint64_t first, last, of;
	const char *run;
	size_t run_len;
};

/* The id of a state saved from input: its sources are that one id; those
 * of a merged state, the ids of every state it was merged from. */
struct state_id {
	unsigned char b[STATE_ID_BYTES];
};

/* A new random id. */
void state_id_new(struct state_id *id);

/* An epoch of a state, as read. */
struct state_epoch {
	char *key; /* its epoch column value (KEY_LEN bytes), or NULL */
	size_t key_len;
	uint64_t number; /* without an epoch column */
	uint64_t line;	 /* of its first line */
	struct state_segment seg;
	/* Whose rows: 0 those of all the rows, I the I-th group of its state
	 * (from 1).  The first epoch of a group has the group's key
	 * (GROUP_LEN bytes, as printed) and the line of its group line. */
	size_t group;
	char *group_key;
	size_t group_len;
	uint64_t group_line;
};

void state_epoch_free(struct state_epoch *e);

/* X as a state holds it: the high part of a normalized pair, within the
 * safe range (or 0), and NaN (only in batch lines) as NaN 0 0; the same
 * value.  The writer writes every sum so, and the reader takes no
 * other. */
struct xdd state_canonical(struct xdd x);

/* Why X is not a sum a state may hold, or NULL when it is: with NAN_OK, a
 * NaN (as state_canonical writes it) is one. */
const char *state_sum_error(struct xdd x, bool nan_ok);

/* state_sum_error for a sum of terms of either sign (bias, the rest of a
 * mean), which may be negative but never NaN. */
const char *state_signed_sum_error(struct xdd x);

/* The FNV-1a 64-bit hash of the N bytes at S, going on from HASH
 * (STATE_HASH_BASIS to start): the checksum of a state's lines. */
#define STATE_HASH_BASIS UINT64_C(0xcbf29ce484222325)
uint64_t state_hash(uint64_t hash, const char *s, size_t n);

#endif
