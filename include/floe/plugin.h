/**
 * @file floe/plugin.h
 * What a plugin is: its descriptor (made with FLOE_PLUGIN_DEFINE), the ABI block the host
 * checks before calling any of the plugin's functions, the plugin API version, the eleven
 * plugin types, dependencies, lifecycle hooks and health status.
 *
 * A loadable plugin is a shared object exporting exactly one symbol,
 * `floe_plugin_descriptor`, made by FLOE_PLUGIN_DEFINE. Built-in plugins are described by the
 * same struct and registered with floe_registry_register().
 */
#ifndef FLOE_PLUGIN_H
#define FLOE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "config.h"

FLOE_BEGIN_DECLS

/** Major version of the plugin API: a plugin built for another major is refused. */
#define FLOE_PLUGIN_API_VERSION_MAJOR 1
/** Minor version of the plugin API: a plugin built for a newer minor is refused. */
#define FLOE_PLUGIN_API_VERSION_MINOR 0
/** The plugin API version as text ("major.minor"). */
#define FLOE_PLUGIN_API_VERSION_STRING "1.0"

/** First eight bytes of every ABI block ("FLOEPLUG" as a big-endian number). */
#define FLOE_PLUGIN_MAGIC 0x464C4F45504C5547ULL
/** Version of the ABI block and descriptor layout. */
#define FLOE_PLUGIN_ABI_VERSION 1u
/** Written in native byte order; the host reads it back to detect a foreign byte order. */
#define FLOE_PLUGIN_BYTE_ORDER_MARK 0x01020304u
/** Name of the symbol a loadable plugin exports. */
#define FLOE_PLUGIN_SYMBOL "floe_plugin_descriptor"

/**
 * Build-critical facts about the compiler that built a plugin. The host compares each field
 * with its own before it reads the rest of the descriptor, and names the first that differs.
 * Only plain integers: the block is meaningful without relocation.
 */
typedef struct floe_plugin_abi {
    uint64_t magic;           /**< FLOE_PLUGIN_MAGIC */
    uint32_t abi_version;     /**< FLOE_PLUGIN_ABI_VERSION */
    uint32_t descriptor_size; /**< sizeof(floe_plugin_def) as the plugin saw it */
    uint32_t byte_order;      /**< FLOE_PLUGIN_BYTE_ORDER_MARK in native order */
    uint16_t sizeof_pointer;  /**< sizeof(void *) */
    uint16_t sizeof_long;     /**< sizeof(long) */
    uint16_t sizeof_size_t;   /**< sizeof(size_t) */
    uint16_t sizeof_int;      /**< sizeof(int) */
    uint16_t sizeof_double;   /**< sizeof(double) */
    uint16_t reserved;        /**< 0 */
} floe_plugin_abi;

/** The eleven plugin types (values are stable: append only). */
typedef enum floe_plugin_type {
    FLOE_PLUGIN_COMPUTE = 0,  /**< floe_compute_plugin (plugins/compute.h) */
    FLOE_PLUGIN_ORCHESTRATOR, /**< floe_orchestrator_plugin (plugins/orchestrator.h) */
    FLOE_PLUGIN_CATALOG,      /**< floe_catalog_plugin (plugins/catalog.h) */
    FLOE_PLUGIN_STORAGE,      /**< floe_storage_plugin (plugins/storage.h) */
    FLOE_PLUGIN_TELEMETRY,    /**< floe_telemetry_plugin (plugins/telemetry.h) */
    FLOE_PLUGIN_LINEAGE,      /**< floe_lineage_plugin (plugins/lineage.h) */
    FLOE_PLUGIN_DBT,          /**< floe_dbt_plugin (plugins/dbt.h) */
    FLOE_PLUGIN_SEMANTIC,     /**< floe_semantic_plugin (plugins/semantic.h) */
    FLOE_PLUGIN_INGESTION,    /**< floe_ingestion_plugin (plugins/ingestion.h) */
    FLOE_PLUGIN_SECRETS,      /**< floe_secrets_plugin (plugins/secrets.h) */
    FLOE_PLUGIN_IDENTITY,     /**< floe_identity_plugin (plugins/identity.h) */
    FLOE_PLUGIN_TYPE_COUNT    /**< number of types */
} floe_plugin_type;

