/* floe table: create, inspect, write and scan Iceberg tables through the table manager.
 * Appends read Parquet files and CSV files (parsed here with the table's column types). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include <floe/arrow/abi.h>
#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/arrow/stream.h>
#include <floe/arrow/type.h>
#include <floe/arrow/value.h>
#include <floe/error.h>
#include <floe/iceberg/builder.h>
#include <floe/iceberg/metadata.h>
#include <floe/iceberg/partition.h>
#include <floe/iceberg/schema.h>
#include <floe/iceberg/schema_update.h>
#include <floe/iceberg/spec_update.h>
#include <floe/iceberg/types.h>
#include <floe/io.h>
#include <floe/parquet/reader.h>
#include <floe/parquet/writer.h>
#include <floe/table.h>
#include <floe/table_delete.h>

#include "base/timeconv.h"
#include "cli/cli_input.h"
#include "cli/cli_util.h"
#include "cli/commands.h"

#define MAX_POS   64
#define MAX_PROPS 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage: floe table <subcommand> [options]\n\n"
            "Create, inspect, write and scan Iceberg tables. Tables are named NS.TABLE.\n\n"
            "Subcommands:\n"
            "  create TABLE (--schema 'id long not null, ts timestamptz, amount decimal(10,2)'\n"
            "               | --like FILE.parquet) [--partition-by 'day(ts), bucket(16, id)']\n"
            "               [--sort-by 'id desc'] [--property k=v]... [--if-not-exists]\n"
            "  list NS [--json]            tables of a namespace\n"
            "  describe TABLE [--json]     schema, partition spec, sort order, properties,\n"
            "                              location, current metadata file\n"
            "  drop TABLE [--purge] [--dry-run]\n"
            "                              drop (--purge also deletes data and metadata files)\n"
            "  rename FROM TO              rename or move a table\n"
            "  register TABLE METADATA_FILE\n"
            "                              register an existing metadata file as a table\n"
            "  append TABLE FILE... [--branch NAME] [--union-by-name] [--dry-run]\n"
            "                              append Parquet or CSV files as one snapshot (.csv:\n"
            "                              header row, columns matched by name, values typed\n"
            "                              by the table schema); --branch commits to an\n"
            "                              existing branch instead of main; --union-by-name\n"
            "                              first adds the Parquet files' new columns and\n"
            "                              widens narrower column types (own commit)\n"
            "  overwrite TABLE FILE... [--filter EXPR] [--branch NAME] [--union-by-name]\n"
            "            [--dry-run] [--json]\n"
            "                              replace the table (or the rows matching EXPR) with\n"
            "                              the files' rows (on a branch with --branch)\n"
            "  scan TABLE [--columns a,b] [--filter EXPR] [--snapshot ID | --as-of TIME |\n"
            "             --ref NAME] [--format table|csv|json|parquet] [--output FILE]\n"
            "             [--limit N]     read rows (parquet output needs --output)\n"
            "  snapshots TABLE [--json]    snapshots (id, parent, time, operation, summary)\n"
            "  files TABLE [--filter EXPR] [--snapshot ID | --as-of TIME | --ref NAME] [--json]\n"
            "                              data files (and their delete files) a scan reads\n"
            "  alter TABLE CHANGE... [--allow-incompatible] [--dry-run]\n"
            "                              evolve the schema and partition spec: add, rename,\n"
            "                              widen, drop, move, document columns, identifier\n"
            "                              fields, partition fields (see alter --help)\n"
            "  rollback TABLE (--snapshot ID | --as-of TIME) [--dry-run]\n"
            "                              point main back at an earlier snapshot\n"
            "  set-current TABLE --snapshot ID [--dry-run]\n"
            "                              point main at any snapshot of the table\n"
            "  branch TABLE create|replace|drop NAME [--snapshot ID] [--dry-run]\n"
            "  tag TABLE create|replace|drop NAME [--snapshot ID] [--dry-run]\n"
            "                              manage branches and tags\n"
            "  expire TABLE [--older-than TIME] [--retain-last N] [--dry-run] [--json]\n"
            "                              expire old snapshots and delete their files\n"
            "  remove-orphans TABLE [--older-than AGE] [--dry-run] [--json]\n"
            "                              delete unreferenced files older than AGE (3d)\n"
            "  delete TABLE --filter EXPR [--branch NAME] [--dry-run] [--json]\n"
            "                              delete the rows matching EXPR (copy-on-write)\n"
            "  upsert TABLE FILE... --on COL[,COL] [--delete-unmatched] [--branch NAME]\n"
            "         [--union-by-name] [--dry-run] [--json]\n"
            "                              update matched rows that changed, insert the rest\n"
            "                              (Parquet or CSV files)\n"
            "  compact TABLE [--target-file-size BYTES] [--dry-run] [--json]\n"
            "                              bin-pack small files; rewrite manifests\n"
            "  inspect TABLE snapshots|history|manifests|files|partitions|refs|entries\n"
            "                              [--json]  metadata tables\n"
            "Each subcommand has its own --help.\n\n"
            "Filters: id > 10 and region = 'eu', ts >= '2024-01-01T00:00:00+00:00',\n"
            "         name like 'a%%', x is null, x in (1, 2).\n"
            "Common options:\n"
            "  --warehouse DIR             warehouse directory (default ./warehouse or\n"
            "                              $FLOE_WAREHOUSE; the catalog is DIR/catalog.db)\n"
            "  --help                      this help\n");
}

typedef struct args {
    const char *pos[MAX_POS];
    int npos;
    const char *warehouse, *schema, *like, *partition_by, *sort_by, *filter, *columns, *ref, *as_of,
        *format, *output, *branch;
    const char *keys[MAX_PROPS], *vals[MAX_PROPS];
    char *kv_copies[MAX_PROPS];
    size_t nprops;
    long long snapshot, limit;
    int json, purge, if_not_exists, union_by_name, dry_run;
} args;

static const struct {
    const char *name;
    size_t offset;
} value_opts[] = {
    {"--warehouse", offsetof(args, warehouse)}, {"--schema", offsetof(args, schema)},
    {"--like", offsetof(args, like)},           {"--partition-by", offsetof(args, partition_by)},
    {"--sort-by", offsetof(args, sort_by)},     {"--filter", offsetof(args, filter)},
    {"--columns", offsetof(args, columns)},     {"--ref", offsetof(args, ref)},
    {"--as-of", offsetof(args, as_of)},         {"--format", offsetof(args, format)},
    {"--output", offsetof(args, output)},       {"--branch", offsetof(args, branch)},
};

/* `floe table SUB --help` for the subcommands handled in this file. */
static const struct {
    const char *name, *text;
} sub_help[] = {
    {"create",
     "usage: floe table create TABLE (--schema TEXT | --like FILE.parquet)\n"
     "                         [--partition-by SPEC] [--sort-by ORDER] [--property k=v]...\n"
     "                         [--if-not-exists] [--warehouse DIR]\n\n"
     "Creates an Iceberg table (format v2). --schema: 'id long not null, ts timestamptz,\n"
     "amount decimal(10,2), name string' (primitive columns; --like takes the columns of a\n"
     "Parquet file, nested ones too). --partition-by: COL, year/month/day/hour(COL),\n"
     "bucket(N, COL), truncate(W, COL), comma separated. --sort-by: 'col [asc|desc] [nulls\n"
     "first|last], ...'. Exit codes: 0 ok, 2 usage, 3 no such namespace, 4 exists, 5 bad "
     "schema.\n"},
    {"list", "usage: floe table list NS [--json] [--warehouse DIR]\n\nLists the tables of a "
             "namespace as NS.TABLE, one per line (a JSON array with --json).\n"},
    {"describe", "usage: floe table describe TABLE [--json] [--warehouse DIR]\n\nPrints the "
                 "schema (with field ids), partition spec, sort order, properties, location,\n"
                 "current snapshot and metadata file (the whole description with --json).\n"},
    {"drop", "usage: floe table drop TABLE [--purge] [--dry-run] [--warehouse DIR]\n\nRemoves "
             "the table from the catalog; --purge also deletes its data and metadata files.\n"
             "--dry-run says what would go (with --purge: how many files) and changes nothing.\n"},
    {"rename", "usage: floe table rename FROM TO [--warehouse DIR]\n\nRenames a table, or "
               "moves it to another namespace; its files stay where they are.\n"},
    {"register",
     "usage: floe table register TABLE METADATA_FILE [--warehouse DIR]\n\nRegisters an "
     "existing Iceberg metadata file (e.g. written by another engine, or an\nolder version "
     "of a dropped table) as TABLE.\n"},
    {"append",
     "usage: floe table append TABLE FILE... [--branch NAME] [--union-by-name]\n"
     "                         [--property k=v]... [--dry-run] [--json] [--warehouse DIR]\n\n"
     "Appends the rows of Parquet or CSV files as one snapshot. A .csv file has a header\n"
     "row; its columns are matched to the table's by name and typed by the table schema\n"
     "(an empty unquoted field is null). Parquet columns are matched by name and may be\n"
     "narrower than the table's (int into long). --branch commits to an existing branch;\n"
     "--union-by-name first evolves the schema to accept the Parquet files (new columns\n"
     "added as optional, narrower table types widened; its own commit). --property adds\n"
     "snapshot summary properties. --dry-run reads the files and counts their rows, writing\n"
     "nothing. Exit codes: 0 ok, 3 no such table or branch, 4\n"
     "concurrent change (after retries), 5 rows or columns the table does not accept.\n"},
    {"overwrite",
     "usage: floe table overwrite TABLE FILE... [--filter EXPR] [--branch NAME]\n"
     "                            [--union-by-name] [--property k=v]... [--dry-run] [--json]\n"
     "                            [--warehouse DIR]\n\n"
     "Replaces the table's rows (or only those matching EXPR) with the files' rows in one\n"
     "snapshot. Files whose rows all match are dropped; files where some match are rewritten\n"
     "without them. Inputs as for append. --dry-run reads the inputs and counts the rows\n"
     "that would be removed and added (--json for an object); nothing is written.\n"},
    {"scan",
     "usage: floe table scan TABLE [--columns a,b] [--filter EXPR] [--limit N]\n"
     "                    [--snapshot ID | --as-of TIME | --ref NAME]\n"
     "                    [--format table|csv|json|parquet] [--output FILE] [--warehouse DIR]\n\n"
     "Reads rows. Files, row groups and rows are pruned by EXPR (e.g. \"id > 10 and region =\n"
     "'eu'\"); deletes apply. --as-of TIME is ms since the epoch or ISO 8601; --ref a branch\n"
     "or tag. --format parquet needs --output. Exit codes: 0 ok, 3 no such table/snapshot.\n"},
    {"snapshots", "usage: floe table snapshots TABLE [--json] [--warehouse DIR]\n\nLists the "
                  "snapshots: id, parent, commit time, operation and summary.\n"},
    {"files",
     "usage: floe table files TABLE [--filter EXPR] [--snapshot ID | --as-of TIME | --ref NAME]\n"
     "                     [--json] [--warehouse DIR]\n\n"
     "Lists the data files a scan would read (after pruning by EXPR) with their row count,\n"
     "size, partition and the delete files that apply to them.\n"},
};

