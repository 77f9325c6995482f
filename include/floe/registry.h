/**
 * @file floe/registry.h
 * The plugin registry: discovers loadable plugins, registers built-in and loaded ones,
 * looks them up by type and name, validates and stores their configuration, creates
 * instances lazily in dependency order, runs lifecycle hooks and health checks with
 * timeouts.
 *
 * Every function is thread-safe. A process-wide registry exists (floe_registry_global());
 * explicit registries are independent of it.
 */
#ifndef FLOE_REGISTRY_H
#define FLOE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common.h"
#include "config.h"
#include "plugin.h"

FLOE_BEGIN_DECLS

/** Version of floe_registry_options. */
#define FLOE_REGISTRY_OPTIONS_VERSION 1

/** Options of a registry. */
typedef struct floe_registry_options {
    unsigned int version;           /**< FLOE_REGISTRY_OPTIONS_VERSION */
    unsigned int hook_timeout_ms;   /**< startup/shutdown hook limit; 0 = 30000 */
    unsigned int health_timeout_ms; /**< health check limit; 0 = 5000 */
    /** Non-zero: discovery ignores FLOE_PLUGIN_PATH. */
    int ignore_env_path;
    /** Non-zero: discovery skips the install's plugin directory. */
    int skip_install_dir;
} floe_registry_options;

/** Default options. */
#define FLOE_REGISTRY_OPTIONS_INIT                                                                 \
    {                                                                                              \
        FLOE_REGISTRY_OPTIONS_VERSION, 0, 0, 0, 0                                                  \
    }

/** Default lifecycle hook timeout (milliseconds). */
#define FLOE_REGISTRY_HOOK_TIMEOUT_MS 30000u
/** Default health check timeout (milliseconds). */
#define FLOE_REGISTRY_HEALTH_TIMEOUT_MS 5000u

/** Origin recorded for plugins registered from code rather than loaded from a file. */
#define FLOE_PLUGIN_ORIGIN_BUILTIN "built-in"

/**
 * Creates an empty registry.
 * @param out (transfer full) free with floe_registry_free()
 * @param options NULL for defaults
 */
FLOE_API int floe_registry_new(floe_registry **out, const floe_registry_options *options);

/**
 * Frees a registry: frees every instance (without running shutdown hooks: call
 * floe_registry_shutdown_all() first) and unloads its shared objects. NULL is allowed.
 * Instances whose hook timed out are leaked on purpose, as their thread may still run.
 */
FLOE_API void floe_registry_free(floe_registry *registry);

/**
 * The process-wide registry, created on first use: built-ins registered, then plugins
 * discovered in `FLOE_PLUGIN_PATH` and the install's plugin directory.
 * @return (transfer none) never NULL unless memory is exhausted
 */
FLOE_API floe_registry *floe_registry_global(void);

/** Frees the process-wide registry so the next floe_registry_global() builds a new one. */
FLOE_API void floe_registry_reset_for_tests(void);

/**
 * Registers the plugins compiled into floe (the "local" storage plugin, ...).
 * @return 0, or the first failure (a built-in already registered is FLOE_EEXISTS)
 */
FLOE_API int floe_registry_register_builtins(floe_registry *registry);

/**
 * Registers a plugin: checks its ABI block, API version (FLOE_EVERSION), name, semver
 * version and schema, then refuses a duplicate of the same type and name (FLOE_EEXISTS,
 * "DuplicatePluginError").
 * @param def (transfer none) must outlive the registry
 * @param origin "built-in" when NULL, else the shared object's path (copied)
 */
FLOE_API int floe_registry_register(floe_registry *registry, const floe_plugin_def *def,
                                    const char *origin);

/** Outcome of considering one file during discovery. */
typedef struct floe_discovery_result {
    const char *path;        /**< the shared object */
    int accepted;            /**< 1 when its plugin was registered */
    int code;                /**< 0, or why it was refused (FLOE_EPLUGIN, FLOE_EVERSION, ...) */
    const char *reason;      /**< the refusal message ("" when accepted) */
    const char *plugin_name; /**< its plugin's name when known, else NULL */
    int type;                /**< its floe_plugin_type when known, else -1 */
} floe_discovery_result;

