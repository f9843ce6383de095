/*
 * node/http.c: the HTTP/1.1 server of the node's API. See ozk/http.h.
 *
 * Sources: RFC 9112 (HTTP/1.1 message syntax, persistence, pipelining), RFC 9110 (status codes,
 * Expect: 100-continue), libuv's stream and handle documentation.
 *
 * A connection is one struct conn holding two handles (the TCP stream and its timer); it is
 * freed only from the close callbacks, never synchronously, so a pointer to it stays good for
 * the rest of a callback even after conn_close(). Bytes read land in conn->in and are parsed
 * from there; the parser pauses at the end of each request so that the handler is never called
 * from inside http_parser_execute(), and the rest of the buffer (pipelined requests) waits until
 * the request is responded to.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <http_parser.h>

#include "ozk/error.h"
#include "ozk/http.h"

#define READ_CHUNK   16384       /* free space offered to each read */
#define IN_MAX_BUSY  (64 * 1024) /* unparsed bytes kept while a request is with the handler */
#define LINGER_MS    2000        /* longest wait for a client to read an error and go */
#define DEFAULT_BODY ((size_t)1 << 20)
#define DEFAULT_HDR  ((size_t)16 << 10)

enum { ST_READING, ST_DRAINING, ST_CLOSING };

struct buf {
    char *p;
    size_t n, cap;
};

struct ozk_http_request {
    struct conn *conn; /* NULL once the client is gone or the server closed */
    struct buf url;    /* the target; '?' replaced by NUL once headers are complete */
    struct buf hdr;    /* "name\0value\0" pairs */
    struct buf body;
    const char *query;
    int method;
    int keep_alive;
    int last; /* 0: no header yet, 1: in a field, 2: in a value */
};

struct conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_shutdown_t shut;
    ozk_http_server *srv;
    struct conn *prev, *next;
    http_parser parser;
    struct buf in;                 /* bytes read and not yet parsed */
    struct ozk_http_request *cur;  /* the request being parsed */
    struct ozk_http_request *busy; /* the request with the handler */
    size_t header_bytes;
    unsigned nrequests;
    int err_status; /* the status a parser callback refused the request with */
    int state;
    int rejected;
    int reading;
    int in_dispatch;
    int resume; /* the timer is due at once to parse pipelined bytes */
    int shut_sent;
    unsigned writes;  /* writes in flight */
    int open_handles; /* of tcp and timer, not yet closed */
};

struct ozk_http_server {
    uv_loop_t *loop;
    uv_tcp_t listener;
    ozk_http_config cfg;
    char host[64];
    ozk_http_handler handler;
    void *data;
    int port;
    int uv_err;
    int listened;
    int closing;
    unsigned nconns, nrejects;
    unsigned units; /* the listener plus every connection not yet freed */
    struct conn *conns;
    ozk_http_close_cb close_cb;
    void *close_arg;
};

struct wreq {
    uv_write_t w;
    struct conn *conn;
    char data[];
};

static const http_parser_settings settings;

/* ---- small buffers ---- */

static int buf_add(struct buf *b, const char *p, size_t n)
{
    if (b->cap - b->n < n + 1) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->n < n + 1) cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) return OZK_ENOMEM;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
    return 0;
}

static void request_free(struct ozk_http_request *r)
{
    if (!r) return;
    free(r->url.p);
    free(r->hdr.p);
    free(r->body.p);
    free(r);
}

/* ---- server bookkeeping ---- */

static void server_unit_done(ozk_http_server *srv)
{
    if (--srv->units == 0 && srv->closing) {
        if (srv->close_cb) srv->close_cb(srv->close_arg);
        free(srv);
    }
}

static void on_conn_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    if (--c->open_handles > 0) return;
    ozk_http_server *srv = c->srv;
    free(c->in.p);
    free(c);
    server_unit_done(srv);
}

