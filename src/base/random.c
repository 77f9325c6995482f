#include "base/random.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <floe/error.h>

#include "base/timeconv.h"

static _Atomic int simulate;

void floe_random__simulate(int mode)
{
    simulate = mode;
}

static int from_urandom(uint8_t *p, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return floe_error_set(FLOE_EIO, "cannot open /dev/urandom: %s", strerror(errno));
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            close(fd);
            return floe_error_set(FLOE_EIO, "cannot read /dev/urandom");
        }
        p += r;
        n -= (size_t)r;
    }
    close(fd);
    return 0;
}

int floe_random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    int sim = simulate;
    if (sim == 2)
        return floe_error_set(FLOE_EIO, "no random source available (simulated)");
    if (sim == 1)
        return from_urandom(p, n);
    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return from_urandom(p, n);
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* splitmix64 finaliser: spreads clock bits over the whole word. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t floe_random_u64(void)
{
    uint64_t v;
    if (floe_random_bytes(&v, sizeof v) == 0)
        return v;
    static _Thread_local uint64_t counter;
    return mix64((uint64_t)floe_monotonic_ns() + (++counter) * UINT64_C(0x9e3779b97f4a7c15));
}
