/* Requirement and update internals: each object is its validated REST JSON object plus the
 * decoded type; the builder reads the members it needs from `json`. */
#ifndef FLOE_ICEBERG_UPDATE_INTERNAL_H
#define FLOE_ICEBERG_UPDATE_INTERNAL_H

#include <jansson.h>

#include <floe/iceberg/update.h>

struct floe_table_requirement {
    floe_requirement_type type;
    json_t *json;
};

struct floe_table_update {
    floe_update_type type;
    json_t *json;
};

/* Validate a JSON object and wrap it (transfer full of `obj`, also on failure). `path` names
 * the object in messages. */
int floe_iceberg__requirement_from_object(floe_table_requirement **out, json_t *obj,
                                          const char *path);
int floe_iceberg__update_from_object(floe_table_update **out, json_t *obj, const char *path);

#endif
