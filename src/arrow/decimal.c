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

/* 10^p for p = 0..38 as (high, low) 64-bit halves. */
static const uint64_t pow10_128[39][2] = {
    {UINT64_C(0), UINT64_C(1)},
    {UINT64_C(0), UINT64_C(10)},
    {UINT64_C(0), UINT64_C(100)},
    {UINT64_C(0), UINT64_C(1000)},
    {UINT64_C(0), UINT64_C(10000)},
    {UINT64_C(0), UINT64_C(100000)},
    {UINT64_C(0), UINT64_C(1000000)},
    {UINT64_C(0), UINT64_C(10000000)},
    {UINT64_C(0), UINT64_C(100000000)},
    {UINT64_C(0), UINT64_C(1000000000)},
    {UINT64_C(0), UINT64_C(10000000000)},
    {UINT64_C(0), UINT64_C(100000000000)},
    {UINT64_C(0), UINT64_C(1000000000000)},
    {UINT64_C(0), UINT64_C(10000000000000)},
    {UINT64_C(0), UINT64_C(100000000000000)},
    {UINT64_C(0), UINT64_C(1000000000000000)},
    {UINT64_C(0), UINT64_C(10000000000000000)},
    {UINT64_C(0), UINT64_C(100000000000000000)},
    {UINT64_C(0), UINT64_C(1000000000000000000)},
    {UINT64_C(0), UINT64_C(10000000000000000000)},
    {UINT64_C(5), UINT64_C(7766279631452241920)},
    {UINT64_C(54), UINT64_C(3875820019684212736)},
    {UINT64_C(542), UINT64_C(1864712049423024128)},
    {UINT64_C(5421), UINT64_C(200376420520689664)},
    {UINT64_C(54210), UINT64_C(2003764205206896640)},
    {UINT64_C(542101), UINT64_C(1590897978359414784)},
    {UINT64_C(5421010), UINT64_C(15908979783594147840)},
    {UINT64_C(54210108), UINT64_C(11515845246265065472)},
    {UINT64_C(542101086), UINT64_C(4477988020393345024)},
    {UINT64_C(5421010862), UINT64_C(7886392056514347008)},
    {UINT64_C(54210108624), UINT64_C(5076944270305263616)},
    {UINT64_C(542101086242), UINT64_C(13875954555633532928)},
    {UINT64_C(5421010862427), UINT64_C(9632337040368467968)},
    {UINT64_C(54210108624275), UINT64_C(4089650035136921600)},
    {UINT64_C(542101086242752), UINT64_C(4003012203950112768)},
    {UINT64_C(5421010862427522), UINT64_C(3136633892082024448)},
    {UINT64_C(54210108624275221), UINT64_C(12919594847110692864)},
    {UINT64_C(542101086242752217), UINT64_C(68739955140067328)},
    {UINT64_C(5421010862427522170), UINT64_C(687399551400673280)},
};

int floe_decimal128_fits_precision(floe_decimal128 v, int32_t precision)
{
    if (precision > FLOE_ARROW_DECIMAL128_MAX_PRECISION)
        return 1;
    if (precision < 1)
        return 0;
    /* |v| < 10^precision, compared on the magnitude's halves (no digit loop: this runs for
     * every decimal value written) */
    uint64_t lo = v.lo, hi = (uint64_t)v.hi;
    if (v.hi < 0) {
        lo = ~lo + 1;
        hi = ~hi + (lo == 0);
    }
    const uint64_t *p = pow10_128[precision];
    return hi < p[0] || (hi == p[0] && lo < p[1]);
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
