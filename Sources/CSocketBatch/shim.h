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

// UDP segmentation offload (UDP_SEGMENT, Linux 4.18): one send of N equal-sized datagrams laid end to
// end, split into datagrams by the kernel (or the network card) after the IP stack, which it then
// crosses once instead of N times. This is `struct cmsghdr` followed by the 16-bit segment size, padded
// to CMSG_SPACE(sizeof(uint16_t)); a test checks the header part against Glibc's `cmsghdr`.
struct lb_udp_segment_cmsg {
    unsigned long cmsg_len;
    int cmsg_level;
    int cmsg_type;
    unsigned short segment_size;
    unsigned short padding[3];
};

enum {
    LB_SOL_UDP = 17,
    LB_UDP_SEGMENT = 103,
    LB_IP_MTU = 14,
    LB_IPV6_MTU = 24,
    /// The kernel's UDP_MAX_SEGMENTS on every version that has UDP_SEGMENT (later ones allow more).
    LB_UDP_MAX_SEGMENTS = 64,
};
#endif

#endif