static int parse_ll(long long *out, const char *s)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !end || *end || end == s)
        return -1;
    *out = v;
    return 0;
}

static void args_free(args *a)
{
    for (size_t i = 0; i < a->nprops; i++)
        free(a->kv_copies[i]);
}

static int parse(args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->snapshot = -1;
    a->limit = -1;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        int matched = 0;
        for (size_t k = 0; k < sizeof value_opts / sizeof value_opts[0]; k++) {
            if (strcmp(s, value_opts[k].name) != 0)
                continue;
            if (i + 1 >= argc) {
                fprintf(stderr, "floe: %s needs a value\n", s);
                return -1;
            }
            *(const char **)((char *)a + value_opts[k].offset) = argv[++i];
            matched = 1;
        }
        if (matched)
            continue;
        if (strcmp(s, "--json") == 0) {
            a->json = 1;
        } else if (strcmp(s, "--purge") == 0) {
            a->purge = 1;
        } else if (strcmp(s, "--if-not-exists") == 0) {
            a->if_not_exists = 1;
        } else if (strcmp(s, "--union-by-name") == 0) {
            a->union_by_name = 1;
        } else if (strcmp(s, "--dry-run") == 0) {
            a->dry_run = 1;
        } else if ((strcmp(s, "--snapshot") == 0 || strcmp(s, "--limit") == 0) && i + 1 < argc) {
            long long v;
            if (parse_ll(&v, argv[i + 1]) || v < 0) {
                fprintf(stderr, "floe: %s expects a non-negative integer, got '%s'\n", s,
                        argv[i + 1]);
                return -1;
            }
            *(strcmp(s, "--limit") == 0 ? &a->limit : &a->snapshot) = v;
            i++;
        } else if (strcmp(s, "--property") == 0 && i + 1 < argc) {
            const char *kv = argv[++i];
            const char *eq = strchr(kv, '=');
            if (!eq || eq == kv || a->nprops == MAX_PROPS) {
                fprintf(stderr, "floe: --property expects key=value, got '%s'\n", kv);
                return -1;
            }
            char *c = strdup(kv);
            if (!c)
                return -1;
            c[eq - kv] = '\0';
            a->kv_copies[a->nprops] = c;
            a->keys[a->nprops] = c;
            a->vals[a->nprops++] = c + (eq - kv) + 1;
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "floe: unknown or incomplete option '%s'\n", s);
            return -1;
        } else if (a->npos < MAX_POS) {
            a->pos[a->npos++] = s;
        } else {
            fprintf(stderr, "floe: too many arguments\n");
            return -1;
        }
    }
    return 0;
}

static int print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2));
    if (!s)
        return FLOE_EXIT_ERROR;
    printf("%s\n", s);
    free(s);
    return FLOE_EXIT_OK;
}

/* ---- value formatting ---- */

typedef enum { OUT_TABLE, OUT_CSV, OUT_JSON } out_kind;

static void put_hex(FILE *f, const uint8_t *p, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static void decimal_string(char *buf, size_t n, floe_decimal128 d, int scale)
{
    /* 128-bit two's complement to decimal digits */
    int neg = (int64_t)d.hi < 0;
    uint64_t hi = d.hi, lo = d.lo;
    if (neg) {
        hi = ~hi;
        lo = ~lo + 1;
        if (lo == 0)
            hi++;
    }
    char digits[64];
    int nd = 0;
    while (hi || lo || nd == 0) {
        /* divide (hi, lo) by 10 */
        uint64_t rem = 0, qh = 0, ql = 0;
        for (int bit = 127; bit >= 0; bit--) {
            uint64_t b = bit >= 64 ? (hi >> (bit - 64)) & 1 : (lo >> bit) & 1;
            rem = (rem << 1) | b;
            if (rem >= 10) {
                rem -= 10;
                if (bit >= 64)
                    qh |= (uint64_t)1 << (bit - 64);
                else
                    ql |= (uint64_t)1 << bit;
            }
        }
        digits[nd++] = (char)('0' + rem);
        hi = qh;
        lo = ql;
    }
    while (nd <= scale)
        digits[nd++] = '0';
    size_t o = 0;
    if (neg && o + 1 < n)
        buf[o++] = '-';
    for (int i = nd - 1; i >= 0 && o + 2 < n; i--) {
        buf[o++] = digits[i];
        if (i == scale && scale > 0)
            buf[o++] = '.';
    }
    buf[o] = '\0';
}

/* Writes value `i` of column `a` (`s` its schema) in the output format. */
static void format_value(FILE *f, const struct ArrowSchema *s, const struct ArrowArray *a,
                         int64_t i, out_kind kind)
{
    floe_arrow_type t = FLOE_ARROW_TYPE_INIT;
    if (floe_arrow_type_from_schema(&t, s) != 0) {
        fputs("?", f);
        return;
    }
    if (floe_arrow_is_null(a, i)) {
        fputs(kind == OUT_JSON ? "null" : kind == OUT_TABLE ? "NULL" : "", f);
        return;
    }
    char buf[96];
    switch (t.id) {
    case FLOE_ARROW_TYPE_BOOL:
        fputs(floe_arrow_get_bool(a, i) ? "true" : "false", f);
        return;
    case FLOE_ARROW_TYPE_INT8:
    case FLOE_ARROW_TYPE_INT16:
    case FLOE_ARROW_TYPE_INT32:
    case FLOE_ARROW_TYPE_INT64:
    case FLOE_ARROW_TYPE_UINT8:
    case FLOE_ARROW_TYPE_UINT16:
    case FLOE_ARROW_TYPE_UINT32:
        fprintf(f, "%" PRId64, floe_arrow_get_int_as_int64(a, t.id, i));
        return;
    case FLOE_ARROW_TYPE_UINT64:
        fprintf(f, "%" PRIu64, floe_arrow_get_uint64(a, i));
        return;
    case FLOE_ARROW_TYPE_FLOAT32:
        fprintf(f, "%.9g", (double)floe_arrow_get_float32(a, i));
        return;
    case FLOE_ARROW_TYPE_FLOAT64:
        fprintf(f, "%.17g", floe_arrow_get_float64(a, i));
        return;
    case FLOE_ARROW_TYPE_DECIMAL128:
        decimal_string(buf, sizeof buf, floe_arrow_get_decimal128(a, i), t.scale);
        fprintf(f, kind == OUT_JSON ? "\"%s\"" : "%s", buf);
        return;
    case FLOE_ARROW_TYPE_DATE32:
        floe_format_date(buf, sizeof buf, floe_arrow_get_int32(a, i));
        break;
    case FLOE_ARROW_TYPE_TIME64:
        floe_format_time_us(buf, sizeof buf,
                            t.unit == FLOE_ARROW_TIME_UNIT_NANO ? floe_arrow_get_int64(a, i) / 1000
                                                                : floe_arrow_get_int64(a, i));
        break;
    case FLOE_ARROW_TYPE_TIMESTAMP: {
        int digits = t.unit == FLOE_ARROW_TIME_UNIT_NANO     ? 9
                     : t.unit == FLOE_ARROW_TIME_UNIT_MILLI  ? 3
                     : t.unit == FLOE_ARROW_TIME_UNIT_SECOND ? 0
                                                             : 6;
        floe_format_timestamp(buf, sizeof buf, floe_arrow_get_int64(a, i), digits,
                              t.timezone_len > 0);
        break;
    }
    case FLOE_ARROW_TYPE_UTF8:
    case FLOE_ARROW_TYPE_LARGE_UTF8: {
        floe_arrow_bytes b = floe_arrow_get_var_bytes(a, t.id, i);
        if (kind == OUT_JSON) {
            json_t *j = json_stringn((const char *)b.data, (size_t)b.len);
            char *txt = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
            fputs(txt ? txt : "null", f);
            free(txt);
            json_decref(j);
        } else if (kind == OUT_CSV &&
                   (memchr(b.data, ',', (size_t)b.len) || memchr(b.data, '"', (size_t)b.len) ||
                    memchr(b.data, '\n', (size_t)b.len))) {
            fputc('"', f);
            for (int64_t k = 0; k < b.len; k++) {
                if (b.data[k] == '"')
                    fputc('"', f);
                fputc(b.data[k], f);
            }
            fputc('"', f);
        } else {
            fwrite(b.data, 1, (size_t)b.len, f);
        }
        return;
    }
    case FLOE_ARROW_TYPE_BINARY:
    case FLOE_ARROW_TYPE_LARGE_BINARY:
    case FLOE_ARROW_TYPE_FIXED_SIZE_BINARY: {
        floe_arrow_bytes b = t.id == FLOE_ARROW_TYPE_FIXED_SIZE_BINARY
                                 ? floe_arrow_get_fixed_bytes(a, t.byte_width, i)
                                 : floe_arrow_get_var_bytes(a, t.id, i);
        if (kind == OUT_JSON)
            fputc('"', f);
        put_hex(f, b.data, b.len);
        if (kind == OUT_JSON)
            fputc('"', f);
        return;
    }
    default:
        fputs(kind == OUT_JSON ? "null" : "?", f);
        return;
    }
    fprintf(f, kind == OUT_JSON ? "\"%s\"" : "%s", buf);
}

/* ---- subcommands ---- */

static int cmd_create(floe_manager *m, const args *a)
{
    floe_table_create_options o = FLOE_TABLE_CREATE_OPTIONS_INIT;
    char *like_json = NULL;
    int rc = 0;
    if (!!a->schema == !!a->like) {
        fprintf(stderr, "floe: table create needs exactly one of --schema or --like\n");
        return FLOE_EXIT_USAGE;
    }
    if (a->like) {
        struct ArrowSchema s;
        if (!(rc = floe_cli__parquet_schema(&s, a->like)))
            rc = floe_table_schema_json_from_arrow(&like_json, &s);
        floe_arrow_schema_release(&s);
        if (rc)
            return floe_cli_fail(floe_error_wrap(rc, "--like '%s'", a->like));
    }
    o.schema_text = a->schema;
    o.schema_json = like_json;
    o.partition_by = a->partition_by;
    o.sort_by = a->sort_by;
    o.property_keys = a->keys;
    o.property_values = a->vals;
    o.property_count = a->nprops;
    o.if_not_exists = a->if_not_exists;
    floe_table *t = NULL;
    rc = floe_manager_create_table(&t, m, a->pos[0], &o);
    free(like_json);
    if (rc)
        return floe_cli_fail(rc);
    printf("created table %s at %s\n", a->pos[0], floe_table_location(t));
    floe_table_free(t);
    return FLOE_EXIT_OK;
}

static int cmd_describe(floe_table *t, const args *a)
{
    json_t *d = NULL;
    int rc = floe_table_describe(&d, t);
    if (rc)
        return floe_cli_fail(rc);
    if (a->json) {
        rc = print_json(d);
        json_decref(d);
        return rc;
    }
    printf("table:          %s\n", floe_table_identifier(t));
    printf("location:       %s\n", floe_table_location(t));
    printf("metadata file:  %s\n", floe_table_metadata_file(t));
    printf("format version: %d\n", (int)json_integer_value(json_object_get(d, "format-version")));
    json_t *cur = json_object_get(d, "current-snapshot-id");
    if (json_is_integer(cur))
        printf("snapshot:       %" PRId64 "\n", (int64_t)json_integer_value(cur));
    else
        printf("snapshot:       (none)\n");
    printf("schema:\n");
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(json_object_get(d, "schema"), "fields"), i, f)
    {
        json_t *ty = json_object_get(f, "type");
        char *tys = json_is_string(ty) ? NULL : json_dumps(ty, JSON_COMPACT);
        printf("  %3d %-24s %s%s\n", (int)json_integer_value(json_object_get(f, "id")),
               json_string_value(json_object_get(f, "name")), tys ? tys : json_string_value(ty),
               json_is_true(json_object_get(f, "required")) ? " not null" : "");
        free(tys);
    }
    printf("partition spec:");
    json_t *pf = json_object_get(json_object_get(d, "partition-spec"), "fields");
    if (!json_array_size(pf))
        printf(" (unpartitioned)");
    json_array_foreach(pf, i, f)
    {
        printf("%s %s=%s(%d)", i ? "," : "", json_string_value(json_object_get(f, "name")),
               json_string_value(json_object_get(f, "transform")),
               (int)json_integer_value(json_object_get(f, "source-id")));
    }
    printf("\nsort order:    ");
    json_t *sf = json_object_get(json_object_get(d, "sort-order"), "fields");
    if (!json_array_size(sf))
        printf(" (unsorted)");
    json_array_foreach(sf, i, f)
    {
        printf("%s %d %s %s", i ? "," : "",
               (int)json_integer_value(json_object_get(f, "source-id")),
               json_string_value(json_object_get(f, "direction")),
               json_string_value(json_object_get(f, "null-order")));
    }
    printf("\nproperties:\n");
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(d, "properties"), k, v)
    {
        printf("  %s = %s\n", k, json_string_value(v));
    }
    json_decref(d);
    return FLOE_EXIT_OK;
}

