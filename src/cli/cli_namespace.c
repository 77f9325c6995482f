/* floe namespace: create, list, describe and drop namespaces of the warehouse's catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/error.h>
#include <floe/table.h>

#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: floe namespace <subcommand> [options]\n\n"
                 "Manage namespaces of the catalog (default: the SQLite catalog in\n"
                 "<warehouse>/catalog.db; the warehouse is ./warehouse, $FLOE_WAREHOUSE or\n"
                 "--warehouse DIR).\n\n"
                 "Subcommands:\n"
                 "  create NS [--property k=v]... [--parents] [--if-not-exists]\n"
                 "                        create a namespace (dotted: a.b); --parents creates\n"
                 "                        missing parents; --if-not-exists accepts an existing\n"
                 "                        one\n"
                 "  list [PARENT] [--json] namespaces directly under PARENT (default: top level)\n"
                 "  describe NS [--json]  the namespace's properties\n"
                 "  drop NS               drop an empty namespace\n\n"
                 "Common options:\n"
                 "  --warehouse DIR       warehouse directory (catalog.db lives in it)\n"
                 "  --help                this help\n");
}

typedef struct args {
    const char *pos[4];
    int npos;
    const char *warehouse;
    int json, parents, if_not_exists;
    json_t *props;
} args;

static int parse(args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--json") == 0) {
            a->json = 1;
        } else if (strcmp(s, "--if-not-exists") == 0) {
            a->if_not_exists = 1;
        } else if (strcmp(s, "--parents") == 0 || strcmp(s, "-p") == 0) {
            a->parents = 1;
        } else if (strcmp(s, "--warehouse") == 0 && i + 1 < argc) {
            a->warehouse = argv[++i];
        } else if (strcmp(s, "--property") == 0 && i + 1 < argc) {
            const char *kv = argv[++i];
            const char *eq = strchr(kv, '=');
            if (!eq || eq == kv) {
                fprintf(stderr, "floe: --property expects key=value, got '%s'\n", kv);
                return -1;
            }
            if (!a->props)
                a->props = json_object();
            char key[256];
            snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
            json_object_set_new(a->props, key, json_string(eq + 1));
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "floe: unknown or incomplete option '%s'\n", s);
            return -1;
        } else if (a->npos < 4) {
            a->pos[a->npos++] = s;
        } else {
            fprintf(stderr, "floe: too many arguments\n");
            return -1;
        }
    }
    return 0;
}

static int open_manager(floe_manager **m, const args *a)
{
    floe_manager_options o = FLOE_MANAGER_OPTIONS_INIT;
    o.warehouse = a->warehouse;
    return floe_manager_open(m, &o);
}

static int print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!s)
        return FLOE_EXIT_ERROR;
    printf("%s\n", s);
    free(s);
    return FLOE_EXIT_OK;
}

int floe_cli_namespace(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? FLOE_EXIT_USAGE : FLOE_EXIT_OK;
    }
    const char *sub = argv[1];
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return FLOE_EXIT_OK;
        }
    args a;
    if (parse(&a, argc - 2, argv + 2)) {
        json_decref(a.props);
        return FLOE_EXIT_USAGE;
    }
    int need = strcmp(sub, "list") == 0 ? 0 : 1;
    if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "describe") &&
        strcmp(sub, "drop")) {
        fprintf(stderr, "floe: unknown namespace subcommand '%s'\n\n", sub);
        usage(stderr);
        json_decref(a.props);
        return FLOE_EXIT_USAGE;
    }
    if (a.npos < need || a.npos > 1) {
        fprintf(stderr, "floe: namespace %s takes %s\n", sub,
                need ? "one namespace name" : "at most one parent namespace");
        json_decref(a.props);
        return FLOE_EXIT_USAGE;
    }
    floe_manager *m = NULL;
    int rc = open_manager(&m, &a);
    int exit_code = FLOE_EXIT_OK;
    if (rc) {
        json_decref(a.props);
        return floe_cli_fail(rc);
    }
    if (strcmp(sub, "create") == 0) {
        rc = floe_manager_create_namespace(m, a.pos[0], a.props, a.parents);
        if (rc == FLOE_EEXISTS && a.if_not_exists) {
            floe_error_clear();
            rc = 0;
            printf("namespace %s already exists\n", a.pos[0]);
        } else if (!rc) {
            printf("created namespace %s\n", a.pos[0]);
        }
    } else if (strcmp(sub, "list") == 0) {
        char **names = NULL;
        size_t n = 0;
        rc = floe_manager_list_namespaces(&names, &n, m, a.npos ? a.pos[0] : NULL);
        if (!rc && a.json) {
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, json_string(names[i]));
            exit_code = print_json(arr);
            json_decref(arr);
        } else if (!rc) {
            for (size_t i = 0; i < n; i++)
                printf("%s\n", names[i]);
        }
        floe_manager_strings_free(names, n);
    } else if (strcmp(sub, "describe") == 0) {
        json_t *props = NULL;
        rc = floe_manager_load_namespace(&props, m, a.pos[0]);
        if (!rc && a.json) {
            json_t *j = json_pack("{s:s,s:O}", "namespace", a.pos[0], "properties", props);
            exit_code = print_json(j);
            json_decref(j);
        } else if (!rc) {
            printf("namespace: %s\n", a.pos[0]);
            const char *k;
            json_t *v;
            json_object_foreach(props, k, v)
            {
                printf("  %s = %s\n", k, json_is_string(v) ? json_string_value(v) : "");
            }
        }
        json_decref(props);
    } else {
        rc = floe_manager_drop_namespace(m, a.pos[0]);
        if (!rc)
            printf("dropped namespace %s\n", a.pos[0]);
    }
    json_decref(a.props);
    floe_manager_free(m);
    return rc ? floe_cli_fail(rc) : exit_code;
}
