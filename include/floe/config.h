/**
 * @file floe/config.h
 * Plugin configuration: loading JSON and YAML documents into a jansson tree, declaring a
 * plugin's configuration schema, validating a document against it (every failing field is
 * reported with its path), applying defaults, and exporting the schema as JSON Schema
 * (draft 2020-12).
 *
 * Values of fields marked secret are kept apart from the validated tree as `floe_secret`s
 * (floe/secret.h: locked, excluded from core dumps, scrubbed from log lines, zeroed on
 * free): the tree holds a redacted placeholder, so dumping it never prints a secret; the
 * value is reached only through floe_config_secret() / floe_config_get_secret().
 */
#ifndef FLOE_CONFIG_H
#define FLOE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common.h"
#include "secret.h"

FLOE_BEGIN_DECLS

/** Placeholder written instead of a secret value in every dump of a configuration. */
#define FLOE_CONFIG_REDACTED "**********"

/** Type of a configuration field. */
typedef enum floe_config_type {
    FLOE_CONFIG_STRING = 0, /**< JSON string (bounds: length; pattern: POSIX ERE) */
    FLOE_CONFIG_INT,        /**< JSON integer (bounds: value) */
    FLOE_CONFIG_NUMBER,     /**< JSON integer or real (bounds: value) */
    FLOE_CONFIG_BOOL,       /**< JSON true/false */
    FLOE_CONFIG_ENUM,       /**< JSON string, one of `enum_values` */
    FLOE_CONFIG_OBJECT,     /**< JSON object with its own `fields` */
    FLOE_CONFIG_ARRAY       /**< JSON array whose items match `items` (bounds: length) */
} floe_config_type;

/** Field flags (bitwise or). */
enum floe_config_flag {
    FLOE_CONFIG_REQUIRED = 1u << 0, /**< the field must be present (unless it has a default) */
    FLOE_CONFIG_SECRET = 1u << 1,   /**< the value is a secret: never logged, printed, dumped */
    FLOE_CONFIG_HAS_MIN = 1u << 2,  /**< `minimum` applies */
    FLOE_CONFIG_HAS_MAX = 1u << 3   /**< `maximum` applies */
};

/**
 * One field of a configuration schema. Schemas are usually static tables in a plugin;
 * a field list ends with an entry whose `name` is NULL.
 */
typedef struct floe_config_field {
    const char *name;        /**< key in the parent object */
    floe_config_type type;   /**< value type */
    unsigned int flags;      /**< floe_config_flag bits */
    const char *description; /**< one line for humans (exported as "description") */
    /** Default value as JSON text (`"\"./warehouse\""`, `"5"`, `"true"`), or NULL. */
    const char *default_json;
    double minimum; /**< inclusive lower bound when FLOE_CONFIG_HAS_MIN */
    double maximum; /**< inclusive upper bound when FLOE_CONFIG_HAS_MAX */
    /** POSIX extended regular expression a string must match (anchor it yourself), or NULL. */
    const char *pattern;
    /** Allowed values of an FLOE_CONFIG_ENUM, ending with NULL. */
    const char *const *enum_values;
    /** Members of an FLOE_CONFIG_OBJECT, ending with a NULL name. */
    const struct floe_config_field *fields;
    /** Schema of every item of an FLOE_CONFIG_ARRAY (its `name` is ignored). */
    const struct floe_config_field *items;
} floe_config_field;

/** Version of floe_config_schema. */
#define FLOE_CONFIG_SCHEMA_VERSION 1

/** What validation does with keys the schema does not declare. */
typedef enum floe_config_unknown {
    FLOE_CONFIG_UNKNOWN_REJECT = 0, /**< report each unknown key as an error (default) */
    FLOE_CONFIG_UNKNOWN_IGNORE = 1, /**< drop unknown keys from the validated tree */
    FLOE_CONFIG_UNKNOWN_KEEP = 2    /**< keep unknown keys unvalidated */
} floe_config_unknown;

/** A plugin's configuration schema: the top-level object's fields. */
typedef struct floe_config_schema {
    unsigned int version;            /**< FLOE_CONFIG_SCHEMA_VERSION */
    const floe_config_field *fields; /**< top-level fields, ending with a NULL name */
    floe_config_unknown unknown;     /**< policy for undeclared keys */
    const char *description;         /**< exported as the schema's "description", or NULL */
} floe_config_schema;

/** A validated configuration (opaque). */
typedef struct floe_config floe_config;

/** The field-level problems found by one validation (opaque). */
typedef struct floe_config_errors floe_config_errors;

/**
 * Parses JSON text. Errors are FLOE_ECONFIG naming `name`, the line and the column.
 * @param out (transfer full) release with json_decref()
 * @param name file name or label used in messages
 */
FLOE_API int floe_config_parse_json(json_t **out, const char *text, size_t len, const char *name);

/**
 * Parses a YAML document (block and flow style) into a JSON tree. Plain scalars are typed:
 * integers, floats (including .inf/.nan), true/false, null/~ and the empty value; quoted
 * scalars are always strings. Anchors, aliases and multiple documents are refused.
 * Errors are FLOE_ECONFIG naming `name`, the line and the column (1-based).
 * @param out (transfer full) release with json_decref()
 */
