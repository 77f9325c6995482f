/**
 * @file floe/common.h
 * Macros shared by every public floe header: symbol visibility and C++ linkage.
 */
#ifndef FLOE_COMMON_H
#define FLOE_COMMON_H

#if defined(__GNUC__) || defined(__clang__)
/** Marks a symbol exported from libfloe. */
#define FLOE_API __attribute__((visibility("default")))
/** printf-style format checking on a function's arguments. */
#define FLOE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
/** Warns when a caller ignores the returned error code. */
#define FLOE_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define FLOE_API
#define FLOE_PRINTF(fmt, args)
#define FLOE_WARN_UNUSED
#endif

#ifdef __cplusplus
#define FLOE_BEGIN_DECLS extern "C" {
#define FLOE_END_DECLS   }
#else
/** Opens a block of C declarations (extern "C" under C++). */
#define FLOE_BEGIN_DECLS
/** Closes a FLOE_BEGIN_DECLS block. */
#define FLOE_END_DECLS
#endif

/** floe's release version. */
#define FLOE_VERSION_MAJOR  0
#define FLOE_VERSION_MINOR  1
#define FLOE_VERSION_PATCH  0
#define FLOE_VERSION_STRING "0.1.0"

#endif