/** In a dependency: any type (the name alone identifies the plugin). */
#define FLOE_PLUGIN_ANY_TYPE (-1)

/**
 * Name of a plugin type ("catalog").
 * @return (transfer none) a static string, or NULL for an unknown value
 */
FLOE_API const char *floe_plugin_type_name(int type);

/**
 * Parses a type name ("catalog", "storage", ...).
 * @return 0 or FLOE_EINVALID listing the valid names
 */
FLOE_API int floe_plugin_type_parse(floe_plugin_type *out, const char *name);

/** State reported by a health check. */
typedef enum floe_health_state {
    FLOE_HEALTH_HEALTHY = 0,  /**< working */
    FLOE_HEALTH_DEGRADED = 1, /**< working with reduced function or speed */
    FLOE_HEALTH_UNHEALTHY = 2 /**< not working */
} floe_health_state;

/** Name of a health state ("healthy", "degraded", "unhealthy"); never NULL. */
FLOE_API const char *floe_health_state_name(floe_health_state state);

/**
 * Result of a health check. A fixed-size message keeps plugins from handing memory to the
 * host; never put a secret in it.
 */
typedef struct floe_health_status {
    floe_health_state state;  /**< the verdict */
    char message[256];        /**< why (NUL-terminated; may be empty when healthy) */
    int64_t response_time_ms; /**< time the check took */
    int64_t checked_at;       /**< when it finished, milliseconds since the Unix epoch */
} floe_health_status;

/** A plugin another plugin needs. Lists end with an entry whose `name` is NULL. */
typedef struct floe_plugin_dependency {
    const char *name; /**< the needed plugin's name */
    int type;         /**< its floe_plugin_type, or FLOE_PLUGIN_ANY_TYPE */
} floe_plugin_dependency;

/** A registry (see floe/registry.h). */
typedef struct floe_registry floe_registry;

/** Version of floe_plugin_context. */
#define FLOE_PLUGIN_CONTEXT_VERSION 1

/** What a plugin's init receives besides its configuration. */
typedef struct floe_plugin_context {
    unsigned int version; /**< FLOE_PLUGIN_CONTEXT_VERSION */
    /** The registry creating the plugin: use floe_registry_get() for declared dependencies,
     *  which are already initialised. */
    floe_registry *registry;
    /** "built-in" or the shared object's path. */
    const char *origin;
} floe_plugin_context;

/**
 * Creates a plugin instance: the vtable of the plugin's type (e.g. a floe_catalog_plugin *),
 * whose `free` the registry calls when it is done with it.
 * @param out (transfer full) the vtable
 * @param config (transfer none) the validated configuration; valid until the instance is freed
 * @return 0, or a FLOE_E* code with floe_error_set() explaining why
 */
typedef int (*floe_plugin_init_fn)(void **out, const floe_config *config,
                                   const floe_plugin_context *ctx);

/** A lifecycle hook (startup or shutdown) on an instance; 0 or a FLOE_E* code. */
typedef int (*floe_plugin_hook_fn)(void *instance);

/** A health check on an instance: fills `out` (state and message); 0 or a FLOE_E* code. */
typedef int (*floe_plugin_health_fn)(floe_health_status *out, void *instance);

/**
 * A plugin descriptor. Make it with FLOE_PLUGIN_DEFINE (loadable plugins) or
 * FLOE_PLUGIN_DESCRIPTOR (built-ins); fields only ever grow at the end.
 */
typedef struct floe_plugin_def {
    floe_plugin_abi abi;     /**< checked first, before anything else is read */
    unsigned int api_major;  /**< plugin API major the plugin was built for */
    unsigned int api_minor;  /**< plugin API minor the plugin was built for */
    floe_plugin_type type;   /**< what it implements */
    const char *name;        /**< unique within its type: [a-z0-9_-]+ */
    const char *version;     /**< the plugin's own version, semver ("1.2.0") */
    const char *description; /**< one line, or NULL */
    /** Plugins that must be initialised and started before this one; NULL or NULL-ended. */
    const floe_plugin_dependency *dependencies;
    /** Configuration schema; NULL means the plugin takes no configuration. */
    const floe_config_schema *config_schema;
    floe_plugin_init_fn init;     /**< mandatory */
    floe_plugin_hook_fn startup;  /**< optional (NULL: nothing to do) */
    floe_plugin_hook_fn shutdown; /**< optional (NULL: nothing to do) */
    floe_plugin_health_fn health; /**< optional (NULL: always healthy) */
} floe_plugin_def;

