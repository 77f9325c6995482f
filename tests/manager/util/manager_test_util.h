/* Helpers shared by the manager tests. */
#ifndef FLOE_MANAGER_TEST_UTIL_H
#define FLOE_MANAGER_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <floe/table.h>

/* Writes a Parquet position delete file at `path` through the table's FileIO: rows
 * (targets[i], pos[i]) with the spec's reserved field ids, or (targets[0], pos[i]) for every
 * row when ntargets is 1. Fails the test on any error; returns the file's size. */
int64_t floe_mtest_write_position_deletes(floe_table *t, const char *path,
                                          const char *const *targets, size_t ntargets,
                                          const int64_t *pos, size_t n);

#endif
