#define _GNU_SOURCE
#include "CMainThreadCredentials.h"
#if defined(__linux__)
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned int lb_main_thread_uid, lb_main_thread_gid;
static int lb_main_thread_sets_uid, lb_main_thread_sets_gid;
// 0 while the handler has not run, 1 once it switched, -errno if a call failed.
static volatile int lb_main_thread_result;

static void lb_main_thread_credentials_handler(int signal_number) {
    (void)signal_number;
    int saved_errno = errno;
    long failed = 0;
    if (lb_main_thread_sets_gid) {
        if (syscall(SYS_setgroups, 0, 0) != 0 ||
            syscall(SYS_setresgid, lb_main_thread_gid, lb_main_thread_gid, lb_main_thread_gid) != 0) failed = errno;
    }
    if (!failed && lb_main_thread_sets_uid) {
        if (syscall(SYS_setresuid, lb_main_thread_uid, lb_main_thread_uid, lb_main_thread_uid) != 0) failed = errno;
    }
    __atomic_store_n(&lb_main_thread_result, failed ? -(int)failed : 1, __ATOMIC_SEQ_CST);
    errno = saved_errno;
}

int lb_switch_main_thread_credentials(int sets_uid, unsigned int uid, int sets_gid, unsigned int gid,
                                                    int timeout_ms) {
    pid_t pid = getpid();
    if (syscall(SYS_gettid) == pid) return 0;
    lb_main_thread_uid = uid;
    lb_main_thread_gid = gid;
    lb_main_thread_sets_uid = sets_uid;
    lb_main_thread_sets_gid = sets_gid;
    __atomic_store_n(&lb_main_thread_result, 0, __ATOMIC_SEQ_CST);
    int signal_number = SIGRTMIN + 5;
    struct sigaction action, previous;
    memset(&action, 0, sizeof action);
    action.sa_handler = lb_main_thread_credentials_handler;
    sigemptyset(&action.sa_mask);
    if (sigaction(signal_number, &action, &previous) != 0) return -errno;
    int result = -ETIMEDOUT;
    if (syscall(SYS_tgkill, pid, pid, signal_number) != 0) {
        result = -errno;
    } else {
        for (int waited = 0; waited < timeout_ms; waited++) {
            int seen = __atomic_load_n(&lb_main_thread_result, __ATOMIC_SEQ_CST);
            if (seen != 0) { result = seen; break; }
            usleep(1000);
        }
    }
    if (result != -ETIMEDOUT) sigaction(signal_number, &previous, NULL);
    return result;
}
#endif
