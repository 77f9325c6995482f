/* Layout of floe_type and floe_field, shared by the iceberg module's type-aware files. */
#ifndef FLOE_ICEBERG_TYPE_INTERNAL_H
#define FLOE_ICEBERG_TYPE_INTERNAL_H

#include <floe/iceberg/types.h>

struct floe_field {
    int32_t id;
    char *name;
    bool required;
    floe_type *type;
    char *doc;
    char *initial_default; /* JSON text (Appendix D) or NULL */
    char *write_default;
};

struct floe_type {
    floe_type_kind kind;
    int refcount;
    bool is_static;
    int precision, scale;
    int64_t length;
    char *crs, *algorithm;
    char *str;
    size_t nfields;
    floe_field *fields; /* struct fields; list: [element]; map: [key, value] */
};

/* Releases what a field owns (not the field itself). */
void floe_type__field_clear(floe_field *f);

#endif
