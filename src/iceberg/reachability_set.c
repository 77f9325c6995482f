/* floe_file_set: file locations with kinds, an insertion-ordered open-addressing hash set. */
#include <stdint.h>
#include <string.h>

#include <floe/error.h>

#include "base/alloc.h"
#include "iceberg/reachability_internal.h"

typedef struct entry {
    char *path;
    floe_file_kind kind;
    int live;
} entry;

struct floe_file_set {
    entry *entries; /* first-seen order; removed ones stay (live 0) until compaction */
    size_t entry_count;
    size_t entry_cap;
    size_t live_count;
    size_t *index; /* entry position + 1; 0 = empty */
    size_t index_cap;
};

static uint64_t hash_path(const char *p)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *p; p++) {
        h ^= (unsigned char)*p;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* The index slot holding `path`, or the empty slot where it would go. */
static size_t find_slot(const floe_file_set *s, const char *path)
{
    size_t i = (size_t)hash_path(path) & (s->index_cap - 1);
    while (s->index[i] && strcmp(s->entries[s->index[i] - 1].path, path) != 0)
        i = (i + 1) & (s->index_cap - 1);
    return i;
}

static int rehash(floe_file_set *s, size_t cap)
{
    size_t *idx = floe_calloc(cap, sizeof(size_t));
    if (!idx)
        return floe_error_set(FLOE_ENOMEM, "out of memory growing a file set");
    floe_free(s->index);
    s->index = idx;
    s->index_cap = cap;
    for (size_t e = 0; e < s->entry_count; e++)
        s->index[find_slot(s, s->entries[e].path)] = e + 1;
    return 0;
}

int floe_iceberg__file_set_new(floe_file_set **out)
{
    floe_file_set *s = floe_calloc(1, sizeof(*s));
    if (!s)
        return floe_error_set(FLOE_ENOMEM, "out of memory creating a file set");
    int rc = rehash(s, 64);
    if (rc) {
        floe_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int floe_iceberg__file_set_add(floe_file_set *s, const char *path, floe_file_kind kind)
{
    size_t slot = find_slot(s, path);
    if (s->index[slot]) {
        entry *e = &s->entries[s->index[slot] - 1];
        if (!e->live) {
            e->live = 1;
            e->kind = kind;
            s->live_count++;
        }
        return 0;
    }
    if (s->entry_count == s->entry_cap) {
        size_t cap = s->entry_cap ? s->entry_cap * 2 : 32, bytes;
        if (floe_mul_size(cap, sizeof(entry), &bytes) != 0)
            return floe_error_set(FLOE_ENOMEM, "file set too large");
        entry *n = floe_realloc(s->entries, bytes);
        if (!n)
            return floe_error_set(FLOE_ENOMEM, "out of memory growing a file set");
        s->entries = n;
        s->entry_cap = cap;
    }
    char *copy = floe_strdup(path);
    if (!copy)
        return floe_error_set(FLOE_ENOMEM, "out of memory copying a file path");
    s->entries[s->entry_count] = (entry){copy, kind, 1};
    s->index[slot] = ++s->entry_count;
    s->live_count++;
    /* keep the load factor under one half */
    if (s->entry_count * 2 > s->index_cap)
        return rehash(s, s->index_cap * 2);
    return 0;
}

void floe_iceberg__file_set_remove(floe_file_set *s, const char *path)
{
    size_t slot = find_slot(s, path);
    if (!s->index[slot])
        return;
    entry *e = &s->entries[s->index[slot] - 1];
    if (e->live) {
        e->live = 0;
        s->live_count--;
    }
}

void floe_iceberg__file_set_compact(floe_file_set *s)
{
    if (s->live_count == s->entry_count)
        return;
    size_t w = 0;
    for (size_t r = 0; r < s->entry_count; r++) {
        if (s->entries[r].live)
            s->entries[w++] = s->entries[r];
        else
            floe_free(s->entries[r].path);
    }
    s->entry_count = w;
    /* the index size is unchanged, so rebuilding cannot lose entries */
    memset(s->index, 0, s->index_cap * sizeof(size_t));
    for (size_t e = 0; e < s->entry_count; e++)
        s->index[find_slot(s, s->entries[e].path)] = e + 1;
}

size_t floe_file_set_count(const floe_file_set *s)
{
    return s->live_count;
}

const char *floe_file_set_at(const floe_file_set *s, size_t i, floe_file_kind *kind)
{
    if (i >= s->entry_count)
        return NULL;
    if (kind)
        *kind = s->entries[i].kind;
    return s->entries[i].path;
}

int floe_file_set_contains(const floe_file_set *s, const char *location)
{
    size_t slot = find_slot(s, location);
    return s->index[slot] && s->entries[s->index[slot] - 1].live;
}

size_t floe_file_set_count_kind(const floe_file_set *s, floe_file_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < s->entry_count; i++)
        n += s->entries[i].live && s->entries[i].kind == kind;
    return n;
}

void floe_file_set_free(floe_file_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->entry_count; i++)
        floe_free(s->entries[i].path);
    floe_free(s->entries);
    floe_free(s->index);
    floe_free(s);
}
