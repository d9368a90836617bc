/*
 * Minimal reference server for the netkit benchmarks: the floor of what a
 * single-threaded, level-triggered epoll loop costs on this machine.
 *
 *   c-epoll-echo echo PORT      echo server on 127.0.0.1:PORT
 *   c-epoll-echo daytime PORT   RFC 867 daytime on 127.0.0.1:PORT
 *
 * Deliberately naive: one thread, level-triggered, one read() and one
 * write() per readiness event into a 64 KiB stack buffer, no per-connection
 * heap state. A short write (peer not reading) simply drops the connection;
 * the benchmark clients keep one message in flight, so that never happens
 * in practice and the loop stays minimal.
 *
 * Build: gcc -O2 -Wall -o c-epoll-echo c-epoll-echo.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 256

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { perror("socket"); exit(1); }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("bind"); exit(1); }
    /* SOMAXCONN is clamped by net.core.somaxconn; ask for the max so bursts
       of connects (daytime, idle test) are queued rather than dropped. */
    if (listen(fd, 65535) < 0) { perror("listen"); exit(1); }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "echo") && strcmp(argv[1], "daytime"))) {
        fprintf(stderr, "usage: c-epoll-echo echo|daytime PORT\n");
        return 2;
    }
    int daytime = strcmp(argv[1], "daytime") == 0;
    int port = atoi(argv[2]);
    if (port <= 0 || port > 65535) { fprintf(stderr, "bad port\n"); return 2; }

    /* Writing to a peer that reset must not kill the server. */
    signal(SIGPIPE, SIG_IGN);
    /* 10,000 idle connections need more than the default 1024 fds. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) { rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl); }

    int lfd = listen_on(port);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) { perror("epoll_create1"); return 1; }
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = lfd };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0) { perror("epoll_ctl"); return 1; }
    fprintf(stderr, "c-epoll-echo: %s listening on 127.0.0.1:%d\n", argv[1], port);

    struct epoll_event events[MAX_EVENTS];
    char buf[65536];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                /* Drain the accept queue: one epoll round trip per burst. */
                for (;;) {
                    int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0) {
                        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                        if (errno == EINTR || errno == ECONNABORTED) continue;
                        /* EMFILE etc: leave the rest queued, retry next wakeup. */
                        perror("accept4");
                        break;
                    }
                    if (daytime) {
                        char line[64];
                        time_t now = time(NULL);
                        struct tm tm;
                        gmtime_r(&now, &tm);
                        int len = (int)strftime(line, sizeof line - 2, "%a %b %e %H:%M:%S %Y", &tm);
                        line[len++] = '\r';
                        line[len++] = '\n';
                        /* Fresh socket: the send buffer is empty, no short write. */
                        (void)!write(c, line, len);
                        close(c); /* server closes first: TIME_WAIT lands here */
                        continue;
                    }
                    struct epoll_event cev = { .events = EPOLLIN, .data.fd = c };
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) < 0) close(c);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r > 0) {
                ssize_t w = write(fd, buf, (size_t)r);
                if (w == r) continue;
                /* short write or error: drop the connection (see header) */
            } else if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
                continue;
            }
            close(fd); /* EOF or error; close() also removes it from epoll */
        }
    }
}