/* Closes at once; safe to call more than once. */
static void conn_close(struct conn *c)
{
    if (c->state == ST_CLOSING) return;
    c->state = ST_CLOSING;
    ozk_http_server *srv = c->srv;
    if (c->busy) c->busy->conn = NULL; /* the caller still owns it and will respond */
    c->busy = NULL;
    request_free(c->cur);
    c->cur = NULL;
    if (c->rejected)
        srv->nrejects--;
    else
        srv->nconns--;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

/* ---- writing ---- */

static void on_shutdown(uv_shutdown_t *s, int status)
{
    (void)s;
    (void)status; /* the linger timer or the client's EOF ends the connection */
}

static void maybe_shutdown(struct conn *c)
{
    if (c->state != ST_DRAINING || c->writes || c->shut_sent) return;
    c->shut_sent = 1;
    if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) < 0) conn_close(c);
}

static void on_write(uv_write_t *w, int status)
{
    struct wreq *wr = (struct wreq *)w;
    struct conn *c = wr->conn;
    free(wr);
    c->writes--;
    if (c->state == ST_CLOSING) return;
    if (status < 0) {
        conn_close(c);
        return;
    }
    maybe_shutdown(c);
}

/* Queues wr->data[0..n) and takes wr (freed when written); on failure the connection closes. */
static int conn_write_wreq(struct conn *c, struct wreq *wr, size_t n)
{
    wr->conn = c;
    uv_buf_t b = uv_buf_init(wr->data, (unsigned)n);
    if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, &b, 1, on_write) < 0) {
        free(wr);
        conn_close(c);
        return OZK_EIO;
    }
    c->writes++;
    return 0;
}

/* Queues a copy of p[0..n). */
static int conn_write(struct conn *c, const char *p, size_t n)
{
    struct wreq *wr = malloc(sizeof *wr + n);
    if (!wr) {
        conn_close(c);
        return OZK_ENOMEM;
    }
    memcpy(wr->data, p, n);
    return conn_write_wreq(c, wr, n);
}

static void on_timer(uv_timer_t *t);

static void timer_start(struct conn *c, uint64_t ms)
{
    uv_timer_start(&c->timer, on_timer, ms, 0);
}

static void start_reading(struct conn *c);

/* Sends a final response of our own, then drains: shut down our side, read and discard what the
 * client still sends until its EOF or the linger timer. */
static void conn_fail(struct conn *c, int status)
{
    if (c->state != ST_READING) return;
    char msg[512];
    const char *reason = ozk_http_reason(status);
    int blen = (int)strlen(reason) + 1;
    int n = snprintf(msg, sizeof msg,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                     "Connection: close\r\n%s\r\n%s\n",
                     status, reason, blen, status == 503 ? "Retry-After: 1\r\n" : "", reason);
    request_free(c->cur);
    c->cur = NULL;
    c->in.n = 0;
    c->resume = 0;
    c->state = ST_DRAINING;
    unsigned linger = c->srv->cfg.timeout_ms < LINGER_MS ? c->srv->cfg.timeout_ms : LINGER_MS;
    timer_start(c, linger);
    if (conn_write(c, msg, (size_t)n) < 0) return;
    start_reading(c);
    maybe_shutdown(c);
}

/* ---- reading and parsing ---- */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *out)
{
    (void)hint;
    struct conn *c = h->data;
    struct buf *b = &c->in;
    if (c->state != ST_READING) b->n = 0; /* draining: everything is discarded */
    if (b->cap - b->n < READ_CHUNK) {
        char *q = realloc(b->p, b->n + READ_CHUNK);
        if (!q) {
            *out = uv_buf_init(NULL, 0); /* libuv reports UV_ENOBUFS */
            return;
        }
        b->p = q;
        b->cap = b->n + READ_CHUNK;
    }
    *out = uv_buf_init(b->p + b->n, (unsigned)(b->cap - b->n));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b);

static void start_reading(struct conn *c)
{
    if (c->reading || c->state == ST_CLOSING) return;
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0) {
        conn_close(c);
        return;
    }
    c->reading = 1;
}

static void stop_reading(struct conn *c)
{
    if (!c->reading) return;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
}

