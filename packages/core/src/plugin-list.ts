import type { StabilityPlugin } from './plugin.js';
import { describeValue, invalidOption, rejectFactory } from './validate.js';

/** A plugin and the key its recorded values are filed under (its name, `name#2` for a repeat). */
export interface PluginSlot {
  plugin: StabilityPlugin;
  key: string;
}

const HOOKS = ['setup', 'transformGradients', 'afterUpdate', 'onReport', 'dispose'] as const;

/**
 * Checks a plugin list (`where`: the function it was given to) and gives each plugin its key.
 * Errors name the position: an uncalled factory, a non-object, a nameless plugin, a hook that is
 * not a function.
 */
export function validatePlugins(where: string, plugins: unknown): PluginSlot[] {
  if (!Array.isArray(plugins)) invalidOption(where, 'plugins', 'an array of plugins such as [clipByGlobalNorm(1)]', plugins);
  const used = new Map<string, number>();
  return plugins.map((plugin: unknown, position) => {
    const label = `plugins[${position}]`;
    rejectFactory(where, label, plugin);
    if (plugin == null || typeof plugin !== 'object' || Array.isArray(plugin)) {
      invalidOption(where, label, 'a plugin object (with a name and hooks)', plugin);
    }
    const { name } = plugin as Partial<StabilityPlugin>;
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`${where}: ${label} has no name (every plugin needs a non-empty string name), got ${describeValue(plugin)}`);
    }
    for (const hook of HOOKS) {
      const value = (plugin as Record<string, unknown>)[hook];
      if (value !== undefined && typeof value !== 'function') {
        throw new TypeError(`${where}: ${label} (plugin '${name}') has a ${hook} that is not a function`);
      }
    }
    const count = (used.get(name) ?? 0) + 1;
    used.set(name, count);
    return { plugin: plugin as StabilityPlugin, key: count === 1 ? name : `${name}#${count}` };
  });
}
