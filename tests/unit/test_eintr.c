/* test_eintr: a read(2) interrupted by a signal is retried, not taken for
 * an error or an end of input.  rmsetab installs no signal handler, so on
 * its own its reads are restarted or never interrupted; a program that
 * embeds run_inputs() may have handlers without SA_RESTART, as this test
 * does: a writer thread feeds a pipe piece by piece and, while the reader
 * waits for the next piece, interrupts it with a signal. */
#include "run.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t interrupts;

static void
on_signal(int sig)
{
	(void)sig;
	interrupts++;
}

struct feeder {
	int fd;
	pthread_t reader;
};

static void
pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void *
feed(void *arg)
{
	static const char *const pieces[] = {
		"y_true,y_pred\n0,",
		"1\n0,7\n",
		"1,8\n1,",
		"50\n",
	};
	struct feeder *f = arg;

	for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
		/* The reader is most likely blocked in read(2) by now:
		 * interrupt it, twice, before it gets the next piece.  Each
		 * signal is sent only once the one before has been handled,
		 * so that none merges with a pending one however slow the
		 * machine: the count is exact, not a matter of timing. */
		pause_ms(50);
		for (int k = 0; k < 2; k++) {
			sig_atomic_t seen = interrupts;

			pthread_kill(f->reader, SIGUSR1);
			while (interrupts == seen)
				pause_ms(1);
		}
		if (write(f->fd, pieces[i], strlen(pieces[i])) < 0)
			break;
	}
	close(f->fd);
	return NULL;
}

int
main(void)
{
	const struct run_config cfg = {
		.read = {.delim = ',', .header = true},
		.batcher = {.batch_size = 2},
		.report = {.format = REPORT_CSV,
			   .nmeasures = 3,
			   .measures = {M_RMSE, M_MEAN_BATCH_RMSE,
					M_RUNNING_RMSE}}};
	struct sigaction sa;
	static char pipe_name[] = "(pipe)";
	char *names[] = {pipe_name};
	struct feeder f;
	pthread_t writer;
	int fds[2];
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = 0; /* no SA_RESTART: a blocked read fails with EINTR */
	sigemptyset(&sa.sa_mask);
	if (!CHECK(out != NULL) || !CHECK(sigaction(SIGUSR1, &sa, NULL) == 0) ||
	    !CHECK(pipe(fds) == 0))
		return check_finish("test_eintr");
	f.fd = fds[1];
	f.reader = pthread_self();
	if (!CHECK(pthread_create(&writer, NULL, feed, &f) == 0))
		return check_finish("test_eintr");
	/* No worker threads: the signals are for this one. */
	CHECK_INT(run_inputs(&cfg, 1, fds, names, out, NULL, 0), RUN_OK);
	pthread_join(writer, NULL);
	close(fds[0]);
	fclose(out);
	/* Errors 1, 7 | 7, 49 (tests/cases/stream-first-batch/why); the
	 * total of the one epoch, its running columns empty (-r epoch). */
	CHECK_STR(text, "kind,epoch,batch,rows,rmse,mean_batch_rmse,"
			"running_rmse\n"
			"batch,1,1,2,5,5,5\n"
			"batch,1,2,2,35,20,25\n"
			"epoch,1,,4,25,20,25\n"
			"total,,,4,25,,\n");
	CHECK_INT(interrupts, 8);
	free(text);
	return check_finish("test_eintr");
}
