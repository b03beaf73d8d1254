/* files.c: inputs opened when their turn comes; outputs written to a new
 * file in the target's directory (so that the rename is one step of one
 * file system) and renamed over the target only at the end of a run that
 * succeeded; a signal removes the new files before it ends the process. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"

/* The signals sent to stop a run (by a user, a terminal, a pipe's reader
 * gone, a job manager), which would leave a new file behind.  A crash
 * leaves what it leaves, and SIGKILL cannot be caught. */
static const int caught[] = {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM};

/* The new files not yet renamed, for the signal handler, which has no
 * other way to find them; changed only with the signals blocked. */
static struct files_output *volatile pending;
static void (*volatile also_on_signal)(void);

/* The new file's name in the target's directory; a leftover (after
 * SIGKILL) says what made it. */
static const char temp_pattern[] = "/.rmsetab-XXXXXX";

/* Symbolic links are followed this many times at most, as the kernel
 * does (Linux's MAXSYMLINKS). */
enum { MAX_LINKS = 40 };

int
files_check_input(const char *name, struct stat *st)
{
	int err = 0;

	if (stat(name, st) != 0)
		err = errno;
	else if (S_ISDIR(st->st_mode))
		err = EISDIR;
	else if (faccessat(AT_FDCWD, name, R_OK, AT_EACCESS) != 0)
		err = errno;
	if (err != 0) {
		diag("%s: %s", name, strerror(err));
		return -1;
	}
	return 0;
}

int
files_open_input(const char *name)
{
	struct stat st;
	int fd = open(name, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		fd = -1;
		errno = EISDIR;
	}
	if (fd < 0)
		diag("%s: %s", name, strerror(errno));
	return fd;
}