/**
 * Discovers loadable plugins: every `*.so` file in `dirs` (in order), then in each
 * directory of `FLOE_PLUGIN_PATH` (colon-separated), then in the install's plugin directory.
 * A file without the descriptor symbol, with a bad ABI block, a mismatched API version or
 * an invalid descriptor is refused with a logged reason naming the file; discovery goes on.
 * Missing directories are skipped. Every file considered is recorded (see
 * floe_registry_discovery_count()).
 * @param dirs (transfer none) may be NULL when `ndirs` is 0
 * @return 0 (refusals are not errors), or FLOE_ENOMEM
 */
FLOE_API int floe_registry_discover(floe_registry *registry, const char *const *dirs, size_t ndirs);

/**
 * Loads one shared object and registers its plugin (the step discovery takes per file).
 * @return 0, or why it was refused (also recorded as a discovery result)
 */
FLOE_API int floe_registry_load_file(floe_registry *registry, const char *path);

/** Number of discovery results recorded so far. */
FLOE_API size_t floe_registry_discovery_count(floe_registry *registry);

/**
 * Copies discovery result `i` into `out`; its strings live as long as the registry.
 * @return 0 or FLOE_ERANGE
 */
FLOE_API int floe_registry_discovery_get(floe_discovery_result *out, floe_registry *registry,
                                         size_t i);

/** A registered plugin, as listed. Strings live as long as the registry. */
typedef struct floe_plugin_info {
    const floe_plugin_def *def; /**< its descriptor */
    const char *origin;         /**< "built-in" or the shared object's path */
    int configured;             /**< 1 when floe_registry_configure() succeeded */
    int loaded;                 /**< 1 when an instance exists */
    int active;                 /**< 1 when its startup hook has run successfully */
    int failed;                 /**< 1 when init or a hook failed or timed out */
} floe_plugin_info;

/**
 * Metadata of a registered plugin, without creating an instance.
 * @return 0 or FLOE_ENOTFOUND naming the available plugins of that type
 */
FLOE_API int floe_registry_lookup(floe_plugin_info *out, floe_registry *registry,
                                  floe_plugin_type type, const char *name);

/**
 * The plugins of one type, sorted by name.
 * @param out (transfer full) free with floe_plugin_info_free(); NULL when count is 0
 */
FLOE_API int floe_registry_list(floe_plugin_info **out, size_t *count, floe_registry *registry,
                                floe_plugin_type type);

/**
 * Every plugin, grouped by type (in floe_plugin_type order) and sorted by name.
 * @param out (transfer full) free with floe_plugin_info_free(); NULL when count is 0
 */
FLOE_API int floe_registry_list_all(floe_plugin_info **out, size_t *count, floe_registry *registry);

/** Frees a list from floe_registry_list(); NULL is allowed. */
FLOE_API void floe_plugin_info_free(floe_plugin_info *list);

/**
 * Validates `config` against the plugin's schema and stores the result (defaults applied).
 * Must happen before the instance is created (FLOE_EINVALID afterwards).
 * @param errors (transfer full) if non-NULL, receives every failing field on FLOE_ECONFIG
 * @return 0, FLOE_ENOTFOUND, FLOE_ECONFIG (message names every failing field), FLOE_EINVALID
 */
FLOE_API int floe_registry_configure(floe_registry *registry, floe_plugin_type type,
                                     const char *name, const json_t *config,
                                     floe_config_errors **errors);

/**
 * Applies a document of the form `{"<type>": {"<name>": {config...}}}` (e.g. a loaded YAML
 * file) with floe_registry_configure() for each plugin named. Every plugin is attempted.
 * @return 0, or the first failure (messages of all failures are joined)
 */
FLOE_API int floe_registry_configure_all(floe_registry *registry, const json_t *document);

/**
 * The stored, validated configuration (secrets redacted in its JSON view).
 * @param out (transfer none) valid as long as the registry; NULL when not configured
 * @return 0 or FLOE_ENOTFOUND
 */
FLOE_API int floe_registry_get_config(const floe_config **out, floe_registry *registry,
                                      floe_plugin_type type, const char *name);

