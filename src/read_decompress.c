/* read_decompress.c: compressed input, known by its magic bytes and
 * decompressed on a thread of its own, so that decompressing and parsing
 * keep two cores busy.
 *
 * The thread reads the compressed file and fills a ring of big buffers;
 * the reader copies text out of them as it would read a plain file.  Every
 * format is read to its end as its own tool does: gzip members, zstd
 * frames, xz streams and bzip2 streams one after another.  Data that ends
 * in the middle of one, or that the library finds corrupt, is an error that
 * the reader gets after all the text before it: never an end of file. */
#include "read_decompress.h"

#include <bzlib.h>
#include <errno.h>
#include <lzma.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "diag.h"

/* Slots small enough that the text is still in cache when the reader
 * copies it out (1 MiB slots measured slower than 64 KiB ones with zstd),
 * and enough of them that the thread runs well ahead of the reader. */
enum { NSLOTS = 16, SLOT_SIZE = 1 << 16, IN_SIZE = 1 << 18, ERROR_SIZE = 160 };

static const char *const format_name[] = {
	[READ_DECOMPRESS_GZIP] = "gzip",
	[READ_DECOMPRESS_ZSTD] = "zstd",
	[READ_DECOMPRESS_XZ] = "xz",
	[READ_DECOMPRESS_BZIP2] = "bzip2",
};

struct slot {
	char *text;
	size_t len;
};

struct read_decompress {
	enum read_decompress_format f;
	int fd;
	const char *name;
	bool regular; /* a read of FD never waits */
	int wake[2];  /* a pipe: a byte in it stops a wait for FD; -1 if none */

	/* The library's state, on the thread alone. */
	union {
		z_stream gzip;
		ZSTD_DStream *zstd;
		lzma_stream xz;
		bz_stream bzip2;
	} s;
	bool s_on; /* set up, to be freed */

	/* The compressed bytes, on the thread alone. */
	char *in;
	size_t in_cap, in_len, in_pos;
	bool in_eof;
	_Atomic uint64_t packed; /* read from FD so far */
	uint64_t packed_told;	 /* of them, told to the reader */

	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct slot slot[NSLOTS];
	size_t produced, consumed; /* slots filled and taken, ever */
	size_t pos;		   /* taken of slot CONSUMED, by the reader */
	bool done, stop;
	char error[ERROR_SIZE]; /* once done: what went wrong, or "" */
};

/* The magic bytes of each format.  bzip2's "BZh" and a digit could start
 * a line of text: the magic of its first block (or of its end, when the
 * data is empty) follows them. */
static const struct {
	const char *bytes;
	size_t len;
	size_t digit; /* the place of a '1' to '9' in BYTES, or 0 */
	enum read_decompress_format f;
} magics[] = {
	{"\x1f\x8b\x08", 3, 0, READ_DECOMPRESS_GZIP},
	{"\x28\xb5\x2f\xfd", 4, 0, READ_DECOMPRESS_ZSTD},
	{"\xfd\x37\x7a\x58\x5a\x00", 6, 0, READ_DECOMPRESS_XZ},
	{"BZh?\x31\x41\x59\x26\x53\x59", 10, 3, READ_DECOMPRESS_BZIP2},
	{"BZh?\x17\x72\x45\x38\x50\x90", 10, 3, READ_DECOMPRESS_BZIP2},
};

enum read_decompress_format
read_decompress_detect(const char *text, size_t len, bool eof)
{
	bool prefix = false;

	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		size_t n = len < magics[i].len ? len : magics[i].len, k = 0;

		while (k < n && (magics[i].digit != 0 && k == magics[i].digit
					 ? text[k] >= '1' && text[k] <= '9'
					 : text[k] == magics[i].bytes[k]))
			k++;
		if (k < n)
			continue;
		if (n == magics[i].len)
			return magics[i].f;
		prefix = true;
	}
	return prefix && !eof ? READ_DECOMPRESS_MORE : READ_DECOMPRESS_NONE;
}

