#include <floe/arrow/schema.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "arrow/path.h"
#include "base/alloc.h"
#include "base/buf.h"

/* Deep copies and comparisons recurse; a foreign tree with a cycle must not overflow the
 * stack, so recursion stops at this depth. */
#define SCHEMA_MAX_DEPTH 64

typedef struct schema_private {
    char *format;
    char *name;
    char *metadata;
} schema_private;

static void schema_release(struct ArrowSchema *s)
{
    if (!s || !s->release)
        return;
    for (int64_t i = 0; i < s->n_children; i++) {
        struct ArrowSchema *c = s->children ? s->children[i] : NULL;
        if (c && c->release)
            c->release(c);
        floe_free(c);
    }
    floe_free(s->children);
    if (s->dictionary) {
        if (s->dictionary->release)
            s->dictionary->release(s->dictionary);
        floe_free(s->dictionary);
    }
    schema_private *p = s->private_data;
    if (p) {
        floe_free(p->format);
        floe_free(p->name);
        floe_free(p->metadata);
        floe_free(p);
    }
    memset(s, 0, sizeof *s);
}

static int is_owned(const struct ArrowSchema *s)
{
    return s && s->release == schema_release && s->private_data;
}

static int not_owned(const char *what)
{
    return floe_error_set(FLOE_EINVALID,
                          "%s: the Arrow schema was not made by floe_arrow_schema_init()", what);
}

int floe_arrow_schema_init(struct ArrowSchema *out, const char *format, const char *name,
                           int64_t flags)
{
    memset(out, 0, sizeof *out);
    schema_private *p = floe_calloc(1, sizeof *p);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory making an Arrow schema");
    p->format = floe_strdup(format ? format : "");
    p->name = floe_strdup(name ? name : "");
    if (!p->format || !p->name) {
        floe_free(p->format);
        floe_free(p->name);
        floe_free(p);
        return floe_error_set(FLOE_ENOMEM, "out of memory making an Arrow schema");
    }
    out->format = p->format;
    out->name = p->name;
    out->flags = flags;
    out->private_data = p;
    out->release = schema_release;
    return 0;
}

int floe_arrow_schema_init_type(struct ArrowSchema *out, const floe_arrow_type *type,
                                const char *name, int64_t flags)
{
    char small[FLOE_ARROW_FORMAT_MAX];
    char *fmt = small;
    size_t cap = sizeof small;
    if (type->timezone_len + 8 > cap) {
        cap = type->timezone_len + 8;
        fmt = floe_malloc(cap);
        if (!fmt) {
            memset(out, 0, sizeof *out);
            return floe_error_set(FLOE_ENOMEM, "out of memory making an Arrow schema");
        }
    }
    int rc = floe_arrow_type_format(fmt, cap, type);
    if (rc == 0)
        rc = floe_arrow_schema_init(out, fmt, name, flags);
    else
        memset(out, 0, sizeof *out);
    if (fmt != small)
        floe_free(fmt);
    return rc;
}

int floe_arrow_schema_alloc_children(struct ArrowSchema *s, int64_t n)
{
    if (!is_owned(s))
        return not_owned("allocating children");
    if (s->n_children != 0 || n < 0)
        return floe_error_set(FLOE_EINVALID, "field '%s' already has children (or n < 0)", s->name);
    if (n == 0)
        return 0;
    size_t bytes;
    if ((uint64_t)n > SIZE_MAX || floe_mul_size((size_t)n, sizeof(struct ArrowSchema *), &bytes))
        return floe_error_set(FLOE_EINVALID, "too many children (%lld)", (long long)n);
    struct ArrowSchema **kids = floe_calloc(1, bytes);
    if (!kids)
        return floe_error_set(FLOE_ENOMEM, "out of memory allocating schema children");
    for (int64_t i = 0; i < n; i++) {
        kids[i] = floe_calloc(1, sizeof **kids);
        if (!kids[i]) {
            for (int64_t j = 0; j < i; j++)
                floe_free(kids[j]);
            floe_free(kids);
            return floe_error_set(FLOE_ENOMEM, "out of memory allocating schema children");
        }
    }
    s->children = kids;
    s->n_children = n;
    return 0;
}

