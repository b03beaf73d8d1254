/* main.c: the command line.  Reads the options, turns them into one
 * config per part, checks the inputs and opens the files written, runs
 * them (run.c) and turns the result into the exit code. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "files.h"
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
	OPT_BATCHES = 256,
	OPT_DECIMAL_COMMA,
	OPT_DTYPE,
	OPT_EXPLAIN,
	OPT_FAIL_ABOVE,
	OPT_FAIL_BELOW,
	OPT_HEADER,
	OPT_MERGE,
	OPT_NO_PROGRESS,
	OPT_PART,
	OPT_PLOT,
	OPT_PRECISION,
	OPT_PROGRESS,
	OPT_RUN_ID,
	OPT_SAVE_STATE,
	OPT_SKIP_INVALID,
	OPT_VALUE
};

static const char short_opts[] = "b:c:d:e:f:g:hnp:r:st:Vw:";

static const struct option long_opts[] = {
	{"batch-size", required_argument, NULL, 'b'},
	{"columns", required_argument, NULL, 'c'},
	{"batches", no_argument, NULL, OPT_BATCHES},
	{"decimal-comma", no_argument, NULL, OPT_DECIMAL_COMMA},
	{"delimiter", required_argument, NULL, 'd'},
	{"dtype", required_argument, NULL, OPT_DTYPE},
	{"epoch-col", required_argument, NULL, 'e'},
	{"explain", no_argument, NULL, OPT_EXPLAIN},
	{"fail-above", required_argument, NULL, OPT_FAIL_ABOVE},
	{"fail-below", required_argument, NULL, OPT_FAIL_BELOW},
	{"format", required_argument, NULL, 'f'},
	{"group", required_argument, NULL, 'g'},
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
	{"value", no_argument, NULL, OPT_VALUE},
	{"version", no_argument, NULL, 'V'},
	{"weight", required_argument, NULL, 'w'},
	{NULL, 0, NULL, 0},
};

static const char usage_text[] =
	"usage: rmsetab [-hnsV] [-b size] [-c list] [-d delim] [-e col] "
	"[-f format]\n"
	"               [-g cols] [-p cols] [-r epoch|never] [-t cols] "
	"[-w col]\n"
	"               [--batches] [--decimal-comma] [--dtype "
	"float32|float64]\n"
	"               [--explain]"
	" [--fail-above [measure=]x] [--fail-below [measure=]x]\n"
	"               [--header] [--merge] [--plot file.svg] [--precision "
	"n]\n"
	"               [--progress | --no-progress] [--save-state file]\n"
	"               [--part k/n [--run-id id]] [--skip-invalid] [--value]\n"
	"               [file ...]\n";

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
	"                         without -t/-p: the columns named as in\n"
	"                         rmsetab(1), FILES THAT WORK (y_true/y_pred,\n"
	"                         actual/predicted, true_a/pred_a, ... in any\n"
	"                         case), or the only two columns\n"
	"  -w, --weight COL       sample weight of each row (finite, >= 0)\n"
	"  -e, --epoch-col COL    a new epoch wherever this column's value changes\n"
	"                         (default: each file is one epoch)\n"
	"  -g, --group COLS       also each group's lines: the rows of each value\n"
	"                         of these columns (a list) computed alone;\n"
	"                         epoch and total lines unless --batches\n"
	"  Each column serves one of these roles only.\n"
	"Batches:\n"
	"  -b, --batch-size N     rows per batch (default 32)\n"
	"  -r, --reset WHEN       clear the running values every 'epoch' (default)\n"
	"                         or 'never'\n"
	"Input:\n"
	"  -d, --delimiter C      field delimiter, one byte, or 'tab' (default: a\n"
	"                         comma, or the tab, ';' or '|' of a first line\n"
	"                         without commas)\n"
	"      --decimal-comma    numbers are written 3,14 (the default delimiter\n"
	"                         is then ';')\n"
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
	"                         running_mae, per_output, uniform_rmse, r2, bias,\n"
	"                         max_error, weight\n"
	"      --dtype TYPE       float64 (default: 106-bit sums, rounded once) or\n"
	"                         float32 (Keras's float32 arithmetic, emulated)\n"
	"      --explain          after each epoch, say why its numbers differ\n"
	"                         (table format)\n"
	"  -s, --summary          only the epoch and total lines\n"
	"      --batches          the batch lines too, which -g leaves out\n"
	"      --value            print only the value of all the rows: the rmse,\n"
	"                         or the one column of -c (x=$(rmsetab --value f))\n"
	"      --plot FILE.svg    also draw the three RMSEs of every batch as an\n"
	"                         SVG chart, with the epochs marked\n"
	"      --fail-above [M=]X exit with status 1 if measure M (default rmse) of\n"
	"                         an epoch, a group's epoch or total (-g) or the\n"
	"                         total is above X, or undefined; repeatable; any\n"
	"                         -c column, printed or not\n"
	"      --fail-below [M=]X the same if it is below X (--fail-below r2=0.8)\n"
	"      --progress         show progress on standard error even when it is\n"
	"                         not a terminal (by default, only on one)\n"
	"      --no-progress      never show progress\n"
	"  -h, --help             print this help and exit\n"
	"  -V, --version          print the version and exit\n"
	"States (one run split across processes or machines):\n"
	"      --save-state FILE  after reading, save the sums of every epoch (and\n"
	"                         with -g of every group's) to FILE (-: standard\n"
	"                         output, instead of the table)\n"
	"      --part K/N         with --save-state: the state is part K of N of\n"
	"                         a run (GNU parallel: --part {#}/{##})\n"
	"      --run-id ID        with --part: a name that the parts of the run\n"
	"                         share, and no other run's parts have\n"
	"      --merge            the files are saved states: print the epoch and\n"
	"                         total lines of one pass over all their rows\n"
	"                         (merged in the order given, or of their parts;\n"
	"                         a part missing or a state given twice is an\n"
	"                         error); states saved with -g merge by group\n"
	"\n"
	"Exit status: 0 success, 1 a --fail-above or --fail-below failed, 2 error.\n"
	"See rmsetab(1) for the output columns and examples.\n";
/* clang-format on */

