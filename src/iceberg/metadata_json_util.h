/* Field readers over jansson values that name the JSON path of what is wrong, shared by the
 * table metadata, snapshot, requirement and update parsers. Every reader returns 0 or
 * FLOE_ECORRUPT with the last error set to "<what>: field '<path>' ...". */
#ifndef FLOE_ICEBERG_METADATA_JSON_UTIL_H
#define FLOE_ICEBERG_METADATA_JSON_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Largest JSON path we format into messages; longer paths are truncated. */
#define FLOE_JPATH_MAX 256

/* Formats "<parent>.<key>" (or "<parent>[<index>]" when key is NULL) into out. */
void floe_iceberg__jpath(char *out, const char *parent, const char *key, size_t index);

/* Required/optional member readers. `what` names the document ("table metadata"), `path` the
 * object holding the member ("$", "$.snapshots[2]"). Optional readers leave *out unchanged and
 * set *present to 0 when the member is absent or null. */
int floe_iceberg__jreq_int64(int64_t *out, json_t *obj, const char *key, const char *what,
                             const char *path);
int floe_iceberg__jopt_int64(int64_t *out, int *present, json_t *obj, const char *key,
                             const char *what, const char *path);
int floe_iceberg__jreq_int(int *out, json_t *obj, const char *key, const char *what,
                           const char *path);
int floe_iceberg__jopt_int(int *out, int *present, json_t *obj, const char *key, const char *what,
                           const char *path);
int floe_iceberg__jreq_string(const char **out, json_t *obj, const char *key, const char *what,
                              const char *path);
int floe_iceberg__jopt_string(const char **out, json_t *obj, const char *key, const char *what,
                              const char *path);
/* Member of a given jansson type (JSON_OBJECT or JSON_ARRAY); *out NULL when optional and
 * absent/null. */
int floe_iceberg__jreq_typed(json_t **out, json_t *obj, const char *key, json_type type,
                             const char *what, const char *path);
int floe_iceberg__jopt_typed(json_t **out, json_t *obj, const char *key, json_type type,
                             const char *what, const char *path);

/* Parses JSON text into a value, reporting line/column on a syntax error (FLOE_ECORRUPT). */
int floe_iceberg__jparse(json_t **out, const char *text, size_t len, const char *what);

/* Serializes a value (compact unless pretty, keys in insertion order); the text comes from
 * jansson's allocator: free with free(). FLOE_ENOMEM on failure. */
int floe_iceberg__jdump(char **out, const json_t *value, int pretty);

/* Parses the text given to a public *_from_json entry point with jansson decoding `flags`;
 * a syntax error is FLOE_ECORRUPT "invalid JSON at line L column C: ...". */
int floe_iceberg__jload(json_t **out, const char *text, size_t len, size_t flags);

/* Serializes `value` with jansson encoding `flags` into text the caller frees with floe_free
 * (the form public *_to_json entry points hand out); FLOE_ENOMEM on failure. */
int floe_iceberg__jdump_dup(char **out, const json_t *value, size_t flags);

/* Appends `value` (transfer full) to `obj` under `key`; FLOE_ENOMEM on failure. */
int floe_iceberg__jset(json_t *obj, const char *key, json_t *value);

#endif
