/* files.h: the files rmsetab opens by name.  An input is opened only when
 * its turn comes, so that a run may have any number of them.  An output
 * (--save-state FILE, --plot FILE) is written to a new file beside it and
 * renamed over it once the run has succeeded, so that an error or a signal
 * leaves the old file as it was and no new one behind. */
#ifndef RMSETAB_FILES_H
#define RMSETAB_FILES_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

/* Whether NAME can be opened for reading now, without opening it (a FIFO
 * opened and closed would end its writer's stream): it exists, is not a
 * directory, and may be read.  Fills ST.  Returns 0, or -1 after
 * reporting. */
int files_check_input(const char *name, struct stat *st);

/* Opens the input NAME for reading: a descriptor, or -1 after
 * reporting. */
int files_open_input(const char *name);

/* An output file, from its check to its rename. */
struct files_output {
	const char *name; /* as given: in messages */
	char *target;	  /* the file replaced: NAME with symbolic links
			     followed, absolute and canonical; NAME when
			     direct */
	bool exists;	  /* TARGET exists */
	bool direct;	  /* not a regular file (a pipe, a device), or a
			     name under /dev: written to as it is */
	struct stat st;	  /* of TARGET, when it exists */
	char *temp;	  /* the new file, until renamed, or NULL */
	FILE *f;	  /* open for writing, or NULL */
	struct files_output *next; /* on the list of new files */
};

/* Finds where the output NAME goes, without creating anything: an error
 * if it is a directory, its directory does not exist, or it is a file
 * this user may not write.  Returns 0, or -1 after reporting. */
int files_output_check(struct files_output *o, const char *name);

/* Whether O is the file of ST, or the same file as the output B. */
bool files_output_is(const struct files_output *o, const struct stat *st);
bool files_output_same(const struct files_output *o,
		       const struct files_output *b);

/* Creates the new file beside O's target (or opens a file that is not a
 * regular one as it is): O->f.  Returns 0, or -1 after reporting. */
int files_output_open(struct files_output *o);

/* Writes out and closes O->f, on disk for a new file.  Returns 0, or -1
 * after reporting a failed write (the new file is kept for
 * files_output_drop). */
int files_output_close(struct files_output *o);

/* Renames the new file over the target.  Returns 0, or -1 after
 * reporting. */
int files_output_commit(struct files_output *o);

/* Closes O->f if open and removes the new file: the target stays as it
 * was.  Frees what O holds; so does files_output_commit. */
void files_output_drop(struct files_output *o);

/* From now on, a hangup, interrupt, quit, broken pipe or termination
 * signal removes every new file not yet renamed and calls ALSO (NULL:
 * nothing; it must be async-signal-safe), then ends the process by that
 * signal, as it would have without rmsetab's handler.  A signal that is
 * ignored (nohup, a background job) stays ignored. */
void files_catch_signals(void (*also)(void));

#endif
