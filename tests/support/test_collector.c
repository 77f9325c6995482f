/* The 127.0.0.1 HTTP server of test_collector.h. */
#include "test_collector.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

static int read_some(int fd, char **buf, size_t *len, size_t *cap)
{
    if (*len + 1 >= *cap) {
        *cap = *cap ? *cap * 2 : 4096;
        *buf = realloc(*buf, *cap);
        assert_non_null(*buf);
    }
    ssize_t r = recv(fd, *buf + *len, *cap - *len - 1, 0);
    if (r <= 0)
        return -1;
    *len += (size_t)r;
    (*buf)[*len] = '\0';
    return 0;
}

static void serve_one(floe_test_collector *c, int fd)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    char *end = NULL;
    while (!(end = buf ? strstr(buf, "\r\n\r\n") : NULL))
        if (read_some(fd, &buf, &len, &cap) != 0)
            goto out;
    size_t head_len = (size_t)(end - buf) + 4;
    size_t body_len = 0;
    for (char *line = strstr(buf, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "Content-Length:", 15) == 0)
            body_len = strtoul(line + 15, NULL, 10);
        if (strncasecmp(line, "Expect: 100-continue", 20) == 0)
            assert_true(send(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25, MSG_NOSIGNAL) == 25);
    }
    while (len < head_len + body_len)
        if (read_some(fd, &buf, &len, &cap) != 0)
            goto out;
    pthread_mutex_lock(&c->mu);
    if (c->nreq < FLOE_TEST_COLLECTOR_MAX_REQ) {
        floe_test_request *r = &c->req[c->nreq];
        r->head = strndup(buf, head_len);
        r->body = strndup(buf + head_len, body_len);
        char *sp1 = strchr(buf, ' ');
        char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
        r->path = sp2 ? strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1)) : strdup("");
        c->nreq++;
    }
    pthread_cond_broadcast(&c->cv);
    while (c->hold && !c->stop)
        pthread_cond_wait(&c->cv, &c->mu);
    int k = c->nreq - 1;
    int status = k < 8 && c->statuses[k] ? c->statuses[k] : c->status;
    pthread_mutex_unlock(&c->mu);
    char resp[160];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                     "Connection: close\r\n\r\n{}",
                     status);
    (void)!send(fd, resp, (size_t)n, MSG_NOSIGNAL);
out:
    free(buf);
    close(fd);
}

static void *collector_main(void *arg)
{
    floe_test_collector *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        int stop = c->stop;
        pthread_mutex_unlock(&c->mu);
        if (stop)
            break;
        struct pollfd p = {c->fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        int fd = accept(c->fd, NULL, NULL);
        if (fd >= 0)
            serve_one(c, fd);
    }
    return NULL;
}

void floe_test_collector_start(floe_test_collector *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->status = 200;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(c->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(c->fd, 16), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(c->fd, (struct sockaddr *)&a, &al), 0);
    c->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&c->thread, NULL, collector_main, c), 0);
}

void floe_test_collector_stop(floe_test_collector *c)
{
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    close(c->fd);
    for (int i = 0; i < c->nreq; i++) {
        free(c->req[i].path);
        free(c->req[i].head);
        free(c->req[i].body);
    }
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
}

void floe_test_collector_wait(floe_test_collector *c, int nreq)
{
    pthread_mutex_lock(&c->mu);
    while (c->nreq < nreq)
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
}
