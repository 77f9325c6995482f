/* Row-level deletes (Iceberg position and equality delete files): which delete files apply to
 * a planned data file, and dropping the deleted rows of a data file's batches while scanning.
 * Kept apart from scan_internal.h: it needs <floe/iceberg/manifest.h>, whose
 * floe_column_metrics clashes with the expression header's. */
#ifndef FLOE_MANAGER_DELETES_H
#define FLOE_MANAGER_DELETES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <floe/arrow/abi.h>
#include <floe/iceberg/manifest.h>
#include <floe/iceberg/schema.h>
#include <floe/table.h>

/* Reserved field ids of a position delete file's columns (spec, Reserved Field IDs). */
#define FLOE_MANAGER_DELETE_FILE_PATH_ID 2147483546
#define FLOE_MANAGER_DELETE_POS_ID       2147483545

struct floe_manager_key_set;
struct floe_manager_pos_index;

/* One live delete file of the scanned snapshot. */
struct floe_manager_delete {
    floe_data_file *df;    /* owned copy */
    int64_t data_sequence; /* the entry's data sequence number */
    int32_t spec_id;       /* spec of the manifest that lists it */
    bool global;           /* an equality delete of an unpartitioned spec: applies everywhere */
    struct floe_manager_key_set *keys;        /* equality keys, loaded on first use by a scan */
    struct floe_manager_pos_index *positions; /* positions by data file, loaded on first use */
};

/* The delete files of a snapshot, sorted by data sequence number once collected. */
struct floe_manager_deletes {
    struct floe_manager_delete *files;
    size_t count, cap;
};

/* Adds the live delete files listed by delete manifest `mf` of table `t`. */
int floe_manager__deletes_collect(struct floe_manager_deletes *d, floe_table *t,
                                  const floe_manifest_file *mf);
/* Sorts the collected files by data sequence number (call once, before _for). */
void floe_manager__deletes_index(struct floe_manager_deletes *d);
/* Indexes (into d->files) of the delete files that apply to data file `df`, listed by a
 * manifest of spec `spec_id`, with data sequence number `data_sequence`. *out is NULL when
 * none apply. (transfer full, floe_free) */
int floe_manager__deletes_for(size_t **out, size_t *n, const struct floe_manager_deletes *d,
                              const floe_data_file *df, int32_t spec_id, int64_t data_sequence);
void floe_manager__deletes_free(struct floe_manager_deletes *d);

/* The row positions that position delete files d->files[idx[..]] delete from the data file
 * at `path`: sorted, without duplicates. *out NULL when none. (transfer full, floe_free) */
int floe_manager__positions_load(int64_t **out, size_t *n, floe_table *t,
                                 struct floe_manager_deletes *d, const size_t *idx, size_t nidx,
                                 const char *path);
/* Reads the keys of an equality delete file into del->keys unless already there; the key
 * columns are typed by `schema` (the table schema). */
int floe_manager__keys_load(struct floe_manager_delete *del, floe_table *t,
                            const floe_schema *schema);
/* Everything needed to drop the deleted rows of one data file at `path` whose applicable
 * delete files are d->files[idx[..]]: `pos` and `npos` its deleted positions (sorted; transfer
 * full, floe_free), `eq` and `neq` its equality deletes with their keys loaded (the array is
 * transfer full, floe_free; the entries are borrowed from d). Both NULL when nothing applies. */
int floe_manager__file_deletes_load(int64_t **pos, size_t *npos, struct floe_manager_delete ***eq,
                                    size_t *neq, floe_table *t, struct floe_manager_deletes *d,
                                    const size_t *idx, size_t nidx, const char *path,
                                    const floe_schema *schema);
void floe_manager__key_set_free(struct floe_manager_key_set *k);
void floe_manager__pos_index_free(struct floe_manager_pos_index *x);
/* Clears keep[r] for each row r of `batch` (a data file batch whose first row has file position
 * `base`) deleted by a position in pos[0..npos) or by a key of an equality delete in eq. */
int floe_manager__deletes_apply(uint8_t *keep, const struct ArrowSchema *fschema,
                                const struct ArrowArray *batch, int64_t base, const int64_t *pos,
                                size_t npos, struct floe_manager_delete *const *eq, size_t neq);

#endif
