/* feed.c: the fuzzing harnesses' shared part (feed.h): files fed to
 * run_inputs() from memory, a pipe or a socket, and its output captured. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "feed.h"

struct writer {
	pthread_t thread;
	int fd;
	const uint8_t *data;
	size_t len, chunk;
	bool socket, started;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* A reader that stops early must not kill the writer. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void *
write_all(void *arg)
{
	struct writer *w = arg;

	for (size_t done = 0; done < w->len;) {
		size_t n = w->len - done < w->chunk ? w->len - done : w->chunk;
		ssize_t k =
			w->socket ? send(w->fd, w->data + done, n, MSG_NOSIGNAL)
				  : write(w->fd, w->data + done, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* the reader is gone */
		done += (size_t)k;
	}
	close(w->fd);
	return NULL;
}

/* A descriptor that reads as the LEN bytes at DATA, fed as FEED says. */
static int
open_feed(enum feed feed, const uint8_t *data, size_t len, size_t chunk,
	  struct writer *w)
{
	int fds[2];

	w->started = false;
	if (feed == FEED_MEMORY) {
		int fd = memfd_create("fuzz", MFD_CLOEXEC);

		if (fd < 0)
			abort();
		for (size_t done = 0; done < len;) {
			ssize_t k = write(fd, data + done, len - done);

			if (k <= 0)
				abort();
			done += (size_t)k;
		}
		if (lseek(fd, 0, SEEK_SET) != 0)
			abort();
		return fd;
	}
	if (feed == FEED_PIPE
		    ? pipe(fds) != 0
		    : socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds) != 0)
		abort();
	*w = (struct writer){.fd = fds[1],
			     .data = data,
			     .len = len,
			     .chunk = chunk,
			     .socket = feed == FEED_PACKETS};
	if (pthread_create(&w->thread, NULL, write_all, w) != 0)
		abort();
	w->started = true;
	return fds[0];
}

void
feed_cut(size_t *cut, size_t size, size_t nfiles, unsigned first,
	 unsigned second)
{
	cut[0] = 0;
	cut[1] = nfiles == 1 ? size : size * first / 8;
	cut[2] = nfiles == 2 ? size : cut[1] + (size - cut[1]) * second / 8;
	cut[nfiles] = size;
}

void
feed_run(const struct run_config *cfg, char *const *names, const uint8_t *data,
	 const size_t *cut, size_t nfiles, enum feed feed, size_t chunk,
	 size_t nworkers, bool save, struct feed_output *res)
{
	struct writer w[FEED_MAX_FILES];
	struct run_extras x = {NULL, NULL, 0};
	int fds[FEED_MAX_FILES];
	FILE *out, *saved = NULL, *saved_err = stderr;

	for (size_t i = 0; i < nfiles; i++)
		fds[i] = open_feed(feed, data + cut[i], cut[i + 1] - cut[i],
				   chunk, &w[i]);
	*res = (struct feed_output){0};
	out = open_memstream(&res->out, &res->out_len);
	if (save)
		saved = open_memstream(&res->saved, &res->saved_len);
	stderr = open_memstream(&res->err, &res->err_len);
	if (out == NULL || stderr == NULL || (save && saved == NULL))
		abort();
	x.save = saved;
	res->result = run_inputs(cfg, nfiles, fds, names, out, &x, nworkers);
	fclose(out);
	if (saved != NULL)
		fclose(saved);
	fclose(stderr);
	stderr = saved_err;
	for (size_t i = 0; i < nfiles; i++) {
		/* Closing the reading end first ends a writer still blocked. */
		close(fds[i]);
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
	}
}

bool
feed_same(const char *a, size_t na, const char *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

void
feed_free(struct feed_output *o)
{
	free(o->out);
	free(o->err);
	free(o->saved);
}
