/*
 * node/log.h: the node's log (internal). One line per event on stderr:
 *
 *   2026-11-25T22:30:00.123Z INFO  batcher: committed batch 3 (100 records) in block 812
 *
 * Levels: DEBUG, INFO, WARN, ERROR, CRIT (a critical alert: an operator must act now). Lines
 * below the configured level are dropped. Thread-safe (one mutex; a line is written with one
 * fwrite). Never pass a secret: keys, tokens and salts are not logged anywhere in the node.
 */
#ifndef OZK_NODE_LOG_H
#define OZK_NODE_LOG_H

enum { OZK_LOG_DEBUG = 0, OZK_LOG_INFO, OZK_LOG_WARN, OZK_LOG_ERROR, OZK_LOG_CRIT };

/* The least level written (default INFO). */
void ozk_log_set_level(int level);
int ozk_log_level(void);
/* "debug", "info", "warn", "error" -> the level; -1 for anything else. */
int ozk_log_parse_level(const char *s);

/* Writes one line: timestamp, level, component and the formatted message. Newlines and other
 * control characters in the message are replaced, so one event is one line. */
void ozk_log(int level, const char *component, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
