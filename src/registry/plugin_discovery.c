/* Discovery of loadable plugins: shared objects in the directories given by the caller, then
 * FLOE_PLUGIN_PATH, then the install's plugin directory. The descriptor's ABI block is read
 * from the file itself before the library is mapped, so a library built for another ABI
 * never runs any code (not even its constructors) in this process. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <elf.h>
#include <link.h>
#define FLOE_HAVE_ELF 1
#endif

#include <floe/error.h>
#include <floe/log.h>
#include <floe/registry.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "registry/registry_internal.h"

#ifndef FLOE_PLUGIN_INSTALL_DIR
#define FLOE_PLUGIN_INSTALL_DIR "/usr/local/lib/floe/plugins"
#endif

/* Plugins are ordinary libraries; a symbol table larger than this is not one of them. */
#define ELF_MAX_TABLE (64u * 1024u * 1024u)

static int record(floe_registry *r, const char *path, int accepted, int code, const char *reason,
                  const floe_plugin_def *def)
{
    struct floe_discovery_record rec = {0};
    rec.path = floe_strdup(path);
    rec.reason = floe_strdup(reason ? reason : "");
    rec.name = def && def->name ? floe_strdup(def->name) : NULL;
    rec.accepted = accepted;
    rec.code = code;
    rec.type = def ? (int)def->type : -1;
    if (!rec.path || !rec.reason || (def && def->name && !rec.name))
        goto oom;
    pthread_mutex_lock(&r->mu);
    if (r->ndisc == r->capdisc) {
        size_t ncap = r->capdisc ? r->capdisc * 2 : 8, bytes;
        struct floe_discovery_record *p = NULL;
        if (floe_mul_size(ncap, sizeof *p, &bytes) == 0)
            p = floe_realloc(r->disc, bytes);
        if (!p) {
            pthread_mutex_unlock(&r->mu);
            goto oom;
        }
        r->disc = p;
        r->capdisc = ncap;
    }
    r->disc[r->ndisc++] = rec;
    pthread_mutex_unlock(&r->mu);
    return 0;
oom:
    floe_free(rec.path);
    floe_free(rec.reason);
    floe_free(rec.name);
    return FLOE_ENOMEM;
}

/* Records and logs a refusal; returns `code` with the message as last error. */
static int refuse(floe_registry *r, const char *path, int code, const floe_plugin_def *def)
{
    char *msg = floe_strdup(floe_error_last());
    const char *m = msg ? msg : floe_strerror(code);
    floe_log(FLOE_LOG_WARN, "plugin refused", "file", path, "reason", m, "code",
             floe_error_name(code), NULL);
    if (record(r, path, 0, code, m, def) != 0) {
        floe_free(msg);
        return floe_error_set(FLOE_ENOMEM, "out of memory recording a plugin refusal");
    }
    floe_error_set(code, "%s", m);
    floe_free(msg);
    return code;
}

#ifdef FLOE_HAVE_ELF
static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

static void *read_table(int fd, uint64_t off, uint64_t size, uint64_t file_size)
{
    if (size == 0 || size > ELF_MAX_TABLE || off > file_size || size > file_size - off)
        return NULL;
    void *p = floe_malloc((size_t)size);
    if (p && pread_all(fd, p, (size_t)size, off) != 0) {
        floe_free(p);
        return NULL;
    }
    return p;
}

/* Outcome of reading the ABI block from the file: 0 found and valid, 1 not decidable from the
 * file (fall back to checking after dlopen), or a negative code with the message set. */
