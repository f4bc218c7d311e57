/**
 * One line per event, plain (`event key=value …`) or JSON
 * (`{"at":…,"event":…,…}`, with `--log-json`), on stdout.
 */
export type Fields = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
export type Log = (event: string, fields?: Fields) => void;

export function makeLog(
  json: boolean,
  write: (line: string) => void = (l) => void process.stdout.write(`${l}\n`),
): Log {
  return (event, fields = {}) => {
    const defined = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (json) return write(JSON.stringify({ at: new Date().toISOString(), event, ...Object.fromEntries(defined) }));
    const text = defined.map(
      ([k, v]) =>
        `${k}=${Array.isArray(v) ? v.join(',') : /\s/.test(String(v)) ? JSON.stringify(String(v)) : String(v)}`,
    );
    write([event, ...text].join(' '));
  };
}
