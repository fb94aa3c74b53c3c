#ifndef PURR_CLWS_SHIM_H
#define PURR_CLWS_SHIM_H
#include <libwebsockets.h>

/// LWS_PRE is a macro Swift cannot import: bytes of headroom lws_write needs before the payload.
static inline size_t clws_pre(void) { return LWS_PRE; }

/// The `(1ll << n)` option macros do not import as Swift constants, so they are exposed here.
static inline uint64_t clws_option_disable_ipv6(void) { return LWS_SERVER_OPTION_DISABLE_IPV6; }

#endif