static void
block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaddset(&set, caught[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

static void
unblock_signals(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Takes O off the list of new files; the signals are blocked. */
static void
unlist(struct files_output *o)
{
	struct files_output *volatile *p = &pending;

	while (*p != NULL && *p != o)
		p = &(*p)->next;
	if (*p == o)
		*p = o->next;
}

/* The first DIR_LEN bytes of DIR, "/" and NAME; NULL when out of
 * memory. */
static char *
join(const char *dir, size_t dir_len, const char *name)
{
	size_t n = strlen(name);
	char *s;

	if ((s = malloc(dir_len + 1 + n + 1)) == NULL)
		return NULL;
	memcpy(s, dir, dir_len);
	s[dir_len] = '/';
	memcpy(s + dir_len + 1, name, n + 1);
	return s;
}

/* The length of PATH's directory part, without the last slash; 0 when it
 * has none (the current directory).  "/x" has the root, which is "". */
static size_t
dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? (size_t)(slash - path) : 0;
}

/* NAME, which does not exist, with a dangling symbolic link followed to
 * the name it points to, as creating the file through it would: a new
 * string, or NULL with errno set. */
static char *
follow_links(const char *name)
{
	char link[PATH_MAX], *path = strdup(name);

	for (int hops = 0; path != NULL; hops++) {
		struct stat st;
		ssize_t n;
		char *next;

		if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
			return path;
		if (hops == MAX_LINKS) {
			errno = ELOOP;
			break;
		}
		n = readlink(path, link, sizeof link);
		if (n < 0)
			break;
		if ((size_t)n == sizeof link) {
			errno = ENAMETOOLONG;
			break;
		}
		link[n] = '\0';
		/* A relative link is relative to the link's directory. */
		if (link[0] == '/' || strchr(path, '/') == NULL)
			next = strdup(link);
		else
			next = join(path, dir_len(path), link);
		free(path);
		path = next;
	}
	free(path);
	return NULL;
}

/* The canonical name of PATH, which does not exist: its directory's real
 * path and its last name; NULL with errno set. */
static char *
new_file_name(const char *path)
{
	size_t len = dir_len(path);
	const char *base = path + (strchr(path, '/') != NULL ? len + 1 : 0);
	char *dir, *where, *real;

	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		errno = *path == '\0' ? ENOENT : EISDIR;
		return NULL;
	}
	if (strchr(path, '/') == NULL)
		dir = strdup(".");
	else if (len == 0)
		dir = strdup("/");
	else
		dir = strndup(path, len);
	if (dir == NULL)
		return NULL;
	real = realpath(dir, NULL);
	free(dir);
	if (real == NULL)
		return NULL;
	/* The root's real path is "/": no second slash. */
	where = join(real, strcmp(real, "/") == 0 ? 0 : strlen(real), base);
	free(real);
	return where;
}

int
files_output_check(struct files_output *o, const char *name)
{
	char *path;

	memset(o, 0, sizeof *o);
	o->name = name;
	if (stat(name, &o->st) == 0) {
		o->exists = true;
		if (S_ISDIR(o->st.st_mode)) {
			errno = EISDIR;
		} else if (!S_ISREG(o->st.st_mode) ||
			   strncmp(name, "/dev/", 5) == 0) {
			/* /dev/stdout, /dev/fd/3: an open descriptor's
			 * file, which a rename would not reach. */
			o->direct = true;
			o->target = strdup(name);
		} else if (faccessat(AT_FDCWD, name, W_OK, AT_EACCESS) != 0) {
			/* Renaming over a file this user may not write would
			 * get round its protection. */
		} else {
			o->target = realpath(name, NULL);
		}
	} else if (errno == ENOENT && (path = follow_links(name)) != NULL) {
		o->target = new_file_name(path);
		free(path);
	}
	if (o->target == NULL) {
		diag("%s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

bool
files_output_is(const struct files_output *o, const struct stat *st)
{
	return o->exists && o->st.st_dev == st->st_dev &&
	       o->st.st_ino == st->st_ino;
}

bool
files_output_same(const struct files_output *o, const struct files_output *b)
{
	if (o->exists || b->exists)
		return b->exists && files_output_is(o, &b->st);
	return strcmp(o->target, b->target) == 0;
}

/* The mode of the new file: the old file's permissions when it replaces
 * one, else what creating it would have given (0666 less the umask). */
static void
set_mode(const struct files_output *o, int fd)
{
	mode_t mask;

	if (o->exists) {
		/* The old file's owner and group where this user may give
		 * them (root; a group of the user's), else the user's own. */
		if (fchown(fd, o->st.st_uid, o->st.st_gid) != 0 &&
		    fchown(fd, (uid_t)-1, o->st.st_gid) != 0) {
			/* The user's own, then. */
		}
		/* Should it fail, the file keeps mkstemp's 0600: too
		 * private rather than too open. */
		fchmod(fd, o->st.st_mode & 0777);
		return;
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
}

int
files_output_open(struct files_output *o)
{
	size_t len = dir_len(o->target);
	sigset_t old;
	int fd;

	if (o->direct) {
		if ((o->f = fopen(o->target, "w")) == NULL) {
			diag("%s: %s", o->name, strerror(errno));
			return -1;
		}
		return 0;
	}
	/* The target is absolute: its directory is before the last slash. */
	if ((o->temp = malloc(len + sizeof temp_pattern)) == NULL) {
		diag("%s: out of memory", o->name);
		return -1;
	}
	memcpy(o->temp, o->target, len);
	memcpy(o->temp + len, temp_pattern, sizeof temp_pattern);
	block_signals(&old);
	fd = mkostemp(o->temp, O_CLOEXEC);
	if (fd >= 0) {
		o->next = pending;
		pending = o;
	}
	unblock_signals(&old);
	if (fd < 0) {
		diag("%s: cannot create a new file in '%.*s' to write it: %s",
		     o->name, len == 0 ? 1 : (int)len,
		     len == 0 ? "/" : o->target, strerror(errno));
		free(o->temp);
		o->temp = NULL;
		return -1;
	}
	set_mode(o, fd);
	if ((o->f = fdopen(fd, "w")) == NULL) {
		diag("%s: %s", o->name, strerror(errno));
		close(fd);
		return -1;
	}
	return 0;
}

int
files_output_close(struct files_output *o)
{
	int err = 0;

	if (o->f == NULL)
		return 0;
	errno = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		err = errno != 0 ? errno : EIO;
	else if (o->temp != NULL && fsync(fileno(o->f)) != 0)
		err = errno;
	if (fclose(o->f) != 0 && err == 0)
		err = errno;
	o->f = NULL;
	if (err != 0) {
		diag("%s: %s", o->name, strerror(err));
		return -1;
	}
	return 0;
}

static void
free_output(struct files_output *o)
{
	free(o->temp);
	free(o->target);
	o->temp = o->target = NULL;
}

int
files_output_commit(struct files_output *o)
{
	sigset_t old;
	int st = 0, err = 0;

	if (o->temp != NULL) {
		/* Between the rename and the unlisting, a signal would remove
		 * the file just put in place. */
		block_signals(&old);
		if ((st = rename(o->temp, o->target)) == 0)
			unlist(o);
		else
			err = errno;
		unblock_signals(&old);
	}
	if (st != 0) {
		diag("%s: %s", o->name, strerror(err));
		files_output_drop(o);
		return -1;
	}
	free_output(o);
	return 0;
}

void
files_output_drop(struct files_output *o)
{
	sigset_t old;

	if (o->f != NULL) {
		fclose(o->f);
		o->f = NULL;
	}
	if (o->temp != NULL) {
		block_signals(&old);
		unlink(o->temp);
		unlist(o);
		unblock_signals(&old);
	}
	free_output(o);
}

/* Async-signal-safe: unlink(2), sigaction(2) and raise(3) only.  The
 * signal stays blocked until the handler returns, and is then delivered
 * with its default action, so that the exit status shows it. */
static void
on_signal(int sig)
{
	struct sigaction dfl;

	for (struct files_output *o = pending; o != NULL; o = o->next)
		unlink(o->temp);
	if (also_on_signal != NULL)
		also_on_signal();
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

void
files_catch_signals(void (*also)(void))
{
	struct sigaction sa, old;

	also_on_signal = also;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	/* The others wait too, so that a second signal cannot cut the
	 * cleaning short. */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaddset(&sa.sa_mask, caught[i]);
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
		if (sigaction(caught[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(caught[i], &sa, NULL);
}
