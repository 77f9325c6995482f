#define _GNU_SOURCE
#include "test_support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmpdirs[256];
static int ntmpdirs;

static void free_tmpdirs(void)
{
    for (int i = 0; i < ntmpdirs; i++)
        free(tmpdirs[i]);
}

const char *floe_test_tmpdir(const char *name)
{
    const char *root = getenv("FLOE_TEST_TMP");
    if (!root || !*root)
        root = "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%ld", root, name, (long)getpid());
    char cmd[8300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", path, path);
    if (system(cmd) != 0)
        return NULL;
    if (ntmpdirs == 0)
        atexit(free_tmpdirs);
    if (ntmpdirs >= 256)
        return NULL;
    tmpdirs[ntmpdirs] = strdup(path);
    return tmpdirs[ntmpdirs++];
}

int floe_test_run(const char *cmd, int merge_stderr, char **out)
{
    char *full = NULL;
    if (asprintf(&full, "%s%s", cmd, merge_stderr ? " 2>&1" : "") < 0)
        return -1;
    FILE *p = popen(full, "r");
    free(full);
    if (!p)
        return -1;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        pclose(p);
        return -1;
    }
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
    }
    buf[len] = '\0';
    int st = pclose(p);
    if (out)
        *out = buf;
    else
        free(buf);
    if (st == -1)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

const char *floe_test_floe_bin(void)
{
    const char *b = getenv("FLOE_BIN");
    return b && *b ? b : NULL;
}

static const char *interop_dir(void)
{
    const char *d = getenv("FLOE_INTEROP_DIR");
    return d && *d ? d : NULL;
}

int floe_test_interop_required(void)
{
    const char *r = getenv("FLOE_REQUIRE_INTEROP");
    return r && strcmp(r, "1") == 0;
}

int floe_test_interop_available(void)
{
    const char *node = getenv("NODE");
    const char *dir = interop_dir();
    if (!node || !*node || !dir)
        return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/node_modules", dir);
    struct stat st;
    return stat(path, &st) == 0 && access(node, X_OK) == 0;
}

int floe_test_node(const char *script, const char *args, char **out)
{
    const char *dir = interop_dir();
    const char *node = getenv("NODE");
    if (!dir || !node)
        return -1;
    char *cmd = NULL;
    if (asprintf(&cmd, "'%s' '%s/%s' %s", node, dir, script, args ? args : "") < 0)
        return -1;
    int rc = floe_test_run(cmd, 0, out);
    free(cmd);
    return rc;
}

char *floe_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (sz < 0) {
        fclose(f);
        return NULL;
    }
    char *d = malloc((size_t)sz + 1);
    if (!d || fread(d, 1, (size_t)sz, f) != (size_t)sz) {
        free(d);
        fclose(f);
        return NULL;
    }
    d[sz] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)sz;
    return d;
}

int floe_test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    int rc = fclose(f);
    return n == len && rc == 0 ? 0 : -1;
}

int floe_test_floe(char **out, const char *warehouse, const char *fmt, ...)
{
    if (out)
        *out = NULL;
    if (!floe_test_floe_bin())
        skip();
    char args[8192], cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof args)
        fail_msg("floe command line too long: %s", fmt);
    k = snprintf(cmd, sizeof cmd, "FLOE_LOG_LEVEL=error '%s' %s --warehouse '%s'",
                 floe_test_floe_bin(), args, warehouse);
    if (k < 0 || (size_t)k >= sizeof cmd)
        fail_msg("floe command line too long: %s", args);
    char *o = NULL;
    int rc = floe_test_run(cmd, 1, &o);
    if (out)
        *out = o;
    else
        free(o);
    return rc;
}