static void dispatch(struct conn *c)
{
    ozk_http_server *srv = c->srv;
    struct ozk_http_request *r = c->cur;
    c->cur = NULL;
    c->busy = r;
    r->conn = c;
    c->nrequests++;
    if (srv->cfg.max_requests && c->nrequests >= srv->cfg.max_requests) r->keep_alive = 0;
    uv_timer_stop(&c->timer);
    c->resume = 0;
    c->in_dispatch = 1;
    srv->handler(r, srv->data);
    c->in_dispatch = 0;
}

static int parser_status(struct conn *c)
{
    enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
    if (c->err_status) return c->err_status;
    if (e == HPE_HEADER_OVERFLOW) return 431;
    if (e == HPE_INVALID_TRANSFER_ENCODING) return 501;
    return 400;
}

/* Parses what is buffered while no request is with the handler. */
static void conn_process(struct conn *c)
{
    while (c->state == ST_READING && !c->busy && c->in.n > 0) {
        size_t n = http_parser_execute(&c->parser, &settings, c->in.p, c->in.n);
        enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
        if (n > c->in.n) n = c->in.n;
        memmove(c->in.p, c->in.p + n, c->in.n - n);
        c->in.n -= n;
        if (e == HPE_PAUSED) {
            http_parser_pause(&c->parser, 0);
            dispatch(c);
            continue;
        }
        if (e != HPE_OK) {
            conn_fail(c, parser_status(c));
            return;
        }
        if (c->in.n > 0) {
            /* the parser stopped without an error: an upgrade or CONNECT tunnel, refused */
            conn_fail(c, 501);
            return;
        }
    }
    if (c->state != ST_READING) return;
    if (!c->busy || c->in.n < IN_MAX_BUSY)
        start_reading(c);
    else
        stop_reading(c);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
    (void)b;
    struct conn *c = s->data;
    if (c->state == ST_CLOSING) return;
    if (nread < 0) {
        /* EOF or an error: a client that closes while its request is pending is gone */
        conn_close(c);
        return;
    }
    if (c->state == ST_DRAINING) {
        c->in.n = 0;
        return;
    }
    c->in.n += (size_t)nread;
    if (c->busy) {
        if (c->in.n >= IN_MAX_BUSY) stop_reading(c);
        return;
    }
    conn_process(c);
}

static void on_timer(uv_timer_t *t)
{
    struct conn *c = t->data;
    if (c->resume) {
        c->resume = 0;
        timer_start(c, c->srv->cfg.timeout_ms);
        conn_process(c);
        return;
    }
    if (c->state == ST_READING && !c->busy && !c->writes && (c->cur || c->in.n > 0))
        conn_fail(c, 408);
    else
        conn_close(c);
}

/* ---- parser callbacks ---- */

static struct conn *pconn(http_parser *p)
{
    return p->data;
}

/* Any value but 0, 1 and 2 (which on_headers_complete uses to mean "no body" and "upgrade")
 * stops the parser with an HPE_CB_* error. */
static int refuse(struct conn *c, int status)
{
    c->err_status = status;
    return -1;
}

static int count_header(struct conn *c, size_t n)
{
    c->header_bytes += n;
    return c->header_bytes > c->srv->cfg.max_header;
}

static int on_message_begin(http_parser *p)
{
    struct conn *c = pconn(p);
    request_free(c->cur);
    c->cur = calloc(1, sizeof *c->cur);
    if (!c->cur) return refuse(c, 503);
    c->header_bytes = 0;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t n)
{
    struct conn *c = pconn(p);
    if (c->cur->url.n + n > c->srv->cfg.max_header) return refuse(c, 414);
    if (count_header(c, n)) return refuse(c, 431);
    return buf_add(&c->cur->url, at, n) < 0 ? refuse(c, 503) : 0;
}

/* Ends the value being collected: trailing white space off, NUL kept by buf_add. */
static int end_value(struct ozk_http_request *r)
{
    while (r->hdr.n > 0 && (r->hdr.p[r->hdr.n - 1] == ' ' || r->hdr.p[r->hdr.n - 1] == '\t'))
        r->hdr.n--;
    return buf_add(&r->hdr, "", 1);
}

