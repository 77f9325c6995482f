/* The checks a plugin passes before any of its code runs: ABI block, API version gate,
 * semantic version of the plugin itself; and the names of plugin types and health states. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>
#include <floe/plugin.h>

static const char *const type_names[FLOE_PLUGIN_TYPE_COUNT] = {
    "compute", "orchestrator", "catalog",   "storage", "telemetry", "lineage",
    "dbt",     "semantic",     "ingestion", "secrets", "identity"};

const char *floe_plugin_type_name(int type)
{
    if (type < 0 || type >= FLOE_PLUGIN_TYPE_COUNT)
        return NULL;
    return type_names[type];
}

int floe_plugin_type_parse(floe_plugin_type *out, const char *name)
{
    for (int i = 0; name && i < FLOE_PLUGIN_TYPE_COUNT; i++)
        if (strcmp(type_names[i], name) == 0) {
            *out = (floe_plugin_type)i;
            return 0;
        }
    return floe_error_set(FLOE_EINVALID,
                          "unknown plugin type '%s': use one of compute, orchestrator, catalog, "
                          "storage, telemetry, lineage, dbt, semantic, ingestion, secrets, "
                          "identity",
                          name ? name : "(null)");
}

const char *floe_health_state_name(floe_health_state state)
{
    switch (state) {
    case FLOE_HEALTH_HEALTHY:
        return "healthy";
    case FLOE_HEALTH_DEGRADED:
        return "degraded";
    case FLOE_HEALTH_UNHEALTHY:
        return "unhealthy";
    }
    return "unknown";
}

static int differs(const char *field, unsigned long long got, unsigned long long want)
{
    return floe_error_set(FLOE_EPLUGIN,
                          "plugin ABI block mismatch in field '%s': the plugin has %llu (0x%llx), "
                          "this floe expects %llu (0x%llx); rebuild the plugin against this floe's "
                          "headers",
                          field, got, got, want, want);
}

int floe_plugin_abi_check(const floe_plugin_abi *abi)
{
    if (!abi)
        return floe_error_set(FLOE_EPLUGIN, "plugin has no ABI block");
    if (abi->magic != FLOE_PLUGIN_MAGIC)
        return differs("magic", abi->magic, FLOE_PLUGIN_MAGIC);
    if (abi->byte_order != FLOE_PLUGIN_BYTE_ORDER_MARK)
        return differs("byte_order", abi->byte_order, FLOE_PLUGIN_BYTE_ORDER_MARK);
    if (abi->abi_version != FLOE_PLUGIN_ABI_VERSION)
        return differs("abi_version", abi->abi_version, FLOE_PLUGIN_ABI_VERSION);
    /* A larger descriptor from a newer floe of the same ABI version is not readable safely
     * either: the layout must match exactly. */
    if (abi->descriptor_size != sizeof(floe_plugin_def))
        return differs("descriptor_size", abi->descriptor_size, sizeof(floe_plugin_def));
    if (abi->sizeof_pointer != sizeof(void *))
        return differs("sizeof_pointer", abi->sizeof_pointer, sizeof(void *));
    if (abi->sizeof_long != sizeof(long))
        return differs("sizeof_long", abi->sizeof_long, sizeof(long));
    if (abi->sizeof_size_t != sizeof(size_t))
        return differs("sizeof_size_t", abi->sizeof_size_t, sizeof(size_t));
    if (abi->sizeof_int != sizeof(int))
        return differs("sizeof_int", abi->sizeof_int, sizeof(int));
    if (abi->sizeof_double != sizeof(double))
        return differs("sizeof_double", abi->sizeof_double, sizeof(double));
    if (abi->reserved != 0)
        return differs("reserved", abi->reserved, 0);
    return 0;
}

int floe_plugin_api_compatible(unsigned int plugin_major, unsigned int plugin_minor,
                               const char *name)
{
    if (plugin_major == FLOE_PLUGIN_API_VERSION_MAJOR &&
        plugin_minor <= FLOE_PLUGIN_API_VERSION_MINOR)
        return 0;
    const char *why = plugin_major != FLOE_PLUGIN_API_VERSION_MAJOR
                          ? "the major versions differ"
                          : "the plugin needs a newer minor version";
    return floe_error_set(FLOE_EVERSION,
                          "plugin '%s' requires floe plugin API %u.%u but this floe provides "
                          "%u.%u (%s); use a plugin built for API %u.x with x <= %u",
                          name ? name : "(unnamed)", plugin_major, plugin_minor,
                          FLOE_PLUGIN_API_VERSION_MAJOR, FLOE_PLUGIN_API_VERSION_MINOR, why,
                          FLOE_PLUGIN_API_VERSION_MAJOR, FLOE_PLUGIN_API_VERSION_MINOR);
}

static int parse_number(uint64_t *out, const char **p)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s))
        return -1;
    if (s[0] == '0' && isdigit((unsigned char)s[1]))
        return -1; /* no leading zeros */
    uint64_t v = 0;
    while (isdigit((unsigned char)*s)) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
        s++;
    }
    *out = v;
    *p = s;
    return 0;
}

static int ident_chars(const char *s, const char *end)
{
    /* dot-separated identifiers of [0-9A-Za-z-], none empty */
    if (s == end)
        return -1;
    const char *seg = s;
    for (const char *c = s; c <= end; c++) {
        if (c == end || *c == '.') {
            if (c == seg)
                return -1;
            seg = c + 1;
            continue;
        }
        if (!isalnum((unsigned char)*c) && *c != '-')
            return -1;
    }
    return 0;
}

int floe_semver_parse(floe_semver *out, const char *text)
{
    if (!text)
        return floe_error_set(FLOE_EINVALID, "missing version: use MAJOR.MINOR.PATCH");
    const char *p = text;
    floe_semver v = {0, 0, 0, 0};
    if (parse_number(&v.major, &p) || *p++ != '.' || parse_number(&v.minor, &p) || *p++ != '.' ||
        parse_number(&v.patch, &p))
        return floe_error_set(FLOE_EINVALID,
                              "'%s' is not a semantic version: use MAJOR.MINOR.PATCH with no "
                              "leading zeros (e.g. 1.2.0)",
                              text);
    if (*p == '-') {
        const char *end = strchr(p + 1, '+');
        if (!end)
            end = p + strlen(p);
        if (ident_chars(p + 1, end))
            return floe_error_set(FLOE_EINVALID, "'%s' has an invalid pre-release part", text);
        v.has_prerelease = 1;
        p = end;
    }
    if (*p == '+') {
        if (ident_chars(p + 1, p + strlen(p)))
            return floe_error_set(FLOE_EINVALID, "'%s' has invalid build metadata", text);
        p += strlen(p);
    }
    if (*p)
        return floe_error_set(FLOE_EINVALID, "'%s' has trailing characters after the version",
                              text);
    if (out)
        *out = v;
    return 0;
}

int floe_semver_compare(const floe_semver *a, const floe_semver *b)
{
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor)
        return a->minor < b->minor ? -1 : 1;
    if (a->patch != b->patch)
        return a->patch < b->patch ? -1 : 1;
    if (a->has_prerelease != b->has_prerelease)
        return a->has_prerelease ? -1 : 1;
    return 0;
}