int floe_arrow_schema_alloc_dictionary(struct ArrowSchema *s)
{
    if (!is_owned(s))
        return not_owned("allocating a dictionary");
    if (s->dictionary)
        return floe_error_set(FLOE_EINVALID, "field '%s' already has a dictionary", s->name);
    s->dictionary = floe_calloc(1, sizeof *s->dictionary);
    if (!s->dictionary)
        return floe_error_set(FLOE_ENOMEM, "out of memory allocating a schema dictionary");
    return 0;
}

static int replace_string(char **slot, const char *value)
{
    char *copy = floe_strdup(value ? value : "");
    if (!copy)
        return floe_error_set(FLOE_ENOMEM, "out of memory setting an Arrow schema string");
    floe_free(*slot);
    *slot = copy;
    return 0;
}

int floe_arrow_schema_set_name(struct ArrowSchema *s, const char *name)
{
    if (!is_owned(s))
        return not_owned("setting the name");
    schema_private *p = s->private_data;
    int rc = replace_string(&p->name, name);
    s->name = p->name;
    return rc;
}

int floe_arrow_schema_set_format(struct ArrowSchema *s, const char *format)
{
    if (!is_owned(s))
        return not_owned("setting the format");
    schema_private *p = s->private_data;
    int rc = replace_string(&p->format, format);
    s->format = p->format;
    return rc;
}

