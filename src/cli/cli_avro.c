/* floe avro: print the records, schema and header metadata of Avro object container files
 * (Iceberg manifests and manifest lists included: they decode with the writer's field names). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <floe/avro.h>
#include <floe/error.h>
#include <floe/io.h>

#include "cli/cli_util.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: floe avro <subcommand> FILE [options]\n\n"
                 "Read Avro object container files (codecs null, deflate, snappy, zstandard),\n"
                 "including Iceberg manifests and manifest lists.\n\n"
                 "Subcommands:\n"
                 "  cat FILE [--limit N] [--json | --avro-json]\n"
                 "      Print each record as one line of JSON with the writer's field names.\n"
                 "      --json (the default): plain JSON; unions print their value, bytes and\n"
                 "      fixed print as lowercase hex strings, longs as exact integers, NaN and\n"
                 "      infinities as the strings \"NaN\", \"Infinity\", \"-Infinity\".\n"
                 "      --avro-json: the Avro JSON encoding (non-null union values wrapped as\n"
                 "      {\"type\": value}, bytes and fixed as strings of code points 0-255).\n"
                 "      --limit N: stop after N records.\n"
                 "  schema FILE [--canonical]\n"
                 "      Print the writer's schema (all attributes, e.g. field-id), indented;\n"
                 "      --canonical prints the Parsing Canonical Form and its CRC-64-AVRO\n"
                 "      fingerprint instead.\n"
                 "  meta FILE [--json]\n"
                 "      Print the codec, record and block counts and the header metadata\n"
                 "      (avro.schema is summarized; use 'schema' to print it).\n\n"
                 "Examples:\n"
                 "  floe avro cat warehouse/db/t/metadata/snap-1-1-abc.avro --limit 5\n"
                 "  floe avro meta warehouse/db/t/metadata/abc-m0.avro --json\n");
}

typedef struct opened {
    floe_file_io *io;
    floe_input_file *in;
    floe_avro_reader *reader;
} opened;

static void close_file(opened *o)
{
    floe_avro_reader_free(o->reader);
    floe_input_close(o->in);
    floe_file_io_free(o->io);
}

static int open_file(opened *o, const char *path)
{
    memset(o, 0, sizeof(*o));
    int rc = floe_posix_file_io_new(&o->io);
    if (rc == 0)
        rc = o->io->open(&o->in, o->io, path);
    if (rc == 0)
        rc = floe_avro_reader_open(&o->reader, o->in, NULL);
    if (rc) {
        floe_error_wrap(rc, "reading '%s'", path);
        close_file(o);
    }
    return rc;
}

static int parse_limit(long long *out, const char *s)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !end || *end || end == s || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int cmd_cat(const char *path, int argc, char **argv)
{
    long long limit = -1;
    unsigned flags = FLOE_AVRO_JSON_PLAIN;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (parse_limit(&limit, argv[++i])) {
                fprintf(stderr, "floe: --limit needs a non-negative integer, not '%s'\n", argv[i]);
                return FLOE_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--json") == 0) {
            flags = FLOE_AVRO_JSON_PLAIN;
        } else if (strcmp(argv[i], "--avro-json") == 0) {
            flags = FLOE_AVRO_JSON_AVRO;
        } else {
            fprintf(stderr, "floe: unknown option '%s' for 'avro cat' (see --help)\n", argv[i]);
            return FLOE_EXIT_USAGE;
        }
    }
    opened o;
    int rc = open_file(&o, path);
    if (rc)
        return floe_cli_fail(rc);
    floe_avro_value *v = NULL;
    rc = floe_avro_value_new(&v, floe_avro_reader_schema(o.reader));
    for (long long n = 0; rc == 0 && (limit < 0 || n < limit); n++) {
        int has = 0;
        rc = floe_avro_reader_next(&has, o.reader, v);
        if (rc || !has)
            break;
        char *line = NULL;
        rc = floe_avro_value_to_json(&line, v, flags);
        if (rc == 0) {
            fputs(line, stdout);
            fputc('\n', stdout);
            free(line);
        }
    }
    floe_avro_value_free(v);
    if (rc)
        floe_error_wrap(rc, "reading '%s'", path);
    close_file(&o);
    if (fflush(stdout) != 0 && rc == 0)
        rc = floe_error_set(FLOE_EIO, "cannot write to standard output");
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

static int cmd_schema(const char *path, int argc, char **argv)
{
    int canonical = 0;
    int rc = floe_cli__parse_flag(&canonical, argc, argv, "--canonical", "avro schema");
    if (rc)
        return rc;
    opened o;
    rc = open_file(&o, path);
    if (rc)
        return floe_cli_fail(rc);
    const floe_avro_schema *s = floe_avro_reader_writer_schema(o.reader);
    char *text = NULL;
    if (canonical) {
        uint64_t fp = 0;
        rc = floe_avro_schema_canonical(&text, s);
        if (rc == 0)
            rc = floe_avro_schema_fingerprint(&fp, s);
        if (rc == 0)
            printf("%s\nfingerprint (CRC-64-AVRO): %016" PRIx64 "\n", text, fp);
    } else {
        rc = floe_avro_schema_to_json(&text, s);
        if (rc == 0) {
            json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
            if (!j || floe_cli__print_json(j) != 0)
                printf("%s\n", text);
            json_decref(j);
        }
    }
    free(text);
    close_file(&o);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

/* Metadata values are bytes; show them as JSON strings when they are UTF-8, else as hex. */
static json_t *meta_json_value(const uint8_t *v, size_t len)
{
    json_t *s = json_stringn((const char *)v, len);
    if (s)
        return s;
    char *hex = malloc(len * 2 + 5);
    if (!hex)
        return NULL;
    memcpy(hex, "hex:", 4);
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 4 + 2 * i, 3, "%02x", v[i]);
    hex[4 + 2 * len] = '\0';
    s = json_string(hex);
    free(hex);
    return s;
}