FLOE_API int floe_config_parse_yaml(json_t **out, const char *text, size_t len, const char *name);

/**
 * Reads a configuration file: YAML for `.yaml`/`.yml`, JSON for `.json`, otherwise JSON when
 * the first non-blank byte is `{` or `[`, else YAML.
 * @param out (transfer full) release with json_decref()
 */
FLOE_API int floe_config_load_file(json_t **out, const char *path);

/**
 * Validates `input` against `schema`: checks types, required fields, bounds, patterns and
 * enums of every field, recursing into objects and arrays; applies defaults; moves secret
 * values out of the tree. Every failing field is reported, not only the first.
 * @param out (transfer full) the validated configuration, set only on success; free with
 *        floe_config_free(). May be NULL to validate only.
 * @param errors (transfer full) if non-NULL, receives the list of problems when validation
 *        fails (NULL on success); free with floe_config_errors_free()
 * @param schema (transfer none) NULL accepts only an empty object (or NULL input)
 * @param input (transfer none) the document; NULL is treated as an empty object
 * @param label names the configuration in the error message (a plugin name, a file)
 * @return 0, FLOE_ECONFIG (message lists every problem as `path: reason`), FLOE_EINVALID
 *         (a schema itself is malformed), FLOE_ENOMEM
 */
FLOE_API int floe_config_validate(floe_config **out, floe_config_errors **errors,
                                  const floe_config_schema *schema, const json_t *input,
                                  const char *label);

/** Frees a configuration and zeroes its secrets; NULL is allowed. */
FLOE_API void floe_config_free(floe_config *config);

/**
 * The validated tree with defaults applied and every secret replaced by
 * FLOE_CONFIG_REDACTED: safe to print.
 * @return (transfer none) valid while `config` lives
 */
FLOE_API const json_t *floe_config_json(const floe_config *config);

/**
 * A value by dotted path ("oauth.client_id", "hosts.0"). Secrets read as FLOE_CONFIG_REDACTED.
 * @return (transfer none) the value, or NULL when absent
 */
FLOE_API const json_t *floe_config_get(const floe_config *config, const char *path);

/** A string value by path, or NULL when absent or not a string (secrets: redacted text). */
FLOE_API const char *floe_config_get_string(const floe_config *config, const char *path);

/** An integer value by path; FLOE_ENOTFOUND when absent, FLOE_EINVALID when not an integer. */
FLOE_API int floe_config_get_int(int64_t *out, const floe_config *config, const char *path);

/** A number (integer or real) by path; FLOE_ENOTFOUND / FLOE_EINVALID as floe_config_get_int. */
FLOE_API int floe_config_get_number(double *out, const floe_config *config, const char *path);

/** A boolean by path (stored as 0/1); FLOE_ENOTFOUND / FLOE_EINVALID as floe_config_get_int. */
FLOE_API int floe_config_get_bool(int *out, const floe_config *config, const char *path);

/**
 * The secret held for a secret field.
 * @return (transfer none) valid while `config` lives; NULL when the path is not a set secret
 */
FLOE_API const floe_secret *floe_config_secret(const floe_config *config, const char *path);

/**
 * The plaintext of a secret field (floe_secret_reveal() of floe_config_secret()). Never log
 * or print it.
 * @return (transfer none) valid while `config` lives; NULL when the path is not a set secret
 */
FLOE_API const char *floe_config_get_secret(const floe_config *config, const char *path);

/** Number of secret values held (for tests and diagnostics). */
FLOE_API size_t floe_config_secret_count(const floe_config *config);

/** Number of problems in a list. */
FLOE_API size_t floe_config_errors_count(const floe_config_errors *errors);

/**
 * Path of problem `i` ("catalog.oauth.client_id", "" for the document itself).
 * @return (transfer none) NULL when `i` is out of range
 */
FLOE_API const char *floe_config_errors_path(const floe_config_errors *errors, size_t i);

/**
 * Reason of problem `i` ("required field is missing"); never contains a secret value.
 * @return (transfer none) NULL when `i` is out of range
 */
FLOE_API const char *floe_config_errors_reason(const floe_config_errors *errors, size_t i);

/** Frees a problem list; NULL is allowed. */
FLOE_API void floe_config_errors_free(floe_config_errors *errors);

/**
 * Exports a schema as JSON Schema draft 2020-12: "$schema", "type": "object", "properties"
 * (type, description, default, minimum/maximum or minLength/maxLength or minItems/maxItems,
 * pattern, enum, items, nested properties, "writeOnly": true for secrets), "required",
 * "additionalProperties".
 * @param out (transfer full) release with json_decref()
 * @param schema NULL exports an object schema that admits no properties
 * @param title written as "title" when non-NULL
 */
FLOE_API int floe_config_schema_to_json_schema(json_t **out, const floe_config_schema *schema,
                                               const char *title);

FLOE_END_DECLS

#endif
