/* progress.h: the one-line progress display on standard error: bytes
 * read of the total where the sizes are known, rows, rows a second and the
 * time left, redrawn in place at most ten times a second and erased at the
 * end.  Only for a person at a terminal, unless --progress asks for it. */
#ifndef RMSETAB_PROGRESS_H
#define RMSETAB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --progress, --no-progress, or neither: only on a terminal. */
enum progress_mode { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };

struct progress {
	bool on;	/* drawing at all */
	bool drawn;	/* a line is on the screen now */
	int fd;		/* standard error */
	uint64_t total; /* bytes in every input, 0 when some size is unknown */
	uint64_t bytes, rows;
	double start, next; /* seconds: the start, the earliest next draw */
	size_t width;	    /* of the line on the screen */
};

/* MODE: auto draws only when standard error is a
 * terminal, after a moment, so that a short run shows nothing.  TOTAL is
 * the bytes of every input, or 0 when unknown (a pipe). */
void progress_init(struct progress *p, enum progress_mode mode, uint64_t total);

/* BYTES read and ROWS taken so far, over the whole run.  Cheap: draws only
 * when a tenth of a second has passed since the last time. */
void progress_update(struct progress *p, uint64_t bytes, uint64_t rows);

/* Waits until FD has something to read, drawing meanwhile, so that the
 * line appears and its figures move while a pipe is slow.  Returns at once
 * when no line is shown. */
void progress_wait(struct progress *p, int fd, uint64_t bytes, uint64_t rows);

/* Erases the line, if one is drawn, so that other output can take its
 * place; it comes back at the next update.  CTX is the struct progress:
 * this is the hook of report and diag. */
void progress_clear(void *ctx);

/* Erases the line for good, once drawn with the run's last figures, BYTES
 * and ROWS, if a line is on the screen. */
void progress_end(struct progress *p, uint64_t bytes, uint64_t rows);

/* Erases the line on the screen, if any, from a signal handler: write(2)
 * alone. */
void progress_erase_now(void);

#endif
