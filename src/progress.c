/* progress.c: the progress line.  It is drawn with a carriage return and
 * erased by writing spaces over it, which works on any terminal, without
 * escape sequences; it is kept narrower than the terminal, since a line
 * that wraps could not be taken back with a carriage return. */
#include "progress.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* A run shorter than this shows nothing (unless --progress); then the
 * line is redrawn at most this often. */
#define DELAY	 0.3
#define INTERVAL 0.1

enum { LINE_MAX_WIDTH = 200 };

/* The width of the line on the screen, for progress_erase_now, which a
 * signal handler calls and so cannot be handed the struct (a process has
 * one progress line). */
static volatile sig_atomic_t on_screen;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_init(struct progress *p, enum progress_mode mode, uint64_t total)
{
	memset(p, 0, sizeof *p);
	p->fd = STDERR_FILENO;
	p->total = total;
	p->on = mode == PROGRESS_ALWAYS ||
		(mode == PROGRESS_AUTO && isatty(STDERR_FILENO));
	p->start = now();
	p->next = p->start + (mode == PROGRESS_ALWAYS ? 0 : DELAY);
}

/* write(2) of all of BUF; a display that cannot be written is dropped
 * without a word, as it is no part of the results. */
static void
put(struct progress *p, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(p->fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->on = false;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* The columns of the terminal, less one: writing in the last column would
 * make some terminals wrap. */
static size_t
columns(const struct progress *p)
{
	struct winsize ws;

	if (ioctl(p->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col - 1 < LINE_MAX_WIDTH ? ws.ws_col - 1u
						      : LINE_MAX_WIDTH;
	return 79;
}

/* 1234 -> "1234", 123456 -> "123k", 5210000 -> "5.21M". */
static void
count_text(char *buf, size_t size, double v)
{
	static const char unit[] = " kMGTP";
	int u = 0;

	if (v < 10000) {
		snprintf(buf, size, "%.0f", v);
		return;
	}
	while (v >= 999.5 && u < 5) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, "%.*f%c",
		 v < 9.995   ? 2
		 : v < 99.95 ? 1
			     : 0,
		 v, unit[u]);
}

static void
bytes_text(char *buf, size_t size, double v)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u == 0 ? "%.0f %s" : "%.1f %s", v, unit[u]);
}

static void
time_text(char *buf, size_t size, double secs)
{
	uint64_t s = (uint64_t)(secs + 0.5);

	if (s >= 3600)
		snprintf(buf, size, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64,
			 s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
}

/* "82.2/179.5 MiB", or "900.0 KiB/1.2 GiB" across units. */
static void
share_text(char *buf, size_t size, double done, double all)
{
	char a[32], b[32], *unit_a, *unit_b;

	bytes_text(a, sizeof a, done);
	bytes_text(b, sizeof b, all);
	unit_a = strchr(a, ' ');
	unit_b = strchr(b, ' ');
	if (unit_a != NULL && unit_b != NULL && strcmp(unit_a, unit_b) == 0)
		*unit_a = '\0';
	snprintf(buf, size, "%s/%s", a, b);
}

/* "rmsetab [=====>    ] 45% 82.2/179.5 MiB, 2.15M rows, 7.08M rows/s,
 * 0:12 left"; without a known total, "rmsetab: 2.9 MiB, 76.6k rows,
 * 74.4k rows/s".  The bar takes the room that is left, if enough. */
static size_t
line_text(const struct progress *p, char *line, size_t width, double t)
{
	char bytes[64], rows[32], rate[32], left[32], tail[192];
	double elapsed = t - p->start, frac;
	size_t bar, fill, n;

	count_text(rows, sizeof rows, (double)p->rows);
	count_text(rate, sizeof rate,
		   elapsed > 0 ? (double)p->rows / elapsed : 0);
	if (p->total == 0) {
		bytes_text(bytes, sizeof bytes, (double)p->bytes);
		return (size_t)snprintf(line, width + 1,
					"rmsetab: %s, %s rows, %s rows/s",
					bytes, rows, rate);
	}
	frac = p->bytes >= p->total ? 1 : (double)p->bytes / (double)p->total;
	share_text(bytes, sizeof bytes, (double)p->bytes, (double)p->total);
	if (frac >= 1 || (frac > 0 && elapsed >= 1))
		time_text(left, sizeof left, elapsed / frac * (1 - frac));
	else
		strcpy(left, "-:--");
	n = (size_t)snprintf(tail, sizeof tail,
			     "%.0f%% %s, %s rows, %s rows/s, %s left",
			     frac * 100, bytes, rows, rate, left);
	/* The room of a tail of 56 characters, so that the bar keeps its
	 * length while the figures grow. */
	bar = width > (n > 56 ? n : 56) + 11 ? width - (n > 56 ? n : 56) - 11
					     : 0;
	if (bar > 30)
		bar = 30;
	if (bar < 8)
		return (size_t)snprintf(line, width + 1, "rmsetab: %s", tail);
	fill = (size_t)(frac * (double)bar);
	n = (size_t)sprintf(line, "rmsetab [");
	for (size_t i = 0; i < bar; i++)
		line[n++] = i < fill ? '=' : i == fill ? '>' : ' ';
	n += (size_t)snprintf(line + n, width + 1 - n, "] %s", tail);
	return n;
}

static void
draw(struct progress *p, double t)
{
	char buf[1 + 2 * LINE_MAX_WIDTH + 1];
	size_t width = columns(p), n;

	buf[0] = '\r';
	n = line_text(p, buf + 1, width, t);
	if (n > width)
		n = width; /* snprintf cut it there */
	/* Spaces over what is left of a longer line drawn before. */
	for (size_t i = n; i < p->width && i < width; i++)
		buf[1 + n++] = ' ';
	/* Until it is drawn, either width may be on the screen. */
	on_screen = (sig_atomic_t)(n > p->width ? n : p->width);
	put(p, buf, 1 + n);
	on_screen = (sig_atomic_t)n;
	p->width = n;
	p->drawn = true;
}

void
progress_update(struct progress *p, uint64_t bytes, uint64_t rows)
{
	double t;

	if (!p->on)
		return;
	p->bytes = bytes;
	p->rows = rows;
	t = now();
	if (t < p->next)
		return;
	p->next = t + INTERVAL;
	draw(p, t);
}

void
progress_wait(struct progress *p, int fd, uint64_t bytes, uint64_t rows)
{
	struct pollfd pfd = {fd, POLLIN, 0};

	if (!p->on)
		return;
	while (poll(&pfd, 1, (int)(INTERVAL * 1000)) == 0)
		progress_update(p, bytes, rows);
}

void
progress_clear(void *ctx)
{
	struct progress *p = ctx;
	char buf[1 + LINE_MAX_WIDTH + 1];

	if (!p->drawn)
		return;
	buf[0] = '\r';
	memset(buf + 1, ' ', p->width);
	buf[1 + p->width] = '\r';
	put(p, buf, p->width + 2);
	on_screen = 0;
	p->drawn = false;
	p->width = 0;
}

void
progress_end(struct progress *p, uint64_t bytes, uint64_t rows)
{
	/* The rows of the last bytes are counted after they are read: the
	 * line drawn then lags behind, and a small file's one line says 0
	 * rows.  Its last state has the run's figures. */
	if (p->drawn) {
		p->bytes = bytes;
		p->rows = rows;
		draw(p, now());
	}
	progress_clear(p);
	p->on = false;
}

void
progress_erase_now(void)
{
	char buf[1 + LINE_MAX_WIDTH + 1];
	sig_atomic_t width = on_screen;
	size_t n = 0;

	if (width <= 0 || width > LINE_MAX_WIDTH)
		return;
	buf[n++] = '\r';
	while (n <= (size_t)width)
		buf[n++] = ' ';
	buf[n++] = '\r';
	/* Nothing to do if it fails: the process is ending. */
	if (write(STDERR_FILENO, buf, n) < 0)
		return;
}