/* What the thread says went wrong, in the reader's message. */
static void
fail(struct read_decompress *dz, char *error, const char *what,
     const char *detail)
{
	snprintf(error, ERROR_SIZE, "%s data %s%s%s%s", format_name[dz->f],
		 what, detail ? " (" : "", detail ? detail : "",
		 detail ? ")" : "");
}

static void
out_of_memory(char *error)
{
	snprintf(error, ERROR_SIZE, "out of memory");
}

/* Sets up the library for the start of a member, frame or stream; -1 when
 * out of memory. */
static int
codec_begin(struct read_decompress *dz)
{
	switch (dz->f) {
	case READ_DECOMPRESS_GZIP:
		memset(&dz->s.gzip, 0, sizeof dz->s.gzip);
		/* 15 + 16: any window size, a gzip header and trailer. */
		dz->s_on = inflateInit2(&dz->s.gzip, 15 + 16) == Z_OK;
		break;
	case READ_DECOMPRESS_ZSTD:
		dz->s.zstd = ZSTD_createDStream();
		dz->s_on = dz->s.zstd != NULL;
		/* Any window its compressor chose (zstd --long): the file
		 * needs it, as `zstd -d --memory` would give it. */
		if (dz->s_on)
			ZSTD_DCtx_setParameter(
				dz->s.zstd, ZSTD_d_windowLogMax,
				ZSTD_dParam_getBounds(ZSTD_d_windowLogMax)
					.upperBound);
		break;
	case READ_DECOMPRESS_XZ:
		dz->s.xz = (lzma_stream)LZMA_STREAM_INIT;
		dz->s_on = lzma_stream_decoder(&dz->s.xz, UINT64_MAX,
					       LZMA_CONCATENATED) == LZMA_OK;
		break;
	case READ_DECOMPRESS_BZIP2:
		memset(&dz->s.bzip2, 0, sizeof dz->s.bzip2);
		dz->s_on = BZ2_bzDecompressInit(&dz->s.bzip2, 0, 0) == BZ_OK;
		break;
	default: break;
	}
	return dz->s_on ? 0 : -1;
}

static void
codec_end(struct read_decompress *dz)
{
	if (!dz->s_on)
		return;
	switch (dz->f) {
	case READ_DECOMPRESS_GZIP: inflateEnd(&dz->s.gzip); break;
	case READ_DECOMPRESS_ZSTD: ZSTD_freeDStream(dz->s.zstd); break;
	case READ_DECOMPRESS_XZ: lzma_end(&dz->s.xz); break;
	case READ_DECOMPRESS_BZIP2: BZ2_bzDecompressEnd(&dz->s.bzip2); break;
	default: break;
	}
	dz->s_on = false;
}

/* For the next gzip member or bzip2 stream; zstd and xz go on to the next
 * frame or stream by themselves. */
static int
codec_next(struct read_decompress *dz)
{
	if (dz->f == READ_DECOMPRESS_GZIP)
		return inflateReset(&dz->s.gzip) == Z_OK ? 0 : -1;
	if (dz->f == READ_DECOMPRESS_BZIP2) {
		codec_end(dz);
		return codec_begin(dz);
	}
	return 0;
}

/* Decompresses what it can of the input into OUT (CAP bytes, *LEN of them
 * used), moving on both; *ENDED when a member, frame or stream ended.
 * Returns 0, or -1 with ERROR set. */
