/*
 * The kernel's cost of sending a message over loopback TCP, without any server around it: one
 * thread writes COUNT messages of SIZE bytes in writes of WRITE bytes (blocking socket, or
 * non-blocking with poll() like a virtual thread's when NB=1 is set), another reads them; prints
 * the writer's CPU (user + system) per message. docs/benchmarks.md, "Two certificates, probes
 * that leave, and the floor under RETR".
 *
 *   cc -O2 -pthread -o /tmp/loopback-send benchmarks/floor/loopback-send.c
 *   /tmp/loopback-send 1048576 65536 300     # SIZE WRITE COUNT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static long total;

static void *reader(void *arg) {
    int fd = *(int *) arg;
    char *buf = malloc(1 << 16);
    for (long got = 0; got < total;) {
        ssize_t n = read(fd, buf, 1 << 16);
        if (n <= 0) break;
        got += n;
    }
    return NULL;
}

static double cpu_us(struct rusage *r) {
    return (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1e6 + r->ru_utime.tv_usec + r->ru_stime.tv_usec;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SIZE WRITE COUNT\n", argv[0]);
        return 2;
    }
    int size = atoi(argv[1]), wsize = atoi(argv[2]), count = atoi(argv[3]), one = 1;
    total = (long) size * count;
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(ls, (void *) &sa, sizeof sa) || listen(ls, 1) || getsockname(ls, (void *) &sa, &len)) {
        perror("listen");
        return 1;
    }
    int cs = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(cs, (void *) &sa, sizeof sa)) {
        perror("connect");
        return 1;
    }
    int ss = accept(ls, NULL, NULL);
    setsockopt(ss, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (getenv("NB")) fcntl(ss, F_SETFL, O_NONBLOCK);
    pthread_t t;
    pthread_create(&t, NULL, reader, &cs);
    char *msg = malloc(size);
    memset(msg, 'x', size);
    struct rusage r0, r1;
    getrusage(RUSAGE_THREAD, &r0);
    for (int i = 0; i < count; i++) {
        for (long off = 0; off < size;) {
            int n = size - off < wsize ? size - off : wsize;
            ssize_t w = write(ss, msg + off, n);
            if (w < 0 && errno == EAGAIN) {
                struct pollfd p = {ss, POLLOUT, 0};
                poll(&p, 1, -1);
                continue;
            }
            if (w <= 0) {
                perror("write");
                return 1;
            }
            off += w;
        }
    }
    getrusage(RUSAGE_THREAD, &r1);
    pthread_join(t, NULL);
    printf("size=%d write=%d: %.1f us of the writer's CPU per message\n", size, wsize, (cpu_us(&r1) - cpu_us(&r0)) / count);
    return 0;
}
