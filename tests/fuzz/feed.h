/* feed.h: what the two fuzzing harnesses (fuzz_input.c, fuzz_state.c)
 * share: their bytes cut into files, handed to run_inputs() through memory
 * files, pipes or sockets, and what the run prints and saves captured in
 * memory, so that each harness only chooses options and compares runs. */
#ifndef FEED_H
#define FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FEED_MAX_FILES = 3 };

/* How each file reaches the reader: a memory file, a pipe, or a packet
 * socket that hands out a few bytes per read(2). */
enum feed { FEED_MEMORY, FEED_PIPE, FEED_PACKETS };

/* What one run printed, saved and returned; saved is NULL unless the run
 * saved a state.  feed_free() frees it. */
struct feed_output {
	char *out, *err, *saved;
	size_t out_len, err_len, saved_len;
	enum run_result result;
};

/* Cuts SIZE bytes into NFILES files (1 to FEED_MAX_FILES): file I is the
 * bytes from CUT[I] to CUT[I + 1].  The first cut is FIRST eighths of the
 * bytes, the second SECOND eighths of the rest (0 to 7 each). */
void feed_cut(size_t *cut, size_t size, size_t nfiles, unsigned first,
	      unsigned second);

/* Runs run_inputs() with CFG over the NFILES files of DATA that CUT says,
 * named NAMES, each fed as FEED says, a pipe or socket write holding CHUNK
 * bytes, with NWORKERS worker threads and, with SAVE, a state saved; its
 * output, messages, saved state and result go to *RES. */
void feed_run(const struct run_config *cfg, char *const *names,
	      const uint8_t *data, const size_t *cut, size_t nfiles,
	      enum feed feed, size_t chunk, size_t nworkers, bool save,
	      struct feed_output *res);

/* Whether the NA bytes at A are the NB bytes at B (either may be NULL
 * when empty). */
bool feed_same(const char *a, size_t na, const char *b, size_t nb);

void feed_free(struct feed_output *o);

#endif