/**
 * The plugin's instance, creating it on first use: its dependencies are created first (in
 * dependency order), its configuration is the stored one or, when none was stored, its
 * schema's defaults.
 * @param out (transfer none) the vtable of the plugin's type; owned by the registry
 * @return 0, FLOE_ENOTFOUND (naming the available plugins), FLOE_ECONFIG, FLOE_ECYCLE,
 *         FLOE_EDEPENDENCY, FLOE_EPLUGIN (init failed or returned a bad vtable)
 */
FLOE_API int floe_registry_get(void **out, floe_registry *registry, floe_plugin_type type,
                               const char *name);

/** A plugin named in an ordered list. */
typedef struct floe_plugin_ref {
    floe_plugin_type type; /**< its type */
    const char *name;      /**< its name (lives as long as the registry) */
} floe_plugin_ref;

/**
 * Orders every registered plugin so that each comes after its dependencies (Kahn's
 * algorithm; ties broken by type then name).
 * @param out (transfer full) free with floe_plugin_refs_free(); NULL when count is 0
 * @return 0, FLOE_ECYCLE naming the plugins of a cycle ("a -> b -> a"), FLOE_EDEPENDENCY
 *         naming who needs what
 */
FLOE_API int floe_registry_resolve_order(floe_plugin_ref **out, size_t *count,
                                         floe_registry *registry);

/** Frees a list from floe_registry_resolve_order(); NULL is allowed. */
FLOE_API void floe_plugin_refs_free(floe_plugin_ref *refs);

/** Outcome of one lifecycle hook. */
typedef struct floe_hook_result {
    floe_plugin_type type; /**< the plugin's type */
    const char *name;      /**< its name (lives as long as the registry) */
    int code;              /**< 0, FLOE_ETIMEOUT, FLOE_EDEPENDENCY, or the hook's error */
    char message[256];     /**< what happened ("" on success) */
    int64_t elapsed_ms;    /**< how long the hook ran (or was waited for) */
} floe_hook_result;

/** Frees a result list; NULL is allowed. */
FLOE_API void floe_hook_results_free(floe_hook_result *results);

/**
 * Creates (if needed) and starts one plugin and, first, its dependencies, running each
 * startup hook once with the hook timeout.
 * @param results (transfer full, optional) one entry per plugin started, in order
 * @return 0, or the first failure (others are still attempted)
 */
FLOE_API int floe_registry_activate(floe_hook_result **results, size_t *count,
                                    floe_registry *registry, floe_plugin_type type,
                                    const char *name);

/**
 * Activates every registered plugin in dependency order. A plugin whose init or hook
 * failed is reported and the others go on; plugins depending on it are reported with
 * FLOE_EDEPENDENCY.
 * @return 0, or the first failure
 */
FLOE_API int floe_registry_activate_all(floe_hook_result **results, size_t *count,
                                        floe_registry *registry);

/**
 * Runs the shutdown hook of every active plugin in reverse activation order, each with the
 * hook timeout; a failure is reported and the others go on.
 * @return 0, or the first failure
 */
FLOE_API int floe_registry_shutdown_all(floe_hook_result **results, size_t *count,
                                        floe_registry *registry);

/** Health of one plugin. */
typedef struct floe_plugin_health {
    floe_plugin_type type;     /**< the plugin's type */
    const char *name;          /**< its name (lives as long as the registry) */
    floe_health_status status; /**< the verdict */
} floe_plugin_health;

/**
 * Checks every registered plugin (creating instances as floe_registry_get() does), each
 * with the health timeout. A plugin without a health hook is HEALTHY; a check that fails,
 * times out, or a plugin that cannot be created, is UNHEALTHY with the reason.
 * @param out (transfer full) free with floe_plugin_health_free(); grouped by type, sorted
 *        by name
 * @return 0 (the verdicts are in `out`) or FLOE_ENOMEM
 */
FLOE_API int floe_registry_health_check_all(floe_plugin_health **out, size_t *count,
                                            floe_registry *registry);

/** Frees a list from floe_registry_health_check_all(); NULL is allowed. */
FLOE_API void floe_plugin_health_free(floe_plugin_health *list);

/** Checks one plugin as floe_registry_health_check_all() does. */
FLOE_API int floe_registry_health_check(floe_health_status *out, floe_registry *registry,
                                        floe_plugin_type type, const char *name);

FLOE_END_DECLS

#endif
