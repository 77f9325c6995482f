/* A minimal HTTP/1.1 server on 127.0.0.1 for tests of HTTP clients (the OTLP exporter, ...):
 * records each request (path, head, body) and answers with a chosen status and "{}". One
 * connection at a time, on its own thread. */
#ifndef FLOE_TEST_COLLECTOR_H
#define FLOE_TEST_COLLECTOR_H

#include <pthread.h>

#define FLOE_TEST_COLLECTOR_MAX_REQ 32

typedef struct floe_test_request {
    char *path;
    char *head; /* request line and headers */
    char *body;
} floe_test_request;

typedef struct floe_test_collector {
    int fd;
    int port;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    int hold;        /* while set, requests are recorded but not answered */
    int status;      /* answer once `statuses` is used up */
    int statuses[8]; /* answers to the first requests, 0-terminated */
    int nreq;
    floe_test_request req[FLOE_TEST_COLLECTOR_MAX_REQ];
} floe_test_collector;

/* Binds an ephemeral port on 127.0.0.1 (c->port) and starts serving; answers 200 unless
 * c->statuses / c->status say otherwise. Fails the test when it cannot. */
void floe_test_collector_start(floe_test_collector *c);
/* Stops the thread, closes the socket and frees the recorded requests. */
void floe_test_collector_stop(floe_test_collector *c);
/* Waits until at least `nreq` requests were recorded. */
void floe_test_collector_wait(floe_test_collector *c, int nreq);

#endif
