import { cosmiconfig } from 'cosmiconfig';
import { ConfigError } from './config-error.js';

/** cosmiconfig with module name `med-export`: med-export.config.yaml, .med-exportrc.yaml, package.json … */
export async function readConfigFile(
  explicitPath: string | undefined,
  cwd: string,
): Promise<{ file: string | null; content: Record<string, unknown> }> {
  const explorer = cosmiconfig('med-export', { searchStrategy: 'none' });
  let result;
  try {
    result = explicitPath ? await explorer.load(explicitPath) : await explorer.search(cwd);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'an existing file' : 'a valid YAML/JSON file';
    throw new ConfigError(
      '--config',
      explicitPath ?? cwd,
      `${reason} (${(error as Error).message.split('\n')[0]})`,
    );
  }
  if (!result || result.isEmpty) return { file: result?.filepath ?? null, content: {} };
  const content: unknown = result.config;
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new ConfigError(result.filepath, content, 'a mapping of options at the top level');
  }
  return { file: result.filepath, content: content as Record<string, unknown> };
}