static int on_header_field(http_parser *p, const char *at, size_t n)
{
    struct conn *c = pconn(p);
    struct ozk_http_request *r = c->cur;
    if (count_header(c, n + (r->last != 1 ? 4 : 0))) return refuse(c, 431);
    if (r->last == 2 && end_value(r) < 0) return refuse(c, 503);
    r->last = 1;
    return buf_add(&r->hdr, at, n) < 0 ? refuse(c, 503) : 0;
}

static int on_header_value(http_parser *p, const char *at, size_t n)
{
    struct conn *c = pconn(p);
    struct ozk_http_request *r = c->cur;
    if (count_header(c, n)) return refuse(c, 431);
    if (r->last == 1 && buf_add(&r->hdr, "", 1) < 0) return refuse(c, 503);
    r->last = 2;
    return buf_add(&r->hdr, at, n) < 0 ? refuse(c, 503) : 0;
}

static int on_headers_complete(http_parser *p)
{
    struct conn *c = pconn(p);
    struct ozk_http_request *r = c->cur;
    if (r->last == 2 && end_value(r) < 0) return refuse(c, 503);
    if (r->last == 1 && buf_add(&r->hdr, "\0", 2) < 0) return refuse(c, 503); /* no value */
    r->last = 0;
    if (buf_add(&r->url, "", 0) < 0) return refuse(c, 503);
    char *q = strchr(r->url.p, '?');
    if (q) *q++ = 0;
    r->query = q ? q : "";
    r->method = (int)p->method;
    if (p->method == HTTP_CONNECT) return refuse(c, 501);
    const char *te = ozk_http_request_header(r, "Transfer-Encoding");
    if (te && strcasecmp(te, "chunked") != 0) return refuse(c, 501);
    if (p->content_length != ULLONG_MAX && p->content_length > c->srv->cfg.max_body)
        return refuse(c, 413);
    const char *expect = ozk_http_request_header(r, "Expect");
    if (expect) {
        if (strcasecmp(expect, "100-continue") != 0) return refuse(c, 417);
        if (p->http_major == 1 && p->http_minor >= 1) {
            static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
            if (conn_write(c, cont, sizeof cont - 1) < 0) return refuse(c, 503);
        }
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
    struct conn *c = pconn(p);
    struct ozk_http_request *r = c->cur;
    if (r->body.n + n > c->srv->cfg.max_body) return refuse(c, 413);
    return buf_add(&r->body, at, n) < 0 ? refuse(c, 503) : 0;
}

static int on_message_complete(http_parser *p)
{
    struct conn *c = pconn(p);
    struct ozk_http_request *r = c->cur;
    if (!r->body.p && buf_add(&r->body, "", 0) < 0) return refuse(c, 503);
    /* HTTP/1.0 always closes, whatever Connection says; upgrades are not followed */
    r->keep_alive =
        p->http_major == 1 && p->http_minor >= 1 && http_should_keep_alive(p) && !p->upgrade;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- accepting ---- */

static void on_connection(uv_stream_t *l, int status)
{
    ozk_http_server *srv = l->data;
    if (status < 0 || srv->closing) return;
    struct conn *c = calloc(1, sizeof *c);
    if (!c) return;
    c->srv = srv;
    uv_tcp_init(srv->loop, &c->tcp);
    uv_timer_init(srv->loop, &c->timer);
    c->tcp.data = c;
    c->timer.data = c;
    c->open_handles = 2;
    srv->units++;
    c->next = srv->conns;
    if (srv->conns) srv->conns->prev = c;
    srv->conns = c;
    c->rejected = srv->nconns >= srv->cfg.max_connections;
    if (c->rejected)
        srv->nrejects++;
    else
        srv->nconns++;
    if (uv_accept(l, (uv_stream_t *)&c->tcp) < 0 ||
        (c->rejected && srv->nrejects > srv->cfg.max_connections)) {
        conn_close(c);
        return;
    }
    if (c->rejected) {
        conn_fail(c, 503);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1); /* responses are single writes: send them at once */
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    timer_start(c, srv->cfg.timeout_ms);
    start_reading(c);
}

/* ---- public ---- */

void ozk_http_config_default(ozk_http_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->max_body = DEFAULT_BODY;
    cfg->max_header = DEFAULT_HDR;
    cfg->max_connections = 256;
    cfg->timeout_ms = 30000;
    cfg->backlog = 128;
}

static int parse_addr(struct sockaddr_storage *ss, const char *host, int port)
{
    memset(ss, 0, sizeof *ss);
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0) return 0;
    if (uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0) return 0;
    return OZK_EINVAL;
}

int ozk_http_init(uv_loop_t *loop, ozk_http_server **out, const ozk_http_config *cfg,
                  ozk_http_handler handler, void *data)
{
    *out = NULL;
    ozk_http_config def;
    ozk_http_config_default(&def);
    if (!cfg) cfg = &def;
    const char *host = cfg->host ? cfg->host : "127.0.0.1";
    struct sockaddr_storage ss;
    if (!loop || !handler || cfg->port < 0 || cfg->port > 65535 ||
        strlen(host) >= sizeof((ozk_http_server *)0)->host || parse_addr(&ss, host, 0) < 0)
        return OZK_EINVAL;
    ozk_http_server *srv = calloc(1, sizeof *srv);
    if (!srv) return OZK_ENOMEM;
    srv->loop = loop;
    srv->cfg = *cfg;
    strcpy(srv->host, host);
    srv->cfg.host = srv->host;
    if (!srv->cfg.max_body) srv->cfg.max_body = def.max_body;
    if (!srv->cfg.max_header) srv->cfg.max_header = def.max_header;
    if (!srv->cfg.max_connections) srv->cfg.max_connections = def.max_connections;
    if (!srv->cfg.timeout_ms) srv->cfg.timeout_ms = def.timeout_ms;
    if (srv->cfg.backlog <= 0) srv->cfg.backlog = def.backlog;
    srv->handler = handler;
    srv->data = data;
    if (uv_tcp_init(loop, &srv->listener) < 0) {
        free(srv);
        return OZK_ENOMEM;
    }
    srv->listener.data = srv;
    srv->units = 1;
    *out = srv;
    return 0;
}

int ozk_http_listen(ozk_http_server *srv)
{
    if (srv->listened || srv->closing) return OZK_EINVAL;
    struct sockaddr_storage ss;
    if (parse_addr(&ss, srv->host, srv->cfg.port) < 0) return OZK_EINVAL;
    int e = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&ss, 0);
    if (e == 0) e = uv_listen((uv_stream_t *)&srv->listener, srv->cfg.backlog, on_connection);
    if (e < 0) {
        srv->uv_err = e;
        return OZK_EIO;
    }
    struct sockaddr_storage bound;
    int len = (int)sizeof bound;
    if (uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound, &len) == 0)
        srv->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                      : ((struct sockaddr_in *)&bound)->sin_port);
    srv->listened = 1;
    srv->uv_err = 0;
    return 0;
}

