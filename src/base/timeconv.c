#include "base/timeconv.h"

#include <stdio.h>
#include <time.h>

#include <floe/error.h>

int64_t floe_floor_div(int64_t a, int64_t d)
{
    int64_t q = a / d;
    if ((a % d != 0) && ((a < 0) != (d < 0)))
        q--;
    return q;
}

int64_t floe_floor_mod(int64_t a, int64_t d)
{
    int64_t r = a % d;
    if (r != 0 && ((r < 0) != (d < 0)))
        r += d;
    return r;
}

/* The calendar is computed in 400-year eras starting on March 1, so that the leap day is the
 * last day of a (shifted) year and month lengths follow a fixed 153-day pattern. */
int64_t floe_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    if (m <= 2)
        y -= 1;
    int64_t era = floe_floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void floe_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = floe_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    unsigned dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned mm = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (mm <= 2 ? 1 : 0);
    *m = mm;
    *d = dd;
}

int floe_is_leap_year(int64_t y)
{
    return floe_floor_mod(y, 4) == 0 &&
           (floe_floor_mod(y, 100) != 0 || floe_floor_mod(y, 400) == 0);
}

unsigned floe_days_in_month(int64_t y, unsigned m)
{
    static const unsigned len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return len[m - 1] + (m == 2 && floe_is_leap_year(y) ? 1u : 0u);
}

/* ---- formatting ---- */

static int too_small(size_t n)
{
    return floe_error_set(FLOE_ERANGE, "output buffer of %zu bytes is too small for a date/time",
                          n);
}

static int put_date(char *buf, size_t n, int64_t days)
{
    int64_t y;
    unsigned m, d;
    floe_civil_from_days(days, &y, &m, &d);
    int w;
    if (y >= 0 && y <= 9999)
        w = snprintf(buf, n, "%04lld-%02u-%02u", (long long)y, m, d);
    else
        w = snprintf(buf, n, "%+05lld-%02u-%02u", (long long)y, m, d);
    if (w < 0 || (size_t)w >= n)
        return too_small(n);
    return w;
}

int floe_format_date(char *buf, size_t n, int32_t days)
{
    int w = put_date(buf, n, days);
    return w < 0 ? w : 0;
}

static const int64_t pow10_table[10] = {1,      10,      100,      1000,      10000,
                                        100000, 1000000, 10000000, 100000000, 1000000000};

/* Writes HH:MM:SS followed by `digits` fraction digits (none when 0). */
static int put_time(char *buf, size_t n, int64_t secs_of_day, int64_t frac, int digits)
{
    int w;
    int h = (int)(secs_of_day / 3600), mi = (int)(secs_of_day / 60 % 60),
        s = (int)(secs_of_day % 60);
    if (digits > 0)
        w = snprintf(buf, n, "%02d:%02d:%02d.%0*lld", h, mi, s, digits, (long long)frac);
    else
        w = snprintf(buf, n, "%02d:%02d:%02d", h, mi, s);
    if (w < 0 || (size_t)w >= n)
        return too_small(n);
    return w;
}

int floe_format_time_us(char *buf, size_t n, int64_t micros)
{
    if (micros < 0 || micros >= FLOE_US_PER_DAY)
        return floe_error_set(FLOE_ERANGE,
                              "time of day %lld us is outside [0, 86400000000): a time must be "
                              "within one day",
                              (long long)micros);
    int w = put_time(buf, n, micros / 1000000, micros % 1000000, 6);
    return w < 0 ? w : 0;
}

int floe_format_timestamp(char *buf, size_t n, int64_t value, int unit_digits, int with_utc_offset)
{
    if (unit_digits != 3 && unit_digits != 6 && unit_digits != 9)
        return floe_error_set(FLOE_EINVALID, "timestamp unit must have 3, 6 or 9 digits, not %d",
                              unit_digits);
    int64_t unit = pow10_table[unit_digits];
    int64_t secs = floe_floor_div(value, unit);
    int64_t frac = floe_floor_mod(value, unit);
    int64_t days = floe_floor_div(secs, 86400);
    int64_t sod = floe_floor_mod(secs, 86400);
    int w = put_date(buf, n, days);
    if (w < 0)
        return w;
    size_t pos = (size_t)w;
    if (pos + 1 >= n)
        return too_small(n);
    buf[pos++] = 'T';
    w = put_time(buf + pos, n - pos, sod, frac, unit_digits);
    if (w < 0)
        return too_small(n);
    pos += (size_t)w;
    if (with_utc_offset) {
        w = snprintf(buf + pos, n - pos, "+00:00");
        if (w < 0 || (size_t)w >= n - pos)
            return too_small(n);
    }
    return 0;
}

