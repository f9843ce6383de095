/*
 * tests/testutil.h: what every ozk test program shares.
 *
 * Seeded randomness. Every random choice in a test comes from test_rand_*(), a xoshiro256**
 * stream seeded once per program from OZK_TEST_SEED (decimal or 0x-hex) or, when unset, from
 * the clock and pid. test_main() runs the cmocka group and, when any test failed, prints
 *     random seed: 1234 (rerun with OZK_TEST_SEED=1234)
 * so that every failure can be replayed exactly.
 */
#ifndef OZK_TESTUTIL_H
#define OZK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The seed of this run (reads OZK_TEST_SEED on first use). */
uint64_t test_seed(void);

/* Uniform 64-bit words and bytes from the seeded stream. */
uint64_t test_rand_u64(void);
void test_rand_bytes(uint8_t *out, size_t n);

/* Uniform in [0, bound), bound > 0. */
uint64_t test_rand_below(uint64_t bound);

/* How many random cases a property test runs: base, or OZK_TEST_SCALE percent of it (at
 * least 1) when that variable is set; the default is the full count the spec asks for. */
size_t test_cases(size_t base);

/* Runs cmd through sh with stderr folded into stdout. Returns the exit status and the whole
 * output, NUL-terminated (*out: free() it); a command that does not exit normally fails the
 * test. */
int test_sh(char **out, const char *cmd);

/* Runs cmd (test_sh); fails the test, showing cmd and its output, unless it exits 0. Returns the
 * output without trailing white space (free() it). */
char *test_sh_ok(const char *cmd);

/* A new folder /tmp/ozk-test-NAME-XXXXXX (dir holds cap bytes; fails the test when it cannot),
 * and its removal with everything in it. */
void test_tmpdir(char *dir, size_t cap, const char *name);
void test_rmdir(const char *dir);

/* Runs `'bin' ARGS` (ARGS printf-style) through test_sh: the exit status, the output in *out. */
int test_bin(char **out, const char *bin, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same; fails the test, showing the command and its output, unless it exits with code and
 * (needle not NULL) its output contains needle. */
void test_bin_expect(const char *bin, int code, const char *needle, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reads a whole file into a new NUL-terminated buffer (free() it) and its length into *len;
 * fails the test, naming the file, when it cannot. */
uint8_t *test_read_file(const char *path, size_t *len);

/* Milliseconds of the monotonic clock. */
uint64_t test_now_ms(void);

/* Sleeps ms milliseconds (nanosleep, resumed after signals). */
void test_sleep_ms(long ms);

/* Writes len bytes to path (created or truncated); fails the test when it cannot. */
void test_write_file(const char *path, const void *data, size_t len);

/* Loopback HTTP servers written for the tests (fault injection, fake chains). */
/* Reads one HTTP request from fd (headers, then Content-Length bytes, 3 s per read at most) and
 * returns its body, malloc'd and NUL-terminated, or NULL when the request is cut short, does not
 * fit in cap bytes, or allocation fails. */
char *test_http_read_body(int fd, size_t cap);
/* Sends "HTTP/1.1 status" with a JSON body of len bytes on fd, then closes it. A client that went
 * away is not an error (some tests are about that). */
void test_http_reply(int fd, int status, const char *body, size_t len);

/* Runs the cmocka group `name` with optional group setup and teardown (NULL for none); prints
 * the seed on failure. Returns the number of failures, fit to return from main(). */
int test_run(const char *name, const struct CMUnitTest *tests, size_t count,
             CMFixtureFunction setup, CMFixtureFunction teardown);

#define TEST_RUN(name, tests) test_run(name, tests, sizeof(tests) / sizeof((tests)[0]), NULL, NULL)
#define TEST_RUN_WITH(name, tests, setup, teardown) \
    test_run(name, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

#endif
