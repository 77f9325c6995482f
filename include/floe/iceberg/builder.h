/**
 * @file floe/iceberg/builder.h
 * The metadata builder: the one commit path (DESIGN §2). It checks table requirements against
 * a base metadata and applies table updates to produce new metadata, maintaining
 * last-sequence-number, snapshot-log, metadata-log and last-updated-ms as the spec says.
 * It is pure: no I/O.
 */
#ifndef FLOE_ICEBERG_BUILDER_H
#define FLOE_ICEBERG_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "metadata.h"
#include "update.h"

FLOE_BEGIN_DECLS

/** A metadata builder (opaque, single-threaded). */
typedef struct floe_metadata_builder floe_metadata_builder;

/**
 * Starts a builder.
 * @param base (transfer none) the table's current metadata, or NULL to create a table.
 * @param base_location where `base` was read from (recorded in the new metadata-log), or NULL.
 * @param out (transfer full) free with floe_metadata_builder_free().
 */
FLOE_API int floe_metadata_builder_new(floe_metadata_builder **out, const floe_table_metadata *base,
                                       const char *base_location);

/**
 * Sets the clock used for last-updated-ms and snapshot-log entries (ms since the epoch);
 * by default the real time is read when needed.
 */
FLOE_API void floe_metadata_builder_set_now(floe_metadata_builder *b, int64_t now_ms);

/**
 * Checks requirements against the base metadata.
 * @return 0, or FLOE_ECONFLICT naming the failed requirement and the values compared.
 */
FLOE_API int floe_metadata_builder_check(floe_metadata_builder *b,
                                         floe_table_requirement *const *requirements, size_t count);

/**
 * Applies one update.
 * @return 0, FLOE_EINVALID naming the rule broken (unknown snapshot for a ref, removing the
 *         current schema, stale sequence number...), FLOE_EUNSUPPORTED (format version).
 *         After a failure the builder must only be freed.
 */
FLOE_API int floe_metadata_builder_apply(floe_metadata_builder *b, const floe_table_update *update);

/**
 * Produces the new metadata. When no update changed anything, returns the base itself.
 * @param out (transfer full)
 */
FLOE_API int floe_metadata_builder_build(floe_table_metadata **out, floe_metadata_builder *b);

/** Frees a builder (NULL is fine). */
FLOE_API void floe_metadata_builder_free(floe_metadata_builder *b);

/**
 * Check, apply, build in one call.
 * @param out (transfer full)
 */
FLOE_API int floe_table_metadata_commit(floe_table_metadata **out, const floe_table_metadata *base,
                                        const char *base_location,
                                        floe_table_requirement *const *requirements,
                                        size_t requirement_count, floe_table_update *const *updates,
                                        size_t update_count);

/** Options of floe_table_metadata_new_table(). */
typedef struct floe_new_table_options {
    unsigned int version;               /**< FLOE_NEW_TABLE_OPTIONS_VERSION */
    const char *location;               /**< table location (required) */
    const char *schema_json;            /**< schema (Appendix C, required); ids are reassigned */
    const char *spec_json;              /**< partition spec, NULL = unpartitioned */
    const char *sort_order_json;        /**< sort order, NULL = unsorted */
    const char *const *property_keys;   /**< table properties (may be NULL) */
    const char *const *property_values; /**< values for property_keys */
    size_t property_count;              /**< number of properties */
    int format_version;                 /**< 0 = FLOE_METADATA_WRITE_VERSION */
    const char *uuid;                   /**< NULL = a fresh random UUID */
} floe_new_table_options;

/** Version of floe_new_table_options. */
#define FLOE_NEW_TABLE_OPTIONS_VERSION 1
/** Initializer for floe_new_table_options. */
#define FLOE_NEW_TABLE_OPTIONS_INIT                                                                \
    {                                                                                              \
        FLOE_NEW_TABLE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL             \
    }

/**
 * The updates that create a table (assign-uuid, upgrade-format-version, add-schema with fresh
 * column ids, set-current-schema -1, add-spec with fresh partition field ids, set-default-spec
 * -1, add-sort-order, set-default-sort-order -1, set-location, set-properties), as the REST
 * protocol and the SQL catalog commit them with an assert-create requirement.
 * @param updates (transfer full) array of `*count` updates; free each with floe_update_free()
 *        and the array with free().
 */
FLOE_API int floe_table_create_updates(floe_table_update ***updates, size_t *count,
                                       const floe_new_table_options *options);

/**
 * Metadata of a new table: floe_table_create_updates() applied by the builder to nothing.
 * @param out (transfer full)
 */
FLOE_API int floe_table_metadata_new_table(floe_table_metadata **out,
                                           const floe_new_table_options *options);

FLOE_END_DECLS

#endif
