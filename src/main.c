/* main.c: the command line.  Reads the options, turns them into one
 * config per part, opens the inputs and the files written, runs them
 * (run.c) and turns the result into the exit code. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "measures.h"
#include "number.h"
#include "options.h"
#include "plot.h"
#include "progress.h"
#include "report.h"
#include "run.h"
#include "state.h"
#include "state_segment.h"

#ifndef RMSETAB_VERSION
#define RMSETAB_VERSION "0.1.0"
#endif

enum exit_code { EXIT_OK = 0, EXIT_ABOVE = 1, EXIT_TROUBLE = 2 };

enum {
	OPT_DTYPE = 256,
	OPT_EXPLAIN,
	OPT_FAIL_ABOVE,
	OPT_HEADER,
	OPT_MERGE,
	OPT_NO_PROGRESS,
	OPT_PART,
	OPT_PLOT,
	OPT_PRECISION,
	OPT_PROGRESS,
	OPT_RUN_ID,
	OPT_SAVE_STATE,
	OPT_SKIP_INVALID
};

static const char short_opts[] = "b:c:d:e:f:hnp:r:st:Vw:";

static const struct option long_opts[] = {
	{"batch-size", required_argument, NULL, 'b'},
	{"columns", required_argument, NULL, 'c'},
	{"delimiter", required_argument, NULL, 'd'},
	{"dtype", required_argument, NULL, OPT_DTYPE},
	{"epoch-col", required_argument, NULL, 'e'},
	{"explain", no_argument, NULL, OPT_EXPLAIN},
	{"fail-above", required_argument, NULL, OPT_FAIL_ABOVE},
	{"format", required_argument, NULL, 'f'},
	{"header", no_argument, NULL, OPT_HEADER},
	{"help", no_argument, NULL, 'h'},
	{"merge", no_argument, NULL, OPT_MERGE},
	{"no-header", no_argument, NULL, 'n'},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"part", required_argument, NULL, OPT_PART},
	{"plot", required_argument, NULL, OPT_PLOT},
	{"precision", required_argument, NULL, OPT_PRECISION},
	{"pred", required_argument, NULL, 'p'},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"reset", required_argument, NULL, 'r'},
	{"run-id", required_argument, NULL, OPT_RUN_ID},
	{"save-state", required_argument, NULL, OPT_SAVE_STATE},
	{"skip-invalid", no_argument, NULL, OPT_SKIP_INVALID},
	{"summary", no_argument, NULL, 's'},
	{"true", required_argument, NULL, 't'},
	{"version", no_argument, NULL, 'V'},
	{"weight", required_argument, NULL, 'w'},
	{NULL, 0, NULL, 0},
};

static const char usage_text[] =
	"usage: rmsetab [-hnsV] [-b size] [-c list] [-d delim] [-e col] "
	"[-f format]\n"
	"               [-p cols] [-r epoch|never] [-t cols] [-w col]\n"
	"               [--dtype float32|float64] [--explain] [--fail-above "
	"x]\n"
	"               [--header] [--merge] [--plot file.svg] [--precision "
	"n]\n"
	"               [--progress | --no-progress] [--save-state file]\n"
	"               [--part k/n [--run-id id]] [--skip-invalid] "
	"[file ...]\n";

/* The help text is laid out as it prints. */
/* clang-format off */
static const char help_text[] =
	"Print the RMSE of each batch next to the running (stateful) RMSE and\n"
	"the mean of batch RMSEs, per batch and per epoch, from true and\n"
	"predicted values in CSV files (standard input without files, or -).\n"
	"\n"
	"Columns:\n"
	"  -t, --true COLS        true values: 1-based positions or names, comma\n"
	"                         lists and ranges (1-10, true_0-true_9); a name\n"
	"                         of digits in double quotes (-t '\"0\"')\n"
	"  -p, --pred COLS        predicted values, as many as -t, paired in order;\n"
	"                         without -t/-p: y_true/y_pred, true/pred,\n"
	"                         target/prediction, or the only two columns\n"
	"  -w, --weight COL       sample weight of each row (finite, >= 0)\n"
	"  -e, --epoch-col COL    a new epoch wherever this column's value changes\n"
	"                         (default: each file is one epoch)\n"
	"  Each column serves one of these roles only.\n"
	"Batches:\n"
	"  -b, --batch-size N     rows per batch (default 32)\n"
	"  -r, --reset WHEN       clear the running values every 'epoch' (default)\n"
	"                         or 'never'\n"
	"Input:\n"
	"  -d, --delimiter C      field delimiter, one byte, or 'tab' (default ,)\n"
	"  -n, --no-header        the first row is data; columns by position only\n"
	"      --header           the first row is the header even if it looks\n"
	"                         like data; without -n or --header, a first row\n"
	"                         of numbers (or nan, inf, empty) is an error\n"
	"      --skip-invalid     skip rows whose values or weight are not numbers,\n"
	"                         and say how many on standard error\n"
	"Output:\n"
	"  -f, --format FMT       table (default), csv, tsv, jsonl or markdown\n"
	"      --precision N      significant digits in the table and markdown,\n"
	"                         1 to 17 (default 10; csv, tsv, jsonl have 17)\n"
	"  -c, --columns LIST     what to print, in order (default\n"
	"                         rmse,mean_batch_rmse,running_rmse); also\n"
	"                         row_loss, mean_row_loss, mse, running_mse, mae,\n"
	"                         running_mae, per_output, uniform_rmse, weight\n"
	"      --dtype TYPE       float64 (default: 106-bit sums, rounded once) or\n"
	"                         float32 (Keras's float32 arithmetic, emulated)\n"
	"      --explain          after each epoch, say why its numbers differ\n"
	"                         (table format)\n"
	"  -s, --summary          only the epoch and total lines\n"
	"      --plot FILE.svg    also draw the three RMSEs of every batch as an\n"
	"                         SVG chart, with the epochs marked\n"
	"      --fail-above X     exit with status 1 if an epoch's RMSE is above X\n"
	"      --progress         show progress on standard error even when it is\n"
	"                         not a terminal (by default, only on one)\n"
	"      --no-progress      never show progress\n"
	"  -h, --help             print this help and exit\n"
	"  -V, --version          print the version and exit\n"
	"States (one run split across processes or machines):\n"
	"      --save-state FILE  after reading, save the sums of every epoch to\n"
	"                         FILE (-: standard output, instead of the table)\n"
	"      --part K/N         with --save-state: the state is part K of N of\n"
	"                         a run (GNU parallel: --part {#}/{##})\n"
	"      --run-id ID        with --part: a name that the parts of the run\n"
	"                         share, and no other run's parts have\n"
	"      --merge            the files are saved states: print the epoch and\n"
	"                         total lines of one pass over all their rows\n"
	"                         (merged in the order given, or of their parts;\n"
	"                         a part missing or a state given twice is an\n"
	"                         error)\n"
	"\n"
	"Exit status: 0 success, 1 --fail-above exceeded, 2 error.\n"
	"See rmsetab(1) for the output columns and examples.\n";
