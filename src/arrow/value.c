#include <floe/arrow/value.h>

#include <string.h>

int64_t floe_arrow_bitmap_count_set(const uint8_t *bits, int64_t offset, int64_t length)
{
    int64_t count = 0;
    int64_t i = offset, end = offset + length;
    /* Bit by bit up to a byte boundary, then whole bytes, then the tail. */
    while (i < end && (i & 7)) {
        count += floe_arrow_bit_get(bits, i);
        i++;
    }
    for (; i + 64 <= end; i += 64) {
        uint64_t word;
        memcpy(&word, bits + (i >> 3), 8);
        count += __builtin_popcountll(word);
    }
    for (; i + 8 <= end; i += 8)
        count += __builtin_popcount(bits[i >> 3]);
    for (; i < end; i++)
        count += floe_arrow_bit_get(bits, i);
    return count;
}

int64_t floe_arrow_array_null_count(const struct ArrowArray *a)
{
    if (a->null_count >= 0)
        return a->null_count;
    if (a->n_buffers < 1 || !a->buffers || !a->buffers[0])
        return 0;
    return a->length - floe_arrow_bitmap_count_set(a->buffers[0], a->offset, a->length);
}

void floe_arrow_array_move(struct ArrowArray *dst, struct ArrowArray *src)
{
    *dst = *src;
    src->release = NULL;
}

void floe_arrow_array_release(struct ArrowArray *array)
{
    if (array && array->release)
        array->release(array);
}
