'use strict';

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the exact SQL the read routes run: the compiled services are
 * called with a DataSource stand-in that records each query instead of sending it, so the plans
 * always match the code under test. Runs as a child with NODE_PATH set (see lib/plans.js).
 * argv: dist databaseUrl supplierId programId bankId
 */
const path = require('node:path');
const { Client } = require('pg');

async function capture(fn) {
  const queries = [];
  const recorder = { query: async (sql, params) => (queries.push({ sql, params }), []) };
  try {
    await fn(recorder);
  } catch {
    // an empty answer may make the service throw (e.g. notFound): the query is recorded all the same
  }
  return queries;
}

async function run() {
  const [dist, databaseUrl, supplierId, programId, bankId] = process.argv.slice(2);
  const { ReceivablesService } = require(path.join(dist, 'libs/receivables/src/receivables.service.js'));
  const { ProgramsService } = require(path.join(dist, 'libs/programs/src/programs.service.js'));
  const supplier = { userId: supplierId, organisationId: supplierId, organisationType: 'SUPPLIER', roles: ['SUPPLIER_ADMIN'] };
  const bank = { userId: bankId, organisationId: bankId, organisationType: 'BANK', roles: ['BANK_APPROVER'] };
  const window = { limit: 50, offset: 0 };

  const cases = {
    'GET /v1/receivables?status=OPEN&sort=dueDate&limit=50 (supplier)': await capture((ds) =>
      new ReceivablesService(ds).list(supplier, { status: 'OPEN', sort: 'dueDate' }, window),
    ),
    'GET /v1/programs/:id/utilisation (bank)': await capture((ds) => new ProgramsService(ds, null, null, null, null).utilisation(bank, programId, window)),
  };

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const out = {};
  try {
    for (const [name, queries] of Object.entries(cases)) {
      if (!queries.length) throw new Error(`${name}: the service ran no query`);
      const { sql, params } = queries[queries.length - 1];
      await client.query(sql, params); // warm, as a steady-state request would find the cache
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      out[name] = { sql: sql.replace(/\s+/g, ' ').trim(), params, plan: rows.map((r) => r['QUERY PLAN']).join('\n') };
    }
  } finally {
    await client.end();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

run().catch((error) => {
  process.stdout.write(`${JSON.stringify({ error: error.stack })}\n`);
  process.exit(1);
});
