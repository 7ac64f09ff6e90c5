#define _GNU_SOURCE
#include <sys/socket.h>
#include "CEpollShim.h"

int relay_accept_nonblocking(int listener) { return accept4(listener, 0, 0, SOCK_NONBLOCK); }