/* clang-format on */

/* A failed write to standard output is an error like any other; one that
 * failed before the last (the help text is longer than a buffer) shows in
 * ferror, not in what fclose returns. */
static int
close_stdout(void)
{
	bool failed = ferror(stdout) != 0;
	int err = errno;

	if (fclose(stdout) != 0) {
		diag("standard output: %s", strerror(errno));
		return -1;
	}
	if (failed) {
		diag("standard output: %s", strerror(err != 0 ? err : EIO));
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

static enum report_format
parse_format(const char *s)
{
	static const char *const names[] = {"table", "csv", "tsv", "jsonl",
					    "markdown"};
	static const enum report_format formats[] = {REPORT_TABLE, REPORT_CSV,
						     REPORT_TSV, REPORT_JSONL,
						     REPORT_MARKDOWN};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return formats[i];
	usage_error("unknown format '%s': expected table, csv, tsv, jsonl or "
		    "markdown",
		    s);
	return REPORT_TABLE;
}

static int
parse_precision(const char *s)
{
	if (s[0] >= '1' && s[0] <= '9' && s[1] == '\0')
		return s[0] - '0';
	if (s[0] == '1' && s[1] >= '0' && s[1] <= '7' && s[2] == '\0')
		return 10 + s[1] - '0';
	usage_error("invalid precision '%s': expected a whole number from 1 "
		    "to 17",
		    s);
	return 0;
}

/* Whether -r says never. */
static bool
parse_reset(const char *s)
{
	if (strcmp(s, "epoch") == 0)
		return false;
	if (strcmp(s, "never") == 0)
		return true;
	usage_error("unknown reset '%s': expected epoch or never", s);
	return false;
}

static void
parse_columns(const char *s, struct options *o)
{
	char err[MEASURES_ERR_SIZE];

	o->nmeasures = measures_parse(s, o->measures, err);
	if (o->nmeasures == 0)
		usage_error("%s", err);
}

static bool
parse_dtype(const char *s)
{
	if (strcmp(s, "float32") == 0)
		return true;
	if (strcmp(s, "float64") != 0)
		usage_error("unknown dtype '%s': expected float32 or float64",
			    s);
	return false;
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

/* --part K/N, as GNU parallel's {#}/{##} give them. */
static void
parse_part(const char *s, struct options *o)
{
	const char *slash = strchr(s, '/');
	char *end;

	errno = 0;
	if (slash != NULL && s[0] >= '1' && s[0] <= '9' && slash[1] >= '1' &&
	    slash[1] <= '9') {
		o->part = strtoull(s, &end, 10);
		if (end == slash && errno == 0) {
			o->parts = strtoull(slash + 1, &end, 10);
			if (*end == '\0' && errno == 0 && o->part <= o->parts)
				return;
		}
	}
	usage_error("invalid --part '%s': expected K/N, whole numbers with "
		    "1 <= K <= N",
		    s);
}

static void
parse_run_id(const char *s, struct options *o)
{
	size_t n = strlen(s);

	if (n == 0 || n > STATE_RUN_MAX)
		usage_error("invalid --run-id '%s': expected 1 to 256 bytes",
			    s);
	o->run_id = s;
}

/* What --save-state and --merge cannot go with; READING is the first
 * option given that says how to read CSV, or NULL. */
static void
check_states(const struct options *o, const char *reading)
{
	if (o->merge && reading != NULL)
		usage_error("%s cannot be given with --merge: the states say "
			    "how their rows were read",
			    reading);
	if (o->merge && o->plot_path != NULL)
		usage_error("%s", "--plot cannot be given with --merge: it "
				  "draws batches, and states keep none");
	if (o->merge && o->part != 0)
		usage_error("%s", "--part cannot be given with --merge: the "
				  "states say which parts they are");
	if (o->part != 0 && o->save_state == NULL)
		usage_error("%s",
			    "--part goes with --save-state: it says which "
			    "part of a run the state saved is");
	if (o->run_id != NULL && o->part == 0)
		usage_error("%s", "--run-id goes with --part: it names the run "
				  "that the part belongs to");
	if (o->save_state == NULL || o->merge)
		return;
	if (o->f32)
		usage_error("%s", "--save-state: float32 sums are rounded in "
				  "row order and cannot be merged exactly; "
				  "use --dtype float64");
	if (o->batch_size > STATE_SEGMENT_MAX_BATCH &&
	    (measures_needs(o->measures, o->nmeasures) & MEASURES_BATCHES))
		usage_error("--save-state keeps the batch values that "
			    "mean_batch_rmse and mean_row_loss need for batch "
			    "sizes up to %s only: leave them out of -c",
			    "4096");
}

/* Colour only for a person at a terminal, and never against NO_COLOR
 * (no-color.org: set and not empty). */
static bool
wants_color(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (no == NULL || *no == '\0');
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	const char *reading = NULL;
	int c;

	/* getopt's own messages start with argv[0]: make it the name. */
	argv[0] = (char *)"rmsetab";
	*o = (struct options){.batch_size = 32,
			      .format = REPORT_TABLE,
			      .precision = 10,
			      .delim = ',',
			      .header = true};
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) !=
	       -1) {
		static char letter[3] = "-?";

		/* The options that say how to read CSV, for --merge. */
		if (reading == NULL && c > 0 && c < 128 &&
		    strchr("bdenprtw", c) != NULL) {
			letter[1] = (char)c;
			reading = letter;
		} else if (reading == NULL &&
			   (c == OPT_SKIP_INVALID || c == OPT_DTYPE ||
			    c == OPT_HEADER)) {
			reading = c == OPT_DTYPE    ? "--dtype"
				  : c == OPT_HEADER ? "--header"
						    : "--skip-invalid";
		}
		switch (c) {
		case 'b': o->batch_size = parse_batch_size(optarg); break;
		case 'c': parse_columns(optarg, o); break;
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
		case 'r': o->reset_never = parse_reset(optarg); break;
		case 's': o->summary = true; break;
		case 't': o->true_cols = optarg; break;
		case 'V':
			puts("rmsetab " RMSETAB_VERSION);
			exit(close_stdout() == 0 ? EXIT_OK : EXIT_TROUBLE);
		case 'w': o->weight_col = optarg; break;
		case OPT_HEADER: o->header_forced = true; break;
		case OPT_FAIL_ABOVE:
			o->has_fail_above = true;
			o->fail_above = parse_threshold(optarg);
			break;
		case OPT_NO_PROGRESS: o->progress = PROGRESS_NEVER; break;
		case OPT_PART: parse_part(optarg, o); break;
		case OPT_PLOT: o->plot_path = optarg; break;
		case OPT_PRECISION:
			o->precision = parse_precision(optarg);
			break;
		case OPT_PROGRESS: o->progress = PROGRESS_ALWAYS; break;
		case OPT_RUN_ID: parse_run_id(optarg, o); break;
		case OPT_SKIP_INVALID: o->skip_invalid = true; break;
		case OPT_DTYPE: o->f32 = parse_dtype(optarg); break;
		case OPT_EXPLAIN: o->explain = true; break;
		case OPT_MERGE: o->merge = true; break;
		case OPT_SAVE_STATE: o->save_state = optarg; break;
		default: fputs(usage_text, stderr); exit(EXIT_TROUBLE);
		}
	}
	/* With --merge and no -c, the states' -c (run.c). */
	if (o->nmeasures == 0 && !o->merge)
		parse_columns("rmse,mean_batch_rmse,running_rmse", o);
	check_states(o, reading);
	if (o->header_forced && !o->header)
		usage_error("%s", "-n and --header cannot be given together: "
				  "the first row is either data or the header");
	if (o->explain && o->format != REPORT_TABLE)
		usage_error("%s", "--explain goes with the table format");
	if ((o->true_cols == NULL) != (o->pred_cols == NULL))
		usage_error("%s",
			    o->true_cols == NULL
				    ? "-p needs -t: give both, or neither"
				    : "-t needs -p: give both, or neither");
	o->color = o->format == REPORT_TABLE && wants_color();
}

/* The options as one config per part: those of a run, and the plot's,
 * which main opens.  With --merge and no -c, the states' -c completes
 * them (run.c). */
static void
configure(const struct options *o, struct run_config *c,
	  struct plot_config *plot)
{
	unsigned needs = measures_needs(o->measures, o->nmeasures);

	*c = (struct run_config){
		.read = {.delim = o->delim,
			 .header = o->header,
			 .header_forced = o->header_forced,
			 .skip_invalid = o->skip_invalid,
			 .true_cols = o->true_cols,
			 .pred_cols = o->pred_cols,
			 .weight_col = o->weight_col,
			 .epoch_col = o->epoch_col,
			 .row = {.f32 = o->f32}},
		.batcher = {.batch_size = o->batch_size,
			    .reset_never = o->reset_never,
			    .keyed = o->epoch_col != NULL,
			    .sums = {.f32 = o->f32}},
		.report = {.format = o->format,
			   .precision = o->precision,
			   .color = o->color,
			   .summary = o->summary,
			   .explain = o->explain,
			   .weighted = o->weight_col != NULL,
			   .nmeasures = o->nmeasures},
		/* --fail-above watches each epoch's RMSE. */
		.threshold = {.on = o->has_fail_above,
			      .measure = M_RMSE,
			      .above = o->fail_above},
		.save = {.part = o->part,
			 .parts = o->parts,
			 .run_id = o->run_id},
		.progress = o->progress,
		.merge = o->merge,
	};
	memcpy(c->report.measures, o->measures, sizeof c->report.measures);
	measures_config(needs, &c->read.row);
	measures_config(needs, &c->batcher.sums);
	*plot = (struct plot_config){.batch_size = o->batch_size,
				     .reset_never = o->reset_never};
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

/* The bytes of every input, for the progress display; 0 when one is not
 * a regular file (a pipe, a terminal), whose size is not known. */
static uint64_t
total_size(int nfiles, const int *fds)
{
	uint64_t total = 0;

	for (int i = 0; i < nfiles; i++) {
		struct stat st;

		if (fstat(fds[i], &st) != 0 || !S_ISREG(st.st_mode))
			return 0;
		total += (uint64_t)st.st_size;
	}
	return total;
}

static void
close_inputs(int nfiles, const int *fds)
{
	for (int i = 0; i < nfiles; i++)
		if (fds[i] != STDIN_FILENO)
			close(fds[i]);
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

/* --save-state FILE, opened before any input is read so that a state that
 * cannot be written is found first; never one of the inputs, which
 * opening it would empty. */
static FILE *
open_save(const char *path, int nfiles, const int *fds)
{
	struct stat out, in;
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdout;
	if (stat(path, &out) == 0) {
		for (int i = 0; i < nfiles; i++) {
			if (fstat(fds[i], &in) == 0 &&
			    in.st_dev == out.st_dev &&
			    in.st_ino == out.st_ino) {
				diag("%s: --save-state would overwrite an "
				     "input",
				     path);
				return NULL;
			}
		}
	}
	if ((f = fopen(path, "w")) == NULL)
		diag("%s: %s", path, strerror(errno));
	return f;
}

static int
close_save(FILE *f, const char *path)
{
	if (f == NULL || f == stdout)
		return 0;
	if (fflush(f) != 0 || ferror(f)) {
		diag("%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		diag("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static char stdin_name[] = "-", stdin_label[] = "(stdin)";
	char *stdin_only[] = {stdin_name};
	struct options opts;
	struct run_config cfg;
	struct plot_config plot_cfg;
	struct plot plot;
	struct run_extras extras;
	enum run_result result;
	FILE *save = NULL;
	char **files, **names;
	int nfiles, *fds, i;

	parse_options(argc, argv, &opts);
	configure(&opts, &cfg, &plot_cfg);
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
	if (opts.save_state != NULL &&
	    (save = open_save(opts.save_state, nfiles, fds)) == NULL) {
		close_inputs(nfiles, fds);
		free(fds);
		free(names);
		return EXIT_TROUBLE;
	}
	if (opts.plot_path != NULL &&
	    plot_open(&plot, opts.plot_path, &plot_cfg) != 0) {
		close_inputs(nfiles, fds);
		close_save(save, opts.save_state);
		free(fds);
		free(names);
		return EXIT_TROUBLE;
	}
	for (i = 0; i < nfiles; i++)
		names[i] = fds[i] == STDIN_FILENO ? stdin_label : files[i];
	extras = (struct run_extras){save, opts.plot_path ? &plot : NULL,
				     total_size(nfiles, fds)};
	result = run_inputs(&cfg, (size_t)nfiles, fds, names, stdout, &extras,
			    opts.merge ? 0 : workers());
	close_inputs(nfiles, fds);
	free(names);
	if (close_save(save, opts.save_state) != 0)
		result = RUN_ERROR;
	free(fds);
	if (result != RUN_ERROR && close_stdout() != 0)
		result = RUN_ERROR;
	return result == RUN_OK	     ? EXIT_OK
	       : result == RUN_ABOVE ? EXIT_ABOVE
				     : EXIT_TROUBLE;
}
