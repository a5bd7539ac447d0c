import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Arguments that run a TypeScript entry point in a single node process (tsx's loader in-process,
 * not the tsx CLI, which would run the program as a child of its own): a signal, SIGKILL
 * included, then reaches the program itself, and a pid file names the real process.
 */
export function nodeEntryArgs(rootDir: string, entry: string, ...args: string[]): string[] {
  const loader = pathToFileURL(path.join(rootDir, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return ['--import', loader, path.join(rootDir, entry), ...args];
}