int ozk_http_port(const ozk_http_server *srv)
{
    return srv->port;
}

int ozk_http_uv_error(const ozk_http_server *srv)
{
    return srv->uv_err;
}

unsigned ozk_http_connections(const ozk_http_server *srv)
{
    return srv->nconns;
}

static void on_listener_closed(uv_handle_t *h)
{
    server_unit_done(h->data);
}

void ozk_http_close(ozk_http_server *srv, ozk_http_close_cb cb, void *arg)
{
    if (srv->closing) return;
    srv->closing = 1;
    srv->close_cb = cb;
    srv->close_arg = arg;
    while (srv->conns) conn_close(srv->conns);
    uv_close((uv_handle_t *)&srv->listener, on_listener_closed);
}

const char *ozk_http_request_method(const ozk_http_request *req)
{
    return http_method_str((enum http_method)req->method);
}

const char *ozk_http_request_path(const ozk_http_request *req)
{
    return req->url.p ? req->url.p : "";
}

const char *ozk_http_request_query(const ozk_http_request *req)
{
    return req->query ? req->query : "";
}

const char *ozk_http_request_header(const ozk_http_request *req, const char *name)
{
    const char *p = req->hdr.p, *end = p + req->hdr.n;
    while (p && p < end) {
        const char *v = p + strlen(p) + 1;
        if (v >= end) break;
        if (strcasecmp(p, name) == 0) return v;
        p = v + strlen(v) + 1;
    }
    return NULL;
}