/* A failed write to standard output is an error like any other; one that
 * failed before the last (the help text is longer than a buffer) shows in
 * ferror, not in what fclose returns. */
static int
close_stdout(void)
{
	/* A write that failed before (a buffer's worth of --help, say) may
	 * leave nothing for fclose to fail on: the error flag says it. */
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

/* After the line that says what is wrong: where to read more, rather than
 * the whole synopsis, which would bury that line. */
static void
usage_end(void)
{
	fputs("Try 'rmsetab --help' for more information.\n", stderr);
	exit(EXIT_TROUBLE);
}

static void
usage_error(const char *fmt, const char *arg)
{
	fputs("rmsetab: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	usage_end();
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

/* --fail-above or, with BELOW, --fail-below [MEASURE=]X: one threshold
 * more, on the rmse unless a measure is named. */
static void
parse_threshold(const char *s, bool below, struct options *o)
{
	const char *opt = below ? "--fail-below" : "--fail-above";
	const char *eq = strchr(s, '='), *x = eq != NULL ? eq + 1 : s;
	enum measure m = M_RMSE;
	struct threshold_rule *more;
	char msg[MEASURES_ERR_SIZE + 256], list[MEASURES_ERR_SIZE];
	double v;

	if (eq != NULL && (m = measures_find(s, (size_t)(eq - s))) == M_COUNT) {
		measures_list(list, sizeof list);
		snprintf(msg, sizeof msg,
			 "invalid %s '%.64s': unknown column '%.*s'; the "
			 "columns "
			 "are: %s",
			 opt, s, (int)(eq - s < 64 ? eq - s : 64), s, list);
		usage_error("%s", msg);
	}
	if (number_parse(x, strlen(x), &v) != NUMBER_OK ||
	    (v < 0.0 && !measures_signed(m))) {
		snprintf(msg, sizeof msg, "invalid %s '%.64s': expected %s",
			 opt, s,
			 measures_signed(m) ? "a number" : "a number >= 0");
		usage_error("%s", msg);
	}
	more = realloc(o->rules, (o->nrules + 1) * sizeof *o->rules);
	if (more == NULL) {
		diag("out of memory");
		exit(EXIT_TROUBLE);
	}
	o->rules = more;
	o->rules[o->nrules++] = (struct threshold_rule){m, below, v};
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
	if (o->merge && o->batches)
		usage_error("%s", "--batches cannot be given with --merge: "
				  "states keep no batch lines");
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

/* What -g and --batches cannot go with. */
static void
check_groups(const struct options *o)
{
	if (o->batches && o->summary)
		usage_error("%s", "--batches and -s cannot be given together: "
				  "batch lines are either printed or not");
	if (o->group_cols == NULL)
		return;
	if (o->plot_path != NULL)
		usage_error("%s",
			    "--plot cannot be given with -g: it draws one "
			    "run's batches; filter the rows of one group "
			    "(mlr filter, awk) and plot them");
	if (o->merge)
		usage_error("%s", "-g cannot be given with --merge: the states "
				  "say how their rows were read, and states "
				  "saved with -g merge by group");
}

/* What --value cannot go with: it prints one number of all the rows, in
 * place of the lines of every format. */
static void
check_value(const struct options *o)
{
	enum measure m = o->measures[0];
	char count[24], msg[256];

	if (!o->value)
		return;
	snprintf(count, sizeof count, "%zu", o->nmeasures);
	if (o->nmeasures > 1)
		usage_error("--value prints one number: -c names %s columns; "
			    "give it one",
			    count);
	if (m == M_PER_OUTPUT)
		usage_error("%s",
			    "--value prints one number, and per_output has "
			    "one per pair: give -c uniform_rmse, or use "
			    "-f csv");
	/* With -r never, a running_ column's value at the end is that of
	 * all the rows: its own measure gives it as one number. */
	if (m == M_RUNNING_RMSE || m == M_RUNNING_MSE || m == M_RUNNING_MAE) {
		enum measure own = m == M_RUNNING_RMSE	? M_RMSE
				   : m == M_RUNNING_MSE ? M_MSE
							: M_MAE;

		snprintf(msg, sizeof msg,
			 "--value prints a value of all the rows, and %s is a "
			 "running value: give -c %s, which is %s at the end "
			 "of a run with -r never",
			 measures_name(m), measures_name(own),
			 measures_name(m));
		usage_error("%s", msg);
	}
	if (measures_running(m)) {
		snprintf(msg, sizeof msg,
			 "--value prints a value of all the rows, and %s is a "
			 "running value: read the total line of -f csv%s "
			 "instead",
			 measures_name(m), o->reset_never ? "" : " -r never");
		usage_error("%s", msg);
	}
	if (o->format_given)
		usage_error("%s", "-f cannot be given with --value: it prints "
				  "one bare number");
	if (o->precision_given)
		usage_error("%s",
			    "--precision cannot be given with --value: it "
			    "prints 17 significant digits");
	if (o->explain)
		usage_error("%s", "--explain cannot be given with --value: it "
				  "prints one number");
	if (o->save_state != NULL && strcmp(o->save_state, "-") == 0)
		usage_error("%s",
			    "--save-state - cannot be given with --value: "
			    "both would be standard output");
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
			    c == OPT_HEADER || c == OPT_DECIMAL_COMMA)) {
			reading = c == OPT_DTYPE	   ? "--dtype"
				  : c == OPT_HEADER	   ? "--header"
				  : c == OPT_DECIMAL_COMMA ? "--decimal-comma"
							   : "--skip-invalid";
		}
		switch (c) {
		case 'b': o->batch_size = parse_batch_size(optarg); break;
		case 'c': parse_columns(optarg, o); break;
		case 'd': o->delim = parse_delimiter(optarg); break;
		case 'e': o->epoch_col = optarg; break;
		case 'f':
			o->format = parse_format(optarg);
			o->format_given = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			putchar('\n');
			fputs(help_text, stdout);
			exit(close_stdout() == 0 ? EXIT_OK : EXIT_TROUBLE);
		case 'n': o->header = false; break;
		case 'p': o->pred_cols = optarg; break;
		case 'r': o->reset_never = parse_reset(optarg); break;
		case 's': o->summary = true; break;
		case 'g': o->group_cols = optarg; break;
		case OPT_BATCHES: o->batches = true; break;
		case 't': o->true_cols = optarg; break;
		case 'V':
			puts("rmsetab " RMSETAB_VERSION);
			exit(close_stdout() == 0 ? EXIT_OK : EXIT_TROUBLE);
		case 'w': o->weight_col = optarg; break;
		case OPT_HEADER: o->header_forced = true; break;
		case OPT_DECIMAL_COMMA: o->decimal_comma = true; break;
		case OPT_FAIL_ABOVE: parse_threshold(optarg, false, o); break;
		case OPT_FAIL_BELOW: parse_threshold(optarg, true, o); break;
		case OPT_NO_PROGRESS: o->progress = PROGRESS_NEVER; break;
		case OPT_PART: parse_part(optarg, o); break;
		case OPT_PLOT: o->plot_path = optarg; break;
		case OPT_PRECISION:
			o->precision = parse_precision(optarg);
			o->precision_given = true;
			break;
		case OPT_PROGRESS: o->progress = PROGRESS_ALWAYS; break;
		case OPT_RUN_ID: parse_run_id(optarg, o); break;
		case OPT_SKIP_INVALID: o->skip_invalid = true; break;
		case OPT_DTYPE: o->f32 = parse_dtype(optarg); break;
		case OPT_EXPLAIN: o->explain = true; break;
		case OPT_MERGE: o->merge = true; break;
		case OPT_SAVE_STATE: o->save_state = optarg; break;
		case OPT_VALUE: o->value = true; break;
		default: usage_end(); /* getopt said what */
		}
	}
	/* With --merge and no -c, the states' -c (run.c); --value prints the
	 * rmse. */
	if (o->nmeasures == 0 && o->value)
		parse_columns("rmse", o);
	if (o->nmeasures == 0 && !o->merge)
		parse_columns("rmse,mean_batch_rmse,running_rmse", o);
	check_value(o);
	check_states(o, reading);
	check_groups(o);
	if (o->header_forced && !o->header)
		usage_error("%s", "-n and --header cannot be given together: "
				  "the first row is either data or the header");
	if (o->decimal_comma && o->delim == ',')
		usage_error("%s", "--decimal-comma cannot go with -d ',': the "
				  "comma would be both the delimiter and the "
				  "decimal mark");
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
	struct threshold_config thresholds = {o->rules, o->nrules};
	/* What is checked is worked out, printed or not. */
	unsigned needs = measures_needs(o->measures, o->nmeasures) |
			 threshold_needs(&thresholds);

	*c = (struct run_config){
		.read = {.delim = o->delim,
			 .decimal_comma = o->decimal_comma,
			 .header = o->header,
			 .header_forced = o->header_forced,
			 .skip_invalid = o->skip_invalid,
			 .true_cols = o->true_cols,
			 .pred_cols = o->pred_cols,
			 .weight_col = o->weight_col,
			 .epoch_col = o->epoch_col,
			 .group_cols = o->group_cols,
			 .row = {.f32 = o->f32}},
		.batcher = {.batch_size = o->batch_size,
			    .reset_never = o->reset_never,
			    .keyed = o->epoch_col != NULL,
			    .sums = {.f32 = o->f32}},
		.report = {.format = o->format,
			   .precision = o->precision,
			   .color = o->color,
			   .summary = o->group_cols != NULL ? !o->batches
							    : o->summary,
			   .grouped = o->group_cols != NULL,
			   .explain = o->explain,
			   .weighted = o->weight_col != NULL,
			   .nmeasures = o->nmeasures},
		.threshold = thresholds,
		.value = {o->value, o->measures[0]},
		.save = {.part = o->part,
			 .parts = o->parts,
			 .run_id = o->run_id},
		.progress = o->progress,
		.merge = o->merge,
		.grouped = o->group_cols != NULL,
		.group_batches = o->batches,
	};
	memcpy(c->report.measures, o->measures, sizeof c->report.measures);
	measures_config(needs, &c->read.row);
	measures_config(needs, &c->batcher.sums);
	*plot = (struct plot_config){.batch_size = o->batch_size,
				     .reset_never = o->reset_never};
}

/* ARGV[FROM..TO) into BUF (SIZE bytes) as a shell reads them, a word
 * each, for the commands that messages suggest; what does not fit, which
 * no message would show whole, is cut after a word, with "...". */
static const char *
shell_words(char *buf, size_t size, char **argv, int from, int to)
{
	size_t used = 0;

	*buf = '\0';
	for (int i = from; i < to; i++) {
		char word[512];
		size_t len;

		diag_shell(word, sizeof word, argv[i], strlen(argv[i]));
		len = strlen(word);
		if (used + len + 5 >= size) {
			snprintf(buf + used, size - used, "%s...",
				 used ? " " : "");
			break;
		}
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 used ? " " : "", word);
	}
	return buf;
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

/* The inputs, each checked now and opened only when its turn comes
 * (run.c), so that a missing or unreadable file is found before any output
 * that would be incomplete, and any number of files can be read.  FDS[I]
 * is standard input for "-", else -1; ST[I] is what the input is (st_mode
 * 0: not known), for the checks of the outputs; *TOTAL, the bytes of
 * every input for the progress line, 0 when one is not a regular file (a
 * pipe, a terminal), whose size is not known. */
static int
check_inputs(int nfiles, char **files, int *fds, struct stat *st,
	     uint64_t *total)
{
	bool sized = true;

	*total = 0;
	for (int i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0) {
			fds[i] = STDIN_FILENO;
			if (fstat(STDIN_FILENO, &st[i]) != 0)
				memset(&st[i], 0, sizeof st[i]);
		} else {
			fds[i] = -1;
			if (files_check_input(files[i], &st[i]) != 0)
				return -1;
		}
		if (S_ISREG(st[i].st_mode))
			*total += (uint64_t)st[i].st_size;
		else
			sized = false;
	}
	if (!sized)
		*total = 0;
	return 0;
}