/* ---- parsing ---- */

typedef struct cursor {
    const char *s;
    size_t pos;
    const char *what; /* "date", "time", "timestamp": names the input in errors */
} cursor;

static int bad(const cursor *c, const char *expected)
{
    char got[8];
    unsigned char ch = (unsigned char)c->s[c->pos];
    if (ch == '\0')
        snprintf(got, sizeof got, "end");
    else if (ch >= 0x20 && ch < 0x7f)
        snprintf(got, sizeof got, "'%c'", ch);
    else
        snprintf(got, sizeof got, "0x%02x", ch);
    return floe_error_set(FLOE_EINVALID,
                          "invalid %s '%.64s' at position %zu: expected %s, found %s (ISO 8601 "
                          "like 2024-01-31T12:34:56.123456+00:00)",
                          c->what, c->s, c->pos, expected, got);
}

static int out_of_range(const cursor *c, size_t at, const char *field)
{
    return floe_error_set(FLOE_ERANGE, "invalid %s '%.64s' at position %zu: %s is out of range",
                          c->what, c->s, at, field);
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Exactly n digits. */
static int digits(cursor *c, int n, int64_t *out, const char *expected)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(c->s[c->pos]))
            return bad(c, expected);
        v = v * 10 + (c->s[c->pos] - '0');
        c->pos++;
    }
    *out = v;
    return 0;
}

static int expect(cursor *c, char ch, const char *expected)
{
    if (c->s[c->pos] != ch)
        return bad(c, expected);
    c->pos++;
    return 0;
}

