#ifndef PURR_WS_GUARD_H
#define PURR_WS_GUARD_H
#include <stddef.h>
#include <stdint.h>

/// RFC 6455 §5.1: a server must close a connection that sends an unmasked frame (1002).
/// libwebsockets 4.1 does not check the mask bit of client frames and keeps it private, so this
/// guard reads the bytes lws reads: it wraps recv(2) for the sockets the server registers, follows
/// the frame headers of each, and stops handing lws the bytes of the first unmasked frame.
///
/// Call from the lws service thread only (all functions but the recv wrapper).

/// Starts following a freshly accepted socket (HTTP until `ws_guard_upgraded`).
void ws_guard_track(int fd);
/// The socket's HTTP request was upgraded to WebSocket; `wsi` is woken for writing on a violation.
/// Returns 1 when bytes already read after the upgrade request hold an unmasked frame.
int ws_guard_upgraded(int fd, void *wsi);
/// 1 once an unmasked client frame was seen on the socket.
int ws_guard_violated(int fd);
/// Stops following the socket (closed).
void ws_guard_forget(int fd);
/// Installs the wake-up the guard calls (on the service thread) when it finds a violation.
void ws_guard_set_waker(void (*wake)(void *wsi));

#endif
