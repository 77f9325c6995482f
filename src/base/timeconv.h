/* Civil time <-> day/epoch counts (proleptic Gregorian calendar, UTC), ISO 8601 formatting
 * and parsing, and clocks. Dates are days since 1970-01-01; times of day are microseconds
 * since midnight; timestamps are ms/us/ns since 1970-01-01T00:00:00Z. Negative values are
 * before the epoch and are handled with floor semantics (-1 us is 1969-12-31T23:59:59.999999).
 *
 * Years 0000..9999 are written with 4 digits; others with a sign and at least 4 digits
 * ("-0001-01-01", "+10000-01-01"), as ISO 8601 expanded years; the parsers accept both. */
#ifndef FLOE_BASE_TIMECONV_H
#define FLOE_BASE_TIMECONV_H

#include <stddef.h>
#include <stdint.h>

/* Buffer sizes that always suffice for the format functions (with the NUL). */
#define FLOE_DATE_BUF      24
#define FLOE_TIME_BUF      24
#define FLOE_TIMESTAMP_BUF 48

#define FLOE_US_PER_DAY INT64_C(86400000000)

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31; not validated). */
int64_t floe_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Civil date of a day count; any int64 day count within +-2^60 is exact. */
void floe_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* 1 for Gregorian leap years. */
int floe_is_leap_year(int64_t y);

/* Number of days in month m (1..12) of year y; 0 for an invalid month. */
unsigned floe_days_in_month(int64_t y, unsigned m);

/* Floor division and matching non-negative remainder (d > 0). */
int64_t floe_floor_div(int64_t a, int64_t d);
int64_t floe_floor_mod(int64_t a, int64_t d);

/* Each format function writes a NUL-terminated string and returns 0, or FLOE_ERANGE (with
 * the last error set) when `n` is too small or the value is out of range. */

/* "2024-01-01" */
int floe_format_date(char *buf, size_t n, int32_t days);

/* "12:34:56.123456"; micros must be in [0, 86400000000). */
int floe_format_time_us(char *buf, size_t n, int64_t micros);

/* "2024-01-01T12:34:56.123456" with unit_digits (3 = ms, 6 = us, 9 = ns) fraction digits,
 * followed by "+00:00" when with_utc_offset. */
int floe_format_timestamp(char *buf, size_t n, int64_t value, int unit_digits, int with_utc_offset);

/* Parsers take the whole NUL-terminated string and return 0 or FLOE_EINVALID / FLOE_ERANGE
 * with a message naming the input and the 0-based position of the problem. */

/* "YYYY-MM-DD" (or an expanded year "+YYYYY-MM-DD" / "-YYYY-MM-DD") -> days. */
int floe_parse_date(int32_t *out_days, const char *s);

/* "HH:MM[:SS[.f{1,9}]]" -> microseconds since midnight; digits beyond micros truncate. */
int floe_parse_time_us(int64_t *out_micros, const char *s);

/* "<date>[(T|t|' ')HH:MM[:SS[.f{1,9}]]][Z|z|+hh[:mm]|-hh[:mm]]" -> a count of 10^-unit_digits
 * seconds since the epoch, in UTC (an offset is subtracted). Fraction digits beyond the unit
 * truncate toward the earlier instant. *had_offset (may be NULL) is set to 1 when the text
 * carried a zone designator. */
int floe_parse_timestamp(int64_t *out, const char *s, int unit_digits, int *had_offset);

/* floe_parse_timestamp in microseconds / nanoseconds. */
int floe_parse_timestamp_us(int64_t *out_micros, const char *s, int *had_offset);
int floe_parse_timestamp_ns(int64_t *out_nanos, const char *s, int *had_offset);

/* Wall clock since the epoch. */
int64_t floe_now_ms(void);
int64_t floe_now_us(void);
int64_t floe_now_ns(void);

/* Monotonic clock, for measuring intervals only. */
int64_t floe_monotonic_ns(void);

#endif
