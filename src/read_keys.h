/* read_keys.h: notices an epoch column value that comes back within a
 * file.  -e starts an epoch wherever the value changes, as epochs are runs
 * of rows; on a column that is not sorted that makes many epochs of one
 * value, silently.  One warning a run says so. */
#ifndef RMSETAB_READ_KEYS_H
#define RMSETAB_READ_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct read_keys_slot {
	size_t off, len;   /* the value, in the text; LEN SIZE_MAX: empty */
	size_t hash;	   /* of the value */
	uint64_t end_line; /* the last line of its last run */
};

struct read_keys {
	bool on; /* watching: -e was given, and nothing was said yet */
	char column[DIAG_QUOTE_SIZE + 2]; /* the -e column, for the message */
	/* The values whose runs ended in this file, one after the other,
	 * then the value of the run going on (CUR_LEN bytes at CUR_OFF,
	 * when HAS_CUR): it grows with the distinct values, not the rows. */
	char *text;
	size_t text_len, text_cap, cur_off, cur_len, cur_hash;
	bool has_cur;
	struct read_keys_slot *slot; /* open addressing, of the ended ones */
	size_t nslots, n;
};

/* Watches when ON. */
void read_keys_init(struct read_keys *k, bool on);

void read_keys_free(struct read_keys *k);

/* A new file, whose epoch column is COLUMN as a message names it ('name',
 * or a number with -n): its values start afresh, since every file starts
 * its own epochs. */
void read_keys_file_begin(struct read_keys *k, const char *column);

/* A run of the value KEY (LEN bytes) starts on LINE of FILE; the run
 * before it in this file, if any, ended on PREV_LINE.  Warns, once a run,
 * when KEY had a run before in this file.  -1 when out of memory
 * (reported). */
int read_keys_begin(struct read_keys *k, const char *file, const char *key,
		    size_t len, uint64_t line, uint64_t prev_line);

#endif