/** The ABI block of the compiler building the current translation unit. */
#define FLOE_PLUGIN_ABI_INIT                                                                       \
    {                                                                                              \
        FLOE_PLUGIN_MAGIC, FLOE_PLUGIN_ABI_VERSION, (uint32_t)sizeof(floe_plugin_def),             \
            FLOE_PLUGIN_BYTE_ORDER_MARK, (uint16_t)sizeof(void *), (uint16_t)sizeof(long),         \
            (uint16_t)sizeof(size_t), (uint16_t)sizeof(int), (uint16_t)sizeof(double), 0           \
    }

#if defined(__GNUC__) || defined(__clang__)
/** Exports the descriptor symbol even under -fvisibility=hidden. */
#define FLOE_PLUGIN_EXPORT __attribute__((visibility("default"), used))
#else
#define FLOE_PLUGIN_EXPORT
#endif

#ifdef __cplusplus
#define FLOE_PLUGIN_LINKAGE extern "C"
#else
/** C linkage for the descriptor symbol (extern "C" under C++). */
#define FLOE_PLUGIN_LINKAGE
#endif

/**
 * Defines a descriptor variable `var` built for plugin API `major.minor`; the remaining
 * arguments are designated initialisers (`.type = ..., .name = ..., .init = ...`).
 * Normal code uses FLOE_PLUGIN_DESCRIPTOR or FLOE_PLUGIN_DEFINE.
 */
#define FLOE_PLUGIN_DESCRIPTOR_FOR_API(var, major, minor, ...)                                     \
    const floe_plugin_def var = {                                                                  \
        .abi = FLOE_PLUGIN_ABI_INIT, .api_major = (major), .api_minor = (minor), __VA_ARGS__}

/** Defines a built-in plugin's descriptor variable `var` for the current plugin API. */
#define FLOE_PLUGIN_DESCRIPTOR(var, ...)                                                           \
    FLOE_PLUGIN_DESCRIPTOR_FOR_API(var, FLOE_PLUGIN_API_VERSION_MAJOR,                             \
                                   FLOE_PLUGIN_API_VERSION_MINOR, __VA_ARGS__)

/**
 * Defines and exports the one descriptor of a loadable plugin, e.g.
 * @code
 * FLOE_PLUGIN_DEFINE(.type = FLOE_PLUGIN_CATALOG, .name = "demo", .version = "1.0.0",
 *                    .config_schema = &demo_schema, .init = demo_init);
 * @endcode
 */
#define FLOE_PLUGIN_DEFINE(...)                                                                    \
    FLOE_PLUGIN_LINKAGE FLOE_PLUGIN_EXPORT FLOE_PLUGIN_DESCRIPTOR(floe_plugin_descriptor,          \
                                                                  __VA_ARGS__)

/**
 * Checks an ABI block against the host's, before anything else of the descriptor is read.
 * @param abi (transfer none) the block; at least sizeof(floe_plugin_abi) readable bytes
 * @return 0, or FLOE_EPLUGIN naming the field that differs and both values
 */
FLOE_API int floe_plugin_abi_check(const floe_plugin_abi *abi);

/**
 * The version gate: same API major, plugin minor <= host minor.
 * @return 0, or FLOE_EVERSION naming `name`, the plugin's and the host's API versions
 */
FLOE_API int floe_plugin_api_compatible(unsigned int plugin_major, unsigned int plugin_minor,
                                        const char *name);

/** A parsed semantic version. */
typedef struct floe_semver {
    uint64_t major;     /**< X of X.Y.Z */
    uint64_t minor;     /**< Y */
    uint64_t patch;     /**< Z */
    int has_prerelease; /**< 1 when a "-pre" part was present */
} floe_semver;

/**
 * Parses "MAJOR.MINOR.PATCH[-prerelease][+build]" (semver 2.0.0; no leading zeros).
 * @return 0 or FLOE_EINVALID naming the text and what is wrong
 */
FLOE_API int floe_semver_parse(floe_semver *out, const char *text);

/** Orders two versions by major, minor, patch, then release after pre-release. */
FLOE_API int floe_semver_compare(const floe_semver *a, const floe_semver *b);

FLOE_END_DECLS

#endif
