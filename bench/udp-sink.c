/* A syslog receiver for benchmarks: counts the UDP datagrams that reach 127.0.0.1:PORT and writes the
 * count to FILE on SIGTERM. It takes up to 64 datagrams per recvmmsg call, so that on a 2-core machine
 * the receiver's own CPU (which a real deployment spends on another host) takes as little as possible
 * from the proxy being measured.
 *
 * Usage: udp-sink PORT FILE [RCVBUF]   (RCVBUF: socket buffer in bytes, default 8 MiB; 0 keeps the
 * system's default, what a syslog daemon that sets none gets) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BATCH = 64, SIZE = 2048 };
static volatile sig_atomic_t stopping = 0;
static void stop(int signal) { (void)signal; stopping = 1; }

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) { fprintf(stderr, "usage: udp-sink PORT FILE [RCVBUF]\n"); return 2; }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int buffer = argc == 4 ? atoi(argv[3]) : 8 << 20;
    if (buffer > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror("udp-sink: bind"); return 1; }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = stop;  /* no SA_RESTART: SIGTERM interrupts the wait in recvmmsg */
    sigaction(SIGTERM, &action, NULL);

    static char data[BATCH][SIZE];
    struct iovec vectors[BATCH];
    struct mmsghdr headers[BATCH];
    for (int i = 0; i < BATCH; i++) {
        vectors[i] = (struct iovec){ .iov_base = data[i], .iov_len = SIZE };
        headers[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &vectors[i], .msg_iovlen = 1 } };
    }
    unsigned long long count = 0;
    while (!stopping) {
        int got = recvmmsg(fd, headers, BATCH, MSG_WAITFORONE, NULL);
        if (got > 0) count += (unsigned long long)got;
    }
    FILE *out = fopen(argv[2], "w");
    if (!out) { perror("udp-sink: output"); return 1; }
    fprintf(out, "%llu\n", count);
    fclose(out);
    return 0;
}
