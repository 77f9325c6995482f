/**
 * @file floe/arrow/stream.h
 * `struct ArrowArrayStream` producers (over a list of owned batches, or over a callback) and
 * consumer helpers that turn the stream's errno-style results into floe errors.
 *
 * Producer streams made here follow the C Stream Interface: get_schema hands out a deep copy
 * of the schema; get_next hands out the next batch, and at the end returns 0 with
 * out->release == NULL; a failure returns an errno value (EINVAL, ENOMEM, EIO, ...) and
 * get_last_error returns floe's message, valid until the next call on the stream.
 */
#ifndef FLOE_ARROW_STREAM_H
#define FLOE_ARROW_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include <floe/common.h>
#include <floe/arrow/abi.h>

FLOE_BEGIN_DECLS

/**
 * Makes a stream that yields `n` batches in order then the end of the stream.
 * On success the stream owns the schema and the batches: they are moved in (each source
 * struct is marked released). On failure nothing is moved and out->release is NULL.
 * @param out (transfer full) call out->release when done
 * @param schema (transfer full on success) the batches' schema (normally a struct "+s")
 * @param batches (transfer full on success) n arrays; may be NULL when n == 0
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (released schema or batch)
 */
FLOE_API int floe_arrow_stream_from_batches(struct ArrowArrayStream *out,
                                            struct ArrowSchema *schema, struct ArrowArray *batches,
                                            size_t n);

/**
 * Producer callback of a callback stream: fill `out` with the next batch (transfer full),
 * or leave out->release NULL at the end of the stream and return 0. On failure return a
 * negative FLOE_E* code after floe_error_set(); the stream reports that message.
 */
typedef int (*floe_arrow_stream_next_fn)(void *state, struct ArrowArray *out);

/** Frees a callback stream's state when the stream is released. */
typedef void (*floe_arrow_stream_free_fn)(void *state);

/**
 * Makes a stream whose batches come from `next(state, out)`. After `next` reports the end
 * or an error it is not called again (the stream keeps answering end / the error).
 * On success the stream owns schema and state; on failure neither (out->release is NULL).
 * @param schema (transfer full on success) moved in
 * @param free_state called once with `state` on release; may be NULL
 * @return 0, FLOE_ENOMEM, FLOE_EINVALID (released schema, NULL next)
 */
FLOE_API int floe_arrow_stream_from_callback(struct ArrowArrayStream *out,
                                             struct ArrowSchema *schema,
                                             floe_arrow_stream_next_fn next, void *state,
                                             floe_arrow_stream_free_fn free_state);

/**
 * Consumer side: calls stream->get_schema. A failure becomes a floe error carrying the
 * stream's get_last_error message.
 * @param out (transfer full) the schema
 * @return 0 or a negative FLOE_E* code (ENOMEM -> FLOE_ENOMEM, EINVAL -> FLOE_EINVALID,
 *         EIO -> FLOE_EIO, ENOSYS/ENOTSUP -> FLOE_EUNSUPPORTED, else FLOE_ERROR)
 */
FLOE_API int floe_arrow_stream_get_schema(struct ArrowArrayStream *stream, struct ArrowSchema *out);

/**
 * Consumer side: calls stream->get_next. At the end of the stream returns 0 with
 * out->release == NULL. Errors as floe_arrow_stream_get_schema().
 * @param out (transfer full) the batch
 */
FLOE_API int floe_arrow_stream_get_next(struct ArrowArrayStream *stream, struct ArrowArray *out);

/** Calls stream->release when stream is non-NULL and not yet released. */
FLOE_API void floe_arrow_stream_release(struct ArrowArrayStream *stream);

/** The errno value a stream callback returns for a floe error code (0 for 0). */
FLOE_API int floe_arrow_errno_from_floe(int code);

/** The floe error code for an errno value returned by a stream callback (0 for 0). */
FLOE_API int floe_arrow_floe_from_errno(int err);

FLOE_END_DECLS

#endif
