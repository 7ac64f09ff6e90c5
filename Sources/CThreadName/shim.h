#ifndef LB_CTHREADNAME_SHIM_H
#define LB_CTHREADNAME_SHIM_H
// pthread_setname_np(3): names a thread as `top -H`, `ps -L` and profilers show it (15 bytes at most on
// Linux). glibc declares it only under _GNU_SOURCE, which Swift's Glibc module is not built with, so it is
// declared here under lb's own name (pthread_t is an unsigned long in glibc) and the asm label binds it
// to the C library's function.
#if defined(__linux__)
int lb_pthread_setname_np(unsigned long thread, const char *name) __asm__("pthread_setname_np");
#endif
#endif
