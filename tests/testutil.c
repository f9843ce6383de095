/* tests/testutil.c: seeded randomness and the test runner wrapper (see testutil.h). */
#include <stdio.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static uint64_t g_seed;
static int g_seeded;
static uint64_t g_s[4];

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t test_seed(void)
{
    if (!g_seeded) {
        const char *env = getenv("OZK_TEST_SEED");
        if (env && *env) {
            char *end;
            g_seed = strtoull(env, &end, 0);
            if (*end) {
                fprintf(stderr, "OZK_TEST_SEED='%s' is not a number\n", env);
                exit(2);
            }
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            g_seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
        }
        uint64_t x = g_seed;
        for (int i = 0; i < 4; i++) g_s[i] = splitmix64(&x);
        g_seeded = 1;
    }
    return g_seed;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t test_rand_u64(void)
{
    test_seed();
    /* xoshiro256** (Blackman and Vigna, 2018) */
    uint64_t result = rotl(g_s[1] * 5, 7) * 9;
    uint64_t t = g_s[1] << 17;
    g_s[2] ^= g_s[0];
    g_s[3] ^= g_s[1];
    g_s[1] ^= g_s[2];
    g_s[0] ^= g_s[3];
    g_s[2] ^= t;
    g_s[3] = rotl(g_s[3], 45);
    return result;
}

void test_rand_bytes(uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = test_rand_u64();
        for (size_t k = 0; k < 8 && i + k < n; k++) out[i + k] = (uint8_t)(w >> (8 * k));
    }
}

uint64_t test_rand_below(uint64_t bound)
{
    /* rejection sampling: no modulo bias */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t v;
    do v = test_rand_u64();
    while (v >= limit);
    return v % bound;
}

size_t test_cases(size_t base)
{
    const char *env = getenv("OZK_TEST_SCALE");
    if (!env || !*env) return base;
    unsigned long pct = strtoul(env, NULL, 10);
    size_t n = (size_t)((double)base * (double)pct / 100.0);
    return n ? n : 1;
}

int test_run(const char *name, const struct CMUnitTest *tests, size_t count,
             CMFixtureFunction setup, CMFixtureFunction teardown)
{
    uint64_t seed = test_seed();
    int failed = _cmocka_run_group_tests(name, tests, count, setup, teardown);
    if (failed)
        fprintf(stderr, "random seed: %llu (rerun with OZK_TEST_SEED=%llu)\n",
                (unsigned long long)seed, (unsigned long long)seed);
    return failed;
}

int test_sh(char **out, const char *cmd)
{
    size_t need = strlen(cmd) + 8;
    char *full = malloc(need);
    assert_non_null(full);
    snprintf(full, need, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    free(full);
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((n = fread(buf + len, 1, cap - 1 - len, p)) > 0) {
        len += n;
        if (cap - 1 - len == 0) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    int status = pclose(p);
    *out = buf;
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

uint8_t *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    uint8_t *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

void test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot create %s", path);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

char *test_sh_ok(const char *cmd)
{
    char *out;
    int rc = test_sh(&out, cmd);
    if (rc != 0) fail_msg("command failed (%d): %s\n%s", rc, cmd, out);
    size_t n = strlen(out);
    while (n &&
           (out[n - 1] == ' ' || out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == '\t'))
        out[--n] = '\0';
    return out;
}

void test_tmpdir(char *dir, size_t cap, const char *name)
{
    snprintf(dir, cap, "/tmp/ozk-test-%s-XXXXXX", name);
    if (!mkdtemp(dir)) fail_msg("mkdtemp %s: %s", dir, strerror(errno));
}

void test_rmdir(const char *dir)
{
    char cmd[512], *out;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    test_sh(&out, cmd);
    free(out);
}

static int bin_v(char **out, const char *bin, const char *fmt, va_list ap, char *args, size_t cap)
{
    char cmd[8192];
    vsnprintf(args, cap, fmt, ap);
    snprintf(cmd, sizeof cmd, "'%s' %s", bin, args);
    return test_sh(out, cmd);
}

int test_bin(char **out, const char *bin, const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    int rc = bin_v(out, bin, fmt, ap, args, sizeof args);
    va_end(ap);
    return rc;
}

void test_bin_expect(const char *bin, int code, const char *needle, const char *fmt, ...)
{
    char args[4096], *out;
    va_list ap;
    va_start(ap, fmt);
    int rc = bin_v(&out, bin, fmt, ap, args, sizeof args);
    va_end(ap);
    if (rc != code || (needle && !strstr(out, needle)))
        fail_msg("`%s %s`: exit %d (want %d), output:\n%s\n(want '%s')", bin, args, rc, code, out,
                 needle ? needle : "");
    free(out);
}

char *test_http_read_body(int fd, size_t cap)
{
    size_t n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) return NULL;
    char *end = NULL;
    long clen = -1;
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 3000) <= 0) break;
        ssize_t k = recv(fd, buf + n, cap - n, 0);
        if (k <= 0) break;
        n += (size_t)k;
        buf[n] = '\0';
        if (!end && (end = strstr(buf, "\r\n\r\n"))) {
            const char *cl = strstr(buf, "Content-Length:");
            if (!cl) cl = strstr(buf, "content-length:");
            clen = cl ? strtol(cl + 15, NULL, 10) : 0;
        }
        if (end && (long)(n - (size_t)(end + 4 - buf)) >= clen) {
            memmove(buf, end + 4, (size_t)clen);
            buf[clen] = '\0';
            return buf;
        }
        if (n == cap) break;
    }
    free(buf);
    return NULL;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return; /* the client went away */
        p += k, n -= (size_t)k;
    }
}

void test_http_reply(int fd, int status, const char *body, size_t len)
{
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.1 %d Scripted\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                      status, len);
    send_all(fd, head, (size_t)hn);
    send_all(fd, body, len);
    shutdown(fd, SHUT_WR);
    close(fd);
}

void test_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) continue;
}

uint64_t test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
