/* A shared object that is not a floe plugin: no descriptor symbol. Its constructor records
 * that it ran, so tests can tell whether the host mapped it. */
#include <stdlib.h>

__attribute__((constructor)) static void no_descriptor_loaded(void)
{
    setenv("FLOE_TEST_NO_DESCRIPTOR_RAN", "1", 1);
}

__attribute__((visibility("default"))) int not_a_plugin(void);

int not_a_plugin(void)
{
    return 42;
}
