/**
 * @file floe/iceberg/update.h
 * Table requirements and table updates: the commit vocabulary of the Iceberg REST protocol
 * (rest-catalog-open-api.yaml: TableRequirement, TableUpdate, CommitTableRequest). Every
 * change to a table is a list of requirements checked against the base metadata and a list of
 * updates applied by the metadata builder (floe/iceberg/builder.h). Both serialize to and
 * from the REST JSON exactly, so SQL and REST catalogs exchange the same commits.
 *
 * Requirement and update objects are immutable after creation.
 */
#ifndef FLOE_ICEBERG_UPDATE_H
#define FLOE_ICEBERG_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "../common.h"
#include "partition.h"
#include "schema.h"
#include "snapshot.h"
#include "sort_order.h"

FLOE_BEGIN_DECLS

/** Requirement types (the REST `type` discriminator). */
typedef enum floe_requirement_type {
    FLOE_REQ_ASSERT_CREATE = 1,                 /**< "assert-create" */
    FLOE_REQ_ASSERT_TABLE_UUID,                 /**< "assert-table-uuid" */
    FLOE_REQ_ASSERT_REF_SNAPSHOT_ID,            /**< "assert-ref-snapshot-id" */
    FLOE_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID,     /**< "assert-last-assigned-field-id" */
    FLOE_REQ_ASSERT_CURRENT_SCHEMA_ID,          /**< "assert-current-schema-id" */
    FLOE_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID, /**< "assert-last-assigned-partition-id" */
    FLOE_REQ_ASSERT_DEFAULT_SPEC_ID,            /**< "assert-default-spec-id" */
    FLOE_REQ_ASSERT_DEFAULT_SORT_ORDER_ID       /**< "assert-default-sort-order-id" */
} floe_requirement_type;

/** Update types (the REST `action` discriminator). */
typedef enum floe_update_type {
    FLOE_UPD_ASSIGN_UUID = 1,             /**< "assign-uuid" */
    FLOE_UPD_UPGRADE_FORMAT_VERSION,      /**< "upgrade-format-version" */
    FLOE_UPD_ADD_SCHEMA,                  /**< "add-schema" */
    FLOE_UPD_SET_CURRENT_SCHEMA,          /**< "set-current-schema" */
    FLOE_UPD_ADD_SPEC,                    /**< "add-spec" */
    FLOE_UPD_SET_DEFAULT_SPEC,            /**< "set-default-spec" */
    FLOE_UPD_ADD_SORT_ORDER,              /**< "add-sort-order" */
    FLOE_UPD_SET_DEFAULT_SORT_ORDER,      /**< "set-default-sort-order" */
    FLOE_UPD_ADD_SNAPSHOT,                /**< "add-snapshot" */
    FLOE_UPD_SET_SNAPSHOT_REF,            /**< "set-snapshot-ref" */
    FLOE_UPD_REMOVE_SNAPSHOTS,            /**< "remove-snapshots" */
    FLOE_UPD_REMOVE_SNAPSHOT_REF,         /**< "remove-snapshot-ref" */
    FLOE_UPD_SET_LOCATION,                /**< "set-location" */
    FLOE_UPD_SET_PROPERTIES,              /**< "set-properties" */
    FLOE_UPD_REMOVE_PROPERTIES,           /**< "remove-properties" */
    FLOE_UPD_SET_STATISTICS,              /**< "set-statistics" */
    FLOE_UPD_REMOVE_STATISTICS,           /**< "remove-statistics" */
    FLOE_UPD_SET_PARTITION_STATISTICS,    /**< "set-partition-statistics" */
    FLOE_UPD_REMOVE_PARTITION_STATISTICS, /**< "remove-partition-statistics" */
    FLOE_UPD_REMOVE_PARTITION_SPECS,      /**< "remove-partition-specs" */
    FLOE_UPD_REMOVE_SCHEMAS               /**< "remove-schemas" */
} floe_update_type;

/** A table requirement (opaque, immutable). */
typedef struct floe_table_requirement floe_table_requirement;
/** A table update (opaque, immutable). */
typedef struct floe_table_update floe_table_update;

/** "Last added" marker for set-current-schema, set-default-spec, set-default-sort-order. */
#define FLOE_LAST_ADDED (-1)

/* ---- requirements ---- */