/* The files written, --save-state FILE and --plot FILE.svg: all checked
 * before any is created, created before any input is read, and renamed
 * over their targets at the end of a run that succeeded (files.c). */
struct outputs {
	struct files_output file[2];
	const char *option[2];
	size_t n;
	FILE *save; /* the state's file, standard output for -, or NULL */
	FILE *plot; /* or NULL */
};

static bool
ends_in_svg(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && strcasecmp(name + n - 4, ".svg") == 0;
}

/* A plot file of a name that does not end in .svg would be an SVG image
 * under another name, which viewers take for what the name says; a pipe
 * or a device (/dev/stdout, a converter's standard input) has no name to
 * mislead. */
static int
check_plot_name(const struct files_output *o)
{
	const char *name = o->name, *base = strrchr(name, '/'), *dot;
	int stem;

	if (o->direct || ends_in_svg(name))
		return 0;
	base = base != NULL ? base + 1 : name;
	dot = strrchr(base, '.');
	stem = (int)(dot != NULL && dot != base ? (size_t)(dot - name)
						: strlen(name));
	diag("%s: --plot draws SVG only: name a file ending in .svg, and "
	     "convert it afterwards if need be (rsvg-convert -o %.*s.png "
	     "%.*s.svg)",
	     name, stem, name, stem, name);
	return -1;
}