static int elf_precheck(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return floe_error_set(FLOE_EPLUGIN, "cannot open: %s", strerror(errno));
    int rc = 1;
    ElfW(Shdr) *sh = NULL;
    ElfW(Sym) *syms = NULL;
    char *strs = NULL;
    struct stat st;
    ElfW(Ehdr) eh;
    if (fstat(fd, &st) != 0 || pread_all(fd, &eh, sizeof eh, 0) != 0) {
        rc = floe_error_set(FLOE_EPLUGIN, "not an ELF shared object (too short)");
        goto out;
    }
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        rc = floe_error_set(FLOE_EPLUGIN, "not an ELF shared object (bad magic)");
        goto out;
    }
    unsigned char want_class = sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32;
    if (eh.e_ident[EI_CLASS] != want_class) {
        rc = floe_error_set(FLOE_EPLUGIN,
                            "plugin ABI block mismatch in field 'sizeof_pointer': the library is "
                            "ELF class %u, this floe needs class %u; rebuild the plugin",
                            eh.e_ident[EI_CLASS], want_class);
        goto out;
    }
    const uint16_t probe = 1;
    unsigned char want_data = *(const unsigned char *)&probe ? ELFDATA2LSB : ELFDATA2MSB;
    if (eh.e_ident[EI_DATA] != want_data) {
        rc = floe_error_set(FLOE_EPLUGIN,
                            "plugin ABI block mismatch in field 'byte_order': the library's byte "
                            "order differs from this machine's; rebuild the plugin");
        goto out;
    }
    uint64_t fsize = (uint64_t)st.st_size;
    if (eh.e_shentsize != sizeof(ElfW(Shdr)) || eh.e_shnum == 0)
        goto out; /* no usable section headers: decide after dlopen */
    sh = read_table(fd, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(ElfW(Shdr)), fsize);
    if (!sh)
        goto out;
    for (size_t i = 0; i < eh.e_shnum && rc == 1; i++) {
        if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_entsize != sizeof(ElfW(Sym)) ||
            sh[i].sh_link >= eh.e_shnum)
            continue;
        syms = read_table(fd, sh[i].sh_offset, sh[i].sh_size, fsize);
        const ElfW(Shdr) *strsec = &sh[sh[i].sh_link];
        strs = read_table(fd, strsec->sh_offset, strsec->sh_size, fsize);
        if (!syms || !strs)
            break;
        size_t nsyms = sh[i].sh_size / sizeof(ElfW(Sym));
        size_t strsz = strsec->sh_size;
        int found = 0;
        for (size_t k = 0; k < nsyms; k++) {
            const ElfW(Sym) *s = &syms[k];
            if (s->st_name >= strsz || s->st_shndx == SHN_UNDEF || s->st_shndx >= eh.e_shnum)
                continue;
            const char *nm = strs + s->st_name;
            if (strnlen(nm, strsz - s->st_name) == strsz - s->st_name ||
                strcmp(nm, FLOE_PLUGIN_SYMBOL) != 0)
                continue;
            found = 1;
            const ElfW(Shdr) *sec = &sh[s->st_shndx];
            if (s->st_size < sizeof(floe_plugin_abi)) {
                rc = floe_error_set(FLOE_EPLUGIN,
                                    "symbol '%s' is %llu bytes, too small for an ABI block; "
                                    "define it with FLOE_PLUGIN_DEFINE",
                                    FLOE_PLUGIN_SYMBOL, (unsigned long long)s->st_size);
                break;
            }
            if (sec->sh_type == SHT_NOBITS) {
                rc = floe_error_set(FLOE_EPLUGIN,
                                    "plugin ABI block mismatch in field 'magic': symbol '%s' is "
                                    "zero-initialised; define it with FLOE_PLUGIN_DEFINE",
                                    FLOE_PLUGIN_SYMBOL);
                break;
            }
            if (sec->sh_size < sizeof(floe_plugin_abi) || s->st_value < sec->sh_addr ||
                s->st_value - sec->sh_addr > sec->sh_size - sizeof(floe_plugin_abi))
                break; /* odd layout: decide after dlopen */
            uint64_t off = sec->sh_offset + (s->st_value - sec->sh_addr);
            floe_plugin_abi abi;
            if (off > fsize || fsize - off < sizeof abi || pread_all(fd, &abi, sizeof abi, off))
                break;
            int crc = floe_plugin_abi_check(&abi);
            rc = crc ? crc : 0;
            break;
        }
        if (!found && rc == 1)
            rc = floe_error_set(FLOE_EPLUGIN,
                                "no '%s' symbol: not a floe plugin (build it with "
                                "FLOE_PLUGIN_DEFINE)",
                                FLOE_PLUGIN_SYMBOL);
    }
out:
    floe_free(sh);
    floe_free(syms);
    floe_free(strs);
    close(fd);
    return rc;
}
#endif

