/*
 * node/log.c: the node's one-line-per-event log (node/log.h).
 */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int g_level = OZK_LOG_INFO;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

void ozk_log_set_level(int level)
{
    g_level = level;
}

int ozk_log_level(void)
{
    return g_level;
}

int ozk_log_parse_level(const char *s)
{
    static const char *names[] = { "debug", "info", "warn", "error" };
    for (int i = 0; i < 4; i++)
        if (s && !strcmp(s, names[i])) return i;
    return -1;
}

void ozk_log(int level, const char *component, const char *fmt, ...)
{
    static const char *tags[] = { "DEBUG", "INFO ", "WARN ", "ERROR", "CRIT " };
    if (level < g_level || level < 0 || level > OZK_LOG_CRIT) return;
    char msg[1024], line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: %s\n",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     ts.tv_nsec / 1000000, tags[level], component, msg);
    if (n < 0) return;
    if ((size_t)n >= sizeof line) n = (int)sizeof line - 1, line[n - 1] = '\n';
    pthread_mutex_lock(&g_mu);
    fwrite(line, 1, (size_t)n, stderr);
    fflush(stderr);
    pthread_mutex_unlock(&g_mu);
}
