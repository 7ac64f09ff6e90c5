/* What a syslog datagram costs the kernel on loopback, sent one per message (sendmmsg, as before) or with
 * UDP segmentation offload (messages of equal length laid end to end, UDP_SEGMENT), the way lb's UDP log
 * targets send. Sends bursts of BURST messages of 175..194 bytes (an httplog line's size), 35 000 messages
 * a second, to 127.0.0.1:PORT (COUNT rounded up to whole bursts) and prints how many it sent and the sender's CPU per
 * datagram.
 *
 * Usage: udp-segments MODE COUNT PORT [BURST]   (MODE 0: one datagram per message, 1: segmented; BURST:
 * messages per send, default 350, sent at 35 000 a second) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

enum { BATCH = 350, SHORTEST = 175, LENGTHS = 20, MAX_SEGMENTS = 64, RATE = 35000 };

static double seconds(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec / 1e6; }

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) { fprintf(stderr, "usage: udp-segments MODE COUNT PORT [BURST]\n"); return 2; }
    int burst = argc == 5 ? atoi(argv[4]) : BATCH;
    if (burst < 1 || burst > BATCH) { fprintf(stderr, "udp-segments: BURST must be 1..%d\n", BATCH); return 2; }
    int segmented = atoi(argv[1]);
    long count = atol(argv[2]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[3])) };
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror("connect"); return 1; }
    static char data[BATCH * (SHORTEST + LENGTHS)];
    memset(data, 'x', sizeof data);
    int length[BATCH];
    srand(1);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    long sent = 0;
    for (; sent < count; sent += burst) {
        int perLength[LENGTHS] = { 0 };
        for (int i = 0; i < burst; i++) { length[i] = SHORTEST + rand() % LENGTHS; perLength[length[i] - SHORTEST]++; }
        struct mmsghdr headers[BATCH];
        struct iovec vectors[BATCH];
        char controls[BATCH][CMSG_SPACE(sizeof(unsigned short))];
        int messages = 0, offset = 0;
        if (!segmented) {
            for (int i = 0; i < burst; i++, messages++) {
                memset(&headers[i], 0, sizeof headers[i]);
                vectors[i] = (struct iovec){ .iov_base = data + offset, .iov_len = (size_t)length[i] };
                offset += length[i];
                headers[i].msg_hdr.msg_iov = &vectors[i];
                headers[i].msg_hdr.msg_iovlen = 1;
            }
        } else {
            for (int l = 0; l < LENGTHS; l++) {
                for (int left = perLength[l]; left > 0; messages++) {
                    int group = left > MAX_SEGMENTS ? MAX_SEGMENTS : left;
                    left -= group;
                    memset(&headers[messages], 0, sizeof headers[messages]);
                    vectors[messages] = (struct iovec){ .iov_base = data, .iov_len = (size_t)group * (size_t)(SHORTEST + l) };
                    headers[messages].msg_hdr.msg_iov = &vectors[messages];
                    headers[messages].msg_hdr.msg_iovlen = 1;
                    if (group > 1) {
                        headers[messages].msg_hdr.msg_control = controls[messages];
                        headers[messages].msg_hdr.msg_controllen = sizeof controls[messages];
                        struct cmsghdr *control = CMSG_FIRSTHDR(&headers[messages].msg_hdr);
                        control->cmsg_level = SOL_UDP;
                        control->cmsg_type = UDP_SEGMENT;
                        control->cmsg_len = CMSG_LEN(sizeof(unsigned short));
                        *(unsigned short *)CMSG_DATA(control) = (unsigned short)(SHORTEST + l);
                    }
                }
            }
        }
        for (int done = 0; done < messages;) {
            int result = sendmmsg(fd, headers + done, (unsigned)(messages - done), 0);
            if (result < 0) { perror("sendmmsg"); return 1; }
            done += result;
        }
        struct timespec pause = { 0, (long)burst * 1000000000L / RATE };
        nanosleep(&pause, NULL);
    }
    getrusage(RUSAGE_SELF, &after);
    printf("%ld %s: system %.2f us, user %.2f us per datagram\n", sent, segmented ? "segmented" : "one per message",
           (seconds(after.ru_stime) - seconds(before.ru_stime)) * 1e6 / (double)sent,
           (seconds(after.ru_utime) - seconds(before.ru_utime)) * 1e6 / (double)sent);
    return 0;
}
