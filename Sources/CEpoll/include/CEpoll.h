#ifndef LB_CEPOLL_H
#define LB_CEPOLL_H
// epoll(7), eventfd(2) and accept4(2) for lb's own event loops (EpollLoop). Swift's Glibc module does
// not carry <sys/epoll.h> or <sys/eventfd.h>, and declares accept4 only under _GNU_SOURCE, so the
// calls go through these thin functions, compiled in C where the headers are available.
#include <stdint.h>

enum {
    LB_EPOLLIN = 0x001,
    LB_EPOLLOUT = 0x004,
    LB_EPOLLERR = 0x008,
    LB_EPOLLHUP = 0x010,
    LB_EPOLLRDHUP = 0x2000,
};
// Edge-triggered: outside the enum, whose type would not hold bit 31.
#define LB_EPOLLET (1u << 31)

// One readiness event: the epoll mask and the 64-bit key it was registered with.
typedef struct {
    uint32_t events;
    uint64_t key;
} lb_epoll_ready;

int lb_epoll_create(void);
// `events` with `key`; `edge` selects edge-triggered. Returns 0 or -errno.
int lb_epoll_add(int epoll, int fd, uint32_t events, uint64_t key);
int lb_epoll_remove(int epoll, int fd);
// Waits up to `timeout_ms` (-1: no limit) and copies at most `capacity` events to `ready`; returns how
// many, or -errno.
int lb_epoll_wait(int epoll, lb_epoll_ready *ready, int capacity, int timeout_ms);
int lb_eventfd(void);
// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC; the peer's address goes to `address` (`length` in/out).
int lb_accept(int fd, void *address, unsigned int *length);

// The loop running on the calling thread (NULL on any other thread). A thread-local, not a comparison
// of pthread_t values: a thread that ended leaves its pthread_t to the next thread created, which would
// then pass for the ended loop's own.
void *lb_current_loop(void);
void lb_set_current_loop(void *loop);
#endif
