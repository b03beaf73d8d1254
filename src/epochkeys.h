/* epochkeys.h: notices an epoch column value that comes back within a
 * file.  -e starts an epoch wherever the value changes, as epochs are runs
 * of rows; on a column that is not sorted that makes many epochs of one
 * value, silently.  One warning a run says so. */
#ifndef RMSETAB_EPOCHKEYS_H
#define RMSETAB_EPOCHKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct epochkeys_slot {
	size_t off, len;   /* the value, in the text; LEN SIZE_MAX: empty */
	size_t hash;	   /* of the value */
	uint64_t end_line; /* the last line of its last run */
};

struct epochkeys {
	bool on; /* watching: -e was given, and nothing was said yet */
	char column[DIAG_QUOTE_SIZE + 2]; /* the -e column, for the message */
	/* The values whose runs ended in this file, one after the other,
	 * then the value of the run going on (CUR_LEN bytes at CUR_OFF,
	 * when HAS_CUR): it grows with the distinct values, not the rows. */
	char *text;
	size_t text_len, text_cap, cur_off, cur_len, cur_hash;
	bool has_cur;
	struct epochkeys_slot *slot; /* open addressing, of the ended ones */
	size_t nslots, n;
};

/* Watches when ON. */
void epochkeys_init(struct epochkeys *k, bool on);

void epochkeys_free(struct epochkeys *k);

/* A new file, whose epoch column is COLUMN as a message names it ('name',
 * or a number with -n): its values start afresh, since every file starts
 * its own epochs. */
void epochkeys_file_begin(struct epochkeys *k, const char *column);

/* A run of the value KEY (LEN bytes) starts on LINE of FILE; the run
 * before it in this file, if any, ended on PREV_LINE.  Warns, once a run,
 * when KEY had a run before in this file.  -1 when out of memory
 * (reported). */
int epochkeys_begin(struct epochkeys *k, const char *file, const char *key,
		    size_t len, uint64_t line, uint64_t prev_line);

#endif