static int parse_date_part(cursor *c, int64_t *days)
{
    int64_t y = 0;
    char sign = c->s[c->pos];
    int rc;
    if (sign == '+' || sign == '-') {
        c->pos++;
        int nd = 0;
        while (is_digit(c->s[c->pos]) && nd < 9) {
            y = y * 10 + (c->s[c->pos] - '0');
            c->pos++;
            nd++;
        }
        if (nd < 4)
            return bad(c, "a 4 to 9 digit year after the sign");
        if (sign == '-')
            y = -y;
    } else if ((rc = digits(c, 4, &y, "a 4-digit year")) != 0) {
        return rc;
    }
    int64_t m = 0, d = 0;
    if ((rc = expect(c, '-', "'-' after the year")) != 0)
        return rc;
    size_t mpos = c->pos;
    if ((rc = digits(c, 2, &m, "a 2-digit month")) != 0)
        return rc;
    if ((rc = expect(c, '-', "'-' after the month")) != 0)
        return rc;
    size_t dpos = c->pos;
    if ((rc = digits(c, 2, &d, "a 2-digit day")) != 0)
        return rc;
    if (m < 1 || m > 12)
        return out_of_range(c, mpos, "month");
    if (d < 1 || d > floe_days_in_month(y, (unsigned)m))
        return out_of_range(c, dpos, "day of month");
    *days = floe_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

/* HH:MM[:SS[.f{1,9}]] -> nanoseconds since midnight. */
static int parse_time_part(cursor *c, int64_t *nanos)
{
    int64_t h = 0, mi = 0, s = 0, frac = 0;
    int rc;
    size_t hpos = c->pos;
    if ((rc = digits(c, 2, &h, "a 2-digit hour")) != 0)
        return rc;
    if ((rc = expect(c, ':', "':' after the hour")) != 0)
        return rc;
    size_t mpos = c->pos;
    if ((rc = digits(c, 2, &mi, "2-digit minutes")) != 0)
        return rc;
    size_t spos = c->pos;
    if (c->s[c->pos] == ':') {
        c->pos++;
        spos = c->pos;
        if ((rc = digits(c, 2, &s, "2-digit seconds")) != 0)
            return rc;
        if (c->s[c->pos] == '.' || c->s[c->pos] == ',') {
            c->pos++;
            int nd = 0;
            while (is_digit(c->s[c->pos])) {
                if (nd == 9)
                    return bad(c, "at most 9 fraction digits");
                frac = frac * 10 + (c->s[c->pos] - '0');
                c->pos++;
                nd++;
            }
            if (nd == 0)
                return bad(c, "fraction digits after the decimal point");
            frac *= pow10_table[9 - nd];
        }
    }
    if (h > 23)
        return out_of_range(c, hpos, "hour");
    if (mi > 59)
        return out_of_range(c, mpos, "minute");
    if (s > 59)
        return out_of_range(c, spos, "second");
    *nanos = ((h * 60 + mi) * 60 + s) * 1000000000 + frac;
    return 0;
}

static int expect_end(cursor *c)
{
    if (c->s[c->pos] != '\0')
        return bad(c, "the end of the text");
    return 0;
}

int floe_parse_date(int32_t *out_days, const char *s)
{
    if (!s)
        return floe_error_set(FLOE_EINVALID, "date text is NULL");
    cursor c = {s, 0, "date"};
    int64_t days;
    int rc = parse_date_part(&c, &days);
    if (!rc)
        rc = expect_end(&c);
    if (rc)
        return rc;
    if (days < INT32_MIN || days > INT32_MAX)
        return out_of_range(&c, 0, "date (as a 32-bit day count)");
    *out_days = (int32_t)days;
    return 0;
}

int floe_parse_time_us(int64_t *out_micros, const char *s)
{
    if (!s)
        return floe_error_set(FLOE_EINVALID, "time text is NULL");
    cursor c = {s, 0, "time"};
    int64_t nanos;
    int rc = parse_time_part(&c, &nanos);
    if (!rc)
        rc = expect_end(&c);
    if (rc)
        return rc;
    *out_micros = nanos / 1000;
    return 0;
}

int floe_parse_timestamp(int64_t *out, const char *s, int unit_digits, int *had_offset)
{
    if (!s)
        return floe_error_set(FLOE_EINVALID, "timestamp text is NULL");
    if (unit_digits != 3 && unit_digits != 6 && unit_digits != 9)
        return floe_error_set(FLOE_EINVALID, "timestamp unit must have 3, 6 or 9 digits, not %d",
                              unit_digits);
    cursor c = {s, 0, "timestamp"};
    int64_t days, nanos = 0, offset_s = 0;
    int rc = parse_date_part(&c, &days);
    if (rc)
        return rc;
    char sep = s[c.pos];
    if (sep == 'T' || sep == 't' || sep == ' ') {
        c.pos++;
        if ((rc = parse_time_part(&c, &nanos)) != 0)
            return rc;
    }
    int zoned = 0;
    char z = s[c.pos];
    if (z == 'Z' || z == 'z') {
        c.pos++;
        zoned = 1;
    } else if (z == '+' || z == '-') {
        c.pos++;
        int64_t oh = 0, om = 0;
        size_t opos = c.pos;
        if ((rc = digits(&c, 2, &oh, "a 2-digit offset hour")) != 0)
            return rc;
        if (s[c.pos] == ':') {
            c.pos++;
            if ((rc = digits(&c, 2, &om, "2-digit offset minutes")) != 0)
                return rc;
        } else if (is_digit(s[c.pos])) {
            if ((rc = digits(&c, 2, &om, "2-digit offset minutes")) != 0)
                return rc;
        }
        if (oh > 23 || om > 59)
            return out_of_range(&c, opos, "UTC offset");
        offset_s = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
        zoned = 1;
    }
    if ((rc = expect_end(&c)) != 0)
        return rc;

    int64_t unit = pow10_table[unit_digits];
    /* truncation toward the earlier instant */
    int64_t sub = nanos % 1000000000 / pow10_table[9 - unit_digits];
    int64_t secs, v;
    /* UTC = local - offset. Before the epoch, (secs + 1) * unit + (sub - unit) keeps the
     * intermediate in range down to INT64_MIN itself. */
    int ovf = __builtin_mul_overflow(days, 86400, &secs) ||
              __builtin_add_overflow(secs, nanos / 1000000000 - offset_s, &secs);
    if (!ovf && secs < 0 && sub > 0)
        ovf =
            __builtin_mul_overflow(secs + 1, unit, &v) || __builtin_add_overflow(v, sub - unit, &v);
    else if (!ovf)
        ovf = __builtin_mul_overflow(secs, unit, &v) || __builtin_add_overflow(v, sub, &v);
    if (ovf)
        return out_of_range(&c, 0,
                            unit_digits == 9   ? "timestamp (as nanoseconds: years 1677..2262)"
                            : unit_digits == 6 ? "timestamp (as microseconds)"
                                               : "timestamp (as milliseconds)");
    *out = v;
    if (had_offset)
        *had_offset = zoned;
    return 0;
}

int floe_parse_timestamp_us(int64_t *out_micros, const char *s, int *had_offset)
{
    return floe_parse_timestamp(out_micros, s, 6, had_offset);
}

int floe_parse_timestamp_ns(int64_t *out_nanos, const char *s, int *had_offset)
{
    return floe_parse_timestamp(out_nanos, s, 9, had_offset);
}

/* ---- clocks ---- */

int64_t floe_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t floe_now_us(void)
{
    return floe_floor_div(floe_now_ns(), 1000);
}

int64_t floe_now_ms(void)
{
    return floe_floor_div(floe_now_ns(), 1000000);
}

int64_t floe_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
