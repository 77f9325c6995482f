/* US3 — version compatibility (FR-003, FR-004, FR-005, SC-004): semantic versions parsed,
 * same API major and plugin minor <= host minor accepted, anything else refused with both
 * versions named; the ABI block names the field that differs. */
#include "test_support.h"

#include <string.h>

#include <floe/error.h>
#include <floe/registry.h>

#include "tiny_plugin.h"

static int noop_init(void **out, const floe_config *config, const floe_plugin_context *ctx)
{
    (void)config;
    (void)ctx;
    return tiny_init_named(out, "versioned");
}

static void test_semver_parsing_FR_003(void **state)
{
    (void)state;
    floe_semver v;
    assert_int_equal(floe_semver_parse(&v, "1.2.3"), 0);
    assert_int_equal(v.major, 1);
    assert_int_equal(v.minor, 2);
    assert_int_equal(v.patch, 3);
    assert_int_equal(v.has_prerelease, 0);
    assert_int_equal(floe_semver_parse(&v, "10.0.0-rc.1+build.5"), 0);
    assert_int_equal(v.major, 10);
    assert_int_equal(v.has_prerelease, 1);
    const char *bad[] = {"1.2",
                         "1.2.3.4",
                         "01.2.3",
                         "1.02.3",
                         "v1.2.3",
                         "1.2.3-",
                         "1.2.3+",
                         "1.2.3-a..b",
                         "",
                         "1.2.x",
                         "99999999999999999999.0.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(floe_semver_parse(&v, bad[i]), FLOE_EINVALID);
        assert_non_null(strstr(floe_error_last(), bad[i]));
    }
    floe_semver a, b;
    assert_int_equal(floe_semver_parse(&a, "1.2.3-alpha"), 0);
    assert_int_equal(floe_semver_parse(&b, "1.2.3"), 0);
    assert_true(floe_semver_compare(&a, &b) < 0);
    assert_int_equal(floe_semver_parse(&a, "1.10.0"), 0);
    assert_int_equal(floe_semver_parse(&b, "1.9.9"), 0);
    assert_true(floe_semver_compare(&a, &b) > 0);
    assert_int_equal(floe_semver_compare(&a, &a), 0);
}

static void test_compatibility_rules_FR_004(void **state)
{
    (void)state;
    unsigned maj = FLOE_PLUGIN_API_VERSION_MAJOR, min = FLOE_PLUGIN_API_VERSION_MINOR;
    assert_int_equal(floe_plugin_api_compatible(maj, min, "p"), 0);
    if (min > 0)
        assert_int_equal(floe_plugin_api_compatible(maj, min - 1, "p"), 0);
    assert_int_equal(floe_plugin_api_compatible(maj, 0, "p"), 0); /* older minor is fine */
    assert_int_equal(floe_plugin_api_compatible(maj, min + 1, "p"), FLOE_EVERSION);
    assert_int_equal(floe_plugin_api_compatible(maj + 1, 0, "p"), FLOE_EVERSION);
    assert_int_equal(floe_plugin_api_compatible(maj - 1, min, "p"), FLOE_EVERSION);
}

static void test_registry_rejects_newer_minor_FR_004_SC_004(void **state)
{
    (void)state;
    static FLOE_PLUGIN_DESCRIPTOR_FOR_API(
        newer, FLOE_PLUGIN_API_VERSION_MAJOR, FLOE_PLUGIN_API_VERSION_MINOR + 1,
        .type = FLOE_PLUGIN_COMPUTE, .name = "newer", .version = "3.0.0", .init = noop_init);
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_registry_register(r, &newer, NULL), FLOE_EVERSION);
    /* The message names the plugin and both versions. */
    char plugin_v[32], host_v[32];
    snprintf(plugin_v, sizeof plugin_v, "%u.%u", FLOE_PLUGIN_API_VERSION_MAJOR,
             FLOE_PLUGIN_API_VERSION_MINOR + 1);
    snprintf(host_v, sizeof host_v, "%u.%u", FLOE_PLUGIN_API_VERSION_MAJOR,
             FLOE_PLUGIN_API_VERSION_MINOR);
    assert_non_null(strstr(floe_error_last(), "'newer'"));
    assert_non_null(strstr(floe_error_last(), plugin_v));
    assert_non_null(strstr(floe_error_last(), host_v));
    floe_plugin_info info;
    assert_int_equal(floe_registry_lookup(&info, r, FLOE_PLUGIN_COMPUTE, "newer"), FLOE_ENOTFOUND);
    floe_registry_free(r);
}

