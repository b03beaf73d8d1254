/* read_decompress.h: compressed input (gzip, zstd, xz, bzip2), known by its
 * first bytes whatever the file is called, decompressed on a thread of its
 * own into a ring of big buffers that the reader takes its text from. */
#ifndef RMSETAB_READ_DECOMPRESS_H
#define RMSETAB_READ_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum read_decompress_format {
	READ_DECOMPRESS_NONE, /* not compressed: plain text */
	READ_DECOMPRESS_MORE, /* the start of a magic: read more to tell */
	READ_DECOMPRESS_GZIP,
	READ_DECOMPRESS_ZSTD,
	READ_DECOMPRESS_XZ,
	READ_DECOMPRESS_BZIP2
};

struct read_decompress;

/* What the LEN bytes at TEXT, the first of a file, say it is; at EOF
 * (nothing more to come), never READ_DECOMPRESS_MORE. */
enum read_decompress_format read_decompress_detect(const char *text, size_t len,
						   bool eof);

/* Starts decompressing FD, of format F, whose first HEAD_LEN bytes, at HEAD,
 * were read already (they are copied); the file is called NAME in messages
 * (it must outlive *DZ).  Returns 0, or -1 after reporting an error. */
int read_decompress_start(struct read_decompress **dz,
			  enum read_decompress_format f, int fd,
			  const char *head, size_t head_len, const char *name);

/* Up to LEN bytes of decompressed text into BUF, waiting for them: the
 * number of bytes, 0 at the end of the data, or -1 after reporting an
 * error (corrupt or truncated data, a failed read), which comes only after
 * all the text before it.  Adds to *PACKED the compressed bytes read from
 * the file since the last call. */
ssize_t read_decompress_read(struct read_decompress *dz, char *buf, size_t len,
			     uint64_t *packed);

/* Whether read_decompress_read would return at once. */
bool read_decompress_ready(struct read_decompress *dz);

/* Stops the thread, even in the middle of the data, and frees DZ (NULL: does
 * nothing). */
void read_decompress_end(struct read_decompress *dz);

#endif
