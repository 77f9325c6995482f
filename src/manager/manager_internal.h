/* Internal state shared by the manager's files. */
#ifndef FLOE_MANAGER_INTERNAL_H
#define FLOE_MANAGER_INTERNAL_H

#include <floe/iceberg/metadata.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/update.h>
#include <floe/io.h>
#include <floe/plugins/catalog.h>
#include <floe/registry.h>
#include <floe/table.h>

struct floe_manager {
    char *warehouse;
    char *catalog_uri;
    char *catalog_name;
    floe_registry *registry;      /* owns the registry's plugins */
    floe_catalog_plugin *catalog; /* borrowed from the registry */
    floe_file_io *io;             /* borrowed (options) or own_io */
    floe_file_io *own_io;
    int64_t target_file_size;
    int64_t row_group_size;
    int compression;
    unsigned int commit_retries;
    unsigned int retry_base_ms;
    size_t max_open_writers;
};

struct floe_table {
    floe_manager *m;
    char *ident;
    char *ns;
    char *name;
    char *metadata_location;
    floe_table_metadata *md;
    floe_schema *schema;       /* current schema */
    floe_partition_spec *spec; /* default spec */
};

/* A directory catalog over `io`: namespaces and table pointers under <root>/_catalog.
 * Commits are compare-and-swap by exclusive creation of the next pointer file. */

/* Splits "a.b.t" into namespace "a.b" and name "t" (transfer full). */
int floe_manager__split_ident(char **ns, char **name, const char *ident);

/* Sets t->md, schema, spec, metadata_location from a LoadTableResult. */
int floe_manager__table_set_result(floe_table *t, const json_t *result);

/* Parses schema text into Iceberg schema JSON (transfer full, free()). */
int floe_manager__schema_text_to_json(char **out, const char *text);
/* Parses "day(ts), bucket(16, id)" against a schema into a spec JSON (transfer full). */
int floe_manager__spec_text_to_json(char **out, const char *text, const floe_schema *schema);
/* Parses "id, ts desc nulls last" into a sort order JSON (transfer full). */
int floe_manager__sort_text_to_json(char **out, const char *text, const floe_schema *schema);
/* An Arrow struct schema of the schema's columns (field ids in metadata). */
int floe_manager__arrow_schema(struct ArrowSchema *out, const floe_schema *schema,
                               const int32_t *ids, size_t id_count);
/* Iceberg schema JSON from an Arrow struct schema (for `--like`). */
int floe_manager__schema_json_from_arrow(char **out, const struct ArrowSchema *schema);

/* Commits requirements and updates through the catalog; on success refreshes t. */
int floe_manager__commit(floe_table *t, floe_table_requirement *const *reqs, size_t nreq,
                         floe_table_update *const *upds, size_t nupd);

/* Starts the trace span "floe.table.<operation>" (a child of the current span) with the
 * floe.table attribute; NULL when tracing is off (the span functions accept NULL). */
struct floe_span *floe_manager__span_start(const floe_table *t, const char *operation);
/* Ends a span of floe_manager__span_start(), with error status (the error's name) when rc is
 * non-zero; returns rc unchanged. */
int floe_manager__span_end(struct floe_span *span, int rc);

/* The integer table property `key` (dflt when unset); FLOE_EINVALID naming the property when
 * it is not an integer of at least `min`. */
int floe_manager__int_property(int64_t *out, const floe_table *t, const char *key, int64_t dflt,
                               int64_t min);

/* Logs one operation line and returns rc unchanged. */
int floe_manager__log_op(const floe_table *t, const char *ident, const char *operation,
                         const char *mode, int64_t records, int rc);

#endif
