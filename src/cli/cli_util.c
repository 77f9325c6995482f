/* Helpers shared by the CLI's command groups; see cli_util.h. */
#include "cli/cli_util.h"

#include <stdlib.h>
#include <string.h>

#include <floe/error.h>

#include "cli/commands.h"

int floe_cli__is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int floe_cli__group_help(int *exit_code, int argc, char **argv, void (*usage)(FILE *out))
{
    if (argc < 2) {
        usage(stderr);
        *exit_code = FLOE_EXIT_USAGE;
        return 1;
    }
    if (floe_cli__is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        *exit_code = FLOE_EXIT_OK;
        return 1;
    }
    return 0;
}

int floe_cli__parse_flag(int *set, int argc, char **argv, const char *flag, const char *command)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], flag) != 0) {
            fprintf(stderr, "floe: unknown option '%s' for '%s'\n", argv[i], command);
            return FLOE_EXIT_USAGE;
        }
        *set = 1;
    }
    return 0;
}

int floe_cli__print_json(const json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    if (!text)
        return floe_error_set(FLOE_ENOMEM, "out of memory rendering JSON output");
    printf("%s\n", text);
    free(text);
    return 0;
}

size_t floe_cli__split_list(char *buf, const char **items, size_t cap)
{
    size_t n = 0;
    for (char *p = buf, *next; p && *p && n < cap; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        while (*p == ' ')
            p++;
        size_t len = strlen(p);
        while (len && p[len - 1] == ' ')
            p[--len] = '\0';
        if (*p)
            items[n++] = p;
    }
    return n;
}
