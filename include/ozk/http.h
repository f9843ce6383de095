/*
 * ozk/http.h: a small HTTP/1.1 server on a caller's libuv loop (http-parser underneath), for the
 * node's API. It serves the JSON-RPC layer (ozk/jsonrpc.h), /health and /metrics, and nothing
 * fancier: no TLS, no upgrades, no response streaming. Put a reverse proxy in front of it for
 * anything that faces the internet.
 *
 * Threading. A server lives in one uv_loop_t, the caller's, and every function here must be
 * called on that loop's thread, as with libuv's own handles. Work done on other threads hands
 * its answer back with the caller's own uv_async_t and calls ozk_http_respond() from there.
 * The process must ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)), as every libuv program that
 * writes to sockets must.
 *
 * Lifetime. ozk_http_init() allocates a server, ozk_http_listen() binds it, and
 * ozk_http_close() stops it: the listening socket and every connection are closed, and once all
 * its libuv handles are closed the close callback runs and the server is freed. A loop that ran
 * a server can then be closed with uv_loop_close() returning 0.
 *
 * Requests. For every complete request the server calls the handler with a request object. The
 * handler may answer at once or later: the request stays valid, and owned by the caller, until
 * exactly one ozk_http_respond() for it, which frees it. A request must be responded to even when
 * its client has gone away (ozk_http_request_alive() says so) or the server was closed: then the
 * response is dropped and the request freed; nothing else touches freed memory. A request that
 * is never responded to leaks.
 *
 * Connections. Keep-alive is the default for HTTP/1.1; "Connection: close", HTTP/1.0 and the
 * per-connection request cap close the connection after the response. Pipelined requests are
 * served one at a time, in order: the handler sees the next request of a connection once the
 * previous one has been responded to. The handler is only ever called from the server's own
 * libuv callbacks, never from inside ozk_http_respond(), so a handler may respond to other
 * requests freely. A client that closes its end (EOF) while its request is with the handler is
 * taken as gone: half-closed clients are not supported.
 *
 * What the server answers by itself, closing the connection afterwards:
 *
 *   400 Bad Request                 malformed request line, header or chunked framing
 *   408 Request Timeout             a request started but did not arrive in full in time
 *   413 Content Too Large           a body over max_body bytes (Content-Length or chunked),
 *                                   refused before it is read in full
 *   414 URI Too Long                a request target over max_header bytes
 *   417 Expectation Failed          an Expect header other than "100-continue"
 *   431 Request Header Fields Too Large   request line and headers over max_header bytes
 *   501 Not Implemented             a Transfer-Encoding other than "chunked"
 *   503 Service Unavailable         a connection over max_connections (see below), or no
 *                                   memory for the request
 *
 * "Expect: 100-continue" is answered with "100 Continue" when the body fits. After an error
 * response the server stops reading requests, shuts down its side and discards what the client
 * still sends for a short while, so that the client sees the response and not a reset.
 *
 * Timeouts. A connection waiting for a request (new, or after a response was written) must
 * deliver the whole request within timeout_ms; trickling bytes does not extend it (slowloris). An
 * idle connection is closed silently, one with a partial request gets 408. While a request is
 * with the handler no timer runs; writing the response must finish within timeout_ms.
 *
 * Connection cap. Past max_connections open connections a new one is accepted, sent a fixed
 * "503 Service Unavailable" with "Connection: close" and closed; past twice that many (503s still
 * being written included) it is closed at once without a response.
 *
 * Errors: systems regime (ozk/error.h): 0 or a negative OZK_E* code.
 */
#ifndef OZK_HTTP_H
#define OZK_HTTP_H

#include <stddef.h>

#include <uv.h>

typedef struct ozk_http_server ozk_http_server;
typedef struct ozk_http_request ozk_http_request;

typedef struct {
    const char *host;         /* an IPv4 or IPv6 literal to bind; NULL: "127.0.0.1" */
    int port;                 /* 0..65535; 0: an ephemeral port (see ozk_http_port) */
    size_t max_body;          /* bytes of a request body; default 1 MiB */
    size_t max_header;        /* bytes of request line plus headers; default 16 KiB (http-parser
                                 refuses more than 80 KiB whatever this says) */
    unsigned max_connections; /* open connections served at once; default 256 */
    unsigned timeout_ms;      /* idle and read timeout, see above; default 30000 */
    unsigned max_requests;    /* requests per connection, then it closes; 0 (default): no cap */
    int backlog;              /* listen(2) backlog; default 128 */
} ozk_http_config;

