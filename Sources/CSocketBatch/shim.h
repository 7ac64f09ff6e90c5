#ifndef LB_CSOCKETBATCH_SHIM_H
#define LB_CSOCKETBATCH_SHIM_H
// sendmmsg(2): several datagrams in one system call. glibc declares it only under _GNU_SOURCE, which
// Swift's Glibc module is not built with, and including <sys/socket.h> here would take its names away
// from the Glibc module. So the structures are declared under lb's own names with the Linux layout of
// `struct msghdr` / `struct mmsghdr`, and the asm label binds the call to the C library's sendmmsg.
#if defined(__linux__)
struct lb_msghdr {
    void *msg_name;
    unsigned int msg_namelen;
    void *msg_iov;
    unsigned long msg_iovlen;
    void *msg_control;
    unsigned long msg_controllen;
    int msg_flags;
};

struct lb_mmsghdr {
    struct lb_msghdr msg_hdr;
    unsigned int msg_len;
};

int lb_sendmmsg(int sockfd, struct lb_mmsghdr *msgvec, unsigned int vlen, int flags) __asm__("sendmmsg");
#endif

#endif