int floe_registry_load_file(floe_registry *r, const char *path)
{
    if (!r || !path)
        return floe_error_set(FLOE_EINVALID, "floe_registry_load_file: NULL argument");
#ifdef FLOE_HAVE_ELF
    int pre = elf_precheck(path);
    if (pre < 0) {
        if (pre == FLOE_ENOMEM)
            return pre;
        return refuse(r, path, pre, NULL);
    }
#endif
    dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *e = dlerror();
        floe_error_set(FLOE_EPLUGIN, "cannot load the library: %s", e ? e : "unknown error");
        return refuse(r, path, FLOE_EPLUGIN, NULL);
    }
    const floe_plugin_def *def = dlsym(dl, FLOE_PLUGIN_SYMBOL);
    if (!def) {
        dlclose(dl);
        floe_error_set(FLOE_EPLUGIN,
                       "no '%s' symbol: not a floe plugin (build it with FLOE_PLUGIN_DEFINE)",
                       FLOE_PLUGIN_SYMBOL);
        return refuse(r, path, FLOE_EPLUGIN, NULL);
    }
    /* Checked again in memory: the file check above may have been inconclusive. */
    int rc = floe_plugin_abi_check(&def->abi);
    if (rc) {
        dlclose(dl);
        return refuse(r, path, rc, NULL);
    }
    rc = floe_registry__register(r, def, path, dl);
    if (rc) {
        /* The descriptor is valid ABI-wise, so its name is safe to report. */
        char name[160];
        snprintf(name, sizeof name, "%s", def->name ? def->name : "");
        floe_plugin_def copy = *def;
        copy.name = name;
        dlclose(dl);
        return refuse(r, path, rc, &copy);
    }
    floe_log(FLOE_LOG_DEBUG, "plugin loaded", "file", path, "plugin", def->name, "type",
             floe_plugin_type_name(def->type), NULL);
    if (record(r, path, 1, 0, "", def) != 0)
        return floe_error_set(FLOE_ENOMEM, "out of memory recording a loaded plugin");
    return 0;
}

static int is_shared_object(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '.')
        return 0;
    return (n > 3 && strcmp(name + n - 3, ".so") == 0) || strstr(name, ".so.") != NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether `real` was already considered (the same file reached through two directories). */
static int already_seen(floe_registry *r, const char *real)
{
    int seen = 0;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->ndisc && !seen; i++) {
        char rp[PATH_MAX];
        if (realpath(r->disc[i].path, rp) && strcmp(rp, real) == 0)
            seen = 1;
    }
    pthread_mutex_unlock(&r->mu);
    return seen;
}

static int scan_dir(floe_registry *r, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno != ENOENT)
            floe_log(FLOE_LOG_INFO, "plugin directory skipped", "dir", dir, "reason",
                     strerror(errno), NULL);
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_shared_object(de->d_name))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16, bytes;
            char **p = NULL;
            if (floe_mul_size(ncap, sizeof *p, &bytes) == 0)
                p = floe_realloc(names, bytes);
            if (!p) {
                rc = FLOE_ENOMEM;
                break;
            }
            names = p;
            cap = ncap;
        }
        if (!(names[n] = floe_strdup(de->d_name))) {
            rc = FLOE_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && rc != FLOE_ENOMEM; i++) {
        floe_buf p = FLOE_BUF_INIT;
        size_t dl = strlen(dir);
        if (floe_buf_printf(&p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names[i]) !=
                0 ||
            !floe_buf_cstr(&p)) {
            floe_buf_free(&p);
            rc = FLOE_ENOMEM;
            break;
        }
        const char *path = floe_buf_cstr(&p);
        struct stat st;
        char real[PATH_MAX];
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && realpath(path, real) &&
            !already_seen(r, real)) {
            int lrc = floe_registry_load_file(r, path);
            if (lrc == FLOE_ENOMEM)
                rc = FLOE_ENOMEM;
        }
        floe_buf_free(&p);
    }
    for (size_t i = 0; i < n; i++)
        floe_free(names[i]);
    floe_free(names);
    if (rc == FLOE_ENOMEM)
        return floe_error_set(FLOE_ENOMEM, "out of memory discovering plugins in '%s'", dir);
    return 0;
}

int floe_registry_discover(floe_registry *r, const char *const *dirs, size_t ndirs)
{
    if (!r || (!dirs && ndirs))
        return floe_error_set(FLOE_EINVALID, "floe_registry_discover: NULL argument");
    int rc = 0;
    for (size_t i = 0; i < ndirs && rc == 0; i++)
        if (dirs[i] && dirs[i][0])
            rc = scan_dir(r, dirs[i]);
    const char *env = r->opts.ignore_env_path ? NULL : getenv("FLOE_PLUGIN_PATH");
    if (env && rc == 0) {
        char *copy = floe_strdup(env);
        if (!copy)
            return floe_error_set(FLOE_ENOMEM, "out of memory reading FLOE_PLUGIN_PATH");
        char *p = copy;
        while (p && rc == 0) {
            char *colon = strchr(p, ':');
            if (colon)
                *colon = '\0';
            if (*p)
                rc = scan_dir(r, p);
            p = colon ? colon + 1 : NULL;
        }
        floe_free(copy);
    }
    if (rc == 0 && !r->opts.skip_install_dir)
        rc = scan_dir(r, FLOE_PLUGIN_INSTALL_DIR);
    return rc;
}
