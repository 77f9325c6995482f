#include <floe/arrow/decimal.h>

#include <string.h>

#include <floe/arrow/type.h>
#include <floe/error.h>

/* Unsigned 128-bit magnitude as four 32-bit limbs, least significant first, so that division
 * by ten needs only 64-bit arithmetic and no compiler extension. */
typedef struct u128 {
    uint32_t w[4];
} u128;

static u128 magnitude(floe_decimal128 v, int *negative)
{
    uint64_t lo = v.lo, hi = (uint64_t)v.hi;
    *negative = v.hi < 0;
    if (*negative) {
        lo = ~lo + 1;
        hi = ~hi + (lo == 0);
    }
    u128 m = {{(uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi, (uint32_t)(hi >> 32)}};
    return m;
}

static int u128_is_zero(const u128 *m)
{
    return (m->w[0] | m->w[1] | m->w[2] | m->w[3]) == 0;
}

/* Divides m by 10 in place and returns the remainder. */
static unsigned u128_divmod10(u128 *m)
{
    uint64_t rem = 0;
    for (int i = 3; i >= 0; i--) {
        uint64_t cur = (rem << 32) | m->w[i];
        m->w[i] = (uint32_t)(cur / 10);
        rem = cur % 10;
    }
    return (unsigned)rem;
}

/* m = m * 10 + digit; returns non-zero on overflow of 128 bits. */
static int u128_mul10_add(u128 *m, unsigned digit)
{
    uint64_t carry = digit;
    for (int i = 0; i < 4; i++) {
        uint64_t cur = (uint64_t)m->w[i] * 10 + carry;
        m->w[i] = (uint32_t)cur;
        carry = cur >> 32;
    }
    return carry != 0;
}

floe_decimal128 floe_decimal128_load(const void *src)
{
    floe_decimal128 d;
    memcpy(&d.lo, src, 8);
    memcpy(&d.hi, (const uint8_t *)src + 8, 8);
    return d;
}

void floe_decimal128_store(void *dst, floe_decimal128 v)
{
    memcpy(dst, &v.lo, 8);
    memcpy((uint8_t *)dst + 8, &v.hi, 8);
}

/* Writes the decimal digits of m, least significant first; returns their count (>= 1). */
static int digits_reversed(u128 m, char out[40])
{
    int n = 0;
    do {
        out[n++] = (char)('0' + u128_divmod10(&m));
    } while (!u128_is_zero(&m));
    return n;
}

int floe_decimal128_digits(floe_decimal128 v)
{
    int negative;
    char digits[40];
    return digits_reversed(magnitude(v, &negative), digits);
}

int floe_decimal128_fits_precision(floe_decimal128 v, int32_t precision)
{
    return floe_decimal128_digits(v) <= precision;
}

int floe_decimal128_format(char *buf, size_t cap, floe_decimal128 v, int32_t scale)
{
    if (scale < 0 || scale > FLOE_ARROW_DECIMAL128_MAX_PRECISION)
        return floe_error_set(FLOE_EINVALID, "decimal scale %d is outside 0..38", (int)scale);
    int negative;
    char rev[40];
    int n = digits_reversed(magnitude(v, &negative), rev);
    /* At least one digit before the point: pad with zeros up to scale + 1 digits. */
    int total = n > scale ? n : scale + 1;
    size_t need = (size_t)negative + (size_t)total + (scale > 0) + 1;
    if (need > cap)
        return floe_error_set(FLOE_ERANGE, "buffer of %zu bytes too small for a decimal", cap);
    char *p = buf;
    if (negative)
        *p++ = '-';
    for (int i = total - 1; i >= 0; i--) {
        *p++ = i < n ? rev[i] : '0';
        if (i == scale && scale > 0)
            *p++ = '.';
    }
    *p = '\0';
    return 0;
}

static int bad_decimal(const char *text, size_t len, const char *why)
{
    return floe_error_set(FLOE_EINVALID, "invalid decimal '%.*s': %s", len > 64 ? 64 : (int)len,
                          text, why);
}

int floe_decimal128_parse(floe_decimal128 *out, const char *text, size_t len, int32_t precision,
                          int32_t scale)
{
    if (precision < 1 || precision > FLOE_ARROW_DECIMAL128_MAX_PRECISION || scale < 0 ||
        scale > precision)
        return floe_error_set(FLOE_EINVALID, "decimal(%d, %d) is not a valid decimal128 type",
                              (int)precision, (int)scale);
    size_t i = 0;
    int negative = 0;
    if (i < len && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        i++;
    }
    u128 m = {{0, 0, 0, 0}};
    int int_digits = 0, frac_digits = 0, any_digit = 0, seen_point = 0;
    for (; i < len; i++) {
        char c = text[i];
        if (c == '.') {
            if (seen_point)
                return bad_decimal(text, len, "more than one decimal point");
            seen_point = 1;
            continue;
        }
        if (c < '0' || c > '9')
            return bad_decimal(text, len, "expected digits with an optional sign and point");
        any_digit = 1;
        if (seen_point) {
            if (frac_digits >= scale) {
                if (c != '0')
                    return floe_error_set(FLOE_ERANGE,
                                          "decimal '%.*s' has more than %d fractional digits",
                                          len > 64 ? 64 : (int)len, text, (int)scale);
                continue;
            }
            frac_digits++;
        } else {
            if (int_digits == 0 && c == '0')
                continue;
            int_digits++;
            if (int_digits > precision - scale)
                return floe_error_set(FLOE_ERANGE, "decimal '%.*s' does not fit decimal(%d, %d)",
                                      len > 64 ? 64 : (int)len, text, (int)precision, (int)scale);
        }
        u128_mul10_add(&m, (unsigned)(c - '0'));
    }
    if (!any_digit)
        return bad_decimal(text, len, "no digits");
    /* Pad missing fractional digits; at most 38 digits in all, so 128 bits never overflow. */
    for (; frac_digits < scale; frac_digits++)
        u128_mul10_add(&m, 0);
    uint64_t lo = (uint64_t)m.w[0] | ((uint64_t)m.w[1] << 32);
    uint64_t hi = (uint64_t)m.w[2] | ((uint64_t)m.w[3] << 32);
    if (negative) {
        lo = ~lo + 1;
        hi = ~hi + (lo == 0);
    }
    out->lo = lo;
    out->hi = (int64_t)hi;
    return 0;
}
