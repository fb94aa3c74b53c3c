#define _GNU_SOURCE
#include "ws_guard.h"
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

enum { MODE_HTTP = 1, MODE_WS = 2 };
enum { ST_HDR0, ST_HDR1, ST_LEN, ST_MASK, ST_PAYLOAD };

/// Bytes after the last HTTP header block, kept until the upgrade is confirmed.
#define PENDING_MAX 8192

struct entry {
    int mode;                 /* 0 = not tracked */
    int violated;
    void *wsi;
    /* HTTP: progress through "\r\n\r\n" and what followed the last header block. */
    int crlf;
    size_t pending_len;
    unsigned char pending[PENDING_MAX];
    int pending_overflow;
    /* WebSocket frame header walk. */
    int state;
    int len_left;
    int mask_left;
    uint64_t payload_left;
    uint64_t len_acc;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry **table;
static size_t table_size;
static void (*waker)(void *wsi);
static ssize_t (*real_recv)(int, void *, size_t, int);

static struct entry *lookup(int fd) {
    if (fd < 0 || (size_t)fd >= table_size) return NULL;
    return table[fd];
}

void ws_guard_set_waker(void (*wake)(void *wsi)) { waker = wake; }

void ws_guard_track(int fd) {
    if (fd < 0) return;
    pthread_mutex_lock(&lock);
    if ((size_t)fd >= table_size) {
        size_t n = table_size ? table_size : 256;
        while (n <= (size_t)fd) n *= 2;
        struct entry **grown = realloc(table, n * sizeof(*grown));
        if (grown) {
            memset(grown + table_size, 0, (n - table_size) * sizeof(*grown));
            table = grown;
            table_size = n;
        }
    }
    if ((size_t)fd < table_size) {
        if (!table[fd]) table[fd] = calloc(1, sizeof(struct entry));
        if (table[fd]) {
            memset(table[fd], 0, sizeof(struct entry));
            table[fd]->mode = MODE_HTTP;
        }
    }
    pthread_mutex_unlock(&lock);
}

void ws_guard_forget(int fd) {
    pthread_mutex_lock(&lock);
    struct entry *e = lookup(fd);
    if (e) e->mode = 0;
    pthread_mutex_unlock(&lock);
}

int ws_guard_violated(int fd) {
    pthread_mutex_lock(&lock);
    struct entry *e = lookup(fd);
    int v = e && e->mode ? e->violated : 0;
    pthread_mutex_unlock(&lock);
    return v;
}

/// Walks WebSocket frame headers over `n` bytes; returns how many bytes precede the first
/// unmasked frame's second header byte (n when none), and flags the entry.
static size_t walk_frames(struct entry *e, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        switch (e->state) {
        case ST_HDR0:
            e->state = ST_HDR1;
            break;
        case ST_HDR1:
            if (!(c & 0x80)) {
                e->violated = 1;
                return i;
            }
            e->mask_left = 4;
            if ((c & 0x7f) == 126) { e->len_left = 2; e->len_acc = 0; e->state = ST_LEN; }
            else if ((c & 0x7f) == 127) { e->len_left = 8; e->len_acc = 0; e->state = ST_LEN; }
            else { e->payload_left = c & 0x7f; e->state = ST_MASK; }
            break;
        case ST_LEN:
            e->len_acc = (e->len_acc << 8) | c;
            if (--e->len_left == 0) { e->payload_left = e->len_acc; e->state = ST_MASK; }
            break;
        case ST_MASK:
            if (--e->mask_left == 0) e->state = e->payload_left ? ST_PAYLOAD : ST_HDR0;
            break;
        case ST_PAYLOAD: {
            size_t avail = n - i;
            if ((uint64_t)avail >= e->payload_left) {
                i += (size_t)e->payload_left - 1;
                e->payload_left = 0;
                e->state = ST_HDR0;
            } else {
                e->payload_left -= avail;
                i = n - 1;
            }
            break;
        }
        }
    }
    return n;
}

/// HTTP: remembers what followed the last "\r\n\r\n".
static void walk_http(struct entry *e, const unsigned char *p, size_t n) {
    static const unsigned char end[4] = {'\r', '\n', '\r', '\n'};
    for (size_t i = 0; i < n; i++) {
        if (e->crlf == 4) {
            if (e->pending_len < PENDING_MAX) e->pending[e->pending_len++] = p[i];
            else e->pending_overflow = 1;
            continue;
        }
        if (p[i] == end[e->crlf]) e->crlf++;
        else e->crlf = p[i] == '\r' ? 1 : 0;
        if (e->crlf == 4) { e->pending_len = 0; e->pending_overflow = 0; }
    }
}

int ws_guard_upgraded(int fd, void *wsi) {
    pthread_mutex_lock(&lock);
    struct entry *e = lookup(fd);
    int violated = 0;
    if (e && e->mode == MODE_HTTP) {
        e->mode = MODE_WS;
        e->wsi = wsi;
        e->state = ST_HDR0;
        walk_frames(e, e->pending, e->pending_len);
        /* More pipelined bytes than kept: refuse rather than guess. */
        if (e->pending_overflow) e->violated = 1;
        violated = e->violated;
    }
    pthread_mutex_unlock(&lock);
    return violated;
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
    if (!real_recv) real_recv = (ssize_t (*)(int, void *, size_t, int))dlsym(RTLD_NEXT, "recv");
    if (!real_recv) { errno = ENOSYS; return -1; }
    if (fd < 0 || (flags & MSG_PEEK)) return real_recv(fd, buf, len, flags);

    pthread_mutex_lock(&lock);
    struct entry *e = lookup(fd);
    int tracked = e && e->mode;
    int violated = tracked && e->violated;
    pthread_mutex_unlock(&lock);
    if (!tracked) return real_recv(fd, buf, len, flags);
    if (violated) { errno = EAGAIN; return -1; }

    ssize_t n = real_recv(fd, buf, len, flags);
    if (n <= 0) return n;
    void *wake = NULL;
    pthread_mutex_lock(&lock);
    e = lookup(fd);
    if (e && e->mode == MODE_HTTP) {
        walk_http(e, buf, (size_t)n);
    } else if (e && e->mode == MODE_WS) {
        size_t keep = walk_frames(e, buf, (size_t)n);
        if (e->violated) { n = (ssize_t)keep; wake = e->wsi; }
    }
    pthread_mutex_unlock(&lock);
    if (wake && waker) waker(wake);
    if (n == 0) { errno = EAGAIN; return -1; }
    return n;
}