static int
codec_step(struct read_decompress *dz, char *out, size_t cap, size_t *len,
	   bool *ended, char *error)
{
	const char *in = dz->in + dz->in_pos;
	size_t avail = dz->in_len - dz->in_pos, used = 0, made = 0;

	*ended = false;
	switch (dz->f) {
	case READ_DECOMPRESS_GZIP: {
		z_stream *z = &dz->s.gzip;
		int r;

		z->next_in = (unsigned char *)(uintptr_t)in;
		z->avail_in = (uInt)avail;
		z->next_out = (unsigned char *)out + *len;
		z->avail_out = (uInt)(cap - *len);
		r = inflate(z, Z_NO_FLUSH);
		used = avail - z->avail_in;
		made = cap - *len - z->avail_out;
		if (r == Z_MEM_ERROR) {
			out_of_memory(error);
			return -1;
		}
		if (r == Z_NEED_DICT || r == Z_DATA_ERROR ||
		    r == Z_STREAM_ERROR) {
			fail(dz, error, "is corrupt",
			     r == Z_NEED_DICT ? "a preset dictionary is needed"
					      : z->msg);
			return -1;
		}
		*ended = r == Z_STREAM_END;
		break;
	}
	case READ_DECOMPRESS_ZSTD: {
		ZSTD_inBuffer ib = {in, avail, 0};
		ZSTD_outBuffer ob = {out, cap, *len};
		size_t r = ZSTD_decompressStream(dz->s.zstd, &ob, &ib);

		if (ZSTD_isError(r)) {
			fail(dz, error, "is corrupt", ZSTD_getErrorName(r));
			return -1;
		}
		used = ib.pos;
		made = ob.pos - *len;
		*ended = r == 0;
		break;
	}
	case READ_DECOMPRESS_XZ: {
		lzma_stream *x = &dz->s.xz;
		lzma_ret r;

		x->next_in = (const uint8_t *)in;
		x->avail_in = avail;
		x->next_out = (uint8_t *)out + *len;
		x->avail_out = cap - *len;
		/* All the input is given: the last stream must end in it. */
		r = lzma_code(x, dz->in_eof ? LZMA_FINISH : LZMA_RUN);
		used = avail - x->avail_in;
		made = cap - *len - x->avail_out;
		switch (r) {
		case LZMA_OK: break;
		case LZMA_STREAM_END: *ended = true; break;
		case LZMA_BUF_ERROR: break; /* no progress: see the caller */
		case LZMA_MEM_ERROR: out_of_memory(error); return -1;
		case LZMA_OPTIONS_ERROR:
			fail(dz, error, "is corrupt",
			     "options this liblzma does not know");
			return -1;
		default: fail(dz, error, "is corrupt", NULL); return -1;
		}
		break;
	}
	case READ_DECOMPRESS_BZIP2: {
		bz_stream *b = &dz->s.bzip2;
		int r;

		b->next_in = (char *)(uintptr_t)in;
		b->avail_in = (unsigned)avail;
		b->next_out = out + *len;
		b->avail_out = (unsigned)(cap - *len);
		r = BZ2_bzDecompress(b);
		used = avail - b->avail_in;
		made = cap - *len - b->avail_out;
		if (r == BZ_MEM_ERROR) {
			out_of_memory(error);
			return -1;
		}
		if (r != BZ_OK && r != BZ_STREAM_END) {
			fail(dz, error, "is corrupt",
			     r == BZ_DATA_ERROR_MAGIC ? "not bzip2 data here"
						      : NULL);
			return -1;
		}
		*ended = r == BZ_STREAM_END;
		break;
	}
	default: break;
	}
	dz->in_pos += used;
	*len += made;
	if (used > 0 || made > 0 || *ended)
		return 0;
	/* The output had room: nothing more comes of this input. */
	if (dz->in_pos < dz->in_len) {
		fail(dz, error, "is corrupt", NULL);
		return -1;
	}
	if (dz->in_eof) {
		fail(dz, error, "ends early", "truncated file?");
		return -1;
	}
	return 0; /* more is to be read */
}

/* Reads the next compressed bytes into the input buffer, waiting for them:
 * 0, or -1 when stopped (ERROR empty) or failed (ERROR set). */
