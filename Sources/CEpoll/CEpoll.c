#define _GNU_SOURCE
#include "CEpoll.h"
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

int lb_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int lb_epoll_add(int epoll, int fd, uint32_t events, uint64_t key) {
    struct epoll_event event = { .events = events, .data.u64 = key };
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 ? 0 : -errno;
}

int lb_epoll_remove(int epoll, int fd) {
    struct epoll_event event = { 0 };
    return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event) == 0 ? 0 : -errno;
}

int lb_epoll_wait(int epoll, lb_epoll_ready *ready, int capacity, int timeout_ms) {
    struct epoll_event events[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epoll, events, capacity, timeout_ms);
    if (count < 0) return -errno;
    for (int i = 0; i < count; i++) {
        ready[i].events = events[i].events;
        ready[i].key = events[i].data.u64;
    }
    return count;
}

int lb_eventfd(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int lb_accept(int fd, void *address, unsigned int *length) {
    socklen_t size = *length;
    int accepted = accept4(fd, (struct sockaddr *)address, &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *length = size;
    return accepted >= 0 ? accepted : -errno;
}

static __thread void *current_loop;

void *lb_current_loop(void) { return current_loop; }

void lb_set_current_loop(void *loop) { current_loop = loop; }
