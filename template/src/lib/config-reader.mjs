// Reads settings from the environment and refuses, at start-up, a value that would switch a
// guarantee off: a TTL or lease of 0, "10s" where a number of seconds belongs, a body limit
// the platform itself would never deliver. A silent fallback would hide the mistake until
// the guarantee was needed; a refusal names the setting, the rule and the value, once.

export class ConfigError extends Error {
  name = 'ConfigError';

  /** @param {string[]} problems */
  constructor(problems) {
    super(`configuration refused: ${problems.join('; ')}`);
    /** @type {string[]} */
    this.problems = problems;
  }
}

/**
 * @param {Record<string, string | undefined>} env  the environment (Lambda) or the bindings (Workers)
 * @param {(line: string) => void} write   where the one refusal line goes
 */
export function createConfigReader(env, write) {
  /** @type {string[]} */
  const problems = [];
  return {
    /**
     * A whole number between `min` and `max`; `fallback` when the setting is absent or empty.
     * @param {string} name
     * @param {number} fallback
     * @param { { min: number, max: number, unit: string } } rule
     * @returns {number}
     */
    integer(name, fallback, { min, max, unit }) {
      const raw = env[name];
      if (raw === undefined || raw === '') return fallback;
      const text = String(raw).trim();
      const value = Number(text);
      if (!/^-?\d+$/.test(text) || value < min || value > max) {
        problems.push(`${name} must be a whole number of ${unit} from ${min} to ${max} (got ${JSON.stringify(String(raw).slice(0, 40))})`);
        return fallback;
      }
      return value;
    },
    /**
     * One of `allowed`.
     * @param {string} name
     * @param {string} fallback
     * @param {string[]} allowed
     * @returns {string}
     */
    choice(name, fallback, allowed) {
      const raw = env[name];
      if (raw === undefined || raw === '') return fallback;
      if (!allowed.includes(raw)) problems.push(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(String(raw).slice(0, 40))})`);
      return raw;
    },
    /**
     * A rule between settings, e.g. the lease outlasting the request budget.
     * @param {boolean} holds
     * @param {string} problem
     */
    require(holds, problem) {
      if (!holds) problems.push(problem);
    },
    /**
     * The config, or one log line and a ConfigError (at start-up: an init error, nothing runs).
     * @template {object} T
     * @param {T} config
     * @returns {T}
     */
    finish(config) {
      if (problems.length === 0) return config;
      const error = new ConfigError(problems);
      write(JSON.stringify({ timestamp: new Date().toISOString(), level: 'error', message: 'configuration refused', problems }));
      throw error;
    },
  };
}
