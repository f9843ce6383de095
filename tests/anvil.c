/* tests/anvil.c: see anvil.h. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "anvil.h"
#include "ozk/hex.h"

extern char **environ;

struct buf {
    char *p;
    size_t n;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
    struct buf *b = user;
    size_t k = size * nmemb;
    if (b->n + k > (1u << 22)) return 0; /* a reply over 4 MiB is not one we asked for */
    char *q = realloc(b->p, b->n + k + 1);
    if (!q) return 0;
    memcpy(q + b->n, ptr, k);
    b->p = q;
    b->n += k;
    b->p[b->n] = '\0';
    return k;
}

/* POSTs a JSON-RPC request; returns the parsed reply or NULL. */
static json_t *rpc(struct anvil *a, const char *method, json_t *params, int quiet)
{
    json_t *req = json_pack("{s:s, s:i, s:s, s:o}", "jsonrpc", "2.0", "id", 1, "method", method,
                            "params", params);
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    struct buf b = { NULL, 0 };
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(a->curl, CURLOPT_URL, a->url);
    curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(a->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(a->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(a->curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(a->curl, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(a->curl);
    curl_slist_free_all(h);
    free(body);
    if (rc != CURLE_OK) {
        if (!quiet) fprintf(stderr, "anvil %s: %s\n", method, curl_easy_strerror(rc));
        free(b.p);
        return NULL;
    }
    json_error_t err;
    json_t *reply = b.p ? json_loads(b.p, 0, &err) : NULL;
    if (!reply && !quiet) fprintf(stderr, "anvil %s: unparsable reply\n", method);
    free(b.p);
    return reply;
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    int port = -1;
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(s, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(s);
    return port;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int anvil_start(struct anvil *a)
{
    memset(a, 0, sizeof *a);
    a->pid = -1;
    if (access(OZK_ANVIL, X_OK) != 0) {
        fprintf(stderr, "anvil_start: %s is missing: run scripts/bootstrap\n", OZK_ANVIL);
        return -1;
    }
    a->curl = curl_easy_init();
    if (!a->curl) return -1;
    for (int attempt = 0; attempt < 5; attempt++) {
        a->port = free_port();
        if (a->port < 0) continue;
        snprintf(a->url, sizeof a->url, "http://127.0.0.1:%d", a->port);
        char port[16];
        snprintf(port, sizeof port, "%d", a->port);
        char prog[] = OZK_ANVIL, host_flag[] = "--host", host[] = "127.0.0.1",
             port_flag[] = "--port", silent[] = "--silent";
        char *argv[] = { prog, host_flag, host, port_flag, port, silent, NULL };
        if (posix_spawn(&a->pid, OZK_ANVIL, NULL, NULL, argv, environ) != 0) {
            fprintf(stderr, "anvil_start: cannot run %s: %s\n", OZK_ANVIL, strerror(errno));
            return -1;
        }
        /* ready when eth_chainId answers; up to 15 s */
        for (int i = 0; i < 300; i++) {
            json_t *r = rpc(a, "eth_chainId", json_array(), 1);
            if (r) {
                json_decref(r);
                return 0;
            }
            int status;
            if (waitpid(a->pid, &status, WNOHANG) == a->pid) { /* exited: port taken? retry */
                a->pid = -1;
                break;
            }
            sleep_ms(50);
        }
        anvil_stop(a);
        a->curl = curl_easy_init();
    }
    fprintf(stderr, "anvil_start: anvil did not come up on a loopback port\n");
    return -1;
}

void anvil_stop(struct anvil *a)
{
    if (a->pid > 0) {
        kill(a->pid, SIGTERM);
        waitpid(a->pid, NULL, 0);
        a->pid = -1;
    }
    if (a->curl) {
        curl_easy_cleanup(a->curl);
        a->curl = NULL;
    }
}

int anvil_eth_call(struct anvil *a, const char *to, const uint8_t *data, size_t len, uint8_t *out,
                   size_t cap, size_t *outlen)
{
    char *hex = malloc(2 * len + 3);
    if (!hex) return -1;
    hex[0] = '0', hex[1] = 'x';
    ozk_hex_encode(hex + 2, data, len);
    json_t *params =
        json_pack("[{s:s, s:s, s:s}, s]", "to", to, "data", hex, "gas", "0x1c9c380", "latest");
    free(hex);
    json_t *reply = rpc(a, "eth_call", params, 0);
    if (!reply) return -1;
    int rc = -1;
    json_t *result = json_object_get(reply, "result");
    if (json_object_get(reply, "error")) {
        rc = 0;
    } else if (json_is_string(result)) {
        long n = ozk_hex_decode(out, cap, json_string_value(result));
        if (n >= 0) {
            *outlen = (size_t)n;
            rc = 1;
        } else {
            fprintf(stderr, "anvil eth_call: bad result %s\n", json_string_value(result));
        }
    } else {
        fprintf(stderr, "anvil eth_call: reply has neither result nor error\n");
    }
    json_decref(reply);
    return rc;
}