static int
read_packed(struct read_decompress *dz, char *error)
{
	for (;;) {
		ssize_t n;

		if (!dz->regular) {
			/* A pipe may never send more: wait for it or for the
			 * reader to stop. */
			struct pollfd p[2] = {{dz->fd, POLLIN, 0},
					      {dz->wake[0], POLLIN, 0}};

			if (poll(p, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				snprintf(error, ERROR_SIZE, "%s",
					 strerror(errno));
				return -1;
			}
			if (p[1].revents != 0)
				return -1;
		}
		n = read(dz->fd, dz->in, dz->in_cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(error, ERROR_SIZE, "%s", strerror(errno));
			return -1;
		}
		dz->in_len = (size_t)n;
		dz->in_pos = 0;
		dz->in_eof = n == 0;
		atomic_fetch_add(&dz->packed, (uint64_t)n);
		return 0;
	}
}

/* The slot to fill next, once the reader has taken it; NULL when
 * stopped. */
static struct slot *
slot_to_fill(struct read_decompress *dz)
{
	struct slot *s = NULL;

	pthread_mutex_lock(&dz->lock);
	while (dz->produced - dz->consumed == NSLOTS && !dz->stop)
		pthread_cond_wait(&dz->emptied, &dz->lock);
	if (!dz->stop)
		s = &dz->slot[dz->produced % NSLOTS];
	pthread_mutex_unlock(&dz->lock);
	return s;
}

static void
publish(struct read_decompress *dz, size_t len)
{
	pthread_mutex_lock(&dz->lock);
	dz->slot[dz->produced % NSLOTS].len = len;
	dz->produced++;
	pthread_cond_signal(&dz->filled);
	pthread_mutex_unlock(&dz->lock);
}

/* Whether a read of FD would return at once. */
static bool
fd_ready(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};

	return poll(&p, 1, 0) != 0;
}

/* The whole file, slot after slot: 0, or -1 with ERROR set (or empty when
 * stopped). */
static int
decompress(struct read_decompress *dz, char *error)
{
	struct slot *out = NULL;
	size_t len = 0;
	bool mid = false, next = false; /* in a member; one ended before */
	bool full = false; /* the last step filled its slot: more may come */

	for (;;) {
		bool ended;

		if (out == NULL) {
			if ((out = slot_to_fill(dz)) == NULL)
				return -1;
			len = 0;
		}
		if (dz->in_pos == dz->in_len && !dz->in_eof && !(full && mid)) {
			/* What there is is shown before a pipe is waited
			 * for. */
			if (!dz->regular && len > 0 && !fd_ready(dz->fd)) {
				publish(dz, len);
				out = NULL;
				continue;
			}
			if (read_packed(dz, error) != 0)
				return -1;
			continue;
		}
		if (dz->in_pos == dz->in_len && dz->in_eof && !mid)
			break; /* the end, between members */
		if (dz->in_pos < dz->in_len) {
			if (next && codec_next(dz) != 0) {
				out_of_memory(error);
				return -1;
			}
			mid = true;
			next = false;
		}
		if (codec_step(dz, out->text, SLOT_SIZE, &len, &ended, error) !=
		    0)
			return -1;
		if (ended)
			mid = false, next = true;
		full = len == SLOT_SIZE;
		if (full) {
			publish(dz, len);
			out = NULL;
		}
	}
	if (len > 0)
		publish(dz, len);
	return 0;
}

static void *
thread_main(void *arg)
{
	struct read_decompress *dz = arg;
	char error[ERROR_SIZE] = "";

	decompress(dz, error);
	pthread_mutex_lock(&dz->lock);
	memcpy(dz->error, error, sizeof error);
	dz->done = true;
	pthread_cond_signal(&dz->filled);
	pthread_mutex_unlock(&dz->lock);
	return NULL;
}

static void
free_dz(struct read_decompress *dz)
{
	codec_end(dz);
	for (size_t i = 0; i < NSLOTS; i++)
		free(dz->slot[i].text);
	free(dz->in);
	if (dz->wake[0] >= 0) {
		close(dz->wake[0]);
		close(dz->wake[1]);
	}
	pthread_mutex_destroy(&dz->lock);
	pthread_cond_destroy(&dz->filled);
	pthread_cond_destroy(&dz->emptied);
	free(dz);
}

