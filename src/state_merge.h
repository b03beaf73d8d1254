/* state_merge.h: --merge: reads saved states, joins the epochs that go on
 * from one state into the next, and hands back the epochs of one pass over
 * all their rows, and with -g those of each group, or writes them as one
 * state.  States saved with --part
 * are put in the order of their parts; a state, or a part, given twice,
 * and a part missing, are errors. */
#ifndef RMSETAB_STATE_MERGE_H
#define RMSETAB_STATE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "measures.h"
#include "metric.h"
#include "state.h"
#include "state_segment.h"

struct state_merge_entry {
	char *key; /* NULL without an epoch column */
	size_t key_len;
	uint64_t number;
	uint64_t state; /* the last state joined (counted from 1) that had it */
	const char *file; /* where that state had it */
	uint64_t line;
	uint64_t seq; /* when it first came, among every book's entries */
	struct state_segment seg;
};

/* The epochs of all the rows, or of one group, in order, and without an
 * epoch column a table of them by number. */
struct state_merge_book {
	struct state_merge_entry *v;
	size_t n, cap;
	size_t *slot; /* by number: index + 1 into v, or 0 (open addressing) */
	size_t nslots;
};

/* A group of the merged states (-g). */
struct state_merge_group {
	char *key; /* as printed, KEY_LEN bytes */
	size_t key_len;
	uint64_t state; /* the last state joined (counted from 1) that had it */
	const char *file; /* where that state had it: its group line */
	uint64_t line;
	struct state_merge_book book;
};

/* A state saved with --part, held until the parts are in order. */
struct state_merge_piece {
	const char *file;
	uint64_t line; /* of its part line */
	uint64_t first, last;
	size_t order; /* among the states given */
	struct state_epoch *epochs;
	size_t n, cap;
	size_t sources, nsources; /* its ids in the merge's list */
};

/* The id of a state merged, and where it was given. */
struct state_merge_source {
	struct state_id id;
	const char *file;
	uint64_t line;
};

struct state_merge {
	int (*first)(void *ctx, const struct state_merge *m);
	void *ctx;
	bool partial_ok; /* parts FIRST to LAST of a run, not all of them */
	struct state_merge_book all; /* the epochs of all the rows */
	/* The groups, in the order they first come, and a table of them by
	 * key; the group of the state being joined (index + 1, or 0: all the
	 * rows). */
	struct state_merge_group *groups;
	size_t ngroups, groups_cap;
	size_t *group_slot;
	size_t group_nslots;
	size_t cur;
	uint64_t states;  /* joined so far */
	uint64_t entries; /* made so far, in every book (their seq) */
	uint64_t given;	  /* read so far */
	uint64_t rows;	  /* of every state read */

	/* The first state, its header on LINE of FILE: the others must match
	 * it. */
	const char *file;
	uint64_t line;
	char *options; /* its option lines (state_reader.options) */
	size_t options_len;
	struct state_header h;
	struct state_segment_config sc;

	/* The parts: those of the first state's run (of 0: no parts), and,
	 * once the parts are joined, FIRST to LAST of them. */
	struct state_part part;
	uint64_t part_line; /* of the first state */
	char *run;
	struct state_merge_piece *pieces;
	size_t npieces, pieces_cap;

	/* The ids of the states merged, in order, and a table of them. */
	struct state_merge_source *sources;
	size_t nsources, sources_cap;
	size_t *source_slot; /* index + 1 into sources, or 0 */
	size_t source_nslots;
};

/* An epoch of the merged states. */
struct state_merge_epoch {
	const char *key; /* its epoch column value (KEY_LEN bytes), or NULL */
	size_t key_len;
	uint64_t number; /* without an epoch column */
	const struct metric_sums *sums;
	struct metric_mean rmse, row_loss; /* sums of rows * value */
};

/* Ready to read states.  Once the first state's header is read,
 * FIRST(CTX, M) says whether to go on (0), and so can take the run's
 * settings from M->h.  With PARTIAL_OK, states of parts FIRST to LAST of a
 * run merge (to be saved, and merged with the others later); else every
 * part of the run must be there. */
void state_merge_init(struct state_merge *m, bool partial_ok,
		      int (*first)(void *ctx, const struct state_merge *m),
		      void *ctx);

/* Reads the states in the open file FD, named NAME in messages (which
 * must outlive M), after those read before: states saved without --part
 * are joined as they are read, states of parts held.  Returns 0, or -1
 * after reporting an error (or FIRST's). */
int state_merge_file(struct state_merge *m, int fd, const char *name);

/* Every file is read: the parts, in the order of their parts, none twice
 * and none missing, are joined.  Returns 0, or -1 after reporting an
 * error. */
int state_merge_end(struct state_merge *m);

/* Whether the states keep what the N measures of LIST need: 0, or -1
 * after reporting the first that cannot be computed. */
int state_merge_check(const struct state_merge *m, const enum measure *list,
		      size_t n);

/* Writes the merged states to OUT as one state, whose -c is LIST (N
 * measures).  Returns 0, or -1 when out of memory (reported); a failed
 * write shows in ferror(OUT). */
int state_merge_save(const struct state_merge *m, FILE *out,
		     const enum measure *list, size_t n);

/* Epoch I (< B->n) of B, M->all or the book of one of M->groups. */
void state_merge_get(const struct state_merge *m,
		     const struct state_merge_book *b, size_t i,
		     struct state_merge_epoch *e);

void state_merge_free(struct state_merge *m);

#endif
