import { createRequire } from 'node:module';
import type * as Api from '@duckdb/node-api';
import type * as Bindings from '@duckdb/node-bindings';

// DuckDB's Node API is a CommonJS package. Imported from an ES module, Node first scans its
// source for export names (cjs-module-lexer), about 0.1 s of every store command's start;
// required, it is only loaded. The rest of sonde takes DuckDB's values and types from here.

const load = createRequire(import.meta.url);
const api = load('@duckdb/node-api') as typeof Api;
/** the C API's bindings, which the chunk writer fills vectors through */
export const bindings = load('@duckdb/node-bindings') as typeof Bindings;

export const DuckDBInstance = api.DuckDBInstance;
export type DuckDBInstance = Api.DuckDBInstance;
export const DuckDBConnection = api.DuckDBConnection;
export type DuckDBConnection = Api.DuckDBConnection;
export const DuckDBDataChunk = api.DuckDBDataChunk;
export type DuckDBDataChunk = Api.DuckDBDataChunk;
export const JSDuckDBValueConverter = api.JSDuckDBValueConverter;
export const { BIGINT, BOOLEAN, DOUBLE, LIST, listValue, TIMESTAMP, VARCHAR } = api;
export type DuckDBResult = Api.DuckDBResult;
export type DuckDBValue = Api.DuckDBValue;
export type DuckDBAppender = Api.DuckDBAppender;
export type DuckDBType = Api.DuckDBType;
export type Vector = Bindings.Vector;
