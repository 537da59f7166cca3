import { migrate } from '../../libs/database/src/migrate';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The template of this jest run; test workers inherit the variable set by globalSetup. */
export const templateDatabase = () => process.env.SCF_TEST_TEMPLATE ?? 'scf_test_template';

/**
 * Builds a template database with the real migrations; each test file clones it
 * (CREATE DATABASE … TEMPLATE), so every file starts from a freshly migrated schema. The name is
 * unique per run so that concurrent runs on one machine don't drop each other's template.
 */
export default async function globalSetup(): Promise<void> {
  process.env.SCF_TEST_TEMPLATE = `scf_test_template_${process.pid}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${templateDatabase()}`;
  await migrate(url.toString());
}
