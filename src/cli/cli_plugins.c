/* floe plugins: list, inspect and health-check plugins (built-in and discovered). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/config.h>
#include <floe/error.h>
#include <floe/plugin.h>
#include <floe/registry.h>

#include "cli/cli_util.h"
#include "cli/commands.h"

#define MAX_PATHS 32

struct opts {
    int json;
    int help;
    const char *paths[MAX_PATHS];
    size_t npaths;
    const char *config_file;
    const char *type;
    const char *name;
};

static void usage(FILE *out)
{
    fprintf(out, "usage: floe plugins <command> [options]\n\n"
                 "Commands:\n"
                 "  list                 every plugin type with its plugins, and refused files\n"
                 "  info NAME            one plugin: version, origin, dependencies, config schema\n"
                 "  health               run every plugin's health check (exit 6 if any is "
                 "unhealthy)\n\n"
                 "Options:\n"
                 "  --json               machine-readable output\n"
                 "  --plugin-path DIR    also search DIR for plugins (repeatable; searched before\n"
                 "                       FLOE_PLUGIN_PATH and the install directory)\n"
                 "  --config FILE        plugin configuration (JSON or YAML) of the form\n"
                 "                       {<type>: {<name>: {...}}} (info, health)\n"
                 "  --type TYPE          the plugin's type, when a name is used by several (info)\n"
                 "  -h, --help           this help\n\n"
                 "Plugin types: compute, orchestrator, catalog, storage, telemetry, lineage, dbt,\n"
                 "semantic, ingestion, secrets, identity.\n");
}

static int parse(struct opts *o, int argc, char **argv, int allow_name)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (floe_cli__is_help(a)) {
            o->help = 1;
        } else if (strncmp(a, "--plugin-path", 13) == 0 || strncmp(a, "--config", 8) == 0 ||
                   strncmp(a, "--type", 6) == 0) {
            const char *eq = strchr(a, '=');
            size_t klen = eq ? (size_t)(eq - a) : strlen(a);
            if (eq) {
                val = eq + 1;
            } else if (i + 1 < argc) {
                val = argv[++i];
            } else {
                fprintf(stderr, "floe plugins: %s needs a value\n", a);
                return FLOE_EXIT_USAGE;
            }
            if (klen == 13 && strncmp(a, "--plugin-path", 13) == 0) {
                if (o->npaths == MAX_PATHS) {
                    fprintf(stderr, "floe plugins: at most %d --plugin-path options\n", MAX_PATHS);
                    return FLOE_EXIT_USAGE;
                }
                o->paths[o->npaths++] = val;
            } else if (klen == 8 && strncmp(a, "--config", 8) == 0) {
                o->config_file = val;
            } else if (klen == 6 && strncmp(a, "--type", 6) == 0) {
                o->type = val;
            } else {
                fprintf(stderr, "floe plugins: unknown option '%s'\n", a);
                return FLOE_EXIT_USAGE;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "floe plugins: unknown option '%s'\n", a);
            return FLOE_EXIT_USAGE;
        } else if (allow_name && !o->name) {
            o->name = a;
        } else {
            fprintf(stderr, "floe plugins: unexpected argument '%s'\n", a);
            return FLOE_EXIT_USAGE;
        }
    }
    return 0;
}

/* A registry with the built-ins, the discovered plugins and the configuration file applied. */
static int open_registry(floe_registry **out, const struct opts *o)
{
    floe_registry *r = NULL;
    int rc = floe_registry_new(&r, NULL);
    if (rc == 0)
        rc = floe_registry_register_builtins(r);
    if (rc == 0)
        rc = floe_registry_discover(r, o->paths, o->npaths);
    if (rc == 0 && o->config_file) {
        json_t *doc = NULL;
        rc = floe_config_load_file(&doc, o->config_file);
        if (rc == 0)
            rc = floe_registry_configure_all(r, doc);
        json_decref(doc);
    }
    if (rc) {
        floe_registry_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

static char *api_version(const floe_plugin_def *d)
{
    static char buf[32];
    snprintf(buf, sizeof buf, "%u.%u", d->api_major, d->api_minor);
    return buf;
}

static json_t *deps_json(const floe_plugin_def *d)
{
    json_t *a = json_array();
    for (const floe_plugin_dependency *x = d->dependencies; a && x && x->name; x++) {
        json_t *o = json_pack("{s:s}", "name", x->name);
        if (o && x->type != FLOE_PLUGIN_ANY_TYPE)
            json_object_set_new(o, "type", json_string(floe_plugin_type_name(x->type)));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *plugin_json(const floe_plugin_info *p)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", p->def->name, "type",
                          floe_plugin_type_name(p->def->type), "version", p->def->version,
                          "api_version", api_version(p->def), "origin", p->origin);
    if (!o)
        return NULL;
    if (p->def->description)
        json_object_set_new(o, "description", json_string(p->def->description));
    json_object_set_new(o, "dependencies", deps_json(p->def));
    return o;
}

static int cmd_list(int argc, char **argv)
{
    struct opts o;
    int rc = parse(&o, argc, argv, 0);
    if (rc)
        return rc;
    if (o.help) {
        printf("usage: floe plugins list [--json] [--plugin-path DIR]...\n\n"
               "Lists the eleven plugin types with their plugins (name, version, plugin API\n"
               "version, origin: \"built-in\" or the shared object), then the files discovery\n"
               "refused and why. Discovery order: --plugin-path, FLOE_PLUGIN_PATH, %s.\n",
               "the install's plugin directory");
        return FLOE_EXIT_OK;
    }
    floe_registry *r = NULL;
    rc = open_registry(&r, &o);
    if (rc)
        return floe_cli_fail(rc);
    json_t *root = json_object();
    json_t *types = json_object();
    json_t *refused = json_array();
    json_object_set_new(root, "api_version", json_string(FLOE_PLUGIN_API_VERSION_STRING));
    for (int t = 0; t < FLOE_PLUGIN_TYPE_COUNT; t++) {
        floe_plugin_info *list = NULL;
        size_t n = 0;
        rc = floe_registry_list(&list, &n, r, (floe_plugin_type)t);
        if (rc)
            break;
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, plugin_json(&list[i]));
        json_object_set_new(types, floe_plugin_type_name(t), arr);
        if (!o.json) {
            printf("%s:\n", floe_plugin_type_name(t));
            if (!n)
                printf("  (none)\n");
            for (size_t i = 0; i < n; i++)
                printf("  %-20s %-10s api %-5s %s\n", list[i].def->name, list[i].def->version,
                       api_version(list[i].def), list[i].origin);
        }
        floe_plugin_info_free(list);
    }
    size_t nd = floe_registry_discovery_count(r);
    for (size_t i = 0; rc == 0 && i < nd; i++) {
        floe_discovery_result d;
        if (floe_registry_discovery_get(&d, r, i) != 0 || d.accepted)
            continue;
        json_t *x = json_pack("{s:s, s:s, s:s}", "path", d.path, "code", floe_error_name(d.code),
                              "reason", d.reason);
        if (x && d.plugin_name)
            json_object_set_new(x, "plugin", json_string(d.plugin_name));
        json_array_append_new(refused, x);
    }
    json_object_set_new(root, "types", types);
    json_object_set_new(root, "refused", refused);
    if (rc == 0) {
        if (o.json) {
            rc = floe_cli__print_json(root);
        } else if (json_array_size(refused)) {
            printf("refused:\n");
            size_t i;
            json_t *x;
            json_array_foreach(refused, i, x)
            {
                printf("  %s: %s\n", json_string_value(json_object_get(x, "path")),
                       json_string_value(json_object_get(x, "reason")));
            }
        }
    }
    json_decref(root);
    floe_registry_free(r);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

static int cmd_info(int argc, char **argv)
{
    struct opts o;
    int rc = parse(&o, argc, argv, 1);
    if (rc)
        return rc;
    if (o.help) {
        printf("usage: floe plugins info NAME [--type TYPE] [--json] [--plugin-path DIR]...\n"
               "                             [--config FILE]\n\n"
               "Shows a plugin's type, version, plugin API version, origin, dependencies and its\n"
               "configuration schema as JSON Schema (draft 2020-12). With --config, also the\n"
               "validated configuration, defaults applied and secrets redacted.\n");
        return FLOE_EXIT_OK;
    }
    if (!o.name) {
        fprintf(stderr, "floe plugins info: missing plugin NAME (see 'floe plugins list')\n");
        return FLOE_EXIT_USAGE;
    }
    floe_plugin_type want = FLOE_PLUGIN_COMPUTE;
    if (o.type && floe_plugin_type_parse(&want, o.type) != 0) {
        fprintf(stderr, "floe plugins info: %s\n", floe_error_last());
        return FLOE_EXIT_USAGE;
    }
    floe_registry *r = NULL;
    rc = open_registry(&r, &o);
    if (rc)
        return floe_cli_fail(rc);
    floe_plugin_info info;
    int found = 0;
    for (int t = 0; t < FLOE_PLUGIN_TYPE_COUNT; t++) {
        floe_plugin_info x;
        if (o.type && t != (int)want)
            continue;
        if (floe_registry_lookup(&x, r, (floe_plugin_type)t, o.name) == 0) {
            if (found++ == 0)
                info = x;
        }
    }
    if (found != 1) {
        floe_registry_free(r);
        if (found > 1) {
            fprintf(stderr, "floe plugins info: several plugins are named '%s': add --type TYPE\n",
                    o.name);
            return FLOE_EXIT_USAGE;
        }
        floe_error_set(FLOE_ENOTFOUND,
                       "no plugin named '%s'%s%s is registered; see 'floe plugins list'", o.name,
                       o.type ? " of type " : "", o.type ? o.type : "");
        return floe_cli_fail(FLOE_ENOTFOUND);
    }
    json_t *schema = NULL;
    rc = floe_config_schema_to_json_schema(&schema, info.def->config_schema, info.def->name);
    const floe_config *cfg = NULL;
    if (rc == 0)
        rc = floe_registry_get_config(&cfg, r, info.def->type, info.def->name);
    if (rc) {
        floe_registry_free(r);
        return floe_cli_fail(rc);
    }
    json_t *o_json = plugin_json(&info);
    json_object_set_new(o_json, "config_schema", schema);
    if (cfg)
        json_object_set_new(o_json, "config", json_deep_copy(floe_config_json(cfg)));
    if (o.json) {
        rc = floe_cli__print_json(o_json);
    } else {
        printf("name:         %s\n", info.def->name);
        printf("type:         %s\n", floe_plugin_type_name(info.def->type));
        printf("version:      %s\n", info.def->version);
        printf("api version:  %s\n", api_version(info.def));
        printf("origin:       %s\n", info.origin);
        if (info.def->description)
            printf("description:  %s\n", info.def->description);
        printf("dependencies:");
        int any = 0;
        for (const floe_plugin_dependency *d = info.def->dependencies; d && d->name; d++) {
            printf("%s%s%s%s", any ? ", " : " ",
                   d->type == FLOE_PLUGIN_ANY_TYPE ? "" : floe_plugin_type_name(d->type),
                   d->type == FLOE_PLUGIN_ANY_TYPE ? "" : ":", d->name);
            any = 1;
        }
        printf("%s\n", any ? "" : " (none)");
        printf("config schema:\n");
        rc = floe_cli__print_json(json_object_get(o_json, "config_schema"));
        if (cfg && rc == 0) {
            printf("config:\n");
            rc = floe_cli__print_json(json_object_get(o_json, "config"));
        }
    }
    json_decref(o_json);
    floe_registry_free(r);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

static int cmd_health(int argc, char **argv)
{
    struct opts o;
    int rc = parse(&o, argc, argv, 0);
    if (rc)
        return rc;
    if (o.help) {
        printf("usage: floe plugins health [--json] [--plugin-path DIR]... [--config FILE]\n\n"
               "Creates every plugin (with its configuration, or its defaults) and runs its\n"
               "health check with a 5 s limit. Exit status 6 when any plugin is unhealthy.\n");
        return FLOE_EXIT_OK;
    }
    floe_registry *r = NULL;
    rc = open_registry(&r, &o);
    if (rc)
        return floe_cli_fail(rc);
    floe_plugin_health *h = NULL;
    size_t n = 0;
    rc = floe_registry_health_check_all(&h, &n, r);
    if (rc) {
        floe_registry_free(r);
        return floe_cli_fail(rc);
    }
    int unhealthy = 0;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const floe_health_status *s = &h[i].status;
        if (s->state == FLOE_HEALTH_UNHEALTHY)
            unhealthy++;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "type",
                                             floe_plugin_type_name(h[i].type), "name", h[i].name,
                                             "state", floe_health_state_name(s->state), "message",
                                             s->message, "response_time_ms",
                                             (json_int_t)s->response_time_ms, "checked_at",
                                             (json_int_t)s->checked_at));
        if (!o.json)
            printf("%-12s %-20s %-9s %4lld ms  %s\n", floe_plugin_type_name(h[i].type), h[i].name,
                   floe_health_state_name(s->state), (long long)s->response_time_ms, s->message);
    }
    if (o.json) {
        json_t *root = json_pack("{s:o, s:b}", "plugins", arr, "healthy", unhealthy == 0);
        rc = floe_cli__print_json(root);
        json_decref(root);
    } else {
        json_decref(arr);
    }
    floe_plugin_health_free(h);
    floe_registry_free(r);
    if (rc)
        return floe_cli_fail(rc);
    return unhealthy ? FLOE_EXIT_UNHEALTHY : FLOE_EXIT_OK;
}

int floe_cli_plugins(int argc, char **argv)
{
    int exit_code = FLOE_EXIT_OK;
    if (floe_cli__group_help(&exit_code, argc, argv, usage))
        return exit_code;
    const char *cmd = argv[1];
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 2, argv + 2);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 2, argv + 2);
    if (strcmp(cmd, "health") == 0)
        return cmd_health(argc - 2, argv + 2);
    fprintf(stderr, "floe plugins: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return FLOE_EXIT_USAGE;
}
