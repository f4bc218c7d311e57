/**
 * How the announcer looks at its host: commands and files, behind one
 * small interface so every detector runs on fixtures in tests. The real
 * one (`realHostView`) never throws: a missing file, an unreadable one or
 * a failing command is `undefined` (or an empty list), and the detectors
 * fall back.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';

export interface HostView {
  /** A command's stdout, or undefined when it cannot run or fails. */
  run(command: string, args: readonly string[]): Promise<string | undefined>;
  /** A file's text, or undefined when it is missing or unreadable. */
  read(path: string): Promise<string | undefined>;
  /** The names in a directory (empty when it is missing or unreadable). */
  list(path: string): Promise<string[]>;
  /** A file's modification time (epoch ms), or undefined. */
  modified(path: string): Promise<number | undefined>;
  now(): number;
}

const COMMAND_TIMEOUT_MS = 5_000;

/** The machine itself. */
export const realHostView: HostView = {
  run: (command, args) =>
    new Promise((resolve) => {
      execFile(command, [...args], { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout) =>
        resolve(error ? undefined : stdout),
      );
    }),
  read: (path) => readFile(path, 'utf8').catch(() => undefined),
  list: (path) => readdir(path).catch(() => []),
  modified: (path) =>
    stat(path).then(
      (s) => s.mtimeMs,
      () => undefined,
    ),
  now: () => Date.now(),
};