/* Whether the output O (of OPTION) is an input (ST, NFILES of FILES) or
 * an output of OUTS, the same file through any name: said if so.  Only a
 * regular file can be lost that way; a device or a pipe (/dev/null for
 * both, one terminal) is no clash. */
static bool
clashes(const struct files_output *o, const char *option,
	const struct outputs *outs, int nfiles, char **files,
	const struct stat *st)
{
	char q[DIAG_QUOTE_SIZE];

	if (o->exists && !S_ISREG(o->st.st_mode))
		return false;
	for (int i = 0; i < nfiles; i++) {
		if (st[i].st_mode == 0 || !files_output_is(o, &st[i]))
			continue;
		if (strcmp(files[i], "-") == 0)
			diag("%s: %s would overwrite the standard input: name "
			     "another file",
			     o->name, option);
		else
			diag("%s: %s would overwrite the input '%s': name "
			     "another file",
			     o->name, option,
			     diag_quote(q, sizeof q, files[i],
					strlen(files[i])));
		return true;
	}
	for (size_t j = 0; j < outs->n; j++) {
		if (!files_output_same(o, &outs->file[j]))
			continue;
		diag("%s: %s would overwrite the %s file '%s': name another "
		     "file",
		     o->name, option, outs->option[j],
		     diag_quote(q, sizeof q, outs->file[j].name,
				strlen(outs->file[j].name)));
		return true;
	}
	return false;
}

