/** One error for every broken setting, each line naming the setting, its value and the rule. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Sluice configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
