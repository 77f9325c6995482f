#include "manager_test_util.h"

#include "test_support.h"

#include <floe/arrow/builder.h>
#include <floe/arrow/schema.h>
#include <floe/io.h>
#include <jansson.h>
#include <string.h>
#include <floe/parquet/writer.h>

#include "manager/deletes.h"
#include "manager/manager_internal.h"

int64_t floe_mtest_write_position_deletes(floe_table *t, const char *path,
                                          const char *const *targets, size_t ntargets,
                                          const int64_t *pos, size_t n)
{
    struct ArrowSchema schema;
    assert_int_equal(floe_arrow_schema_init(&schema, "+s", "", 0), 0);
    assert_int_equal(floe_arrow_schema_alloc_children(&schema, 2), 0);
    assert_int_equal(floe_arrow_schema_init(schema.children[0], "u", "file_path", 0), 0);
    assert_int_equal(floe_arrow_schema_init(schema.children[1], "l", "pos", 0), 0);
    floe_arrow_builder *b = NULL;
    assert_int_equal(floe_arrow_builder_new(&b, &schema), 0);
    for (size_t i = 0; i < n; i++) {
        const char *target = targets[ntargets == 1 ? 0 : i];
        assert_int_equal(floe_arrow_builder_append_str(floe_arrow_builder_child(b, 0), target), 0);
        assert_int_equal(floe_arrow_builder_append_int(floe_arrow_builder_child(b, 1), pos[i]), 0);
    }
    struct ArrowArray a;
    assert_int_equal(floe_arrow_builder_finish_batch(b, &a, NULL), 0);
    floe_arrow_builder_free(b);

    static const floe_parquet_field_id ids[2] = {{"file_path", FLOE_MANAGER_DELETE_FILE_PATH_ID},
                                                 {"pos", FLOE_MANAGER_DELETE_POS_ID}};
    floe_output_file *f = NULL;
    assert_int_equal(t->m->io->create(&f, t->m->io, path, FLOE_CREATE_EXCLUSIVE), 0);
    floe_parquet_writer_options o = FLOE_PARQUET_WRITER_OPTIONS_INIT;
    o.field_ids = ids;
    o.n_field_ids = 2;
    floe_parquet_writer *w = NULL;
    assert_int_equal(floe_parquet_writer_open(&w, f, &schema, &o), 0);
    assert_int_equal(floe_parquet_writer_write(w, &a), 0);
    assert_int_equal(floe_parquet_writer_close(w, NULL), 0);
    a.release(&a);
    schema.release(&schema);

    floe_input_file *in = NULL;
    assert_int_equal(t->m->io->open(&in, t->m->io, path), 0);
    uint64_t size = 0;
    assert_int_equal(in->size(&size, in), 0);
    floe_input_close(in);
    return (int64_t)size;
}

static floe_file_io *inner_of(floe_file_io *io)
{
    return ((floe_mtest_io_wrap *)io->state)->inner;
}

static int w_open(floe_input_file **out, floe_file_io *io, const char *location)
{
    floe_file_io *in = inner_of(io);
    return in->open(out, in, location);
}

static int w_create(floe_output_file **out, floe_file_io *io, const char *location,
                    floe_create_mode mode)
{
    floe_file_io *in = inner_of(io);
    return in->create(out, in, location, mode);
}

static int w_exists(int *out, floe_file_io *io, const char *location)
{
    floe_file_io *in = inner_of(io);
    return in->exists(out, in, location);
}

static int w_remove(floe_file_io *io, const char *location)
{
    floe_file_io *in = inner_of(io);
    return in->remove(in, location);
}

static int w_list(floe_file_io *io, const char *prefix, floe_file_list_cb cb, void *ctx)
{
    floe_file_io *in = inner_of(io);
    return in->list(in, prefix, cb, ctx);
}

static void w_free(floe_file_io *io)
{
    (void)io; /* the wrapper lives in the test; the inner FileIO is the test's to free */
}

void floe_mtest_io_wrap_init(floe_mtest_io_wrap *w, floe_file_io *inner)
{
    memset(w, 0, sizeof *w);
    w->inner = inner;
    w->io.version = FLOE_IO_VERSION;
    w->io.open = w_open;
    w->io.create = w_create;
    w->io.exists = w_exists;
    w->io.remove = w_remove;
    w->io.list = w_list;
    w->io.free = w_free;
    w->io.state = w;
}

int64_t floe_mtest_snapshot_count(floe_table *t)
{
    json_t *snaps = NULL;
    assert_int_equal(floe_table_snapshots(&snaps, t), 0);
    int64_t n = (int64_t)json_array_size(snaps);
    json_decref(snaps);
    return n;
}
