/* csvin.h: reads CSV records with libcsv and says where each one came from
 * (physical line of every field), so that errors can name their place. */
#ifndef RMSETAB_CSVIN_H
#define RMSETAB_CSVIN_H

#include <stddef.h>
#include <stdint.h>

struct csvin_record {
	size_t nfields;
	const char *const *field; /* not NUL-terminated: use len */
	const size_t *len;
	const uint64_t *line; /* physical line on which each field starts */
};

struct csvin_handler {
	/* Called for each record, blank lines aside; nonzero stops reading. */
	int (*record)(void *ctx, const struct csvin_record *rec);
	/* Called whenever the input read so far has been handed out, before
	 * waiting for more: the moment to flush output; nonzero stops. */
	int (*idle)(void *ctx);
	void *ctx;
};

/* Reads FD to its end, calling H.  NAME is the file's name in messages.
 * Returns 0, or -1 once an error has been reported (by csvin or, when it
 * stopped, by a handler). */
int csvin_read(int fd, const char *name, unsigned char delim,
	       const struct csvin_handler *h);

#endif