/** assert-create: the table must not exist. (transfer full) */
FLOE_API int floe_requirement_assert_create(floe_table_requirement **out);
/** assert-table-uuid. (transfer full) */
FLOE_API int floe_requirement_assert_table_uuid(floe_table_requirement **out, const char *uuid);
/**
 * assert-ref-snapshot-id: `ref` must point at `snapshot_id`, or must not exist when
 * `snapshot_id` is FLOE_SNAPSHOT_ID_NONE (serialized as null). (transfer full)
 */
FLOE_API int floe_requirement_assert_ref_snapshot_id(floe_table_requirement **out, const char *ref,
                                                     int64_t snapshot_id);
/** assert-last-assigned-field-id. (transfer full) */
FLOE_API int floe_requirement_assert_last_assigned_field_id(floe_table_requirement **out,
                                                            int last_assigned_field_id);
/** assert-current-schema-id. (transfer full) */
FLOE_API int floe_requirement_assert_current_schema_id(floe_table_requirement **out,
                                                       int current_schema_id);
/** assert-last-assigned-partition-id. (transfer full) */
FLOE_API int floe_requirement_assert_last_assigned_partition_id(floe_table_requirement **out,
                                                                int last_assigned_partition_id);
/** assert-default-spec-id. (transfer full) */
FLOE_API int floe_requirement_assert_default_spec_id(floe_table_requirement **out,
                                                     int default_spec_id);
/** assert-default-sort-order-id. (transfer full) */
FLOE_API int floe_requirement_assert_default_sort_order_id(floe_table_requirement **out,
                                                           int default_sort_order_id);

/**
 * Parses one requirement object (`{"type":"assert-ref-snapshot-id","ref":"main",...}`).
 * @return 0, FLOE_ECORRUPT naming the field, FLOE_EUNSUPPORTED for an unknown type.
 */
FLOE_API int floe_requirement_from_json(floe_table_requirement **out, const char *json, size_t len);
/** Serializes a requirement (compact REST JSON). (transfer full) free with free(). */
FLOE_API int floe_requirement_to_json(char **out, const floe_table_requirement *req);
/** Requirement type. */
FLOE_API floe_requirement_type floe_requirement_get_type(const floe_table_requirement *req);
/** REST name of a requirement type ("assert-create"); never NULL. */
FLOE_API const char *floe_requirement_type_name(floe_requirement_type type);
/** Frees a requirement (NULL is fine). */
FLOE_API void floe_requirement_free(floe_table_requirement *req);

/* ---- updates ---- */

/** assign-uuid. (transfer full) */
FLOE_API int floe_update_assign_uuid(floe_table_update **out, const char *uuid);
/** upgrade-format-version. (transfer full) */
FLOE_API int floe_update_upgrade_format_version(floe_table_update **out, int format_version);
/**
 * add-schema.
 * @param schema_json an Appendix C schema object (its schema-id is reassigned on apply).
 * @param last_column_id deprecated REST field; -1 omits it (computed on apply).
 */
FLOE_API int floe_update_add_schema(floe_table_update **out, const char *schema_json,
                                    int last_column_id);
/** add-schema from a schema object. @param schema (transfer none) */
FLOE_API int floe_update_add_schema_object(floe_table_update **out, const floe_schema *schema,
                                           int last_column_id);
/** set-current-schema (FLOE_LAST_ADDED = the schema added by this commit). */
FLOE_API int floe_update_set_current_schema(floe_table_update **out, int schema_id);
/** add-spec: an Appendix C partition spec object. (transfer full) */
FLOE_API int floe_update_add_spec(floe_table_update **out, const char *spec_json);
/** add-spec from a partition spec object. @param spec (transfer none) */
FLOE_API int floe_update_add_spec_object(floe_table_update **out, const floe_partition_spec *spec);
/** set-default-spec (FLOE_LAST_ADDED allowed). */
FLOE_API int floe_update_set_default_spec(floe_table_update **out, int spec_id);
/** add-sort-order: an Appendix C sort order object. */
FLOE_API int floe_update_add_sort_order(floe_table_update **out, const char *sort_order_json);
/** add-sort-order from a sort order object. @param order (transfer none) */
FLOE_API int floe_update_add_sort_order_object(floe_table_update **out,
                                               const floe_sort_order *order);
/** set-default-sort-order (FLOE_LAST_ADDED allowed). */
FLOE_API int floe_update_set_default_sort_order(floe_table_update **out, int order_id);
/** add-snapshot. @param snapshot (transfer none) */
FLOE_API int floe_update_add_snapshot(floe_table_update **out, const floe_snapshot *snapshot);
/** set-snapshot-ref. @param ref (transfer none) validated with floe_snapshot_ref_validate. */
FLOE_API int floe_update_set_snapshot_ref(floe_table_update **out, const char *ref_name,
                                          const floe_snapshot_ref *ref);
