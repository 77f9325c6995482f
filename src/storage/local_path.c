/* Resolution of local locations and the warehouse confinement check. A location is made
 * absolute and normalised lexically, then the longest prefix that exists is passed through
 * realpath() so symlinks are followed; the part that does not exist yet cannot hold a symlink.
 * The resolved path, not the caller's text, is what the FileIO then opens, so what was checked
 * is what is used (up to a symlink swapped in between, which needs write access inside the
 * warehouse). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <floe/error.h>
#include <floe/storage.h>

#include "base/alloc.h"
#include "base/buf.h"

/* Strips `file://` / `file:`; refuses other URI schemes. */
static int strip_file_scheme(const char **path, const char *location)
{
    if (strncmp(location, "file://", 7) == 0) {
        *path = location + 7;
        return 0;
    }
    if (strncmp(location, "file:/", 6) == 0) {
        *path = location + 5;
        return 0;
    }
    const char *colon = strstr(location, "://");
    if (colon) {
        return floe_error_set(FLOE_EINVALID,
                              "location '%s' is not a local path: the local storage only "
                              "accepts paths and file:// URIs",
                              location);
    }
    *path = location;
    return 0;
}

/* Appends `path` (absolute, or relative to the working directory) as normalised components:
 * no empty, "." or ".." components remain. */
static int normalise(floe_buf *out, const char *path)
{
    floe_buf tmp = FLOE_BUF_INIT;
    int rc = 0;
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return floe_error_set(FLOE_EIO, "cannot read the working directory: %s",
                                  strerror(errno));
        rc = floe_buf_printf(&tmp, "%s/%s", cwd, path);
    } else {
        rc = floe_buf_printf(&tmp, "%s", path);
    }
    if (rc) {
        floe_buf_free(&tmp);
        return rc;
    }
    const char *s = (const char *)tmp.data;
    size_t n = tmp.len;
    size_t i = 0;
    while (i < n && rc == 0) {
        while (i < n && s[i] == '/')
            i++;
        size_t start = i;
        while (i < n && s[i] != '/')
            i++;
        size_t len = i - start;
        if (len == 0 || (len == 1 && s[start] == '.'))
            continue;
        if (len == 2 && s[start] == '.' && s[start + 1] == '.') {
            while (out->len > 0 && out->data[out->len - 1] != '/')
                out->len--;
            if (out->len > 0)
                out->len--;
            continue;
        }
        rc = floe_buf_printf(out, "/%.*s", (int)len, s + start);
    }
    if (rc == 0 && out->len == 0)
        rc = floe_buf_printf(out, "/");
    floe_buf_free(&tmp);
    return rc;
}

/* Resolves symlinks in the longest existing prefix of the normalised absolute `abs`. */
static int resolve_existing(char **out, const char *abs)
{
    size_t n = strlen(abs);
    char *work = floe_strdup(abs);
    if (!work)
        return floe_error_set(FLOE_ENOMEM, "out of memory resolving '%s'", abs);
    size_t cut = n;
    for (;;) {
        char real[PATH_MAX];
        work[cut] = '\0';
        const char *probe = cut == 0 ? "/" : work;
        if (realpath(probe, real)) {
            floe_buf b = FLOE_BUF_INIT;
            int rc = floe_buf_printf(&b, "%s", real);
            if (rc == 0 && cut < n) {
                if (b.len == 1)
                    b.len = 0; /* the root "/" is joined without a doubled slash */
                rc = floe_buf_printf(&b, "%s", abs + cut);
            }
            floe_free(work);
            if (rc) {
                floe_buf_free(&b);
                return rc;
            }
            char *s = floe_strndup((const char *)b.data, b.len);
            floe_buf_free(&b);
            if (!s)
                return floe_error_set(FLOE_ENOMEM, "out of memory resolving '%s'", abs);
            *out = s;
            return 0;
        }
        if (errno != ENOENT && errno != ENOTDIR) {
            int e = errno;
            floe_free(work);
            return floe_error_set(e == EACCES ? FLOE_EPERM : FLOE_EIO, "cannot resolve '%s': %s",
                                  abs, strerror(e));
        }
        if (cut == 0) {
            floe_free(work);
            return floe_error_set(FLOE_EIO, "cannot resolve '/'");
        }
        do
            cut--;
        while (cut > 0 && abs[cut] != '/');
    }
}

static int is_within(const char *path, const char *root)
{
    size_t rn = strlen(root);
    if (rn == 1 && root[0] == '/')
        return 1;
    return strncmp(path, root, rn) == 0 && (path[rn] == '\0' || path[rn] == '/');
}

int floe_local_resolve(char **out, const char *root, const char *location)
{
    if (!out || !location)
        return floe_error_set(FLOE_EINVALID, "floe_local_resolve: NULL argument");
    *out = NULL;
    const char *path = NULL;
    int rc = strip_file_scheme(&path, location);
    if (rc)
        return rc;
    if (path[0] == '\0')
        return floe_error_set(FLOE_EINVALID, "empty location");
    floe_buf norm = FLOE_BUF_INIT;
    rc = normalise(&norm, path);
    char *abs = rc ? NULL : floe_strndup((const char *)norm.data, norm.len);
    floe_buf_free(&norm);
    if (rc)
        return rc;
    if (!abs)
        return floe_error_set(FLOE_ENOMEM, "out of memory resolving '%s'", location);
    char *resolved = NULL;
    rc = resolve_existing(&resolved, abs);
    floe_free(abs);
    if (rc)
        return rc;
    if (root) {
        char *root_real = NULL;
        rc = floe_local_resolve(&root_real, NULL, root);
        if (rc == 0 && !is_within(resolved, root_real)) {
            rc = floe_error_set(FLOE_EPERM,
                                "location '%s' resolves to '%s', outside the warehouse '%s'; "
                                "use a location under the warehouse",
                                location, resolved, root_real);
        }
        floe_free(root_real);
        if (rc) {
            floe_free(resolved);
            return rc;
        }
    }
    *out = resolved;
    return 0;
}