const char *ozk_http_request_body(const ozk_http_request *req, size_t *len)
{
    if (len) *len = req->body.n;
    return req->body.p ? req->body.p : "";
}

int ozk_http_request_alive(const ozk_http_request *req)
{
    return req->conn != NULL;
}

const char *ozk_http_reason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}

static int bad_text(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

/* "Name: value\r\n" lines, none of them framing headers. */
static int check_extra(const char *h)
{
    static const char *const forbidden[] = { "content-length", "connection", "transfer-encoding" };
    while (h && *h) {
        const char *colon = strchr(h, ':'), *eol = strstr(h, "\r\n");
        if (!eol || !colon || colon > eol || colon == h) return OZK_EINVAL;
        for (const char *p = h; p < colon; p++)
            if (*p <= ' ' || *p >= 0x7f) return OZK_EINVAL;
        for (const char *p = colon; p < eol; p++)
            if (*p == '\r' || *p == '\n') return OZK_EINVAL;
        for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++)
            if ((size_t)(colon - h) == strlen(forbidden[i]) &&
                strncasecmp(h, forbidden[i], (size_t)(colon - h)) == 0)
                return OZK_EINVAL;
        h = eol + 2;
    }
    return 0;
}

int ozk_http_respond(ozk_http_request *req, int status, const char *content_type,
                     const char *extra_headers, const void *body, size_t len)
{
    struct conn *c = req->conn;
    int rc = 0;
    int nobody = status == 204 || status == 304;
    if (status < 200 || status > 599 || bad_text(content_type) || check_extra(extra_headers) ||
        (nobody && len > 0)) {
        rc = OZK_EINVAL;
        status = 500;
        content_type = "text/plain";
        extra_headers = NULL;
        body = "Internal Server Error\n";
        len = strlen(body);
        nobody = 0;
    }
    int keep = req->keep_alive;
    int head = req->method == HTTP_HEAD;
    request_free(req);
    if (!c) return rc;
    c->busy = NULL;
    if (c->state != ST_READING) return rc;

    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    char clen[48] = "";
    if (!nobody) snprintf(clen, sizeof clen, "Content-Length: %zu\r\n", len);
    const char *ct = content_type ? content_type : "";
    size_t cap = 256 + strlen(ct) + (extra_headers ? strlen(extra_headers) : 0);
    size_t send_len = head || nobody ? 0 : len;
    struct wreq *wr = malloc(sizeof *wr + cap + send_len);
    if (!wr) {
        conn_close(c);
        return OZK_ENOMEM;
    }
    int n =
        snprintf(wr->data, cap, "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%s%s%sConnection: %s\r\n%s\r\n",
                 status, ozk_http_reason(status), date, content_type ? "Content-Type: " : "", ct,
                 content_type ? "\r\n" : "", clen, keep ? "keep-alive" : "close",
                 extra_headers ? extra_headers : "");
    if (send_len) memcpy(wr->data + n, body, send_len);
    if (conn_write_wreq(c, wr, (size_t)n + send_len) < 0) return rc;
    if (!keep) {
        c->state = ST_DRAINING;
        c->in.n = 0;
        unsigned linger = c->srv->cfg.timeout_ms < LINGER_MS ? c->srv->cfg.timeout_ms : LINGER_MS;
        timer_start(c, c->srv->cfg.timeout_ms + linger);
        start_reading(c);
        maybe_shutdown(c);
        return rc;
    }
    if (c->in_dispatch) {
        /* the loop in conn_process() goes on with what is buffered */
        timer_start(c, c->srv->cfg.timeout_ms);
    } else if (c->in.n > 0) {
        /* pipelined requests wait for a callback of their own: a handler is never called from
         * inside ozk_http_respond() */
        c->resume = 1;
        timer_start(c, 0);
    } else {
        timer_start(c, c->srv->cfg.timeout_ms);
        start_reading(c);
    }
    return rc;
}
