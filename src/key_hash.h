/* key_hash.h: the hash of a key's text, for the tables of keys (groups.c,
 * read_keys.c, state_merge.c), and the growth of a table whose slots are
 * indexes alone (state_merge.c's; groups.c's and read_keys.c's slots keep
 * more, and grow their own way).  FNV-1a,
 * 64 bits: keys are short, and a table of 2^k slots takes the low bits of a
 * hash whose every bit depends on every byte (the last shift folds the high
 * bits in). */
#ifndef RMSETAB_KEY_HASH_H
#define RMSETAB_KEY_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static inline uint64_t
key_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return h ^ (h >> 29);
}

/* Doubles the open-addressing table *SLOT of *NSLOTS slots (64 at first,
 * a power of 2 always) for the N entries whose hashes HASH(CTX, I) gives:
 * entry I's index + 1 in the first free slot from its hash on (linear
 * probing), 0 in the free ones.  -1 when out of memory, the table as it
 * was. */
static inline int
key_slots_grow(size_t **slot, size_t *nslots, size_t n,
	       uint64_t (*hash)(const void *, size_t), const void *ctx)
{
	size_t size = *nslots ? 2 * *nslots : 64;
	size_t *t = calloc(size, sizeof *t);

	if (t == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t s = (size_t)hash(ctx, i) & (size - 1);

		while (t[s] != 0)
			s = (s + 1) & (size - 1);
		t[s] = i + 1;
	}
	free(*slot);
	*slot = t;
	*nslots = size;
	return 0;
}

#endif
