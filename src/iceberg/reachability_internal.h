/* Cross-file helpers of the reachability code: a mutable floe_file_set. */
#ifndef FLOE_ICEBERG_REACHABILITY_INTERNAL_H
#define FLOE_ICEBERG_REACHABILITY_INTERNAL_H

#include <floe/iceberg/expire.h>

/* An empty set. */
int floe_iceberg__file_set_new(floe_file_set **out);
/* Adds `path` (copied) with `kind`; an existing entry keeps its first kind. */
int floe_iceberg__file_set_add(floe_file_set *s, const char *path, floe_file_kind kind);
/* Removes `path` if present. */
void floe_iceberg__file_set_remove(floe_file_set *s, const char *path);
/* Drops removed entries so that floe_file_set_at() indexes only live ones. */
void floe_iceberg__file_set_compact(floe_file_set *s);

#endif
