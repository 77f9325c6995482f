/* MurmurHash3 x86_32, written from the algorithm's description: 4-byte little-endian blocks
 * mixed into the state, the 1..3 tail bytes mixed once, then the length and a final
 * avalanche. Blocks are read byte by byte so the result does not depend on host endianness
 * or alignment. */
#include "base/murmur3.h"

#define MURMUR_C1 0xcc9e2d51u
#define MURMUR_C2 0x1b873593u

static uint32_t rotl32(uint32_t x, unsigned r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t mix_k(uint32_t k)
{
    k *= MURMUR_C1;
    k = rotl32(k, 15);
    return k * MURMUR_C2;
}

uint32_t floe_murmur3_x86_32(const void *data, size_t len, uint32_t seed)
{
    const uint8_t *p = data;
    uint32_t h = seed;
    size_t blocks = len / 4;
    for (size_t i = 0; i < blocks; i++, p += 4) {
        uint32_t k =
            (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        h ^= mix_k(k);
        h = rotl32(h, 13);
        h = h * 5u + 0xe6546b64u;
    }
    uint32_t k = 0;
    switch (len & 3u) {
    case 3:
        k ^= (uint32_t)p[2] << 16;
        /* fall through */
    case 2:
        k ^= (uint32_t)p[1] << 8;
        /* fall through */
    case 1:
        k ^= (uint32_t)p[0];
        h ^= mix_k(k);
        break;
    default:
        break;
    }
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}
