/**
 * The vocabulary a view's columns are declared in. One declaration gives each column its SQL
 * type, its TypeScript type on the projector's side (int64 as bigint), its type in the query
 * API (int64 as a decimal string), and whether it belongs to CONTRACT.md (the public columns)
 * or to the projector (the versions a row was built from).
 */

export type ColumnKind = 'int64' | 'int32' | 'int16' | 'text' | 'bool' | 'time' | 'version';

/** The PostgreSQL type each kind is stored as. */
export const SQL_TYPES = {
  int64: 'bigint',
  int32: 'integer',
  int16: 'smallint',
  text: 'text',
  bool: 'boolean',
  time: 'timestamptz',
  // A source version (profile_ver, member_ver, ...): int4 in both databases, carried as bigint
  // in the projector so every version compares the same way.
  version: 'integer',
} as const satisfies Record<ColumnKind, string>;

export type SqlType = (typeof SQL_TYPES)[ColumnKind];

/** What a column's value is in the projector: what it builds and writes. */
interface ProjectorTypes {
  int64: bigint;
  int32: number;
  int16: number;
  text: string;
  bool: boolean;
  /** As PostgreSQL prints it in a UTC session; written back unchanged. */
  time: string;
  version: bigint;
}

/** What a column's value is in the query API's JSON. */
interface ApiTypes {
  int64: string;
  int32: number;
  int16: number;
  text: string;
  bool: boolean;
  /** ISO-8601 in UTC with six fractional digits. */
  time: string;
  version: string;
}

export interface ViewColumn<K extends ColumnKind = ColumnKind, N extends boolean = boolean, C extends boolean = boolean> {
  /** The column's name in im_read. */
  readonly name: string;
  readonly kind: K;
  readonly nullable: N;
  /** Part of CONTRACT.md: shown by the query API and compared by verify. */
  readonly contract: C;
  /** For the API's description; the contract's wording where it has one. */
  readonly doc?: string;
  /** The values an int16 may take (the API lists them). */
  readonly oneOf?: readonly number[];
  /** An int64 that is a count or a seq, which may be 0, rather than an id. */
  readonly zeroAllowed?: boolean;
  /** The smallest value a number may take (the API states it). */
  readonly minimum?: number;
}

type Options = Pick<ViewColumn, 'doc' | 'oneOf' | 'zeroAllowed' | 'minimum'>;

const contractColumn =
  <K extends ColumnKind>(kind: K) =>
  (name: string, options: Options = {}): ViewColumn<K, false, true> => ({ name, kind, nullable: false, contract: true, ...options });

const nullableContractColumn =
  <K extends ColumnKind>(kind: K) =>
  (name: string, options: Options = {}): ViewColumn<K, true, true> => ({ name, kind, nullable: true, contract: true, ...options });

/** Contract columns, NOT NULL. */
export const column = {
  int64: contractColumn('int64'),
  int32: contractColumn('int32'),
  int16: contractColumn('int16'),
  text: contractColumn('text'),
  bool: contractColumn('bool'),
  time: contractColumn('time'),
} as const;

/** Contract columns that may be null. */
export const nullableColumn = {
  int64: nullableContractColumn('int64'),
  int16: nullableContractColumn('int16'),
  time: nullableContractColumn('time'),
} as const;

const projectorColumn =
  <K extends ColumnKind>(kind: K) =>
  (name: string): ViewColumn<K, false, false> => ({ name, kind, nullable: false, contract: false });

/** Columns the projector keeps beside the contract's (the versions a row was built from): never shown or compared. */
export const ownColumn = {
  version: projectorColumn('version'),
  int64: projectorColumn('int64'),
} as const;

type Nullable<T, N> = N extends true ? T | null : T;

export type ProjectorValue<C> = C extends ViewColumn<infer K, infer N> ? Nullable<ProjectorTypes[K], N> : never;
export type ApiValue<C> = C extends ViewColumn<infer K, infer N> ? Nullable<ApiTypes[K], N> : never;