static int cmd_meta(const char *path, int argc, char **argv)
{
    int as_json = 0;
    int rc = floe_cli__parse_flag(&as_json, argc, argv, "--json", "avro meta");
    if (rc)
        return rc;
    opened o;
    rc = open_file(&o, path);
    if (rc)
        return floe_cli_fail(rc);
    /* Counting blocks and records needs one pass over the file. */
    floe_avro_value *v = NULL;
    rc = floe_avro_value_new(&v, floe_avro_reader_schema(o.reader));
    for (int has = 1; rc == 0 && has;)
        rc = floe_avro_reader_next(&has, o.reader, v);
    floe_avro_value_free(v);
    if (rc) {
        floe_error_wrap(rc, "reading '%s'", path);
        close_file(&o);
        return floe_cli_fail(rc);
    }
    const floe_avro_reader *r = o.reader;
    const char *codec = floe_avro_codec_name(floe_avro_reader_codec(r));
    unsigned long long records = floe_avro_reader_record_count(r);
    unsigned long long blocks = floe_avro_reader_block_count(r);
    if (as_json) {
        json_t *meta = json_object();
        json_t *root =
            json_pack("{s:s,s:s,s:I,s:I,s:o}", "file", path, "codec", codec, "records",
                      (json_int_t)records, "blocks", (json_int_t)blocks, "metadata", meta);
        for (size_t i = 0; root && i < floe_avro_reader_meta_count(r); i++) {
            size_t len = 0;
            const uint8_t *val = floe_avro_reader_meta_value(r, i, &len);
            json_object_set_new(meta, floe_avro_reader_meta_key(r, i), meta_json_value(val, len));
        }
        rc = root ? floe_cli__print_json(root)
                  : floe_error_set(FLOE_ENOMEM, "out of memory rendering metadata");
        json_decref(root);
    } else {
        printf("file:    %s\ncodec:   %s\nrecords: %llu\nblocks:  %llu\nmetadata:\n", path, codec,
               records, blocks);
        for (size_t i = 0; i < floe_avro_reader_meta_count(r); i++) {
            size_t len = 0;
            const char *key = floe_avro_reader_meta_key(r, i);
            const uint8_t *val = floe_avro_reader_meta_value(r, i, &len);
            if (strcmp(key, "avro.schema") == 0) {
                printf("  %s: (%zu bytes; see 'floe avro schema')\n", key, len);
                continue;
            }
            json_t *jv = meta_json_value(val, len);
            char *text = jv ? json_dumps(jv, JSON_ENCODE_ANY) : NULL;
            printf("  %s: %s\n", key, text ? text : "?");
            free(text);
            json_decref(jv);
        }
    }
    close_file(&o);
    return rc ? floe_cli_fail(rc) : FLOE_EXIT_OK;
}

int floe_cli_avro(int argc, char **argv)
{
    int exit_code = FLOE_EXIT_OK;
    if (floe_cli__group_help(&exit_code, argc, argv, usage))
        return exit_code;
    const char *sub = argv[1];
    for (int i = 2; i < argc; i++)
        if (floe_cli__is_help(argv[i])) {
            usage(stdout);
            return FLOE_EXIT_OK;
        }
    if (argc < 3 || argv[2][0] == '-') {
        fprintf(stderr, "floe: 'avro %s' needs a FILE (see 'floe avro --help')\n", sub);
        return FLOE_EXIT_USAGE;
    }
    if (strcmp(sub, "cat") == 0)
        return cmd_cat(argv[2], argc - 3, argv + 3);
    if (strcmp(sub, "schema") == 0)
        return cmd_schema(argv[2], argc - 3, argv + 3);
    if (strcmp(sub, "meta") == 0)
        return cmd_meta(argv[2], argc - 3, argv + 3);
    fprintf(stderr, "floe: unknown subcommand 'avro %s' (cat, schema, meta)\n", sub);
    return FLOE_EXIT_USAGE;
}