/* `append|overwrite --dry-run`: reads the inputs (so bad files fail as they would) and, for an
 * overwrite, counts what it would remove through a dry-run delete of the same rows; writes
 * nothing. */
static int write_dry_run(floe_table *t, const args *a, int overwrite)
{
    int64_t input_rows = 0;
    int rc = 0;
    for (int i = 1; !rc && i < a->npos; i++) {
        struct ArrowArrayStream s;
        rc = floe_cli__input_stream(&s, t, a->pos[i]);
        while (!rc) {
            struct ArrowArray b;
            if ((rc = floe_arrow_stream_get_next(&s, &b)) || !b.release)
                break;
            input_rows += b.length;
            b.release(&b);
        }
        floe_arrow_stream_release(&s);
    }
    floe_delete_options o = FLOE_DELETE_OPTIONS_INIT;
    o.dry_run = 1;
    o.branch = a->branch;
    floe_write_result r;
    memset(&r, 0, sizeof r);
    if (!rc && overwrite)
        rc = floe_table_delete_rows(&r, t, a->filter ? a->filter : "true", &o);
    if (rc)
        return floe_cli_fail(rc);
    if (!overwrite) {
        if (a->json) {
            json_t *j = json_pack("{s:s,s:b,s:I}", "table", floe_table_identifier(t), "dry_run", 1,
                                  "input_records", (json_int_t)input_rows);
            rc = print_json(j);
            json_decref(j);
            return rc;
        }
        printf("dry run: would append %" PRId64 " rows from %d file(s) to %s; nothing changed\n",
               input_rows, a->npos - 1, floe_table_identifier(t));
        return FLOE_EXIT_OK;
    }
    if (a->json) {
        json_t *j = json_pack("{s:s,s:b,s:s?,s:I,s:I,s:I}", "table", floe_table_identifier(t),
                              "dry_run", 1, "filter", a->filter, "removed_records",
                              (json_int_t)r.deleted_records, "removed_or_rewritten_files",
                              (json_int_t)r.deleted_files, "input_records", (json_int_t)input_rows);
        rc = print_json(j);
        json_decref(j);
        return rc;
    }
    printf("dry run: would remove %" PRId64 " rows of %s%s%s (%" PRId64
           " data files removed or rewritten) and add %" PRId64 " rows from %d file(s); nothing "
           "changed\n",
           r.deleted_records, floe_table_identifier(t), a->filter ? " matching " : "",
           a->filter ? a->filter : "", r.deleted_files, input_rows, a->npos - 1);
    return FLOE_EXIT_OK;
}

static int cmd_write(floe_table *t, const args *a, int overwrite)
{
    if (a->dry_run)
        return write_dry_run(t, a, overwrite);
    int n = a->npos - 1, rc = 0, opened = 0;
    floe_write_options wo = FLOE_WRITE_OPTIONS_INIT;
    wo.branch = a->branch;
    wo.union_by_name = a->union_by_name;
    /* --property k=v: snapshot summary properties (lineage: job, run id, source) */
    wo.snapshot_property_keys = a->keys;
    wo.snapshot_property_values = a->vals;
    wo.snapshot_property_count = a->nprops;
    struct ArrowArrayStream *streams = calloc((size_t)n, sizeof *streams);
    struct ArrowArrayStream **ptrs = calloc((size_t)n, sizeof *ptrs);
    if (!streams || !ptrs)
        rc = floe_error_set(FLOE_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < n; i++) {
        rc = floe_cli__input_stream(&streams[i], t, a->pos[i + 1]);
        ptrs[i] = &streams[i];
        opened = i + 1;
    }
    int tty = isatty(STDERR_FILENO);
    if (!rc && tty)
        fprintf(stderr, "floe: %s %d file(s) to %s ...",
                overwrite ? "overwriting with" : "appending", n, floe_table_identifier(t));
    floe_write_result r;
    memset(&r, 0, sizeof r);
    if (!rc)
        rc = overwrite ? floe_table_overwrite_streams(&r, t, ptrs, (size_t)n, a->filter, &wo)
                       : floe_table_append_streams(&r, t, ptrs, (size_t)n, &wo);
    if (tty)
        fprintf(stderr, "\r\033[K");
    for (int i = 0; i < opened; i++)
        floe_arrow_stream_release(&streams[i]);
    free(streams);
    free(ptrs);
    if (rc)
        return floe_cli_fail(rc);
    printf("%s %s: %" PRId64 " rows in %" PRId64 " files", floe_table_identifier(t),
           overwrite ? "overwritten" : "appended", r.added_records, r.added_files);
    if (overwrite)
        printf(", removed %" PRId64 " rows in %" PRId64 " files", r.deleted_records,
               r.deleted_files);
    printf(", snapshot %" PRId64 "\n", r.snapshot_id);
    return FLOE_EXIT_OK;
}

static int write_parquet(struct ArrowArrayStream *s, const char *path)
{
    floe_file_io *io = NULL;
    floe_output_file *f = NULL;
    floe_parquet_writer *w = NULL;
    struct ArrowSchema schema;
    memset(&schema, 0, sizeof schema);
    int rc = floe_posix_file_io_new(&io);
    if (!rc)
        rc = io->create(&f, io, path, FLOE_CREATE_OVERWRITE);
    if (!rc)
        rc = floe_arrow_stream_get_schema(s, &schema);
    if (!rc) {
        rc = floe_parquet_writer_open(&w, f, &schema, NULL);
        f = NULL;
    }
    if (!rc)
        rc = floe_parquet_writer_write_stream(w, s);
    if (!rc) {
        rc = floe_parquet_writer_close(w, NULL);
        w = NULL;
    }
    floe_parquet_writer_abort(w);
    if (f)
        floe_output_abort(f);
    floe_arrow_schema_release(&schema);
    floe_file_io_free(io);
    return rc;
}

/* --snapshot, --ref and --as-of into scan options; FLOE_EXIT_USAGE on a bad --as-of. */
static int select_snapshot(floe_scan_options *o, const args *a)
{
    o->snapshot_id = a->snapshot;
    o->ref = a->ref;
    if (!a->as_of)
        return 0;
    int64_t us = 0;
    long long ms;
    if (parse_ll(&ms, a->as_of) == 0) {
        o->as_of_ms = ms;
    } else if (floe_parse_timestamp_us(&us, a->as_of, NULL) == 0) {
        o->as_of_ms = us / 1000;
    } else {
        fprintf(stderr, "floe: --as-of expects ms since the epoch or an ISO 8601 time\n");
        return FLOE_EXIT_USAGE;
    }
    return 0;
}

