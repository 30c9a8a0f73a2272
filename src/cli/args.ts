import type { CommandSpec } from './spec.ts';

/** A mistake in the command line: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  operands: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
  format: string | undefined;
}

/**
 * Checks arguments against a command's declaration. Options are `--name`, `--name value` or `--name=value`;
 * anything else (including `-` and values starting with a single dash, such as base64url IDs) is an operand;
 * `--` ends the options.
 */
export function parseArgs(args: readonly string[], spec: CommandSpec): ParsedArgs {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const operands: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (optionsEnded || !a.startsWith('--') || a === '--') {
      if (a === '--' && !optionsEnded) optionsEnded = true;
      else operands.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    const o = byName.get(name);
    if (!o) throw new UsageError(`unknown option --${name}`);
    if (o.value === undefined) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    const value = eq === -1 ? args[++i] : a.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value ${o.value}`);
    if (o.choices && !o.choices.includes(value))
      throw new UsageError(`--${name} takes ${o.choices.map((c) => `"${c}"`).join(' or ')}, not "${value}"`);
    const list = values.get(name) ?? [];
    if (list.length && !o.repeatable) throw new UsageError(`--${name} is given twice`);
    list.push(value);
    values.set(name, list);
  }
  const formats = spec.options.filter((o) => o.format && flags.has(o.name)).map((o) => o.name);
  if (formats.length > 1) throw new UsageError(`choose one of ${formats.map((f) => `--${f}`).join(', ')}`);
  for (const o of spec.options) {
    const given = flags.has(o.name) || values.has(o.name);
    if (o.required && !given)
      throw new UsageError(`--${o.name} ${o.value ?? ''} is required`.replace(' is', ' is'));
    if (given && o.requires && !flags.has(o.requires) && !values.has(o.requires))
      throw new UsageError(`--${o.name} works only with --${o.requires}`);
  }
  const n = spec.operands;
  if (!n && operands.length) throw new UsageError(`unexpected argument "${operands[0]}"`);
  if (n && operands.length < n.min) throw new UsageError(`${n.name} is missing`);
  if (n?.max !== undefined && operands.length > n.max)
    throw new UsageError(`unexpected argument "${operands[n.max]}"`);
  return { operands, flags, values, format: formats[0] };
}