int
read_decompress_start(struct read_decompress **dzp,
		      enum read_decompress_format f, int fd, const char *head,
		      size_t head_len, const char *name)
{
	struct read_decompress *dz = calloc(1, sizeof *dz);
	struct stat st;
	sigset_t all, old;
	bool ok;

	*dzp = NULL;
	if (dz == NULL) {
		diag("%s: out of memory", name);
		return -1;
	}
	dz->f = f;
	dz->fd = fd;
	dz->name = name;
	dz->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	dz->wake[0] = dz->wake[1] = -1;
	pthread_mutex_init(&dz->lock, NULL);
	pthread_cond_init(&dz->filled, NULL);
	pthread_cond_init(&dz->emptied, NULL);
	dz->in_cap = head_len > IN_SIZE ? head_len : IN_SIZE;
	ok = (dz->in = malloc(dz->in_cap)) != NULL;
	for (size_t i = 0; ok && i < NSLOTS; i++)
		ok = (dz->slot[i].text = malloc(SLOT_SIZE)) != NULL;
	ok = ok && codec_begin(dz) == 0;
	if (!ok) {
		diag("%s: out of memory", name);
		free_dz(dz);
		return -1;
	}
	if (!dz->regular && pipe(dz->wake) != 0) {
		diag("%s: %s", name, strerror(errno));
		dz->wake[0] = dz->wake[1] = -1;
		free_dz(dz);
		return -1;
	}
	memcpy(dz->in, head, head_len);
	dz->in_len = head_len;
	/* Signals are the main thread's to handle. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	dz->started = pthread_create(&dz->thread, NULL, thread_main, dz) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!dz->started) {
		diag("%s: cannot start a thread to decompress it", name);
		free_dz(dz);
		return -1;
	}
	*dzp = dz;
	return 0;
}

ssize_t
read_decompress_read(struct read_decompress *dz, char *buf, size_t len,
		     uint64_t *packed)
{
	const struct slot *s;
	uint64_t p;
	size_t n;

	pthread_mutex_lock(&dz->lock);
	while (dz->consumed == dz->produced && !dz->done)
		pthread_cond_wait(&dz->filled, &dz->lock);
	s = dz->consumed == dz->produced ? NULL
					 : &dz->slot[dz->consumed % NSLOTS];
	pthread_mutex_unlock(&dz->lock);
	p = atomic_load(&dz->packed);
	*packed += p - dz->packed_told;
	dz->packed_told = p;
	if (s == NULL) {
		if (dz->error[0] == '\0')
			return 0;
		diag("%s: %s", dz->name, dz->error);
		return -1;
	}
	/* The slot is the reader's until it is given back. */
	n = s->len - dz->pos < len ? s->len - dz->pos : len;
	memcpy(buf, s->text + dz->pos, n);
	dz->pos += n;
	if (dz->pos == s->len) {
		pthread_mutex_lock(&dz->lock);
		dz->consumed++;
		dz->pos = 0;
		pthread_cond_signal(&dz->emptied);
		pthread_mutex_unlock(&dz->lock);
	}
	return (ssize_t)n;
}

bool
read_decompress_ready(struct read_decompress *dz)
{
	bool ready;

	pthread_mutex_lock(&dz->lock);
	ready = dz->consumed != dz->produced || dz->done;
	pthread_mutex_unlock(&dz->lock);
	return ready;
}

void
read_decompress_end(struct read_decompress *dz)
{
	if (dz == NULL)
		return;
	pthread_mutex_lock(&dz->lock);
	dz->stop = true;
	pthread_cond_signal(&dz->emptied);
	pthread_mutex_unlock(&dz->lock);
	if (dz->wake[1] >= 0 && write(dz->wake[1], "", 1) < 0) {
		/* Cannot happen with a new pipe; the thread would then end
		 * with its file. */
	}
	pthread_join(dz->thread, NULL);
	free_dz(dz);
}