/* Called on the loop thread for every complete request. req belongs to the caller until it is
 * passed to ozk_http_respond(). data is the pointer given to ozk_http_init(). */
typedef void (*ozk_http_handler)(ozk_http_request *req, void *data);

/* Called once, on the loop thread, when a closed server has released all its handles; the
 * server is freed right after it returns. */
typedef void (*ozk_http_close_cb)(void *arg);

/* Fills cfg with the defaults above (host NULL, port 0). */
void ozk_http_config_default(ozk_http_config *cfg);

/* Allocates a server on loop; copies cfg (zero fields take their defaults; host is copied).
 * Nothing is bound yet. OZK_EINVAL for a NULL loop or handler, a port outside 0..65535 or a host
 * that is not an IP literal; OZK_ENOMEM. On failure *out is NULL. */
int ozk_http_init(uv_loop_t *loop, ozk_http_server **out, const ozk_http_config *cfg,
                  ozk_http_handler handler, void *data);

/* Binds host:port and starts accepting. OZK_EIO when the address cannot be bound (in use,
 * permission), with the libuv error in ozk_http_uv_error(); OZK_EINVAL when called twice. */
int ozk_http_listen(ozk_http_server *srv);

/* The bound port (the ephemeral one when port was 0), or 0 before a successful listen. */
int ozk_http_port(const ozk_http_server *srv);

/* The libuv error code (negative, see uv_strerror) of the last failed listen, or 0. */
int ozk_http_uv_error(const ozk_http_server *srv);

/* Connections open now (served ones, not counting 503 rejections). */
unsigned ozk_http_connections(const ozk_http_server *srv);

/* Stops the server: no new connections, every open one closed at once (responses being written
 * are cut), outstanding requests detached (they still must be responded to; see above). cb
 * (may be NULL) runs later, from the loop, when every handle is closed; then srv is freed. Call
 * it once; srv must not be used after it, except by outstanding requests, which hold no pointer
 * to it. A server that was never listened on is closed the same way. */
void ozk_http_close(ozk_http_server *srv, ozk_http_close_cb cb, void *arg);

/* The request. Every string is NUL-terminated and owned by the request (valid until it is
 * responded to). */

/* The method as http-parser names it: "GET", "POST", ... */
const char *ozk_http_request_method(const ozk_http_request *req);
/* The request target up to '?' (not percent-decoded), e.g. "/metrics". */
const char *ozk_http_request_path(const ozk_http_request *req);
/* The query after '?' (not decoded), "" when there is none. */
const char *ozk_http_request_query(const ozk_http_request *req);
/* The value of the first header named name (ASCII case-insensitive), or NULL. Values have their
 * surrounding white space removed. */
const char *ozk_http_request_header(const ozk_http_request *req, const char *name);
/* The body (chunked bodies decoded), NUL-terminated after len bytes; "" and 0 when none. */
const char *ozk_http_request_body(const ozk_http_request *req, size_t *len);
/* 1 while the client is still connected and the server open, else 0. */
int ozk_http_request_alive(const ozk_http_request *req);

/* Answers req and frees it, whatever it returns; req must not be used afterwards.
 *
 * status is 200..599. content_type may be NULL (no Content-Type header). extra_headers, when
 * not NULL, is zero or more complete header lines, each "Name: value\r\n"; it must not set
 * Content-Length, Connection or Transfer-Encoding. The response always carries Content-Length
 * (except 204 and 304, which carry no body), Date and Connection; a HEAD request gets the headers
 * without the body. body[0..len) is copied.
 *
 * Returns 0 when the response was queued, or dropped because the client is gone or the server
 * closed. Returns OZK_EINVAL for a bad status, a content type or header lines holding bare CR or
 * LF, a forbidden header, or a body on 204/304: then the client gets "500 Internal Server
 * Error" instead. OZK_ENOMEM: the connection is closed. */
int ozk_http_respond(ozk_http_request *req, int status, const char *content_type,
                     const char *extra_headers, const void *body, size_t len);

/* The standard reason phrase of an HTTP status ("Not Found"), "Unknown" for others. */
const char *ozk_http_reason(int status);

#endif
