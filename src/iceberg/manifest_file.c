/* Manifest list records (floe_manifest_file): copy and free. */
#include <string.h>

#include <floe/error.h>
#include <floe/iceberg/manifest.h>

#include "base/alloc.h"

static uint8_t *dup_bytes(const uint8_t *p, size_t n, int *fail)
{
    if (!p)
        return NULL;
    uint8_t *d = floe_malloc(n ? n : 1);
    if (!d) {
        *fail = 1;
        return NULL;
    }
    if (n)
        memcpy(d, p, n);
    return d;
}

void floe_manifest_file_free(floe_manifest_file *mf)
{
    if (!mf)
        return;
    floe_free(mf->path);
    for (size_t i = 0; i < mf->partition_count; i++) {
        floe_free(mf->partitions[i].lower_bound);
        floe_free(mf->partitions[i].upper_bound);
    }
    floe_free(mf->partitions);
    floe_free(mf->key_metadata);
    floe_free(mf);
}

int floe_manifest_file_copy(floe_manifest_file **out, const floe_manifest_file *src)
{
    *out = NULL;
    floe_manifest_file *mf = floe_calloc(1, sizeof(*mf));
    if (!mf)
        return floe_error_set(FLOE_ENOMEM, "out of memory copying a manifest record");
    *mf = *src;
    mf->path = NULL;
    mf->partitions = NULL;
    mf->partition_count = 0;
    mf->key_metadata = NULL;
    int fail = 0;
    mf->path = floe_strdup(src->path);
    if (src->path && !mf->path)
        fail = 1;
    mf->key_metadata = dup_bytes(src->key_metadata, src->key_metadata_len, &fail);
    if (!fail && src->partitions) {
        mf->partitions =
            floe_calloc(src->partition_count ? src->partition_count : 1, sizeof(*mf->partitions));
        if (!mf->partitions)
            fail = 1;
        for (size_t i = 0; !fail && i < src->partition_count; i++) {
            const floe_partition_field_summary *s = &src->partitions[i];
            floe_partition_field_summary *d = &mf->partitions[i];
            *d = *s;
            d->lower_bound = dup_bytes(s->lower_bound, s->lower_bound_len, &fail);
            d->upper_bound = dup_bytes(s->upper_bound, s->upper_bound_len, &fail);
            mf->partition_count++;
        }
    }
    if (fail) {
        floe_manifest_file_free(mf);
        return floe_error_set(FLOE_ENOMEM, "out of memory copying a manifest record");
    }
    *out = mf;
    return 0;
}
