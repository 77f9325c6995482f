/* The catalog contract suite: the behaviour every floe_catalog_plugin must show (the seeds'
 * BaseCatalogPluginTests), run against any implementation through a factory. */
#ifndef FLOE_TESTS_CATALOG_CONTRACT_H
#define FLOE_TESTS_CATALOG_CONTRACT_H

#include <floe/plugins/catalog.h>

/* How the suite gets catalogs under test. */
typedef struct floe_catalog_contract {
    /* Label used in the cmocka group name ("sql"). */
    const char *name;
    /* Creates a fresh, empty catalog (each case gets its own). 0 or a FLOE_E* code. */
    int (*create)(floe_catalog_plugin **out, void *ctx);
    /* Passed to create. */
    void *ctx;
    /* Non-zero when the catalog vends credentials; otherwise vend_credentials must answer
     * FLOE_EUNSUPPORTED. */
    int vends_credentials;
} floe_catalog_contract;

/* Runs every contract case against catalogs from `contract`; returns the number of failed
 * cases (0 when the implementation conforms). */
int floe_catalog_contract_run(const floe_catalog_contract *contract);

/* A schema with fields id (long, required) and name (string), ids 1 and 2. */
extern const char floe_catalog_contract_schema[];

#endif