static int cmd_scan(floe_table *t, const args *a)
{
    floe_scan_options o = FLOE_SCAN_OPTIONS_INIT;
    char *cols_copy = NULL;
    const char *cols[256];
    size_t ncols = 0;
    if (a->columns) {
        cols_copy = strdup(a->columns);
        for (char *p = cols_copy, *save = NULL; p && ncols < 256; p = save) {
            char *comma = strchr(p, ',');
            save = comma ? comma + 1 : NULL;
            if (comma)
                *comma = '\0';
            while (*p == ' ')
                p++;
            if (*p)
                cols[ncols++] = p;
        }
        o.columns = cols;
        o.column_count = ncols;
    }
    o.filter = a->filter;
    o.limit = a->limit;
    if (select_snapshot(&o, a)) {
        free(cols_copy);
        return FLOE_EXIT_USAGE;
    }
    const char *fmt = a->format ? a->format : (a->json ? "json" : "table");
    out_kind kind = OUT_TABLE;
    if (strcmp(fmt, "csv") == 0)
        kind = OUT_CSV;
    else if (strcmp(fmt, "json") == 0)
        kind = OUT_JSON;
    else if (strcmp(fmt, "parquet") == 0 && !a->output) {
        free(cols_copy);
        fprintf(stderr, "floe: --format parquet needs --output FILE\n");
        return FLOE_EXIT_USAGE;
    } else if (strcmp(fmt, "table") != 0 && strcmp(fmt, "parquet") != 0) {
        free(cols_copy);
        fprintf(stderr, "floe: --format must be table, csv, json or parquet\n");
        return FLOE_EXIT_USAGE;
    }
    struct ArrowArrayStream s;
    int rc = floe_table_scan(&s, t, &o);
    free(cols_copy);
    if (rc)
        return floe_cli_fail(rc);
    if (strcmp(fmt, "parquet") == 0) {
        rc = write_parquet(&s, a->output);
        floe_arrow_stream_release(&s);
        return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
    }
    FILE *out = stdout;
    if (a->output && !(out = fopen(a->output, "w"))) {
        floe_arrow_stream_release(&s);
        return floe_cli_fail(
            floe_error_set(FLOE_EIO, "cannot write '%s': %s", a->output, strerror(errno)));
    }
    struct ArrowSchema schema;
    if ((rc = floe_arrow_stream_get_schema(&s, &schema))) {
        floe_arrow_stream_release(&s);
        if (out != stdout)
            fclose(out);
        return floe_cli_fail(rc);
    }
    if (kind == OUT_CSV) {
        for (int64_t c = 0; c < schema.n_children; c++)
            fprintf(out, "%s%s", c ? "," : "", schema.children[c]->name);
        fputc('\n', out);
    }
    /* table output: column widths from the header and the first batch */
    size_t *width = calloc((size_t)schema.n_children + 1, sizeof *width);
    int header_done = kind != OUT_TABLE;
    int64_t rows = 0;
    for (;;) {
        struct ArrowArray b;
        if ((rc = floe_arrow_stream_get_next(&s, &b)) || !b.release)
            break;
        if (!header_done && width) {
            for (int64_t c = 0; c < schema.n_children; c++) {
                width[c] = strlen(schema.children[c]->name);
                for (int64_t r = 0; r < b.length && r < 1000; r++) {
                    char *cell = NULL;
                    size_t len = 0;
                    FILE *mf = open_memstream(&cell, &len);
                    if (!mf)
                        break;
                    format_value(mf, schema.children[c], b.children[c], b.offset + r, kind);
                    fclose(mf);
                    if (len > width[c])
                        width[c] = len;
                    free(cell);
                }
            }
            for (int64_t c = 0; c < schema.n_children; c++)
                fprintf(out, "%s%-*s", c ? " | " : "", (int)width[c], schema.children[c]->name);
            fputc('\n', out);
            for (int64_t c = 0; c < schema.n_children; c++) {
                fputs(c ? "-+-" : "", out);
                for (size_t k = 0; k < width[c]; k++)
                    fputc('-', out);
            }
            fputc('\n', out);
            header_done = 1;
        }
        for (int64_t r = 0; r < b.length; r++) {
            if (kind == OUT_JSON)
                fputc('{', out);
            for (int64_t c = 0; c < schema.n_children; c++) {
                if (kind == OUT_JSON) {
                    json_t *name = json_string(schema.children[c]->name);
                    char *n = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
                    fprintf(out, "%s%s:", c ? "," : "", n ? n : "\"\"");
                    free(n);
                    json_decref(name);
                } else if (c) {
                    fputs(kind == OUT_CSV ? "," : " | ", out);
                }
                if (kind == OUT_TABLE && width) {
                    char *cell = NULL;
                    size_t len = 0;
                    FILE *mf = open_memstream(&cell, &len);
                    if (mf) {
                        format_value(mf, schema.children[c], b.children[c], b.offset + r, kind);
                        fclose(mf);
                        fprintf(out, "%-*s", (int)width[c], cell ? cell : "");
                        free(cell);
                    }
                } else {
                    format_value(out, schema.children[c], b.children[c], b.offset + r, kind);
                }
            }
            fputs(kind == OUT_JSON ? "}\n" : "\n", out);
        }
        rows += b.length;
        b.release(&b);
    }
    if (!header_done) {
        for (int64_t c = 0; c < schema.n_children; c++)
            fprintf(out, "%s%s", c ? " | " : "", schema.children[c]->name);
        fputc('\n', out);
    }
    free(width);
    if (!rc && kind == OUT_TABLE && isatty(STDOUT_FILENO))
        fprintf(stderr, "(%" PRId64 " rows)\n", rows);
    schema.release(&schema);
    floe_arrow_stream_release(&s);
    if (out != stdout)
        fclose(out);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

static int cmd_snapshots(floe_table *t, const args *a)
{
    json_t *snaps = NULL;
    int rc = floe_table_snapshots(&snaps, t);
    if (rc)
        return floe_cli_fail(rc);
    if (a->json) {
        rc = print_json(snaps);
        json_decref(snaps);
        return rc;
    }
    printf("%-20s %-20s %-24s %-10s %s\n", "snapshot-id", "parent-id", "committed-at", "operation",
           "summary");
    size_t i;
    json_t *s;
    json_array_foreach(snaps, i, s)
    {
        char when[64] = "";
        floe_format_timestamp(when, sizeof when,
                              (int64_t)json_integer_value(json_object_get(s, "timestamp-ms")), 3,
                              0);
        json_t *parent = json_object_get(s, "parent-snapshot-id");
        char pbuf[32] = "-";
        if (json_is_integer(parent))
            snprintf(pbuf, sizeof pbuf, "%" PRId64, (int64_t)json_integer_value(parent));
        json_t *sum = json_object_get(s, "summary");
        printf("%-20" PRId64 " %-20s %-24s %-10s added-records=%s total-records=%s%s\n",
               (int64_t)json_integer_value(json_object_get(s, "snapshot-id")), pbuf, when,
               json_string_value(json_object_get(s, "operation")),
               json_string_value(json_object_get(sum, "added-records"))
                   ? json_string_value(json_object_get(sum, "added-records"))
                   : "0",
               json_string_value(json_object_get(sum, "total-records"))
                   ? json_string_value(json_object_get(sum, "total-records"))
                   : "?",
               json_is_true(json_object_get(s, "current")) ? " (current)" : "");
    }
    json_decref(snaps);
    return FLOE_EXIT_OK;
}

static int cmd_files(floe_table *t, const args *a)
{
    floe_scan_options o = FLOE_SCAN_OPTIONS_INIT;
    o.filter = a->filter;
    if (select_snapshot(&o, a))
        return FLOE_EXIT_USAGE;
    floe_scan_plan *p = NULL;
    int rc = floe_table_plan(&p, t, &o);
    if (rc)
        return floe_cli_fail(rc);
    if (a->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < p->task_count; i++) {
            json_t *dels = json_array();
            for (size_t j = 0; j < p->tasks[i].delete_count; j++)
                json_array_append_new(dels, json_string(p->tasks[i].delete_files[j]));
            json_array_append_new(
                arr, json_pack("{s:s,s:s,s:I,s:I,s:s,s:o}", "path", p->tasks[i].path, "partition",
                               p->tasks[i].partition, "record-count",
                               (json_int_t)p->tasks[i].record_count, "file-size-in-bytes",
                               (json_int_t)p->tasks[i].file_size, "residual", p->tasks[i].residual,
                               "delete-files", dels));
        }
        rc = print_json(arr);
        json_decref(arr);
    } else {
        for (size_t i = 0; i < p->task_count; i++) {
            printf("%s\t%" PRId64 " rows\t%" PRId64 " bytes\t%s", p->tasks[i].path,
                   p->tasks[i].record_count, p->tasks[i].file_size, p->tasks[i].partition);
            /* delete files go last, on the file's line, so the other columns keep their
             * places and each data file stays one line */
            for (size_t j = 0; j < p->tasks[i].delete_count; j++)
                printf("%s%s", j ? "," : "\tdeletes=", p->tasks[i].delete_files[j]);
            printf("\n");
        }
        rc = FLOE_EXIT_OK;
    }
    floe_scan_plan_free(p);
    return rc;
}

/* ---- maintenance: alter, rollback, branch, tag, expire, remove-orphans ---- */

static void usage_alter(FILE *out)
{
    fprintf(out,
            "usage: floe table alter TABLE CHANGE... [--allow-incompatible] [--dry-run]\n\n"
            "Evolve the schema and partition spec without rewriting data. Changes apply in order:\n"
            "  --add-column 'name type' [--after COL | --first]\n"
            "                              add an optional column ('loc.lat double' adds to a\n"
            "                              struct); old files read it as null; 'name type not\n"
            "                              null' adds a required column (needs\n"
            "                              --allow-incompatible: old rows have no value)\n"
            "  --rename-column OLD:NEW     rename a column (its id stays)\n"
            "  --widen 'col type'          promote int->long, float->double, decimal(P,S)->(P',S)\n"
            "  --drop-column COL           delete a column\n"
            "  --make-optional COL         make a required column optional\n"
            "  --make-required COL         make an optional column required (incompatible)\n"
            "  --move-first COL            move a column first in its struct\n"
            "  --move-before COL:OTHER     move a column just before OTHER (same struct)\n"
            "  --move-after COL:OTHER      move a column just after OTHER (same struct)\n"
            "  --set-doc COL:TEXT          set a column's doc (COL: alone removes it)\n"
            "  --identifier-fields A,B     set the row identifier fields (required\n"
            "                              primitives); '' removes them\n"
            "  --add-partition 'day(ts)'   add a partition field: identity COL, year/month/day/\n"
            "                              hour(COL), bucket(N, COL), truncate(W, COL)\n"
            "  --drop-partition NAME       remove a partition field by name\n"
            "  --set-property KEY=VALUE    set a table property (e.g. gc.enabled=false,\n"
            "                              history.expire.min-snapshots-to-keep=5,\n"
            "                              commit.manifest.min-count-to-merge=50)\n"
            "  --remove-property KEY       remove a table property\n"
            "  --allow-incompatible        allow changes that break old readers\n"
            "  --dry-run                   validate and print the changes, commit nothing\n");
}

