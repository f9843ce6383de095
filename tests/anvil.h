/*
 * tests/anvil.h: a real anvil for the tests, on a free loopback port, and eth_call to it.
 *
 * anvil comes from .tools/ (scripts/bootstrap). The test starts it, uses it, and stops it; a
 * test that cannot start it fails and says why. This is test plumbing, not the chain client
 * (chain/ has that): one blocking HTTP request at a time through libcurl, JSON through Jansson.
 */
#ifndef OZK_TEST_ANVIL_H
#define OZK_TEST_ANVIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct anvil {
    pid_t pid;
    int port;
    char url[64];
    void *curl; /* CURL handle, reused across calls */
};

/* Starts anvil (tries a few free ports); returns 0, or -1 with the reason on stderr. */
int anvil_start(struct anvil *a);

/* Stops it (SIGTERM, then waits). Safe on a struct whose start failed. */
void anvil_stop(struct anvil *a);

/* eth_call {to, data} at the latest block. Returns 1 and the returned bytes (up to cap, the
 * length in *outlen) when the call succeeded, 0 when the node answered with a JSON-RPC error
 * (the call failed: a precompile rejecting its input), -1 on a transport or protocol error
 * (message on stderr). */
int anvil_eth_call(struct anvil *a, const char *to, const uint8_t *data, size_t len, uint8_t *out,
                   size_t cap, size_t *outlen);

#endif
