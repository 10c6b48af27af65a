/** Where the local host prints its one-line messages; tests pass a collector instead of console. */
export type HostLog = (line: string) => void;

export const consoleHostLog: HostLog = (line) => console.log(line);
