/**
 * @file floe/io.h
 * FileIO: the only way floe's format and table code reaches bytes. Storage plugins
 * (local, s3) implement `floe_file_io`; formats read `floe_input_file` and write
 * `floe_output_file`. All three are versioned vtables (CONVENTIONS §7, §9).
 */
#ifndef FLOE_IO_H
#define FLOE_IO_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

FLOE_BEGIN_DECLS

/** A file open for ranged reads. */
typedef struct floe_input_file floe_input_file;
/** A file being written as a stream; visible only after commit. */
typedef struct floe_output_file floe_output_file;
/** A file system or object store. */
typedef struct floe_file_io floe_file_io;

/** Version of the vtables declared here. */
#define FLOE_IO_VERSION 1

/** Input file vtable. Implementations fill every member. */
struct floe_input_file {
    unsigned int version; /**< FLOE_IO_VERSION */
    /** Location it was opened from (owned by the file). */
    const char *location;
    /** Reads up to `len` bytes at `offset`; `*nread` < len only at end of file. */
    int (*read_at)(size_t *nread, floe_input_file *f, uint64_t offset, void *buf, size_t len);
    /** Total size in bytes. */
    int (*size)(uint64_t *out, floe_input_file *f);
    /** Closes and frees the file. */
    void (*close)(floe_input_file *f);
    void *state; /**< implementation state */
};

/** How floe_file_io.create treats an existing object. */
typedef enum floe_create_mode {
    /** Replace whatever is there when the file is committed. */
    FLOE_CREATE_OVERWRITE = 0,
    /** Atomic create-if-absent: commit fails with FLOE_EEXISTS if the location exists. */
    FLOE_CREATE_EXCLUSIVE = 1
} floe_create_mode;

/** Output file vtable. Bytes become visible at `location` only when commit succeeds. */
struct floe_output_file {
    unsigned int version; /**< FLOE_IO_VERSION */
    const char *location; /**< target location (owned by the file) */
    /** Appends bytes. */
    int (*write)(floe_output_file *f, const void *data, size_t len);
    /** Makes the file durable and visible; frees `f` whatever the result. */
    int (*commit)(floe_output_file *f);
    /** Discards everything written; frees `f`. */
    void (*abort)(floe_output_file *f);
    void *state;            /**< implementation state */
    uint64_t bytes_written; /**< maintained by floe_output_write() */
};

/** One entry of a listing. */
typedef struct floe_file_info {
    const char *location; /**< (transfer none) valid during the callback */
    uint64_t size;        /**< bytes */
    int64_t modified_ms;  /**< last modification, ms since the epoch (-1 unknown) */
} floe_file_info;

/** Listing callback; return non-zero to stop (that value is returned by list). */
typedef int (*floe_file_list_cb)(const floe_file_info *info, void *ctx);

/** File system vtable. */
struct floe_file_io {
    unsigned int version; /**< FLOE_IO_VERSION */
    /** Opens `location` for reading; FLOE_ENOTFOUND if absent. */
    int (*open)(floe_input_file **out, floe_file_io *io, const char *location);
    /** Starts writing `location` (see floe_create_mode). */
    int (*create)(floe_output_file **out, floe_file_io *io, const char *location,
                  floe_create_mode mode);
    /** Sets *out to 1 if `location` exists, else 0. */
    int (*exists)(int *out, floe_file_io *io, const char *location);
    /** Deletes `location`; FLOE_ENOTFOUND if absent. */
    int (*remove)(floe_file_io *io, const char *location);
    /** Lists every file whose location starts with `prefix` (recursively). */
    int (*list)(floe_file_io *io, const char *prefix, floe_file_list_cb cb, void *ctx);
    /** Frees the FileIO. Mandatory. */
    void (*free)(floe_file_io *io);
    void *state; /**< implementation state */
};

/** Reads exactly `len` bytes at `offset`; FLOE_ECORRUPT naming the offset on a short read. */
FLOE_API int floe_input_read_exact(floe_input_file *f, uint64_t offset, void *buf, size_t len);
/** Size of an input file. */
FLOE_API int floe_input_size(uint64_t *out, floe_input_file *f);
/** Closes an input file (NULL is fine). */
FLOE_API void floe_input_close(floe_input_file *f);
/** Writes all bytes and counts them in bytes_written. */
FLOE_API int floe_output_write(floe_output_file *f, const void *data, size_t len);
/** Commits (see floe_output_file.commit). */
FLOE_API int floe_output_commit(floe_output_file *f);
/** Aborts (NULL is fine). */
FLOE_API void floe_output_abort(floe_output_file *f);
/** Frees a FileIO (NULL is fine). */
FLOE_API void floe_file_io_free(floe_file_io *io);

/**
 * Reads a whole file into memory, refusing files over `max_bytes`.
 * @param data (transfer full) free with free().
 */
FLOE_API int floe_file_io_read_all(uint8_t **data, size_t *len, floe_file_io *io,
                                   const char *location, size_t max_bytes);
/** Writes `len` bytes to `location` in one go. */
FLOE_API int floe_file_io_write_all(floe_file_io *io, const char *location, floe_create_mode mode,
                                    const void *data, size_t len);

/**
 * A FileIO over the local file system. Locations are absolute or relative paths, or
 * `file://` URIs. Writes go to a temporary sibling and are renamed (or linked, for
 * FLOE_CREATE_EXCLUSIVE) into place on commit, after fsync.
 */
FLOE_API int floe_posix_file_io_new(floe_file_io **out);

/** An in-memory FileIO (thread-safe), for tests and scratch work. */
FLOE_API int floe_memory_file_io_new(floe_file_io **out);

/**
 * An input file reading caller memory.
 * @param data (transfer none) must outlive the file.
 */
FLOE_API int floe_input_file_from_memory(floe_input_file **out, const void *data, size_t len,
                                         const char *name);

FLOE_END_DECLS

#endif
