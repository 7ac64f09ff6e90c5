#ifndef LB_CPREFETCH_H
#define LB_CPREFETCH_H
// Cache prefetch hints, which Swift cannot express. A plain load issued early to warm a cache line
// still holds up retirement until the line arrives; a prefetch does not, so a batch of lookups into a
// table larger than the caches can have all its misses in flight while other work runs.
// `static inline`: Swift imports and inlines these; no library to link.

/// Asks for the cache line holding `p`, to be read soon.
static inline __attribute__((always_inline)) void lb_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

/// Asks for the cache line holding `p`, to be written soon.
static inline __attribute__((always_inline)) void lb_prefetch_for_write(const void *p) {
    __builtin_prefetch(p, 1, 3);
}

#endif
