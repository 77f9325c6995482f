/* Helpers shared by the manager tests. */
#ifndef FLOE_MANAGER_TEST_UTIL_H
#define FLOE_MANAGER_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <floe/io.h>
#include <floe/table.h>

/* Writes a Parquet position delete file at `path` through the table's FileIO: rows
 * (targets[i], pos[i]) with the spec's reserved field ids, or (targets[0], pos[i]) for every
 * row when ntargets is 1. Fails the test on any error; returns the file's size. */
int64_t floe_mtest_write_position_deletes(floe_table *t, const char *path,
                                          const char *const *targets, size_t ntargets,
                                          const int64_t *pos, size_t n);

/* A FileIO that forwards every call to `inner`. Embed it as the FIRST member of a test's own
 * struct (io.state points at that struct) and replace the vtable members to intercept. */
typedef struct floe_mtest_io_wrap {
    floe_file_io io;
    floe_file_io *inner;
} floe_mtest_io_wrap;

/* Fills every member of w->io with a forwarder to `inner`; io.state = w. */
void floe_mtest_io_wrap_init(floe_mtest_io_wrap *w, floe_file_io *inner);

/* Number of snapshots the table's metadata lists. */
int64_t floe_mtest_snapshot_count(floe_table *t);

#endif
