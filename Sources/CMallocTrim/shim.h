#ifndef LB_CMALLOCTRIM_SHIM_H
#define LB_CMALLOCTRIM_SHIM_H
// malloc_trim(3): glibc's allocator returns free memory at the top of each arena, and whole free pages
// inside them, to the system. <malloc.h> is not part of Swift's Glibc module, so the function is declared
// here under lb's own name (size_t is an unsigned long in glibc) and the asm label binds it to the C
// library's function.
#if defined(__linux__)
int lb_malloc_trim(unsigned long pad) __asm__("malloc_trim");
#endif
#endif
