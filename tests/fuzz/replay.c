/* replay.c: runs the fuzzing harness over files, without libFuzzer, so
 * that `make check` replays the seed corpus and every input that once made
 * it fail with the ordinary compiler (and, in check-asan, the sanitizers).
 * Usage: replay FILE...; prints how many it ran; a failure aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = NULL, *more;
		size_t len = 0, cap = 0, n;

		if (f == NULL) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (len == cap) {
				cap = cap ? 2 * cap : 4096;
				if ((more = realloc(buf, cap)) == NULL) {
					perror("replay");
					return 2;
				}
				buf = more;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("replay: %d inputs, no failure\n", argc - 1);
	return 0;
}
