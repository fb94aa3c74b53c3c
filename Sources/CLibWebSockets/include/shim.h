#ifndef PURR_CLWS_SHIM_H
#define PURR_CLWS_SHIM_H
#include <libwebsockets.h>

/// LWS_PRE is a macro Swift cannot import: bytes of headroom lws_write needs before the payload.
static inline size_t clws_pre(void) { return LWS_PRE; }

#endif
