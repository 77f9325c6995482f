/* The catalog contract suite (catalog_contract.c) run against the sql catalog, each case on a
 * fresh SQLite file and warehouse. */
#include <stdio.h>

#include <floe/catalog.h>

#include "catalog_contract.h"
#include "test_support.h"

static int make_sql(floe_catalog_plugin **out, void *ctx)
{
    static int n;
    (void)ctx;
    char label[64];
    snprintf(label, sizeof label, "sql_contract_%d", n++);
    const char *dir = floe_test_tmpdir(label);
    if (!dir)
        return -1;
    char db[4096], wh[4096];
    snprintf(db, sizeof db, "%s/catalog.db", dir);
    snprintf(wh, sizeof wh, "%s/warehouse", dir);
    floe_sql_catalog_options o = FLOE_SQL_CATALOG_OPTIONS_INIT;
    o.path = db;
    o.warehouse = wh;
    return floe_sql_catalog_new(out, &o);
}

int main(void)
{
    floe_catalog_contract c = {.name = "sql", .create = make_sql};
    return floe_catalog_contract_run(&c);
}