static int32_t load_i32(const char *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void store_i32(uint8_t *p, int32_t v)
{
    memcpy(p, &v, 4);
}

int floe_arrow_metadata_iter_init(floe_arrow_metadata_iter *it, const char *metadata)
{
    it->pos = NULL;
    it->remaining = 0;
    if (!metadata)
        return 0;
    int32_t n = load_i32(metadata);
    if (n < 0)
        return floe_error_set(FLOE_EINVALID, "Arrow metadata has a negative pair count (%d)",
                              (int)n);
    it->pos = metadata + 4;
    it->remaining = n;
    return 0;
}

int floe_arrow_metadata_next(floe_arrow_metadata_iter *it, const char **key, int32_t *key_len,
                             const char **value, int32_t *value_len)
{
    if (it->remaining <= 0)
        return 0;
    int32_t kl = load_i32(it->pos);
    if (kl < 0)
        return floe_error_set(FLOE_EINVALID, "Arrow metadata has a negative key length (%d)",
                              (int)kl);
    const char *k = it->pos + 4;
    int32_t vl = load_i32(k + kl);
    if (vl < 0)
        return floe_error_set(FLOE_EINVALID, "Arrow metadata has a negative value length (%d)",
                              (int)vl);
    *key = k;
    *key_len = kl;
    *value = k + kl + 4;
    *value_len = vl;
    it->pos = k + kl + 4 + vl;
    it->remaining--;
    return 1;
}

int64_t floe_arrow_metadata_size(const char *metadata)
{
    if (!metadata)
        return 0;
    floe_arrow_metadata_iter it;
    if (floe_arrow_metadata_iter_init(&it, metadata) < 0)
        return -1;
    const char *k, *v;
    int32_t kl, vl;
    int rc;
    while ((rc = floe_arrow_metadata_next(&it, &k, &kl, &v, &vl)) == 1) {
    }
    if (rc < 0)
        return -1;
    return it.pos - metadata;
}

int floe_arrow_metadata_get(const char **value, int32_t *value_len, const char *metadata,
                            const char *key)
{
    floe_arrow_metadata_iter it;
    int rc = floe_arrow_metadata_iter_init(&it, metadata);
    if (rc < 0)
        return rc;
    size_t klen = strlen(key);
    const char *k, *v;
    int32_t kl, vl;
    while ((rc = floe_arrow_metadata_next(&it, &k, &kl, &v, &vl)) == 1) {
        if ((size_t)kl == klen && memcmp(k, key, klen) == 0) {
            *value = v;
            *value_len = vl;
            return 0;
        }
    }
    if (rc < 0)
        return rc;
    return FLOE_ENOTFOUND;
}

static int append_pair(floe_buf *b, const char *k, size_t kl, const char *v, size_t vl)
{
    if (kl > INT32_MAX || vl > INT32_MAX || b->len + kl + vl + 8 > INT32_MAX)
        return floe_error_set(FLOE_EINVALID, "Arrow metadata too large for int32 lengths");
    uint8_t len[4];
    store_i32(len, (int32_t)kl);
    int rc = floe_buf_append(b, len, 4);
    if (rc == 0)
        rc = floe_buf_append(b, k, kl);
    store_i32(len, (int32_t)vl);
    if (rc == 0)
        rc = floe_buf_append(b, len, 4);
    if (rc == 0)
        rc = floe_buf_append(b, v, vl);
    return rc;
}

static char *finish_blob(floe_buf *b, int32_t count)
{
    store_i32(b->data, count);
    size_t len;
    return (char *)floe_buf_detach(b, &len);
}

int floe_arrow_metadata_encode(char **out, const char *const *keys, const char *const *values,
                               size_t n_pairs)
{
    *out = NULL;
    if (n_pairs == 0)
        return 0;
    if (n_pairs > INT32_MAX)
        return floe_error_set(FLOE_EINVALID, "too many Arrow metadata pairs");
    floe_buf b = FLOE_BUF_INIT;
    uint8_t zero[4] = {0};
    int rc = floe_buf_append(&b, zero, 4);
    for (size_t i = 0; rc == 0 && i < n_pairs; i++)
        rc = append_pair(&b, keys[i], strlen(keys[i]), values[i], strlen(values[i]));
    if (rc < 0) {
        floe_buf_free(&b);
        return rc;
    }
    *out = finish_blob(&b, (int32_t)n_pairs);
    if (!*out)
        return floe_error_set(FLOE_ENOMEM, "out of memory encoding Arrow metadata");
    return 0;
}

void floe_arrow_metadata_free(char *metadata)
{
    floe_free(metadata);
}

static char *copy_blob(const char *metadata, int *rc)
{
    *rc = 0;
    if (!metadata)
        return NULL;
    int64_t size = floe_arrow_metadata_size(metadata);
    if (size < 0) {
        *rc = FLOE_EINVALID;
        return NULL;
    }
    char *copy = floe_malloc((size_t)size);
    if (!copy) {
        *rc = floe_error_set(FLOE_ENOMEM, "out of memory copying Arrow metadata");
        return NULL;
    }
    memcpy(copy, metadata, (size_t)size);
    return copy;
}

int floe_arrow_schema_set_metadata(struct ArrowSchema *s, const char *metadata)
{
    if (!is_owned(s))
        return not_owned("setting metadata");
    int rc;
    char *copy = copy_blob(metadata, &rc);
    if (rc < 0)
        return rc;
    schema_private *p = s->private_data;
    floe_free(p->metadata);
    p->metadata = copy;
    s->metadata = copy;
    return 0;
}

int floe_arrow_schema_metadata_set(struct ArrowSchema *s, const char *key, const char *value)
{
    if (!is_owned(s))
        return not_owned("setting metadata");
    floe_arrow_metadata_iter it;
    int rc = floe_arrow_metadata_iter_init(&it, s->metadata);
    if (rc < 0)
        return rc;
    floe_buf b = FLOE_BUF_INIT;
    uint8_t zero[4] = {0};
    rc = floe_buf_append(&b, zero, 4);
    int32_t count = 0;
    int replaced = 0;
    size_t klen = strlen(key);
    const char *k, *v;
    int32_t kl, vl;
    int more;
    while (rc == 0 && (more = floe_arrow_metadata_next(&it, &k, &kl, &v, &vl)) != 0) {
        if (more < 0) {
            rc = more;
            break;
        }
        if ((size_t)kl == klen && memcmp(k, key, klen) == 0) {
            replaced = 1;
            if (!value)
                continue;
            v = value;
            vl = (int32_t)strlen(value);
        }
        rc = append_pair(&b, k, (size_t)kl, v, (size_t)vl);
        count++;
    }
    if (rc == 0 && !replaced && value) {
        rc = append_pair(&b, key, klen, value, strlen(value));
        count++;
    }
    if (rc < 0) {
        floe_buf_free(&b);
        return rc;
    }
    schema_private *p = s->private_data;
    char *blob = NULL;
    if (count > 0) {
        blob = finish_blob(&b, count);
        if (!blob)
            return floe_error_set(FLOE_ENOMEM, "out of memory setting Arrow metadata");
    } else {
        floe_buf_free(&b);
    }
    floe_free(p->metadata);
    p->metadata = blob;
    s->metadata = blob;
    return 0;
}

int floe_arrow_schema_field_id(int32_t *out, const struct ArrowSchema *schema)
{
    const char *v;
    int32_t vl;
    int rc = floe_arrow_metadata_get(&v, &vl, schema->metadata, FLOE_ARROW_FIELD_ID_KEY);
    if (rc == FLOE_ENOTFOUND)
        return floe_error_set(FLOE_ENOTFOUND, "field '%s' has no %s metadata",
                              schema->name ? schema->name : "", FLOE_ARROW_FIELD_ID_KEY);
    if (rc < 0)
        return rc;
    char text[16];
    int ok = vl > 0 && vl < (int32_t)sizeof text;
    if (ok) {
        memcpy(text, v, (size_t)vl);
        text[vl] = '\0';
        char *end;
        errno = 0;
        long long id = strtoll(text, &end, 10);
        ok = errno == 0 && *end == '\0' && id >= INT32_MIN && id <= INT32_MAX &&
             (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'));
        if (ok) {
            *out = (int32_t)id;
            return 0;
        }
    }
    return floe_error_set(FLOE_EINVALID, "field '%s' has a %s that is not an int32: '%.*s'",
                          schema->name ? schema->name : "", FLOE_ARROW_FIELD_ID_KEY,
                          vl > 64 ? 64 : (int)vl, v);
}

static int copy_node(struct ArrowSchema *out, const struct ArrowSchema *src, int depth)
{
    memset(out, 0, sizeof *out);
    if (!src || !src->release)
        return floe_error_set(FLOE_EINVALID, "cannot copy a NULL or released Arrow schema");
    if (depth > SCHEMA_MAX_DEPTH)
        return floe_error_set(FLOE_EINVALID, "Arrow schema nests deeper than %d levels",
                              SCHEMA_MAX_DEPTH);
    if (src->n_children < 0 || (src->n_children > 0 && !src->children))
        return floe_error_set(FLOE_EINVALID, "field '%s' has n_children %lld but no children",
                              src->name ? src->name : "", (long long)src->n_children);
    int rc = floe_arrow_schema_init(out, src->format, src->name, src->flags);
    if (rc < 0)
        return rc;
    rc = floe_arrow_schema_set_metadata(out, src->metadata);
    if (rc == 0)
        rc = floe_arrow_schema_alloc_children(out, src->n_children);
    for (int64_t i = 0; rc == 0 && i < src->n_children; i++)
        rc = copy_node(out->children[i], src->children[i], depth + 1);
    if (rc == 0 && src->dictionary) {
        rc = floe_arrow_schema_alloc_dictionary(out);
        if (rc == 0)
            rc = copy_node(out->dictionary, src->dictionary, depth + 1);
    }
    if (rc < 0)
        schema_release(out);
    return rc;
}

int floe_arrow_schema_copy(struct ArrowSchema *out, const struct ArrowSchema *src)
{
    return copy_node(out, src, 0);
}

void floe_arrow_schema_move(struct ArrowSchema *dst, struct ArrowSchema *src)
{
    *dst = *src;
    src->release = NULL;
}

void floe_arrow_schema_release(struct ArrowSchema *schema)
{
    if (schema && schema->release)
        schema->release(schema);
}

static int differ(const floe_arrow__path *path, const char *what, const char *a, const char *b)
{
    return floe_error_set(FLOE_ESCHEMA, "field '%s': %s '%s' != '%s'",
                          path->len ? path->buf : "<root>", what, a ? a : "", b ? b : "");
}

static int compare_metadata(const floe_arrow__path *path, const char *ma, const char *mb)
{
    floe_arrow_metadata_iter ia, ib;
    if (floe_arrow_metadata_iter_init(&ia, ma) < 0 || floe_arrow_metadata_iter_init(&ib, mb) < 0)
        return FLOE_EINVALID;
    if (ia.remaining != ib.remaining)
        return floe_error_set(FLOE_ESCHEMA, "field '%s': %d metadata pairs != %d",
                              path->len ? path->buf : "<root>", (int)ia.remaining,
                              (int)ib.remaining);
    for (;;) {
        const char *ka, *va, *kb, *vb;
        int32_t kla, vla, klb, vlb;
        int ra = floe_arrow_metadata_next(&ia, &ka, &kla, &va, &vla);
        int rb = floe_arrow_metadata_next(&ib, &kb, &klb, &vb, &vlb);
        if (ra < 0 || rb < 0)
            return FLOE_EINVALID;
        if (ra == 0 || rb == 0)
            return 0;
        if (kla != klb || memcmp(ka, kb, (size_t)kla) != 0 || vla != vlb ||
            memcmp(va, vb, (size_t)vla) != 0)
            return floe_error_set(FLOE_ESCHEMA,
                                  "field '%s': metadata '%.*s'='%.*s' != '%.*s'='%.*s'",
                                  path->len ? path->buf : "<root>", (int)kla, ka, (int)vla, va,
                                  (int)klb, kb, (int)vlb, vb);
    }
}

static int compare_node(const struct ArrowSchema *a, const struct ArrowSchema *b,
                        unsigned int ignore, floe_arrow__path *path, int depth)
{
    if (!a || !b || !a->release || !b->release)
        return floe_error_set(FLOE_EINVALID, "field '%s': NULL or released Arrow schema",
                              path->len ? path->buf : "<root>");
    if (depth > SCHEMA_MAX_DEPTH)
        return floe_error_set(FLOE_EINVALID, "Arrow schema nests deeper than %d levels",
                              SCHEMA_MAX_DEPTH);
    if (strcmp(a->format ? a->format : "", b->format ? b->format : "") != 0)
        return differ(path, "format", a->format, b->format);
    if (!(ignore & FLOE_ARROW_COMPARE_IGNORE_NAMES) &&
        strcmp(a->name ? a->name : "", b->name ? b->name : "") != 0)
        return differ(path, "name", a->name, b->name);
    if (!(ignore & FLOE_ARROW_COMPARE_IGNORE_FLAGS) && a->flags != b->flags)
        return floe_error_set(FLOE_ESCHEMA, "field '%s': flags %lld != %lld",
                              path->len ? path->buf : "<root>", (long long)a->flags,
                              (long long)b->flags);
    if (!(ignore & FLOE_ARROW_COMPARE_IGNORE_METADATA)) {
        int rc = compare_metadata(path, a->metadata, b->metadata);
        if (rc < 0)
            return rc;
    }
    if (a->n_children != b->n_children)
        return floe_error_set(FLOE_ESCHEMA, "field '%s': %lld children != %lld",
                              path->len ? path->buf : "<root>", (long long)a->n_children,
                              (long long)b->n_children);
    for (int64_t i = 0; i < a->n_children; i++) {
        if (!a->children || !b->children)
            return floe_error_set(FLOE_EINVALID, "field '%s': children array is NULL",
                                  path->len ? path->buf : "<root>");
        const struct ArrowSchema *ca = a->children[i];
        size_t old = floe_arrow__path_push_name(path, ca && ca->name ? ca->name : "?");
        int rc = compare_node(ca, b->children[i], ignore, path, depth + 1);
        floe_arrow__path_pop(path, old);
        if (rc < 0)
            return rc;
    }
    if (!a->dictionary != !b->dictionary)
        return floe_error_set(FLOE_ESCHEMA, "field '%s': dictionary-encoded on one side only",
                              path->len ? path->buf : "<root>");
    if (a->dictionary) {
        size_t old = floe_arrow__path_push_marker(path, "<dictionary>");
        int rc = compare_node(a->dictionary, b->dictionary, ignore, path, depth + 1);
        floe_arrow__path_pop(path, old);
        return rc;
    }
    return 0;
}

int floe_arrow_schema_compare(const struct ArrowSchema *a, const struct ArrowSchema *b,
                              unsigned int ignore)
{
    floe_arrow__path path;
    floe_arrow__path_init(&path);
    return compare_node(a, b, ignore, &path, 0);
}

int floe_arrow_schema_equal(const struct ArrowSchema *a, const struct ArrowSchema *b)
{
    return floe_arrow_schema_compare(a, b, 0) == 0;
}
