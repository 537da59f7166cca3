import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '@scf/config';
import { dataSourceOptions } from './data-source-options';

/** The data source of the TypeORM CLI (migration:run / revert / show). */
export default new DataSource(dataSourceOptions(loadConfigOrExit().databaseUrl));