/** remove-snapshots. */
FLOE_API int floe_update_remove_snapshots(floe_table_update **out, const int64_t *snapshot_ids,
                                          size_t count);
/** remove-snapshot-ref. */
FLOE_API int floe_update_remove_snapshot_ref(floe_table_update **out, const char *ref_name);
/** set-location. */
FLOE_API int floe_update_set_location(floe_table_update **out, const char *location);
/** set-properties (parallel arrays of `count` keys and values). */
FLOE_API int floe_update_set_properties(floe_table_update **out, const char *const *keys,
                                        const char *const *values, size_t count);
/** remove-properties. */
FLOE_API int floe_update_remove_properties(floe_table_update **out, const char *const *keys,
                                           size_t count);
/** set-statistics: a StatisticsFile object (with snapshot-id, statistics-path, ...). */
FLOE_API int floe_update_set_statistics(floe_table_update **out, const char *statistics_json);
/** remove-statistics. */
FLOE_API int floe_update_remove_statistics(floe_table_update **out, int64_t snapshot_id);
/** set-partition-statistics: a PartitionStatisticsFile object. */
FLOE_API int floe_update_set_partition_statistics(floe_table_update **out,
                                                  const char *partition_statistics_json);
/** remove-partition-statistics. */
FLOE_API int floe_update_remove_partition_statistics(floe_table_update **out, int64_t snapshot_id);
/** remove-partition-specs. */
FLOE_API int floe_update_remove_partition_specs(floe_table_update **out, const int *spec_ids,
                                                size_t count);
/** remove-schemas. */
FLOE_API int floe_update_remove_schemas(floe_table_update **out, const int *schema_ids,
                                        size_t count);

/**
 * Parses one update object (`{"action":"add-snapshot","snapshot":{...}}`).
 * @return 0, FLOE_ECORRUPT naming the field, FLOE_EUNSUPPORTED for an unknown action.
 */
FLOE_API int floe_update_from_json(floe_table_update **out, const char *json, size_t len);
/** Serializes an update (compact REST JSON). (transfer full) free with free(). */
FLOE_API int floe_update_to_json(char **out, const floe_table_update *upd);
/** Update type. */
FLOE_API floe_update_type floe_update_get_type(const floe_table_update *upd);
/** REST name of an update type ("add-snapshot"); never NULL. */
FLOE_API const char *floe_update_type_name(floe_update_type type);
/** Frees an update (NULL is fine). */
FLOE_API void floe_update_free(floe_table_update *upd);

/* ---- CommitTableRequest ---- */

/** A parsed CommitTableRequest: optional identifier, requirements, updates. */
typedef struct floe_commit_request floe_commit_request;

/**
 * Serializes a CommitTableRequest.
 * @param namespace_levels may be NULL with namespace_count 0 and name NULL to omit identifier.
 * @param out (transfer full) free with free().
 */
FLOE_API int floe_commit_request_to_json(char **out, const char *const *namespace_levels,
                                         size_t namespace_count, const char *name,
                                         floe_table_requirement *const *requirements,
                                         size_t requirement_count,
                                         floe_table_update *const *updates, size_t update_count);
/** Parses a CommitTableRequest. (transfer full) */
FLOE_API int floe_commit_request_from_json(floe_commit_request **out, const char *json, size_t len);
/** (transfer none) table name of the identifier, or NULL. */
FLOE_API const char *floe_commit_request_name(const floe_commit_request *req);
/** Number of namespace levels of the identifier. */
FLOE_API size_t floe_commit_request_namespace_count(const floe_commit_request *req);
/** (transfer none) i-th namespace level. */
FLOE_API const char *floe_commit_request_namespace_at(const floe_commit_request *req, size_t i);
/** (transfer none) requirements; `*count` receives their number. */
FLOE_API floe_table_requirement *const *
floe_commit_request_requirements(const floe_commit_request *req, size_t *count);
/** (transfer none) updates; `*count` receives their number. */
FLOE_API floe_table_update *const *floe_commit_request_updates(const floe_commit_request *req,
                                                               size_t *count);
/** Frees a parsed request (NULL is fine). */
FLOE_API void floe_commit_request_free(floe_commit_request *req);

FLOE_END_DECLS

#endif
