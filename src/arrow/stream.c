#include <floe/arrow/stream.h>

#include <errno.h>
#include <string.h>

#include <floe/arrow/schema.h>
#include <floe/arrow/value.h>
#include <floe/error.h>

#include "base/alloc.h"

/* One private state serves both producers: a list of batches (next_fn == NULL) or a
 * callback. */
typedef struct stream_private {
    struct ArrowSchema schema;
    struct ArrowArray *batches;
    size_t n_batches;
    size_t next_batch;
    floe_arrow_stream_next_fn next_fn;
    void *state;
    floe_arrow_stream_free_fn free_state;
    int done;
    int error;     /* sticky errno once the callback failed */
    char *message; /* last error message, for get_last_error */
} stream_private;

int floe_arrow_errno_from_floe(int code)
{
    switch (code) {
    case FLOE_OK:
        return 0;
    case FLOE_ENOMEM:
        return ENOMEM;
    case FLOE_EINVALID:
    case FLOE_ECORRUPT:
    case FLOE_ESCHEMA:
    case FLOE_ECONFIG:
        return EINVAL;
    case FLOE_ENOTFOUND:
        return ENOENT;
    case FLOE_EUNSUPPORTED:
        return ENOSYS;
    case FLOE_EAUTH:
    case FLOE_EPERM:
        return EACCES;
    case FLOE_ETIMEOUT:
        return ETIMEDOUT;
    case FLOE_ECANCELLED:
        return ECANCELED;
    case FLOE_ERANGE:
        return ERANGE;
    case FLOE_EEXISTS:
        return EEXIST;
    default:
        return EIO;
    }
}

int floe_arrow_floe_from_errno(int err)
{
    switch (err) {
    case 0:
        return FLOE_OK;
    case ENOMEM:
        return FLOE_ENOMEM;
    case EINVAL:
        return FLOE_EINVALID;
    case ENOENT:
        return FLOE_ENOTFOUND;
    case ENOSYS:
    case ENOTSUP:
        return FLOE_EUNSUPPORTED;
    case EACCES:
    case EPERM:
        return FLOE_EPERM;
    case ETIMEDOUT:
        return FLOE_ETIMEOUT;
    case ECANCELED:
        return FLOE_ECANCELLED;
    case ERANGE:
        return FLOE_ERANGE;
    case EEXIST:
        return FLOE_EEXISTS;
    case EIO:
        return FLOE_EIO;
    default:
        return FLOE_ERROR;
    }
}

/* Keeps floe's current message for get_last_error and returns the errno for `code`. */
static int remember_error(stream_private *p, int code)
{
    floe_free(p->message);
    p->message = floe_strdup(floe_error_last());
    return floe_arrow_errno_from_floe(code);
}

static stream_private *priv(struct ArrowArrayStream *s)
{
    return s->private_data;
}

static int stream_get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out)
{
    stream_private *p = priv(s);
    int rc = floe_arrow_schema_copy(out, &p->schema);
    if (rc < 0)
        return remember_error(p, rc);
    return 0;
}

static int stream_get_next(struct ArrowArrayStream *s, struct ArrowArray *out)
{
    stream_private *p = priv(s);
    memset(out, 0, sizeof *out);
    if (!p->next_fn) {
        if (p->next_batch < p->n_batches)
            floe_arrow_array_move(out, &p->batches[p->next_batch++]);
        return 0;
    }
    if (p->error)
        return p->error;
    if (p->done)
        return 0;
    int rc = p->next_fn(p->state, out);
    if (rc < 0) {
        if (out->release)
            out->release(out);
        memset(out, 0, sizeof *out);
        p->error = remember_error(p, rc);
        return p->error;
    }
    if (!out->release)
        p->done = 1;
    return 0;
}

static const char *stream_get_last_error(struct ArrowArrayStream *s)
{
    return priv(s)->message;
}