/* Adds NAME, the file of OPTION, to OUTS, unless it cannot be written or
 * clashes. */
static int
add_output(struct outputs *outs, const char *name, const char *option,
	   int nfiles, char **files, const struct stat *st)
{
	struct files_output *o = &outs->file[outs->n];

	if (files_output_check(o, name) != 0)
		return -1;
	if ((strcmp(option, "--plot") == 0 && check_plot_name(o) != 0) ||
	    clashes(o, option, outs, nfiles, files, st)) {
		files_output_drop(o);
		return -1;
	}
	outs->option[outs->n++] = option;
	return 0;
}

static void
drop_outputs(struct outputs *outs)
{
	for (size_t i = 0; i < outs->n; i++)
		files_output_drop(&outs->file[i]);
}

/* The outputs OPTS names, checked against the inputs, then created. */
static int
open_outputs(struct outputs *outs, const struct options *opts, int nfiles,
	     char **files, const struct stat *st)
{
	const char *save = opts->save_state;

	memset(outs, 0, sizeof *outs);
	if ((save != NULL && strcmp(save, "-") != 0 &&
	     add_output(outs, save, "--save-state", nfiles, files, st) != 0) ||
	    (opts->plot_path != NULL &&
	     add_output(outs, opts->plot_path, "--plot", nfiles, files, st) !=
		     0)) {
		drop_outputs(outs);
		return -1;
	}
	for (size_t i = 0; i < outs->n; i++) {
		if (files_output_open(&outs->file[i]) != 0) {
			drop_outputs(outs);
			return -1;
		}
	}
	if (save != NULL)
		outs->save = strcmp(save, "-") == 0 ? stdout : outs->file[0].f;
	if (opts->plot_path != NULL)
		outs->plot = outs->file[outs->n - 1].f;
	return 0;
}

