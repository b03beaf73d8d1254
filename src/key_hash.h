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
#include <string.h>

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

/* The length of the key of word W (key_word's: a key of at most 8 bytes,
 * which holds no NUL, the rest zero): its first bytes not zero. */
static inline size_t
key_word_len(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Its last byte not zero is its highest. */
	return w == 0 ? 0 : (size_t)(71 - __builtin_clzll(w)) / 8;
#else
	char b[8];
	size_t n = 0;

	memcpy(b, &w, 8);
	while (n < 8 && b[n] != '\0')
		n++;
	return n;
#endif
}

/* key_hash of the key of word W (as key_word_len's), from the word in a
 * register: the fused reader hashes each new group's key so. */
static inline uint64_t
key_hash_word(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t h = 0xcbf29ce484222325u;

	/* The key's bytes from the lowest, up to the zeros after it. */
	for (; w != 0; w >>= 8) {
		h ^= w & 0xff;
		h *= 0x100000001b3u;
	}
	return h ^ (h >> 29);
#else
	char b[8];

	memcpy(b, &w, 8);
	return key_hash(b, key_word_len(w));
#endif
}

/* The bytes of a word that hold the first N (at most 8) of the text it
 * was loaded from. */
static inline __attribute__((always_inline)) uint64_t
key_first_bytes(size_t n)
{
	uint64_t all = ~UINT64_C(0);

	if (n >= 8)
		return all;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return n == 0 ? 0 : all << (64 - 8 * n);
#else
	return (UINT64_C(1) << (8 * n)) - 1;
#endif
}

/* The word of a key: its first N <= 8 bytes at P, the rest zero.  END is
 * where the text they lie in ends: with 8 bytes there, one load.  The
 * reader's fused loop (read_fused.c) and the groups (groups.c) compare
 * keys by it, so both make it here. */
static inline __attribute__((always_inline)) uint64_t
key_word(const char *p, size_t n, const char *end)
{
	if (p + 8 <= end) {
		uint64_t w;

		memcpy(&w, p, 8);
		return w & key_first_bytes(n);
	} else {
		/* Only here in memory: the loops that make words keep the
		 * usual one in a register. */
		uint64_t w = 0;

		memcpy(&w, p, n);
		return w;
	}
}

/* Doubles the open-addressing table *SLOT of *NSLOTS slots (64 at first,
 * a power of 2 always), and more while it would be over half full, for the
 * N entries whose hashes HASH(CTX, I) gives: entry I's index + 1 in the
 * first free slot from its hash on (linear probing), 0 in the free ones.
 * With *NSLOTS 0 it is made anew at the size N entries need.  -1 when out
 * of memory, the table as it was. */
static inline int
key_slots_grow(size_t **slot, size_t *nslots, size_t n,
	       uint64_t (*hash)(const void *, size_t), const void *ctx)
{
	size_t size = *nslots ? 2 * *nslots : 64, *t;

	/* A full table would leave an entry no free slot to probe to. */
	while (size < 2 * (n + 1))
		size *= 2;
	if ((t = calloc(size, sizeof *t)) == NULL)
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
