#ifndef LB_CMAINTHREADCREDENTIALS_H
#define LB_CMAINTHREADCREDENTIALS_H
// Switches the process's main thread to another user and group, from another thread.
//
// Linux keeps credentials per thread; glibc's setuid(2) and setgid(2) change every thread by signalling
// each one, but skip a thread that has begun to exit. Swift's asynchronous main hands the main thread to
// libdispatch, which exits it and parks it, for good, in sigsuspend(2) inside pthread_exit: glibc then
// leaves it as root, ps(1) shows the process as root, and signals delivered to it run as root. Here the
// main thread is sent a signal whose handler makes the raw, per-thread system calls itself.

// Returns 1 once the main thread runs as `uid`/`gid` (each only if its `sets_` flag is set), 0 if the
// caller is the main thread itself (glibc's own calls cover it), or -errno. Must be called while the
// process may still signal the main thread, that is before the calling thread gives up root.
int lb_switch_main_thread_credentials(int sets_uid, unsigned int uid, int sets_gid, unsigned int gid, int timeout_ms);
#endif