static void usage_rollback(FILE *out)
{
    fprintf(out, "usage: floe table rollback TABLE (--snapshot ID | --as-of TIME) [--dry-run]\n\n"
                 "Point main back at an ancestor of the current snapshot: by id, or the latest\n"
                 "ancestor created at or before TIME (ms since the epoch or ISO 8601).\n"
                 "--dry-run prints the snapshot it would roll back to.\n");
}

static void usage_set_current(FILE *out)
{
    fprintf(out, "usage: floe table set-current TABLE --snapshot ID [--dry-run]\n\n"
                 "Point main at any snapshot the table still has (also one that is not an\n"
                 "ancestor of the current snapshot, e.g. to undo a rollback or publish a\n"
                 "branch's snapshot). --dry-run prints the change without committing it.\n"
                 "Exit codes: 0 ok, 2 usage, 3 unknown snapshot.\n");
}

static void usage_ref(FILE *out, const char *kind)
{
    fprintf(out,
            "usage: floe table %s TABLE create|replace|drop NAME [--snapshot ID] [--dry-run]\n\n"
            "Create a %s at a snapshot (default: the current one), point it at another\n"
            "snapshot, or drop it. --dry-run checks the change and commits nothing.\n",
            kind, kind);
}

static void usage_expire(FILE *out)
{
    fprintf(out,
            "usage: floe table expire TABLE [--older-than TIME] [--retain-last N] [--dry-run]\n"
            "                         [--json]\n\n"
            "Remove snapshots older than TIME (ms since the epoch, ISO 8601, or an age such as\n"
            "7d, 12h; default: the table property history.expire.max-snapshot-age-ms, 5 days),\n"
            "keeping at least N per branch (default history.expire.min-snapshots-to-keep, 1),\n"
            "then delete the files only those snapshots reached. The current snapshot and\n"
            "snapshots of branches and tags stay. --dry-run lists what would go.\n");
}

static void usage_orphans(FILE *out)
{
    fprintf(out,
            "usage: floe table remove-orphans TABLE [--older-than AGE] [--dry-run] [--json]\n\n"
            "Delete files under the table location that no metadata references (left by failed\n"
            "writes) and that are older than AGE (e.g. 3d, 12h, 30m; default 3d, so files of\n"
            "writes in progress survive). --dry-run lists them.\n");
}

enum alter_kind {
    ALTER_ADD,
    ALTER_RENAME,
    ALTER_WIDEN,
    ALTER_DROP,
    ALTER_OPTIONAL,
    ALTER_REQUIRED,
    ALTER_MOVE_FIRST,
    ALTER_MOVE_BEFORE,
    ALTER_MOVE_AFTER,
    ALTER_DOC,
    ALTER_IDENTIFIER,
    ALTER_ADD_PART, /* partition changes come last: the kinds from here on are spec changes */
    ALTER_DROP_PART
};

typedef struct alter_op {
    enum alter_kind kind;
    const char *arg;
    const char *after; /* add: --after COL */
    int first;         /* add: --first */
} alter_op;

typedef struct maint_args {
    const char *pos[4];
    int npos;
    const char *warehouse, *as_of, *older_than;
    long long snapshot, retain_last;
    int json, dry_run, allow_incompatible;
    alter_op ops[MAX_POS];
    size_t nops;
    const char *set_props[MAX_POS]; /* --set-property k=v */
    size_t nset;
    const char *rm_props[MAX_POS]; /* --remove-property k */
    size_t nrm;
} maint_args;

static int parse_maint(maint_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->snapshot = -1;
    a->retain_last = -1;
    static const struct {
        const char *name;
        enum alter_kind kind;
    } alters[] = {{"--add-column", ALTER_ADD},
                  {"--rename-column", ALTER_RENAME},
                  {"--widen", ALTER_WIDEN},
                  {"--drop-column", ALTER_DROP},
                  {"--make-optional", ALTER_OPTIONAL},
                  {"--make-required", ALTER_REQUIRED},
                  {"--move-first", ALTER_MOVE_FIRST},
                  {"--move-before", ALTER_MOVE_BEFORE},
                  {"--move-after", ALTER_MOVE_AFTER},
                  {"--set-doc", ALTER_DOC},
                  {"--identifier-fields", ALTER_IDENTIFIER},
                  {"--add-partition", ALTER_ADD_PART},
                  {"--drop-partition", ALTER_DROP_PART}};
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        int has_value = i + 1 < argc;
        int matched = 0;
        for (size_t k = 0; k < sizeof alters / sizeof alters[0] && !matched; k++) {
            if (strcmp(s, alters[k].name) != 0)
                continue;
            matched = 1;
            if (!has_value || a->nops == MAX_POS) {
                fprintf(stderr, "floe: %s needs a value\n", s);
                return -1;
            }
            a->ops[a->nops].kind = alters[k].kind;
            a->ops[a->nops++].arg = argv[++i];
        }
        if (matched)
            continue;
        if (strcmp(s, "--json") == 0) {
            a->json = 1;
        } else if (strcmp(s, "--dry-run") == 0) {
            a->dry_run = 1;
        } else if (strcmp(s, "--set-property") == 0 || strcmp(s, "--remove-property") == 0) {
            int set = s[2] == 's';
            const char *v = has_value ? argv[i + 1] : NULL;
            if (!v || !*v || (set && (!strchr(v, '=') || v[0] == '=')) ||
                (set ? a->nset : a->nrm) == MAX_POS) {
                fprintf(stderr, "floe: %s expects %s\n", s, set ? "KEY=VALUE" : "KEY");
                return -1;
            }
            if (set)
                a->set_props[a->nset++] = v;
            else
                a->rm_props[a->nrm++] = v;
            i++;
        } else if (strcmp(s, "--allow-incompatible") == 0) {
            a->allow_incompatible = 1;
        } else if (strcmp(s, "--first") == 0 || strcmp(s, "--after") == 0) {
            if (a->nops == 0 || a->ops[a->nops - 1].kind != ALTER_ADD) {
                fprintf(stderr, "floe: %s must follow an --add-column\n", s);
                return -1;
            }
            if (s[2] == 'f') {
                a->ops[a->nops - 1].first = 1;
            } else if (has_value) {
                a->ops[a->nops - 1].after = argv[++i];
            } else {
                fprintf(stderr, "floe: --after needs a column name\n");
                return -1;
            }
        } else if ((strcmp(s, "--snapshot") == 0 || strcmp(s, "--retain-last") == 0) && has_value) {
            long long v;
            if (parse_ll(&v, argv[i + 1]) || v < (s[2] == 's' ? 0 : 1)) {
                fprintf(stderr, "floe: %s expects a %s integer, got '%s'\n", s,
                        s[2] == 's' ? "non-negative" : "positive", argv[i + 1]);
                return -1;
            }
            *(s[2] == 's' ? &a->snapshot : &a->retain_last) = v;
            i++;
        } else if ((strcmp(s, "--warehouse") == 0 || strcmp(s, "--as-of") == 0 ||
                    strcmp(s, "--older-than") == 0) &&
                   has_value) {
            const char **dst = s[2] == 'w'   ? &a->warehouse
                               : s[2] == 'a' ? &a->as_of
                                             : &a->older_than;
            *dst = argv[++i];
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

/* "3d", "12h", "30m", "45s", "500ms" to milliseconds. */
static int parse_age_ms(int64_t *out, const char *s)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || v < 0)
        return -1;
    int64_t unit;
    if (strcmp(end, "d") == 0)
        unit = 86400000;
    else if (strcmp(end, "h") == 0)
        unit = 3600000;
    else if (strcmp(end, "m") == 0)
        unit = 60000;
    else if (strcmp(end, "s") == 0)
        unit = 1000;
    else if (strcmp(end, "ms") == 0)
        unit = 1;
    else
        return -1;
    if (v > INT64_MAX / unit)
        return -1;
    *out = (int64_t)v * unit;
    return 0;
}

/* A point in time: ms since the epoch, ISO 8601, or an age before now ("7d"). */
static int parse_time_ms(int64_t *out, const char *s, const char *option)
{
    long long ms;
    int64_t us = 0, age = 0;
    if (parse_ll(&ms, s) == 0) {
        *out = ms;
    } else if (floe_parse_timestamp_us(&us, s, NULL) == 0) {
        *out = us / 1000;
    } else if (parse_age_ms(&age, s) == 0) {
        *out = floe_now_ms() - age;
    } else {
        fprintf(stderr,
                "floe: %s expects ms since the epoch, an ISO 8601 time or an age like 7d, got "
                "'%s'\n",
                option, s);
        return -1;
    }
    return 0;
}

typedef struct alter_run {
    const maint_args *a;
    int partition; /* 0: schema ops, 1: partition ops */
} alter_run;

/* "loc.lat" -> parent "loc", leaf "lat" (parent buffer NULL when top level). */
static int split_parent(char **parent, const char **leaf, const char *name)
{
    const char *dot = strrchr(name, '.');
    *parent = NULL;
    *leaf = name;
    if (!dot)
        return 0;
    *parent = strndup(name, (size_t)(dot - name));
    *leaf = dot + 1;
    return *parent ? 0 : floe_error_set(FLOE_ENOMEM, "out of memory");
}

/* "name type" (split at the first blank) into a malloc'd name and a parsed type. */
static int name_and_type(char **name, floe_type **type, const char *arg, const char *option)
{
    const char *sp = arg;
    while (*sp && *sp != ' ' && *sp != '\t')
        sp++;
    const char *tp = sp;
    while (*tp == ' ' || *tp == '\t')
        tp++;
    if (sp == arg || !*tp)
        return floe_error_set(
            FLOE_EINVALID, "%s expects 'name type' (e.g. 'score double'), got '%s'", option, arg);
    *name = strndup(arg, (size_t)(sp - arg));
    if (!*name)
        return floe_error_set(FLOE_ENOMEM, "out of memory");
    int rc = floe_type_parse(type, tp);
    if (rc) {
        free(*name);
        *name = NULL;
        return floe_error_wrap(rc, "%s '%s'", option, arg);
    }
    return 0;
}

