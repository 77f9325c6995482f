#include <floe/error.h>

#include "base/alloc.h"
#include "base/log_scrub.h"

#include <stdio.h>
#include <string.h>

#define FLOE_ERRMSG_MAX 2048

static _Thread_local char last_msg[FLOE_ERRMSG_MAX];
static _Thread_local int last_code;

const char *floe_error_last(void)
{
    return last_msg;
}

int floe_error_last_code(void)
{
    return last_code;
}

void floe_error_clear(void)
{
    last_msg[0] = '\0';
    last_code = FLOE_OK;
}

int floe_error_setv(int code, const char *fmt, va_list ap)
{
    last_code = code;
    if (!fmt) {
        snprintf(last_msg, sizeof last_msg, "%s", floe_strerror(code));
        return code;
    }
    vsnprintf(last_msg, sizeof last_msg, fmt, ap);
    /* A secret interpolated by mistake never survives into the message. */
    char *clean = NULL;
    if (floe_log__scrub(&clean, last_msg) == 1 && clean) {
        snprintf(last_msg, sizeof last_msg, "%s", clean);
        floe_free(clean);
    }
    return code;
}

int floe_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    floe_error_setv(code, fmt, ap);
    va_end(ap);
    return code;
}

int floe_error_wrap(int code, const char *fmt, ...)
{
    char prefix[FLOE_ERRMSG_MAX];
    char old[FLOE_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, last_msg, sizeof old);
    /* Build "prefix: old" piecewise; either part is cut when the whole does not fit. */
    size_t n = strlen(prefix);
    memcpy(last_msg, prefix, n + 1);
    if (old[0] && n + 2 < sizeof last_msg) {
        memcpy(last_msg + n, ": ", 3);
        n += 2;
        size_t room = sizeof last_msg - n - 1;
        size_t olen = strnlen(old, room);
        memcpy(last_msg + n, old, olen);
        last_msg[n + olen] = '\0';
    }
    last_code = code;
    return code;
}

struct code_desc {
    int code;
    const char *name;
    const char *text;
};

static const struct code_desc codes[] = {
    {FLOE_OK, "FLOE_OK", "success"},
    {FLOE_ERROR, "FLOE_ERROR", "error"},
    {FLOE_ENOMEM, "FLOE_ENOMEM", "out of memory"},
    {FLOE_EINVALID, "FLOE_EINVALID", "invalid argument or input"},
    {FLOE_ENOTFOUND, "FLOE_ENOTFOUND", "not found"},
    {FLOE_EEXISTS, "FLOE_EEXISTS", "already exists"},
    {FLOE_ECONFLICT, "FLOE_ECONFLICT", "conflict with a concurrent change"},
    {FLOE_EUNSUPPORTED, "FLOE_EUNSUPPORTED", "not supported"},
    {FLOE_EVERSION, "FLOE_EVERSION", "incompatible version"},
    {FLOE_EAUTH, "FLOE_EAUTH", "authentication failed"},
    {FLOE_EUNAVAILABLE, "FLOE_EUNAVAILABLE", "service unavailable"},
    {FLOE_EIO, "FLOE_EIO", "I/O error"},
    {FLOE_ECORRUPT, "FLOE_ECORRUPT", "corrupt or malformed data"},
    {FLOE_ETIMEOUT, "FLOE_ETIMEOUT", "timed out"},
    {FLOE_ECONFIG, "FLOE_ECONFIG", "invalid configuration"},
    {FLOE_EPLUGIN, "FLOE_EPLUGIN", "plugin could not be loaded"},
    {FLOE_ECYCLE, "FLOE_ECYCLE", "circular dependency"},
    {FLOE_EDEPENDENCY, "FLOE_EDEPENDENCY", "missing dependency"},
    {FLOE_EPERM, "FLOE_EPERM", "permission denied"},
    {FLOE_ENOTEMPTY, "FLOE_ENOTEMPTY", "not empty"},
    {FLOE_ECOMMITUNKNOWN, "FLOE_ECOMMITUNKNOWN", "commit state unknown"},
    {FLOE_ESCHEMA, "FLOE_ESCHEMA", "incompatible schema"},
    {FLOE_ECANCELLED, "FLOE_ECANCELLED", "cancelled"},
    {FLOE_ERANGE, "FLOE_ERANGE", "value out of range"},
};

static const struct code_desc *find_code(int code)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == code)
            return &codes[i];
    return NULL;
}

const char *floe_error_name(int code)
{
    const struct code_desc *d = find_code(code);
    return d ? d->name : "FLOE_UNKNOWN";
}

const char *floe_strerror(int code)
{
    const struct code_desc *d = find_code(code);
    return d ? d->text : "unknown error code";
}
