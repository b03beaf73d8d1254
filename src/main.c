/* main.c: the command line.  Reads the options, opens the inputs, hands
 * them to run_inputs (run.c) and turns its result into the exit code. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "number.h"
#include "options.h"
#include "run.h"

#ifndef RMSETAB_VERSION
#define RMSETAB_VERSION "0.1.0"
#endif

enum exit_code { EXIT_OK = 0, EXIT_ABOVE = 1, EXIT_TROUBLE = 2 };

enum { OPT_FAIL_ABOVE = 256, OPT_SKIP_INVALID };

static const char short_opts[] = "b:d:e:f:hnp:r:st:Vw:";

static const struct option long_opts[] = {
	{"batch-size", required_argument, NULL, 'b'},
	{"delimiter", required_argument, NULL, 'd'},
	{"epoch-col", required_argument, NULL, 'e'},
	{"fail-above", required_argument, NULL, OPT_FAIL_ABOVE},
	{"format", required_argument, NULL, 'f'},
	{"help", no_argument, NULL, 'h'},
	{"no-header", no_argument, NULL, 'n'},
	{"pred", required_argument, NULL, 'p'},
	{"reset", required_argument, NULL, 'r'},
	{"skip-invalid", no_argument, NULL, OPT_SKIP_INVALID},
	{"summary", no_argument, NULL, 's'},
	{"true", required_argument, NULL, 't'},
	{"version", no_argument, NULL, 'V'},
	{"weight", required_argument, NULL, 'w'},
	{NULL, 0, NULL, 0},
};

static const char usage_text[] =
	"usage: rmsetab [-hnsV] [-b size] [-d delim] [-e col] [-f format] "
	"[-p cols]\n"
	"               [-r epoch|never] [-t cols] [-w col] [--fail-above x]\n"
	"               [--skip-invalid] [file ...]\n";

/* The help text is laid out as it prints. */
/* clang-format off */
static const char help_text[] =
	"Print the RMSE of each batch next to the running (stateful) RMSE and\n"
	"the mean of batch RMSEs, per batch and per epoch, from true and\n"
	"predicted values in CSV files (standard input without files, or -).\n"
	"\n"
	"Columns:\n"
	"  -t, --true COLS        true values: names or 1-based indices, comma\n"
	"                         lists and ranges (1-10, true_0-true_9)\n"
	"  -p, --pred COLS        predicted values, as many as -t, paired in order;\n"
	"                         without -t/-p: y_true/y_pred, true/pred,\n"
	"                         target/prediction, or the only two columns\n"
	"  -w, --weight COL       sample weight of each row (finite, >= 0)\n"
	"  -e, --epoch-col COL    a new epoch wherever this column's value changes\n"
	"                         (default: each file is one epoch)\n"
	"Batches:\n"
	"  -b, --batch-size N     rows per batch (default 32)\n"
	"  -r, --reset WHEN       clear the running values every 'epoch' (default)\n"
	"                         or 'never'\n"
	"Input:\n"
	"  -d, --delimiter C      field delimiter, one byte, or 'tab' (default ,)\n"
	"  -n, --no-header        the first row is data; columns by index only\n"
	"      --skip-invalid     skip rows whose values or weight are not numbers,\n"
	"                         and say how many on standard error\n"
	"Output:\n"
	"  -f, --format FMT       table (default), csv, tsv or jsonl\n"
	"  -s, --summary          only the epoch and total lines\n"
	"      --fail-above X     exit with status 1 if an epoch's RMSE is above X\n"
	"  -h, --help             print this help and exit\n"
	"  -V, --version          print the version and exit\n"
	"\n"
	"Exit status: 0 success, 1 --fail-above exceeded, 2 error.\n"
	"See rmsetab(1) for the output columns and examples.\n";
/* clang-format on */

