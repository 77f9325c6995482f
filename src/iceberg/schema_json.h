/* Schema and type JSON (Appendix C) as jansson values, for the metadata parser and writer. */
#ifndef FLOE_ICEBERG_SCHEMA_JSON_H
#define FLOE_ICEBERG_SCHEMA_JSON_H

#include <jansson.h>

#include <floe/iceberg/schema.h>

/* Parses a schema object; `path` names it in errors ("$.schemas[1]"). (transfer full) */
int floe_schema__from_json(floe_schema **out, const json_t *json, const char *path);

/* Serializes a schema object; NULL on allocation failure (last error set). (transfer full) */
json_t *floe_schema__to_json(const floe_schema *schema);

/* Parses a type (string or object) at `path`. (transfer full) */
int floe_type__from_json(floe_type **out, const json_t *json, const char *path);

/* Serializes a type. (transfer full) */
json_t *floe_type__to_json(const floe_type *type);

#endif