static void test_registry_rejects_other_major_FR_005_SC_004(void **state)
{
    (void)state;
    static FLOE_PLUGIN_DESCRIPTOR_FOR_API(oldmajor, FLOE_PLUGIN_API_VERSION_MAJOR - 1, 9,
                                          .type = FLOE_PLUGIN_COMPUTE, .name = "oldmajor",
                                          .version = "0.9.0", .init = noop_init);
    static FLOE_PLUGIN_DESCRIPTOR_FOR_API(current, FLOE_PLUGIN_API_VERSION_MAJOR, 0,
                                          .type = FLOE_PLUGIN_COMPUTE, .name = "current",
                                          .version = "1.0.0", .init = noop_init);
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_registry_register(r, &oldmajor, NULL), FLOE_EVERSION);
    assert_non_null(strstr(floe_error_last(), "major versions differ"));
    assert_int_equal(floe_registry_register(r, &current, NULL), 0);
    floe_registry_free(r);
}

static void test_abi_block_mismatch_names_field_FR_005(void **state)
{
    (void)state;
    static FLOE_PLUGIN_DESCRIPTOR(base, .type = FLOE_PLUGIN_COMPUTE, .name = "abi",
                                  .version = "1.0.0", .init = noop_init);
    assert_int_equal(floe_plugin_abi_check(&base.abi), 0);
    static const char *const cases[] = {"'magic'",         "'abi_version'",    "'descriptor_size'",
                                        "'byte_order'",    "'sizeof_pointer'", "'sizeof_long'",
                                        "'sizeof_size_t'", "'sizeof_int'",     "'sizeof_double'"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        floe_plugin_abi a = base.abi;
        switch (i) {
        case 0:
            a.magic ^= 1;
            break;
        case 1:
            a.abi_version++;
            break;
        case 2:
            a.descriptor_size += 8;
            break;
        case 3:
            a.byte_order = 0x04030201u;
            break;
        case 4:
            a.sizeof_pointer = 4;
            break;
        case 5:
            a.sizeof_long = 4;
            break;
        case 6:
            a.sizeof_size_t = 4;
            break;
        case 7:
            a.sizeof_int = 2;
            break;
        default:
            a.sizeof_double = 16;
            break;
        }
        assert_int_equal(floe_plugin_abi_check(&a), FLOE_EPLUGIN);
        assert_non_null(strstr(floe_error_last(), cases[i]));
    }
    /* The registry applies the same check to built-in descriptors. */
    floe_plugin_def bad = base;
    bad.abi.sizeof_long = 4;
    floe_registry *r = NULL;
    assert_int_equal(floe_registry_new(&r, NULL), 0);
    assert_int_equal(floe_registry_register(r, &bad, NULL), FLOE_EPLUGIN);
    assert_non_null(strstr(floe_error_last(), "sizeof_long"));
    floe_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_semver_parsing_FR_003),
        cmocka_unit_test(test_compatibility_rules_FR_004),
        cmocka_unit_test(test_registry_rejects_newer_minor_FR_004_SC_004),
        cmocka_unit_test(test_registry_rejects_other_major_FR_005_SC_004),
        cmocka_unit_test(test_abi_block_mismatch_names_field_FR_005),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