static int apply_schema_op(floe_schema_update *u, const alter_op *op)
{
    char *name = NULL, *parent = NULL;
    floe_type *type = NULL;
    const char *leaf = NULL;
    int rc = 0;
    switch (op->kind) {
    case ALTER_ADD: {
        /* 'name type not null' adds a required column (allowed with --allow-incompatible) */
        char *spec = strdup(op->arg);
        if (!spec)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        size_t n = strlen(spec);
        while (n && (spec[n - 1] == ' ' || spec[n - 1] == '\t'))
            spec[--n] = '\0';
        int required = n > 9 && strcasecmp(spec + n - 9, " not null") == 0;
        if (required)
            spec[n - 9] = '\0';
        rc = name_and_type(&name, &type, spec, "--add-column");
        free(spec);
        if (!rc)
            rc = split_parent(&parent, &leaf, name);
        if (!rc)
            rc = required ? floe_schema_update_add_required_column(u, parent, leaf, type, NULL,
                                                                   NULL, NULL)
                          : floe_schema_update_add_column(u, parent, leaf, type, NULL);
        if (!rc && op->first)
            rc = floe_schema_update_move_first(u, name);
        if (!rc && op->after)
            rc = floe_schema_update_move_after(u, name, op->after);
        break;
    }
    case ALTER_MOVE_BEFORE:
    case ALTER_MOVE_AFTER:
    case ALTER_DOC: {
        const char *colon = strchr(op->arg, ':');
        int doc = op->kind == ALTER_DOC;
        if (!colon || colon == op->arg || (!doc && !colon[1]))
            return floe_error_set(FLOE_EINVALID, "%s expects %s, got '%s'",
                                  doc                             ? "--set-doc"
                                  : op->kind == ALTER_MOVE_BEFORE ? "--move-before"
                                                                  : "--move-after",
                                  doc ? "COL:TEXT (empty TEXT removes the doc)" : "COL:OTHER",
                                  op->arg);
        name = strndup(op->arg, (size_t)(colon - op->arg));
        if (!name)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        rc = doc ? floe_schema_update_update_column_doc(u, name, colon[1] ? colon + 1 : NULL)
             : op->kind == ALTER_MOVE_BEFORE ? floe_schema_update_move_before(u, name, colon + 1)
                                             : floe_schema_update_move_after(u, name, colon + 1);
        break;
    }
    case ALTER_MOVE_FIRST:
        rc = floe_schema_update_move_first(u, op->arg);
        break;
    case ALTER_REQUIRED:
        rc = floe_schema_update_require_column(u, op->arg);
        break;
    case ALTER_IDENTIFIER: {
        /* "a,b" (top-level or dotted names); "" removes every identifier field */
        char *list = strdup(op->arg);
        const char *names[64];
        size_t count = 0;
        if (!list)
            return floe_error_set(FLOE_ENOMEM, "out of memory");
        count = floe_cli__split_list(list, names, 64);
        rc = floe_schema_update_set_identifier_fields(u, names, count);
        free(list);
        break;
    }
    case ALTER_RENAME: {
        const char *colon = strchr(op->arg, ':');
        if (!colon || colon == op->arg || !colon[1])
            return floe_error_set(FLOE_EINVALID, "--rename-column expects OLD:NEW, got '%s'",
                                  op->arg);
        name = strndup(op->arg, (size_t)(colon - op->arg));
        rc = name ? floe_schema_update_rename_column(u, name, colon + 1)
                  : floe_error_set(FLOE_ENOMEM, "out of memory");
        break;
    }
    case ALTER_WIDEN:
        rc = name_and_type(&name, &type, op->arg, "--widen");
        if (!rc)
            rc = floe_schema_update_update_column_type(u, name, type);
        break;
    case ALTER_DROP:
        rc = floe_schema_update_delete_column(u, op->arg);
        break;
    case ALTER_OPTIONAL:
        rc = floe_schema_update_make_column_optional(u, op->arg);
        break;
    default:
        break;
    }
    free(name);
    free(parent);
    floe_type_free(type);
    return rc;
}

/* "day(ts)" -> transform "day", source "ts"; "bucket(16, id)" -> "bucket[16]", "id";
 * "region" -> "identity", "region". */
static int parse_partition(char *transform, size_t tn, char *source, size_t sn, const char *text)
{
    const char *open = strchr(text, '(');
    const char *close = strrchr(text, ')');
    size_t len;
    if (!open) {
        len = strlen(text);
        while (len && text[len - 1] == ' ')
            len--;
        while (*text == ' ')
            text++, len--;
        if (!len || len >= sn)
            return floe_error_set(FLOE_EINVALID, "--add-partition: empty column in '%s'", text);
        snprintf(transform, tn, "identity");
        snprintf(source, sn, "%.*s", (int)len, text);
        return 0;
    }
    if (!close || close < open)
        return floe_error_set(FLOE_EINVALID,
                              "--add-partition expects 'day(ts)', 'bucket(16, id)' or a column, "
                              "got '%s'",
                              text);
    char fn[32];
    char inner[256];
    if ((size_t)(open - text) >= sizeof fn || (size_t)(close - open - 1) >= sizeof inner)
        return floe_error_set(FLOE_EINVALID, "--add-partition '%s' is too long", text);
    snprintf(fn, sizeof fn, "%.*s", (int)(open - text), text);
    snprintf(inner, sizeof inner, "%.*s", (int)(close - open - 1), open + 1);
    char *comma = strchr(inner, ',');
    if (comma) {
        *comma = '\0';
        const char *col = comma + 1;
        while (*col == ' ')
            col++;
        int wt = snprintf(transform, tn, "%s[%s]", fn, inner);
        int ws = snprintf(source, sn, "%s", col);
        if (wt < 0 || (size_t)wt >= tn || ws < 0 || (size_t)ws >= sn)
            return floe_error_set(FLOE_EINVALID, "--add-partition '%s' is too long", text);
    } else {
        int wt = snprintf(transform, tn, "%s", fn);
        int ws = snprintf(source, sn, "%s", inner);
        if (wt < 0 || (size_t)wt >= tn || ws < 0 || (size_t)ws >= sn)
            return floe_error_set(FLOE_EINVALID, "--add-partition '%s' is too long", text);
    }
    char *end = source + strlen(source);
    while (end > source && end[-1] == ' ')
        *--end = '\0';
    return 0;
}

