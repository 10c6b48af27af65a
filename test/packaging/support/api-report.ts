import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { existsSync, readFileSync } from 'node:fs';

/** What one non-local API Extractor run found, with its messages kept off the console. */
export interface ApiCheck {
  readonly succeeded: boolean;
  readonly reportChanged: boolean;
  /** The committed report (review/*.api.md) and the one this run produced from the built .d.ts. */
  readonly committedReport: string;
  readonly builtReport: string;
  readonly messages: readonly string[];
}

/**
 * Runs API Extractor as CI does (localBuild false): it compares the surface of the built
 * declarations with the committed report and never rewrites that report.
 */
export function checkApiReport(configPath: string): ApiCheck {
  const config = ExtractorConfig.loadFileAndPrepare(configPath);
  const messages: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: false,
    messageCallback: (message) => {
      if (message.logLevel !== 'none' && message.logLevel !== 'verbose') messages.push(message.formatMessageWithLocation(config.projectFolder));
      message.handled = true;
    },
  });
  const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  return {
    succeeded: result.succeeded,
    reportChanged: result.apiReportChanged,
    committedReport: read(config.reportFilePath),
    builtReport: read(config.reportTempFilePath),
    messages,
  };
}

/** The first lines where two reports differ, for a failure message a reader can act on. */
export function firstDifferences(committed: string, built: string, max = 12): string {
  const a = committed.split('\n');
  const b = built.split('\n');
  const out: string[] = [];
  const inA = new Set(a);
  const inB = new Set(b);
  for (const line of a) if (!inB.has(line) && out.length < max) out.push(`- ${line}`);
  for (const line of b) if (!inA.has(line) && out.length < max) out.push(`+ ${line}`);
  return out.join('\n');
}