static void stream_release(struct ArrowArrayStream *s)
{
    if (!s || !s->release)
        return;
    stream_private *p = priv(s);
    for (size_t i = p->next_batch; i < p->n_batches; i++)
        floe_arrow_array_release(&p->batches[i]);
    floe_free(p->batches);
    floe_arrow_schema_release(&p->schema);
    if (p->free_state)
        p->free_state(p->state);
    floe_free(p->message);
    floe_free(p);
    memset(s, 0, sizeof *s);
}

static void stream_setup(struct ArrowArrayStream *out, stream_private *p)
{
    out->get_schema = stream_get_schema;
    out->get_next = stream_get_next;
    out->get_last_error = stream_get_last_error;
    out->release = stream_release;
    out->private_data = p;
}

int floe_arrow_stream_from_batches(struct ArrowArrayStream *out, struct ArrowSchema *schema,
                                   struct ArrowArray *batches, size_t n)
{
    memset(out, 0, sizeof *out);
    if (!schema || !schema->release)
        return floe_error_set(FLOE_EINVALID, "Arrow stream: the schema is NULL or released");
    for (size_t i = 0; i < n; i++) {
        if (!batches[i].release)
            return floe_error_set(FLOE_EINVALID, "Arrow stream: batch %zu is released", i);
    }
    stream_private *p = floe_calloc(1, sizeof *p);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory making an Arrow stream");
    if (n) {
        p->batches = floe_calloc(n, sizeof *p->batches);
        if (!p->batches) {
            floe_free(p);
            return floe_error_set(FLOE_ENOMEM, "out of memory making an Arrow stream");
        }
        for (size_t i = 0; i < n; i++)
            floe_arrow_array_move(&p->batches[i], &batches[i]);
    }
    p->n_batches = n;
    floe_arrow_schema_move(&p->schema, schema);
    stream_setup(out, p);
    return 0;
}

int floe_arrow_stream_from_callback(struct ArrowArrayStream *out, struct ArrowSchema *schema,
                                    floe_arrow_stream_next_fn next, void *state,
                                    floe_arrow_stream_free_fn free_state)
{
    memset(out, 0, sizeof *out);
    if (!schema || !schema->release)
        return floe_error_set(FLOE_EINVALID, "Arrow stream: the schema is NULL or released");
    if (!next)
        return floe_error_set(FLOE_EINVALID, "Arrow stream: the next-batch callback is NULL");
    stream_private *p = floe_calloc(1, sizeof *p);
    if (!p)
        return floe_error_set(FLOE_ENOMEM, "out of memory making an Arrow stream");
    p->next_fn = next;
    p->state = state;
    p->free_state = free_state;
    floe_arrow_schema_move(&p->schema, schema);
    stream_setup(out, p);
    return 0;
}

static int consumer_error(struct ArrowArrayStream *stream, int err, const char *what)
{
    const char *msg = stream->get_last_error ? stream->get_last_error(stream) : NULL;
    int code = floe_arrow_floe_from_errno(err);
    if (msg && *msg)
        return floe_error_set(code, "Arrow stream %s failed: %s", what, msg);
    return floe_error_set(code, "Arrow stream %s failed with error %d (%s)", what, err,
                          floe_strerror(code));
}

int floe_arrow_stream_get_schema(struct ArrowArrayStream *stream, struct ArrowSchema *out)
{
    if (!stream || !stream->release)
        return floe_error_set(FLOE_EINVALID, "Arrow stream is NULL or released");
    memset(out, 0, sizeof *out);
    int err = stream->get_schema(stream, out);
    if (err != 0)
        return consumer_error(stream, err, "get_schema");
    if (!out->release)
        return floe_error_set(FLOE_EINVALID, "Arrow stream get_schema returned a released "
                                             "schema");
    return 0;
}

int floe_arrow_stream_get_next(struct ArrowArrayStream *stream, struct ArrowArray *out)
{
    if (!stream || !stream->release)
        return floe_error_set(FLOE_EINVALID, "Arrow stream is NULL or released");
    memset(out, 0, sizeof *out);
    int err = stream->get_next(stream, out);
    if (err != 0)
        return consumer_error(stream, err, "get_next");
    return 0;
}

void floe_arrow_stream_release(struct ArrowArrayStream *stream)
{
    if (stream && stream->release)
        stream->release(stream);
}