static int schema_fn(floe_schema_update *u, void *ctx)
{
    const alter_run *r = ctx;
    for (size_t i = 0; i < r->a->nops; i++) {
        int rc = r->a->ops[i].kind < ALTER_ADD_PART ? apply_schema_op(u, &r->a->ops[i]) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

static int spec_fn(floe_spec_update *u, void *ctx)
{
    const alter_run *r = ctx;
    for (size_t i = 0; i < r->a->nops; i++) {
        const alter_op *op = &r->a->ops[i];
        int rc = 0;
        if (op->kind == ALTER_ADD_PART) {
            char transform[64], source[256];
            rc = parse_partition(transform, sizeof transform, source, sizeof source, op->arg);
            if (!rc)
                rc = floe_spec_update_add_field(u, source, transform, NULL);
        } else if (op->kind == ALTER_DROP_PART) {
            rc = floe_spec_update_remove_field(u, op->arg);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* Applies a table change (from a schema or spec update) to metadata in memory. */
static int apply_changes(floe_table_metadata **md, const char *loc, floe_table_changes *ch)
{
    if (ch->update_count == 0)
        return 0;
    floe_table_metadata *next = NULL;
    int rc = floe_table_metadata_commit(&next, *md, loc, ch->requirements, ch->requirement_count,
                                        ch->updates, ch->update_count);
    if (!rc) {
        floe_table_metadata_release(*md);
        *md = next;
    }
    return rc;
}

/* Dry run of an alter: the same changes applied in memory to the current metadata; prints
 * the resulting schema and partition spec, commits nothing. */
static int alter_dry_run(floe_table *t, const maint_args *a, int has_schema, int has_spec)
{
    alter_run r = {a, 0};
    const char *loc = floe_table_metadata_file(t);
    floe_file_io *io = NULL;
    floe_table_metadata *md = NULL;
    floe_schema_update *su = NULL;
    floe_spec_update *pu = NULL;
    floe_table_changes ch = {0};
    char *schema_json = NULL, *spec_json = NULL;
    int rc = floe_posix_file_io_new(&io);
    if (!rc)
        rc = floe_table_metadata_read(&md, io, loc);
    if (!rc && has_schema) {
        floe_schema_update_options so = FLOE_SCHEMA_UPDATE_OPTIONS_INIT;
        so.allow_incompatible_changes = a->allow_incompatible != 0;
        if (!(rc = floe_schema_update_new(&su, md, &so)) && !(rc = schema_fn(su, &r)) &&
            !(rc = floe_schema_update_commit(&ch, NULL, su)))
            rc = apply_changes(&md, loc, &ch);
        floe_table_changes_clear(&ch);
    }
    if (!rc && has_spec) {
        if (!(rc = floe_spec_update_new(&pu, md, NULL)) && !(rc = spec_fn(pu, &r)) &&
            !(rc = floe_spec_update_commit(&ch, NULL, pu)))
            rc = apply_changes(&md, loc, &ch);
        floe_table_changes_clear(&ch);
    }
    if (!rc)
        rc = floe_schema_to_json(&schema_json, floe_table_metadata_current_schema(md), true);
    if (!rc)
        rc = floe_partition_spec_to_json(&spec_json, floe_table_metadata_default_spec(md), true);
    if (!rc)
        printf("dry run: %s would have\nschema:\n%s\npartition spec:\n%s\n",
               floe_table_identifier(t), schema_json, spec_json);
    free(schema_json);
    free(spec_json);
    floe_schema_update_free(su);
    floe_spec_update_free(pu);
    floe_table_metadata_release(md);
    if (io)
        io->free(io);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

/* --set-property / --remove-property as one commit. */
static int alter_properties(floe_table *t, const maint_args *a)
{
    const char *keys[MAX_POS], *vals[MAX_POS];
    char *copies[MAX_POS];
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < a->nset && !rc; i++) {
        copies[n] = strdup(a->set_props[i]);
        if (!copies[n]) {
            rc = floe_error_set(FLOE_ENOMEM, "out of memory");
            break;
        }
        char *eq = strchr(copies[n], '=');
        *eq = '\0';
        keys[n] = copies[n];
        vals[n] = eq + 1;
        n++;
    }
    if (!rc)
        rc = floe_table_set_properties(t, keys, vals, n, a->rm_props, a->nrm);
    for (size_t i = 0; i < n; i++)
        free(copies[i]);
    return rc;
}

static int cmd_alter(floe_table *t, const maint_args *a)
{
    int has_schema = 0, has_spec = 0, has_props = a->nset + a->nrm > 0;
    for (size_t i = 0; i < a->nops; i++)
        *(a->ops[i].kind >= ALTER_ADD_PART ? &has_spec : &has_schema) = 1;
    if (!has_schema && !has_spec && !has_props) {
        fprintf(stderr, "floe: table alter needs at least one change (see floe table alter "
                        "--help)\n");
        return FLOE_EXIT_USAGE;
    }
    if (a->dry_run) {
        int exit_code =
            has_schema || has_spec ? alter_dry_run(t, a, has_schema, has_spec) : FLOE_EXIT_OK;
        for (size_t i = 0; exit_code == FLOE_EXIT_OK && i < a->nset; i++)
            printf("dry run: would set property %s\n", a->set_props[i]);
        for (size_t i = 0; exit_code == FLOE_EXIT_OK && i < a->nrm; i++)
            printf("dry run: would remove property %s\n", a->rm_props[i]);
        return exit_code;
    }
    alter_run r = {a, 0};
    int rc = 0;
    if (has_schema)
        rc = floe_table_alter_schema(t, schema_fn, &r, a->allow_incompatible);
    if (rc) {
        /* the library names its option; tell CLI users theirs */
        int forceable = strstr(floe_error_last(), "allow_incompatible_changes") != NULL;
        int exit_code = floe_cli_fail(rc);
        if (forceable && !a->allow_incompatible)
            fprintf(stderr, "floe: pass --allow-incompatible to force this change\n");
        return exit_code;
    }
    if (has_spec && (rc = floe_table_alter_partition(t, spec_fn, &r))) {
        int exit_code = floe_cli_fail(rc);
        if (has_schema)
            fprintf(stderr, "floe: the schema changes were committed; the partition changes "
                            "were not\n");
        return exit_code;
    }
    if (has_props && (rc = alter_properties(t, a))) {
        int exit_code = floe_cli_fail(rc);
        if (has_schema || has_spec)
            fprintf(stderr, "floe: the schema and partition changes were committed; the "
                            "property changes were not\n");
        return exit_code;
    }
    size_t changes = a->nops + a->nset + a->nrm;
    printf("altered %s (%zu change%s)\n", floe_table_identifier(t), changes,
           changes == 1 ? "" : "s");
    return FLOE_EXIT_OK;
}

static int cmd_rollback(floe_table *t, const maint_args *a)
{
    if ((a->snapshot >= 0) == (a->as_of != NULL)) {
        fprintf(stderr,
                "floe: table rollback needs exactly one of --snapshot ID or --as-of TIME\n");
        return FLOE_EXIT_USAGE;
    }
    int64_t when = 0;
    if (a->as_of && parse_time_ms(&when, a->as_of, "--as-of"))
        return FLOE_EXIT_USAGE;
    if (a->dry_run) {
        /* the check the rollback makes, without committing: the target must be an ancestor */
        json_t *snaps = NULL;
        int rc = floe_table_snapshots(&snaps, t);
        if (rc)
            return floe_cli_fail(rc);
        int64_t target = -1, cur = floe_table_current_snapshot_id(t);
        size_t i;
        json_t *s;
        /* walk the ancestry of the current snapshot, newest first */
        int64_t id = cur;
        while (id >= 0 && target < 0) {
            json_t *found = NULL;
            json_array_foreach(snaps, i, s)
            {
                if ((int64_t)json_integer_value(json_object_get(s, "snapshot-id")) == id)
                    found = s;
            }
            if (!found)
                break;
            int64_t ts = (int64_t)json_integer_value(json_object_get(found, "timestamp-ms"));
            if (a->as_of ? ts <= when : id == a->snapshot)
                target = id;
            json_t *p = json_object_get(found, "parent-snapshot-id");
            id = json_is_integer(p) ? (int64_t)json_integer_value(p) : -1;
        }
        json_decref(snaps);
        if (target < 0) {
            fprintf(stderr, "floe: no ancestor of the current snapshot of %s matches\n",
                    floe_table_identifier(t));
            return FLOE_EXIT_NOTFOUND;
        }
        printf("dry run: would roll %s back to snapshot %" PRId64 "\n", floe_table_identifier(t),
               target);
        return FLOE_EXIT_OK;
    }
    int rc = a->as_of ? floe_table_rollback_to_time(t, when)
                      : floe_table_rollback_to_snapshot(t, a->snapshot);
    if (rc)
        return floe_cli_fail(rc);
    printf("rolled %s back to snapshot %" PRId64 "\n", floe_table_identifier(t),
           floe_table_current_snapshot_id(t));
    return FLOE_EXIT_OK;
}

static int cmd_set_current(floe_table *t, const maint_args *a)
{
    if (a->snapshot < 0) {
        fprintf(stderr, "floe: table set-current needs --snapshot ID\n");
        return FLOE_EXIT_USAGE;
    }
    int64_t before = floe_table_current_snapshot_id(t);
    if (a->dry_run) {
        json_t *snaps = NULL;
        int rc = floe_table_snapshots(&snaps, t);
        if (rc)
            return floe_cli_fail(rc);
        int found = 0;
        size_t i;
        json_t *s;
        json_array_foreach(snaps, i, s)
        {
            found |= (int64_t)json_integer_value(json_object_get(s, "snapshot-id")) == a->snapshot;
        }
        json_decref(snaps);
        if (!found) {
            fprintf(stderr, "floe: table %s has no snapshot %lld\n", floe_table_identifier(t),
                    a->snapshot);
            return FLOE_EXIT_NOTFOUND;
        }
        printf("dry run: would set the current snapshot of %s from %" PRId64 " to %lld\n",
               floe_table_identifier(t), before, a->snapshot);
        return FLOE_EXIT_OK;
    }
    int rc = floe_table_set_current_snapshot(t, a->snapshot);
    if (rc)
        return floe_cli_fail(rc);
    printf("set the current snapshot of %s from %" PRId64 " to %" PRId64 "\n",
           floe_table_identifier(t), before, floe_table_current_snapshot_id(t));
    return FLOE_EXIT_OK;
}

static int cmd_ref(floe_table *t, const maint_args *a, int tag)
{
    const char *verb = a->pos[1];
    floe_ref_action action;
    if (strcmp(verb, "create") == 0)
        action = FLOE_REF_CREATE;
    else if (strcmp(verb, "replace") == 0)
        action = FLOE_REF_REPLACE;
    else if (strcmp(verb, "drop") == 0)
        action = FLOE_REF_DROP;
    else {
        fprintf(stderr, "floe: table %s: expected create, replace or drop, got '%s'\n",
                tag ? "tag" : "branch", verb);
        return FLOE_EXIT_USAGE;
    }
    if (action == FLOE_REF_DROP && a->snapshot >= 0) {
        fprintf(stderr, "floe: --snapshot does not apply to drop\n");
        return FLOE_EXIT_USAGE;
    }
    if (a->dry_run) {
        printf("dry run: would %s %s '%s' of %s", verb, tag ? "tag" : "branch", a->pos[2],
               floe_table_identifier(t));
        if (action != FLOE_REF_DROP)
            printf(" at snapshot %" PRId64,
                   a->snapshot >= 0 ? (int64_t)a->snapshot : floe_table_current_snapshot_id(t));
        printf("\n");
        return FLOE_EXIT_OK;
    }
    int rc = floe_table_manage_ref(t, action, tag, a->pos[2], a->snapshot);
    if (rc)
        return floe_cli_fail(rc);
    static const char *const done[] = {"created", "replaced", "dropped"};
    printf("%s %s %s of %s\n", done[action], tag ? "tag" : "branch", a->pos[2],
           floe_table_identifier(t));
    return FLOE_EXIT_OK;
}

static int print_result(const floe_maintenance_result *r, const maint_args *a, const char *what)
{
    if (a->json) {
        json_t *o = json_object();
        json_t *ids = json_array(), *refs = json_array(), *files = json_array();
        for (size_t i = 0; i < r->snapshot_count; i++)
            json_array_append_new(ids, json_integer((json_int_t)r->snapshot_ids[i]));
        for (size_t i = 0; i < r->removed_ref_count; i++)
            json_array_append_new(refs, json_string(r->removed_refs[i]));
        for (size_t i = 0; i < r->file_count; i++)
            json_array_append_new(files, json_string(r->files[i]));
        json_object_set_new(o, "dry-run", json_boolean(r->dry_run));
        if (strcmp(what, "expire") == 0) {
            json_object_set_new(o, "expired-snapshot-ids", ids);
            json_object_set_new(o, "removed-refs", refs);
        } else {
            json_decref(ids);
            json_decref(refs);
        }
        json_object_set_new(o, r->dry_run ? "files-to-delete" : "deleted-files", files);
        json_object_set_new(o, "failed-deletes", json_integer((json_int_t)r->failed_count));
        int rc = print_json(o);
        json_decref(o);
        if (rc)
            return rc;
    } else {
        const char *verb = r->dry_run ? "would delete" : "deleted";
        if (strcmp(what, "expire") == 0) {
            printf("%s %zu snapshot%s", r->dry_run ? "would expire" : "expired", r->snapshot_count,
                   r->snapshot_count == 1 ? "" : "s");
            for (size_t i = 0; i < r->snapshot_count; i++)
                printf("%s%" PRId64, i ? ", " : ": ", r->snapshot_ids[i]);
            printf("\n");
            for (size_t i = 0; i < r->removed_ref_count; i++)
                printf("%s ref %s\n", r->dry_run ? "would remove" : "removed", r->removed_refs[i]);
        }
        printf("%s %zu file%s\n", verb, r->file_count, r->file_count == 1 ? "" : "s");
        for (size_t i = 0; i < r->file_count; i++)
            printf("  %s\n", r->files[i]);
    }
    if (r->failed_count) {
        fprintf(stderr,
                "floe: %zu file%s could not be deleted (see the log); run "
                "remove-orphans later to reclaim them\n",
                r->failed_count, r->failed_count == 1 ? "" : "s");
        return FLOE_EXIT_ERROR;
    }
    return FLOE_EXIT_OK;
}

static int cmd_expire(floe_table *t, const maint_args *a)
{
    floe_expire_snapshots_options o = FLOE_EXPIRE_SNAPSHOTS_OPTIONS_INIT;
    if (a->older_than && parse_time_ms(&o.older_than_ms, a->older_than, "--older-than"))
        return FLOE_EXIT_USAGE;
    if (a->retain_last > INT32_MAX) {
        fprintf(stderr, "floe: --retain-last is too large\n");
        return FLOE_EXIT_USAGE;
    }
    o.retain_last = a->retain_last > 0 ? (int)a->retain_last : -1;
    o.dry_run = a->dry_run;
    floe_maintenance_result *r = NULL;
    int rc = floe_table_expire_snapshots(&r, t, &o);
    if (rc)
        return floe_cli_fail(rc);
    int exit_code = print_result(r, a, "expire");
    floe_maintenance_result_free(r);
    return exit_code;
}

static int cmd_remove_orphans(floe_table *t, const maint_args *a)
{
    floe_remove_orphans_options o = FLOE_REMOVE_ORPHANS_OPTIONS_INIT;
    if (a->older_than) {
        int64_t age = 0;
        if (parse_age_ms(&age, a->older_than)) {
            fprintf(stderr, "floe: --older-than expects an age like 3d, 12h, 30m, got '%s'\n",
                    a->older_than);
            return FLOE_EXIT_USAGE;
        }
        o.older_than_ms = floe_now_ms() - age;
    }
    o.dry_run = a->dry_run;
    floe_maintenance_result *r = NULL;
    int rc = floe_table_remove_orphan_files(&r, t, &o);
    if (rc)
        return floe_cli_fail(rc);
    int exit_code = print_result(r, a, "remove-orphans");
    floe_maintenance_result_free(r);
    return exit_code;
}

static const struct {
    const char *name;
    int min_pos, max_pos;
    void (*usage)(FILE *out);
} maint_subs[] = {{"alter", 1, 1, usage_alter},
                  {"rollback", 1, 1, usage_rollback},
                  {"branch", 3, 3, NULL},
                  {"tag", 3, 3, NULL},
                  {"expire", 1, 1, usage_expire},
                  {"remove-orphans", 1, 1, usage_orphans},
                  {"set-current", 1, 1, usage_set_current}};

/* Runs a maintenance subcommand; returns -1 when `sub` is not one. */
static int run_maintenance(const char *sub, int argc, char **argv)
{
    size_t which = sizeof maint_subs / sizeof maint_subs[0];
    for (size_t i = 0; i < sizeof maint_subs / sizeof maint_subs[0]; i++)
        if (strcmp(sub, maint_subs[i].name) == 0)
            which = i;
    if (which == sizeof maint_subs / sizeof maint_subs[0])
        return -1;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (maint_subs[which].usage)
                maint_subs[which].usage(stdout);
            else
                usage_ref(stdout, sub);
            return FLOE_EXIT_OK;
        }
    maint_args *a = calloc(1, sizeof *a);
    if (!a)
        return floe_cli_fail(floe_error_set(FLOE_ENOMEM, "out of memory"));
    if (parse_maint(a, argc, argv)) {
        free(a);
        return FLOE_EXIT_USAGE;
    }
    if (a->npos < maint_subs[which].min_pos || a->npos > maint_subs[which].max_pos) {
        fprintf(stderr, "floe: table %s: wrong number of arguments (see floe table %s --help)\n",
                sub, sub);
        free(a);
        return FLOE_EXIT_USAGE;
    }
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = a->warehouse;
    floe_manager *m = NULL;
    floe_table *t = NULL;
    int rc = floe_manager_open(&m, &mo);
    if (!rc)
        rc = floe_manager_load_table(&t, m, a->pos[0]);
    int exit_code;
    if (rc)
        exit_code = floe_cli_fail(rc);
    else if (which == 0)
        exit_code = cmd_alter(t, a);
    else if (which == 1)
        exit_code = cmd_rollback(t, a);
    else if (which == 2 || which == 3)
        exit_code = cmd_ref(t, a, which == 3);
    else if (which == 4)
        exit_code = cmd_expire(t, a);
    else if (which == 5)
        exit_code = cmd_remove_orphans(t, a);
    else
        exit_code = cmd_set_current(t, a);
    floe_table_free(t);
    floe_manager_free(m);
    free(a);
    return exit_code;
}

static const struct {
    const char *name;
    int min_pos, max_pos;
} subs[] = {
    {"create", 1, 1}, {"list", 1, 1},      {"describe", 1, 1},     {"drop", 1, 1},
    {"rename", 2, 2}, {"register", 2, 2},  {"append", 2, MAX_POS}, {"overwrite", 2, MAX_POS},
    {"scan", 1, 1},   {"snapshots", 1, 1}, {"files", 1, 1}};

static int count_file(const floe_file_info *info, void *ctx)
{
    int64_t *n = ctx;
    n[0]++;
    n[1] += (int64_t)info->size;
    return 0;
}

/* `drop --dry-run`: what would go (with --purge, the files under the table's location). */
static int drop_dry_run(floe_manager *m, const args *a)
{
    floe_table *t = NULL;
    int rc = floe_manager_load_table(&t, m, a->pos[0]);
    if (rc)
        return floe_cli_fail(rc);
    int64_t counts[2] = {0, 0};
    if (a->purge) {
        floe_file_io *io = NULL;
        char prefix[4096];
        snprintf(prefix, sizeof prefix, "%s/", floe_table_location(t));
        rc = floe_posix_file_io_new(&io);
        if (!rc)
            rc = io->list(io, prefix, count_file, counts);
        floe_file_io_free(io);
    }
    if (!rc) {
        printf("dry run: would drop table %s (location %s, metadata %s)", a->pos[0],
               floe_table_location(t), floe_table_metadata_file(t));
        if (a->purge)
            printf(" and delete its %" PRId64 " files (%" PRId64 " bytes)", counts[0], counts[1]);
        printf("; nothing changed\n");
    }
    floe_table_free(t);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

int floe_cli_table(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? FLOE_EXIT_USAGE : FLOE_EXIT_OK;
    }
    const char *sub = argv[1];
    /* Subcommands that live in their own files (cli_table_<name>.c); each parses argv[2..]. */
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } external[] = {{"delete", floe_cli_table_delete},
                    {"upsert", floe_cli_table_upsert},
                    {"compact", floe_cli_table_compact},
                    {"inspect", floe_cli_table_inspect}};
    for (size_t i = 0; i < sizeof external / sizeof external[0]; i++)
        if (strcmp(sub, external[i].name) == 0)
            return external[i].run(argc - 2, argv + 2);
    int maint = run_maintenance(sub, argc - 2, argv + 2);
    if (maint >= 0)
        return maint;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            for (size_t k = 0; k < sizeof sub_help / sizeof sub_help[0]; k++)
                if (strcmp(sub, sub_help[k].name) == 0) {
                    fputs(sub_help[k].text, stdout);
                    return FLOE_EXIT_OK;
                }
            usage(stdout);
            return FLOE_EXIT_OK;
        }
    size_t which = sizeof subs / sizeof subs[0];
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(sub, subs[i].name) == 0)
            which = i;
    if (which == sizeof subs / sizeof subs[0]) {
        fprintf(stderr, "floe: unknown table subcommand '%s'\n\n", sub);
        usage(stderr);
        return FLOE_EXIT_USAGE;
    }
    args a;
    if (parse(&a, argc - 2, argv + 2)) {
        args_free(&a);
        return FLOE_EXIT_USAGE;
    }
    if (a.npos < subs[which].min_pos || a.npos > subs[which].max_pos) {
        fprintf(stderr, "floe: table %s: wrong number of arguments (see floe table --help)\n", sub);
        args_free(&a);
        return FLOE_EXIT_USAGE;
    }
    floe_manager_options mo = FLOE_MANAGER_OPTIONS_INIT;
    mo.warehouse = a.warehouse;
    floe_manager *m = NULL;
    int rc = floe_manager_open(&m, &mo);
    if (rc) {
        args_free(&a);
        return floe_cli_fail(rc);
    }
    int exit_code = FLOE_EXIT_OK;
    if (strcmp(sub, "create") == 0) {
        exit_code = cmd_create(m, &a);
    } else if (strcmp(sub, "list") == 0) {
        char **names = NULL;
        size_t n = 0;
        rc = floe_manager_list_tables(&names, &n, m, a.pos[0]);
        if (rc) {
            exit_code = floe_cli_fail(rc);
        } else if (a.json) {
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++) {
                char full[1024];
                snprintf(full, sizeof full, "%s.%s", a.pos[0], names[i]);
                json_array_append_new(arr, json_string(full));
            }
            exit_code = print_json(arr);
            json_decref(arr);
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%s.%s\n", a.pos[0], names[i]);
        }
        floe_manager_strings_free(names, n);
    } else if (strcmp(sub, "drop") == 0 && a.dry_run) {
        exit_code = drop_dry_run(m, &a);
    } else if (strcmp(sub, "drop") == 0) {
        rc = floe_manager_drop_table(m, a.pos[0], a.purge);
        exit_code = rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
        if (!rc)
            printf("dropped table %s%s\n", a.pos[0], a.purge ? " (purged)" : "");
    } else if (strcmp(sub, "rename") == 0) {
        rc = floe_manager_rename_table(m, a.pos[0], a.pos[1]);
        exit_code = rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
        if (!rc)
            printf("renamed %s to %s\n", a.pos[0], a.pos[1]);
    } else if (strcmp(sub, "register") == 0) {
        rc = floe_manager_register_table(NULL, m, a.pos[0], a.pos[1]);
        exit_code = rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
        if (!rc)
            printf("registered %s from %s\n", a.pos[0], a.pos[1]);
    } else {
        floe_table *t = NULL;
        rc = floe_manager_load_table(&t, m, a.pos[0]);
        if (rc)
            exit_code = floe_cli_fail(rc);
        else if (strcmp(sub, "describe") == 0)
            exit_code = cmd_describe(t, &a);
        else if (strcmp(sub, "append") == 0)
            exit_code = cmd_write(t, &a, 0);
        else if (strcmp(sub, "overwrite") == 0)
            exit_code = cmd_write(t, &a, 1);
        else if (strcmp(sub, "scan") == 0)
            exit_code = cmd_scan(t, &a);
        else if (strcmp(sub, "snapshots") == 0)
            exit_code = cmd_snapshots(t, &a);
        else
            exit_code = cmd_files(t, &a);
        floe_table_free(t);
    }
    floe_manager_free(m);
    args_free(&a);
    return exit_code;
}
