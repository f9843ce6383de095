/* core/error.c: messages for the OZK_E* codes of ozk/error.h. */
#include "ozk/error.h"

const char *ozk_strerror(int code)
{
    switch (code) {
    case OZK_OK:
        return "success";
    case OZK_EINVAL:
        return "invalid argument or malformed input";
    case OZK_ENOMEM:
        return "out of memory";
    case OZK_EIO:
        return "input/output error";
    case OZK_ERANGE:
        return "value out of range";
    case OZK_ENOTSUP:
        return "not supported by this version of ozk";
    case OZK_ENOENT:
        return "no such file or record";
    case OZK_EUSAGE:
        return "bad command line";
    case OZK_EEXIST:
        return "already exists";
    case OZK_EFULL:
        return "store or disk full";
    case OZK_ECORRUPT:
        return "stored data is corrupt";
    default:
        return "unknown error";
    }
}