/* The new files replace their targets only after a run that succeeded,
 * and only if every one of them was written whole; else they are removed,
 * and the old files stay as they were.  (A rename that fails after
 * another succeeded would leave one replaced: in one directory, it does
 * not fail but for a failing disk.) */
static enum run_result
close_outputs(struct outputs *outs, enum run_result result)
{
	for (size_t i = 0; i < outs->n; i++)
		if (result != RUN_ERROR &&
		    files_output_close(&outs->file[i]) != 0)
			result = RUN_ERROR;
	for (size_t i = 0; i < outs->n; i++) {
		if (result == RUN_ERROR)
			files_output_drop(&outs->file[i]);
		else if (files_output_commit(&outs->file[i]) != 0)
			result = RUN_ERROR;
	}
	return result;
}

int
main(int argc, char **argv)
{
	static char stdin_name[] = "-", stdin_label[] = "(stdin)";
	static char options_text[1024], args_text[1024];
	char *stdin_only[] = {stdin_name};
	struct options opts;
	struct run_config cfg;
	struct plot_config plot_cfg;
	struct plot plot;
	struct run_extras extras = {0};
	struct outputs outs;
	enum run_result result;
	struct stat *st;
	char **files, **names;
	int nfiles, *fds;

	parse_options(argc, argv, &opts);
	configure(&opts, &cfg, &plot_cfg);
	/* The command as given, for the commands that messages suggest. */
	cfg.read.options =
		shell_words(options_text, sizeof options_text, argv, 1, optind);
	cfg.read.args = shell_words(args_text, sizeof args_text, argv, 1, argc);
	cfg.read.files = argv + optind;
	cfg.read.nfiles = (size_t)(argc - optind);
	files = argc > optind ? argv + optind : stdin_only;
	nfiles = argc > optind ? argc - optind : 1;
	fds = malloc((size_t)nfiles * sizeof *fds);
	names = malloc((size_t)nfiles * sizeof *names);
	st = malloc((size_t)nfiles * sizeof *st);
	if (fds == NULL || names == NULL || st == NULL) {
		diag("out of memory");
		free(opts.rules);
		return EXIT_TROUBLE;
	}
	/* From the first new file on, a signal removes it. */
	files_catch_signals(progress_erase_now);
	if (check_inputs(nfiles, files, fds, st, &extras.total_size) != 0 ||
	    open_outputs(&outs, &opts, nfiles, files, st) != 0) {
		free(fds);
		free(names);
		free(st);
		free(opts.rules);
		return EXIT_TROUBLE;
	}
	free(st);
	if (outs.plot != NULL &&
	    plot_init(&plot, outs.plot, opts.plot_path, &plot_cfg) != 0) {
		drop_outputs(&outs);
		free(fds);
		free(names);
		free(opts.rules);
		return EXIT_TROUBLE;
	}
	for (int i = 0; i < nfiles; i++)
		names[i] = fds[i] == STDIN_FILENO ? stdin_label : files[i];
	extras.save = outs.save;
	extras.plot = outs.plot != NULL ? &plot : NULL;
	result = run_inputs(&cfg, (size_t)nfiles, fds, names, stdout, &extras,
			    opts.merge ? 0 : workers());
	free(names);
	free(fds);
	free(opts.rules);
	if (result != RUN_ERROR && close_stdout() != 0)
		result = RUN_ERROR;
	result = close_outputs(&outs, result);
	return result == RUN_OK	     ? EXIT_OK
	       : result == RUN_ABOVE ? EXIT_ABOVE
				     : EXIT_TROUBLE;
}
