'use strict';

const path = require('node:path');

/** Query plans of the read routes against the loaded book (see children/explain.js). */
async function explainReads(ctx, { supplierId, programId }) {
  const bankId = (await ctx.db.query(`SELECT bank_id FROM programs WHERE id = $1`, [programId])).rows[0].bank_id;
  const out = await ctx.run(process.execPath, [path.join(__dirname, '..', 'children', 'explain.js'), ctx.dist, ctx.dbUrl, supplierId, programId, bankId], { env: ctx.env });
  const lines = out.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]);
  if (result.error) throw new Error(result.error);
  return result;
}

module.exports = { explainReads };