/* A failed write to standard output is an error like any other. */
static int
close_stdout(void)
{
	if (fclose(stdout) != 0) {
		diag("standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
usage_error(const char *fmt, const char *arg)
{
	fputs("rmsetab: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	exit(EXIT_TROUBLE);
}

static size_t
parse_batch_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v == 0 ||
	    v > SIZE_MAX)
		usage_error("invalid batch size '%s': expected a whole number "
			    ">= 1",
			    s);
	return (size_t)v;
}

static unsigned char
parse_delimiter(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	if (strlen(s) != 1)
		usage_error(
			"invalid delimiter '%s': expected one byte, or 'tab'",
			s);
	if (*s == '"' || *s == '\n' || *s == '\r')
		usage_error("invalid delimiter '%s': the quote and line ends "
			    "cannot delimit fields",
			    *s == '"' ? s : "\\n");
	return (unsigned char)*s;
}

static enum out_format
parse_format(const char *s)
{
	static const char *const names[] = {"table", "csv", "tsv", "jsonl"};
	static const enum out_format formats[] = {FORMAT_TABLE, FORMAT_CSV,
						  FORMAT_TSV, FORMAT_JSONL};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return formats[i];
	usage_error("unknown format '%s': expected table, csv, tsv or jsonl",
		    s);
	return FORMAT_TABLE;
}

static enum reset_mode
parse_reset(const char *s)
{
	if (strcmp(s, "epoch") == 0)
		return RESET_EPOCH;
	if (strcmp(s, "never") == 0)
		return RESET_NEVER;
	usage_error("unknown reset '%s': expected epoch or never", s);
	return RESET_EPOCH;
}

static double
parse_threshold(const char *s)
{
	double v;

	if (number_parse(s, strlen(s), &v) != NUMBER_OK || v < 0.0)
		usage_error("invalid --fail-above '%s': expected a number >= 0",
			    s);
	return v;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	/* getopt's own messages start with argv[0]: make it the name. */
	argv[0] = (char *)"rmsetab";
	*o = (struct options){.batch_size = 32,
			      .reset = RESET_EPOCH,
			      .format = FORMAT_TABLE,
			      .delim = ',',
			      .header = true};
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'b': o->batch_size = parse_batch_size(optarg); break;
		case 'd': o->delim = parse_delimiter(optarg); break;
		case 'e': o->epoch_col = optarg; break;
		case 'f': o->format = parse_format(optarg); break;
		case 'h':
			fputs(usage_text, stdout);
			putchar('\n');
			fputs(help_text, stdout);
			exit(close_stdout() == 0 ? EXIT_OK : EXIT_TROUBLE);
		case 'n': o->header = false; break;
		case 'p': o->pred_cols = optarg; break;
		case 'r': o->reset = parse_reset(optarg); break;
		case 's': o->summary = true; break;
		case 't': o->true_cols = optarg; break;
		case 'V':
			puts("rmsetab " RMSETAB_VERSION);
			exit(close_stdout() == 0 ? EXIT_OK : EXIT_TROUBLE);
		case 'w': o->weight_col = optarg; break;
		case OPT_FAIL_ABOVE:
			o->has_fail_above = true;
			o->fail_above = parse_threshold(optarg);
			break;
		case OPT_SKIP_INVALID: o->skip_invalid = true; break;
		default: fputs(usage_text, stderr); exit(EXIT_TROUBLE);
		}
	}
	if ((o->true_cols == NULL) != (o->pred_cols == NULL))
		usage_error("%s",
			    o->true_cols == NULL
				    ? "-p needs -t: give both, or neither"
				    : "-t needs -p: give both, or neither");
}

/* Worker threads for converting blocks: one a processor this process may
 * run on; none on a single one, where a thread would only add switches. */
static size_t
workers(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return 0;
	n = CPU_COUNT(&set);
	if (n > 8)
		n = 8;
	return n > 1 ? (size_t)n : 0;
}

static bool
is_directory(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Opens every input before any is read, so that a missing file is found
 * before any output that would be incomplete. */
static int
open_inputs(int nfiles, char **files, int *fds)
{
	for (int i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0) {
			fds[i] = STDIN_FILENO;
			continue;
		}
		fds[i] = open(files[i], O_RDONLY);
		if (fds[i] >= 0 && is_directory(fds[i])) {
			close(fds[i]);
			fds[i] = -1;
			errno = EISDIR;
		}
		if (fds[i] < 0) {
			diag("%s: %s", files[i], strerror(errno));
			while (i-- > 0)
				if (fds[i] != STDIN_FILENO)
					close(fds[i]);
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static char stdin_name[] = "-";
	char *stdin_only[] = {stdin_name};
	struct options opts;
	const char **names;
	char **files;
	int nfiles, *fds, i;
	enum run_result result;

	parse_options(argc, argv, &opts);
	files = argc > optind ? argv + optind : stdin_only;
	nfiles = argc > optind ? argc - optind : 1;
	fds = malloc((size_t)nfiles * sizeof *fds);
	names = malloc((size_t)nfiles * sizeof *names);
	if (fds == NULL || names == NULL) {
		diag("out of memory");
		return EXIT_TROUBLE;
	}
	if (open_inputs(nfiles, files, fds) != 0) {
		free(fds);
		free(names);
		return EXIT_TROUBLE;
	}
	for (i = 0; i < nfiles; i++)
		names[i] = fds[i] == STDIN_FILENO ? "(stdin)" : files[i];

	result = run_inputs(&opts, (size_t)nfiles, fds, names, stdout,
			    workers());
	for (i = 0; i < nfiles; i++)
		if (fds[i] != STDIN_FILENO)
			close(fds[i]);
	free(fds);
	free(names);
	if (result != RUN_ERROR && close_stdout() != 0)
		result = RUN_ERROR;
	return result == RUN_OK	     ? EXIT_OK
	       : result == RUN_ABOVE ? EXIT_ABOVE
				     : EXIT_TROUBLE;
}
