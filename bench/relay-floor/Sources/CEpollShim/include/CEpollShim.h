#ifndef RELAY_FLOOR_CEPOLLSHIM_H
#define RELAY_FLOOR_CEPOLLSHIM_H
// Swift's Glibc module has neither <sys/epoll.h> nor accept4(2), which needs _GNU_SOURCE.
#include <sys/epoll.h>
#include <stdint.h>

int relay_accept_nonblocking(int listener);
static inline uint32_t relay_epoll_in_edge(void) { return EPOLLIN | EPOLLRDHUP | EPOLLET; }
static inline uint32_t relay_epoll_in(void) { return EPOLLIN; }
#endif
