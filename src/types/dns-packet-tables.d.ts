/** The type-code table dns-packet ships beside its main module (no published typings). */
declare module 'dns-packet/types.js' {
  interface TypeTable {
    /** Mnemonic of a type code, or `UNKNOWN_<code>`. */
    toString(type: number): string;
    /** Code of a mnemonic, or 0 when unknown. */
    toType(name: string): number;
  }
  const table: TypeTable;
  export default table;
}
