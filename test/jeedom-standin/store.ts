import { HOUR_MS } from '../../src/domain/durations.js';
import {
  cleanComponanteName,
  mysqlDatetime,
  phpDate,
  phpFloatToString,
  phpFloatval,
  phpLooseEquals,
  phpRound,
  phpString,
} from './php.js';

/**
 * Jeedom's objects, equipments (eqLogic), commands (cmd), command cache and history, with the rules of
 * jeedom/core 4.4 and 4.5.3 (the same in both for what is modelled here) that the JSON-RPC methods used by
 * med-export go through. Each rule names the file and function it follows; what Jeedom does that med-export
 * never triggers is left out.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An exception as jeeApi.php catches it: its code becomes the JSON-RPC error code (see JeeApiError). */
export class PhpException extends Error {
  constructor(
    message: string,
    readonly code: number | string = 0,
  ) {
    super(message);
  }
}

/**
 * A PHP `Error` (not an `Exception`): jeeApi.php's `catch (Exception $e)` does not catch it, so PHP dies with an
 * HTTP 500 and no JSON-RPC answer.
 */
export class PhpFatalError extends Error {}

export interface JeedomObject {
  id: number;
  name: string;
  father_id: number | null;
  isVisible: number;
}

export interface EqLogic {
  id: number;
  name: string;
  logicalId: string;
  generic_type: string | null;
  object_id: number | null;
  eqType_name: string;
  isVisible: number;
  isEnable: number;
  configuration: JsonObject;
  timeout: number | null;
  category: JsonObject;
  display: JsonObject;
  order: number;
  comment: string | null;
  tags: string | null;
  status: JsonObject;
}

export interface Cmd {
  id: number;
  logicalId: string;
  generic_type: string | null;
  eqType: string;
  name: string;
  order: number;
  type: string;
  subType: string;
  eqLogic_id: number;
  isHistorized: number;
  unite: string;
  configuration: JsonObject;
  template: JsonObject;
  display: JsonObject;
  value: string | null;
  isVisible: number;
  alert: JsonObject;
}

/** cmd.class.php keeps value, valueDate and collectDate in the cache (`setCache`), not in the cmd table. */
export interface CmdCache {
  value?: number | string;
  valueDate?: string;
  collectDate?: string;
}

export interface HistoryPoint {
  datetime: string;
  /** history.value is a text column: numbers come back as PHP writes them. */
  value: string | null;
}

export interface PluginState {
  installed: boolean;
  active: boolean;
  name: string;
}

export interface StoreOptions {
  /** Jeedom's `timezone` setting. */
  timeZone: string;
  now: () => Date;
}

/**
 * eqLogic.class.php / cmd.class.php `setName()`: `trim(substr(cleanComponanteName($_name), 0, 127))` (127 bytes;
 * install/database.json: both name columns are varchar(127)).
 */
function setName(name: string): string {
  return Buffer.from(cleanComponanteName(name)).subarray(0, 127).toString().trim();
}

function duplicateEntry(entry: string): PhpException {
  return new PhpException(
    `SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry '${entry}' for key 'unique'`,
    '23000',
  );
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toInt(value: unknown, fallback: number): number {
  const number = Number(value);
  return Number.isFinite(number) ? Math.trunc(number) : fallback;
}

export class JeedomStore {
  readonly objects = new Map<number, JeedomObject>();
  readonly eqLogics = new Map<number, EqLogic>();
  readonly cmds = new Map<number, Cmd>();
  readonly caches = new Map<number, CmdCache>();
  readonly history = new Map<number, Map<string, string | null>>();
  /** history.class.php archive() moves points older than `historyArchiveTime` hours here. */
  readonly historyArch = new Map<number, Map<string, string | null>>();
  readonly plugins = new Map<string, PluginState>([
    ['virtual', { installed: true, active: true, name: 'Virtuel' }],
  ]);
  /** Core configuration read by the rules below (config::byKey). */
  readonly coreConfig = new Map<string, Json>([
    ['history::smooth', 0],
    ['historyArchiveTime', 2],
    ['historyArchivePackage', 1],
  ]);
  private nextObjectId = 1;
  private nextEqLogicId = 1;
  private nextCmdId = 1;

  constructor(private readonly options: StoreOptions) {}

  now(): string {
    return phpDate(this.options.now(), this.options.timeZone);
  }

  addObject(name: string): JeedomObject {
    const object = { id: this.nextObjectId++, name, father_id: null, isVisible: 1 };
    this.objects.set(object.id, object);
    return object;
  }

  /**
   * jeedomPluginAutoload (core/php/core.inc.php) only includes a plugin's classes when `config::byKey('active',
   * plugin) == 1`: for an absent or inactive plugin `class_exists('virtual')` is false.
   */
  pluginClassExists(eqType: string): boolean {
    const plugin = this.plugins.get(eqType);
    return plugin !== undefined && plugin.installed && plugin.active;
  }

  cmdsOf(eqLogicId: number): Cmd[] {
    // cmd::byEqLogicId: ORDER BY `order`, `name`
    return [...this.cmds.values()]
      .filter((cmd) => cmd.eqLogic_id === eqLogicId)
      .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }

  /**
   * jeeApi.php `eqLogic::save`: the eqType class must exist; an existing eqLogic is loaded by id, else a new one
   * is made; `utils::a2o` copies the params (2-argument setters such as setConfiguration merge key by key);
   * `save()`; then, only when `cmd` is given, the listed commands are saved and the others removed.
   */
  saveEqLogic(params: JsonObject): EqLogic {
    const eqType = phpString(params['eqType_name']);
    if (eqType === '' || !this.pluginClassExists(eqType)) {
      throw new PhpException(`Type incorrect (classe commande inexistante)${eqType}Cmd`);
    }
    let eqLogic: EqLogic | undefined;
    if (params['id'] !== undefined && params['id'] !== null && params['id'] !== '') {
      eqLogic = this.eqLogics.get(toInt(params['id'], -1));
      if (!eqLogic) {
        throw new PhpException(
          'jeedom stand-in: eqLogic::save with the id of an equipment that does not exist is not modelled',
        );
      }
    }
    const isNew = !eqLogic;
    const draft: EqLogic = eqLogic
      ? structuredClone(eqLogic)
      : {
          id: 0,
          name: '',
          logicalId: '',
          generic_type: null,
          object_id: null,
          eqType_name: eqType,
          isVisible: 0,
          isEnable: 0,
          configuration: {},
          timeout: null,
          category: {},
          display: {},
          order: 9999,
          comment: null,
          tags: null,
          status: {},
        };
    for (const key of ['name', 'logicalId', 'generic_type', 'comment', 'tags'] as const) {
      if (key in params) draft[key] = phpString(params[key]);
    }
    if ('name' in params) draft.name = setName(draft.name);
    if ('object_id' in params) {
      const objectId = params['object_id'];
      draft.object_id = objectId === null || objectId === '' ? null : toInt(objectId, 0);
    }
    for (const key of ['isVisible', 'isEnable', 'order'] as const) {
      if (key in params) draft[key] = toInt(params[key], 0);
    }
    if ('timeout' in params) draft.timeout = params['timeout'] === '' ? null : toInt(params['timeout'], 0);
    for (const key of ['configuration', 'category', 'display'] as const) {
      const value = params[key];
      if (isObject(value)) Object.assign(draft[key], value);
    }
    // eqLogic.class.php save()
    if (draft.name === '') {
      throw new PhpException("Le nom de l'équipement ne peut pas être vide : ");
    }
    // install/database.json: UNIQUE (name, object_id) on eqLogic; NULLs never collide in a MariaDB unique index.
    if (draft.object_id !== null) {
      for (const other of this.eqLogics.values()) {
        if (other.id !== draft.id && other.name === draft.name && other.object_id === draft.object_id) {
          throw duplicateEntry(`${draft.name}-${draft.object_id}`);
        }
      }
    }
    draft.configuration[isNew ? 'createtime' : 'updatetime'] = this.now();
    if (isNew) draft.id = this.nextEqLogicId++;
    this.eqLogics.set(draft.id, draft);
    this.afterEqLogicSave(draft);

    const cmdList = params['cmd'];
    if (Array.isArray(cmdList)) {
      const before = this.cmdsOf(draft.id);
      const kept = new Set<number>();
      cmdList.forEach((cmdInfo, order) => {
        if (!isObject(cmdInfo)) return;
        const known = cmdInfo['id'] !== undefined && this.cmds.has(toInt(cmdInfo['id'], -1));
        const saved = this.saveCmd(
          { ...cmdInfo, ...(known ? {} : { id: null }), eqLogic_id: draft.id, order },
          { checkClass: false },
        );
        kept.add(saved.id);
      });
      for (const cmd of before) {
        if (!kept.has(cmd.id) && !this.dontRemoveCmd(cmd)) this.removeCmd(cmd.id);
      }
    }
    return this.eqLogics.get(draft.id)!;
  }

  /**
   * plugin-virtual core/class/virtual.class.php `postSave()`: every save makes sure a `refresh` action command
   * ("Rafraichir") exists.
   */
  private afterEqLogicSave(eqLogic: EqLogic): void {
    if (eqLogic.eqType_name !== 'virtual') return;
    if (this.cmdsOf(eqLogic.id).some((cmd) => cmd.logicalId === 'refresh')) return;
    this.insertCmd({
      ...this.blankCmd(eqLogic.id, 'virtual'),
      logicalId: 'refresh',
      name: 'Rafraichir',
      type: 'action',
      subType: 'other',
      isVisible: 1,
    });
  }

  /** virtualCmd::dontRemoveCmd(): the refresh command survives an eqLogic::save that does not list it. */
  private dontRemoveCmd(cmd: Cmd): boolean {
    return cmd.eqType === 'virtual' && cmd.logicalId === 'refresh';
  }

  private blankCmd(eqLogicId: number, eqType: string): Cmd {
    return {
      id: 0,
      logicalId: '',
      generic_type: null,
      eqType,
      name: '',
      order: 0,
      type: '',
      subType: '',
      eqLogic_id: eqLogicId,
      isHistorized: 0,
      unite: '',
      configuration: {},
      template: {},
      display: {},
      value: null,
      isVisible: 1,
      alert: {},
    };
  }

  private insertCmd(cmd: Cmd): Cmd {
    cmd.id = this.nextCmdId++;
    this.cmds.set(cmd.id, cmd);
    return cmd;
  }

  /**
   * jeeApi.php `cmd::save` (and eqLogic::save's `cmd` list): the eqType class must exist; load by id or
   * `new cmd()`; `utils::a2o`; then cmd.class.php `save()`'s checks and the table's constraints.
   */
  saveCmd(params: JsonObject, options: { checkClass: boolean } = { checkClass: true }): Cmd {
    const eqTypeName = phpString(params['eqType_name']);
    if (options.checkClass && (eqTypeName === '' || !this.pluginClassExists(eqTypeName))) {
      throw new PhpException(`Type incorrect (classe commande inexistante)${eqTypeName}Cmd`);
    }
    let cmd: Cmd | undefined;
    if (params['id'] !== undefined && params['id'] !== null && params['id'] !== '') {
      cmd = this.cmds.get(toInt(params['id'], -1));
      if (!cmd) {
        throw new PhpException(
          'jeedom stand-in: cmd::save with the id of a command that does not exist is not modelled',
        );
      }
    }
    const draft: Cmd = cmd ? structuredClone(cmd) : this.blankCmd(0, '');
    for (const key of ['logicalId', 'generic_type', 'name', 'type', 'subType', 'unite', 'eqType'] as const) {
      if (key in params) draft[key] = phpString(params[key]);
    }
    if ('name' in params) draft.name = setName(draft.name);
    for (const key of ['order', 'isHistorized', 'isVisible'] as const) {
      if (key in params) draft[key] = toInt(params[key], 0);
    }
    if ('eqLogic_id' in params) draft.eqLogic_id = toInt(params['eqLogic_id'], 0);
    if ('value' in params) draft.value = params['value'] === null ? null : phpString(params['value']);
    for (const key of ['configuration', 'template', 'display', 'alert'] as const) {
      const value = params[key];
      if (isObject(value)) Object.assign(draft[key], value);
    }
    // cmd.class.php save()
    if (draft.name === '') throw new PhpException('Le nom de la commande ne peut pas être vide :');
    if (draft.type === '')
      throw new PhpException(`${draft.name} Le type de la commande ne peut pas être vide :`);
    if (draft.subType === '') {
      throw new PhpException(`${draft.name} Le sous-type de la commande ne peut pas être vide :`);
    }
    if (!draft.eqLogic_id) {
      throw new PhpException(
        `${draft.name} Vous ne pouvez pas créer une commande sans la rattacher à un équipement`,
      );
    }
    const eqLogic = this.eqLogics.get(draft.eqLogic_id);
    if (draft.eqType === '') {
      // `$this->setEqType($this->getEqLogic()->getEqType_name())` on a missing eqLogic is a PHP Error.
      if (!eqLogic) throw new PhpFatalError('Call to a member function getEqType_name() on bool');
      draft.eqType = eqLogic.eqType_name;
    }
    if (!eqLogic) {
      throw new PhpException(
        'SQLSTATE[23000]: Integrity constraint violation: 1452 Cannot add or update a child row: a foreign key constraint fails',
        '23000',
      );
    }
    // install/database.json: UNIQUE (eqLogic_id, name) on cmd.
    for (const other of this.cmds.values()) {
      if (other.id !== draft.id && other.eqLogic_id === draft.eqLogic_id && other.name === draft.name) {
        throw duplicateEntry(`${draft.eqLogic_id}-${draft.name}`);
      }
    }
    if (cmd) {
      this.cmds.set(draft.id, draft);
      return draft;
    }
    return this.insertCmd(draft);
  }

  /** cmd.class.php `remove()`: the history goes with the command (`emptyHistory`), so does its cache. */
  removeCmd(id: number): void {
    this.cmds.delete(id);
    this.caches.delete(id);
    this.history.delete(id);
    this.historyArch.delete(id);
  }

  /** eqLogic.class.php `remove()`: every command of the equipment first, then the equipment. */
  removeEqLogic(id: number): void {
    for (const cmd of this.cmdsOf(id)) this.removeCmd(cmd.id);
    this.eqLogics.delete(id);
  }

  /** cmd.class.php `execCmd()` for an info command: the cached value, collectDate and valueDate. */
  private cacheOf(cmd: Cmd): Required<Pick<CmdCache, 'collectDate' | 'valueDate'>> & CmdCache {
    const cache = this.caches.get(cmd.id) ?? {};
    const collectDate = cache.collectDate ?? this.now();
    return { ...cache, collectDate, valueDate: cache.valueDate ?? collectDate };
  }

  currentValue(cmd: Cmd): number | string | null {
    return cmd.type === 'info' ? (this.caches.get(cmd.id)?.value ?? null) : null;
  }

  /**
   * cmd.class.php `formatValue()` for info commands: quotes and spaces trimmed; binary → 0/1; numeric →
   * floatval (comma accepted), then `historizeRound` applied.
   */
  private formatValue(cmd: Cmd, raw: unknown): number | string {
    if (Array.isArray(raw) || isObject(raw)) return '';
    if (phpString(raw).trim() === '' && raw !== false && raw !== 0) return '';
    const text = phpString(raw)
      .trim()
      .replace(/^"+|"+$/g, '');
    if (text.toLowerCase().includes('error::')) return text;
    if (cmd.type !== 'info') return text;
    switch (cmd.subType) {
      case 'binary': {
        const lower = text.toLowerCase();
        if (['on', 'high', 'true'].includes(lower) || raw === true) return 1;
        if (['off', 'low', 'false'].includes(lower) || raw === false) return 0;
        return Math.trunc(phpFloatval(text)) > 1 || phpLooseEquals(text, 1) ? 1 : 0;
      }
      case 'numeric': {
        let value = phpFloatval(text.replace(',', '.'));
        const round = cmd.configuration['historizeRound'];
        if (round !== undefined && round !== '' && Number(round) >= 0 && Number.isFinite(Number(round))) {
          value = phpRound(value, Number(round));
        }
        return value;
      }
      default:
        return text;
    }
  }

  /**
   * cmd.class.php `event($_value, $_datetime)` (4.5.3: 1863-1925), as reached from jeeApi.php `cmd::event`:
   * - nothing happens for a non-info command or a disabled (or missing) equipment, and the API still answers ok;
   * - a numeric value outside minValue/maxValue, or listed in denyValues, is dropped;
   * - collectDate = the given datetime, else now; it is written to the cache whatever its age, and becomes the
   *   equipment's `status.lastCommunication` (1886);
   * - `$repeat` is "identical (===) to the cached value" (1882); repeatEventManagement `never` (the default)
   *   only historises a repeat, `always` treats it as new (1905-1913): there is no other value, and no special
   *   case for binary commands;
   * - a value that is not a repeat becomes the cached (current) value with valueDate = collectDate, EVEN WHEN
   *   the datetime is older than the current valueDate: there is no date comparison anywhere in event();
   * - `addHistoryValue($value, collectDate)` is called on every path that gets this far.
   */
  event(cmd: Cmd, rawValue: unknown, datetime: unknown): void {
    if (cmd.type !== 'info') return;
    const eqLogic = this.eqLogics.get(cmd.eqLogic_id);
    if (!eqLogic || eqLogic.isEnable === 0) return;
    const value = this.formatValue(cmd, rawValue);
    const { minValue, maxValue, denyValues } = cmd.configuration;
    if (cmd.subType === 'numeric' && typeof value === 'number') {
      if (maxValue !== undefined && maxValue !== '' && value > Number(maxValue)) return;
      if (minValue !== undefined && minValue !== '' && value < Number(minValue)) return;
    }
    if (typeof denyValues === 'string' && denyValues !== '' && denyValues.split(';').includes(String(value)))
      return;

    const cache = this.cacheOf(cmd);
    const oldValue = cache.value;
    let repeat = oldValue !== undefined && oldValue !== '' && oldValue === value;
    const collectDate = datetime !== null && datetime !== undefined ? phpString(datetime) : this.now();
    const valueDate = repeat ? cache.valueDate : collectDate;
    const stored = this.caches.get(cmd.id) ?? {};
    stored.collectDate = collectDate;
    this.caches.set(cmd.id, stored);
    eqLogic.status = { ...eqLogic.status, lastCommunication: collectDate, timeout: 0 };
    const mode = phpString(cmd.configuration['repeatEventManagement'] ?? 'never');
    if (repeat && mode === 'never') {
      this.addHistoryValue(cmd, value, collectDate);
      return;
    }
    if (repeat && mode === 'always') repeat = false;
    if (!repeat) {
      stored.value = value;
      stored.valueDate = valueDate;
    }
    this.addHistoryValue(cmd, value, collectDate);
  }

  /** cmd.class.php `addHistoryValue()`: only historised info commands, never an empty string. */
  private addHistoryValue(cmd: Cmd, value: number | string, datetime: string): void {
    if (cmd.isHistorized !== 1 || value === '' || cmd.type !== 'info') return;
    const { minValue, maxValue } = cmd.configuration;
    if (maxValue !== undefined && maxValue !== '' && Number(value) > Number(maxValue)) return;
    if (minValue !== undefined && minValue !== '' && Number(value) < Number(minValue)) return;
    this.saveHistory(cmd, value, datetime);
  }

  /**
   * history.class.php `save()` (jeedom/core 4.4):
   * - `historizeRound` rounds the value;
   * - smoothing only when the subtype can be smoothed (numeric), `history::smooth` (command, else core config)
   *   is > 0 and `historizeMode` (default 'none') is not 'none': the datetime is floored to the smoothing step
   *   and the value merged (avg/min/max) with a point already stored in that slot;
   * - otherwise `REPLACE INTO history SET cmd_id, datetime, value`: one point per (cmd_id, datetime), a new
   *   value for an existing datetime replaces it, and a datetime older than every stored point is simply
   *   inserted. Nothing compares the datetime with the command's current value.
   */
  private saveHistory(cmd: Cmd, rawValue: number | string, datetime: string): void {
    let value: number | string = rawValue;
    const at = mysqlDatetime(datetime);
    if (at === null) {
      throw new PhpException(
        `SQLSTATE[22007]: Invalid datetime format: 1292 Incorrect datetime value: '${datetime}' for column \`datetime\` at row 1`,
        '22007',
      );
    }
    const round = cmd.configuration['historizeRound'];
    const roundPlaces = round !== undefined && round !== '' && Number(round) >= 0 ? Number(round) : null;
    if (roundPlaces !== null && typeof value === 'number') value = phpRound(value, roundPlaces);
    const points = this.history.get(cmd.id) ?? new Map<string, string | null>();
    this.history.set(cmd.id, points);
    let slot = at;
    const smooth = toInt(
      cmd.configuration['history::smooth'] ?? this.coreConfig.get('history::smooth') ?? 0,
      0,
    );
    const mode = phpString(cmd.configuration['historizeMode'] ?? 'none');
    if (cmd.subType === 'numeric' && smooth > 0 && mode !== 'none' && typeof value === 'number') {
      const seconds = Date.parse(`${at.replace(' ', 'T')}Z`) / 1000;
      slot =
        new Date((seconds - (seconds % smooth)) * 1000).toISOString().slice(0, 16).replace('T', ' ') + ':00';
      const existing = points.get(slot);
      if (existing !== undefined && existing !== null) {
        const previous = Number(existing);
        const places = roundPlaces ?? 2;
        if (mode === 'avg') value = phpRound((previous + value) / 2, places);
        else if (mode === 'min') value = phpRound(Math.min(previous, value), places);
        else if (mode === 'max') value = phpRound(Math.max(previous, value), places);
      }
    }
    points.set(slot, typeof value === 'number' ? phpFloatToString(value) : value);
  }

  /**
   * history.class.php `all()`, as cmd::getHistory calls it: `history` UNION ALL `historyArch` between the two
   * datetimes, ordered by datetime. A datetime present in both tables comes back twice.
   */
  historyOf(cmdId: number, startTime?: string, endTime?: string): HistoryPoint[] {
    const points = [this.history.get(cmdId), this.historyArch.get(cmdId)]
      .flatMap((table) => [...(table ?? new Map<string, string | null>())])
      .map(([datetime, value]) => ({ datetime, value }))
      .filter((point) => point.value !== null)
      .filter(
        (point) => (!startTime || point.datetime >= startTime) && (!endTime || point.datetime <= endTime),
      );
    return points.sort((a, b) => a.datetime.localeCompare(b.datetime));
  }

  /**
   * history.class.php `archive()` (Jeedom's history cron): for each historised info command, the points older
   * than `historyArchiveTime` hours leave `history` for `historyArch` (REPLACE, so one per datetime) — all of
   * them with historizeMode 'none', only the value changes for a binary/string command with another mode, and
   * for a numeric one with a smoothing mode (default 'avg' here) one aggregate per `historyArchivePackage` hours.
   */
  archiveHistory(): void {
    const archiveMs =
      this.options.now().getTime() - toInt(this.coreConfig.get('historyArchiveTime'), 2) * HOUR_MS;
    const archiveTime = phpDate(new Date(archiveMs), this.options.timeZone);
    const packageSeconds = toInt(this.coreConfig.get('historyArchivePackage'), 1) * 3600;
    for (const [cmdId, points] of this.history) {
      const cmd = this.cmds.get(cmdId);
      if (!cmd || cmd.type !== 'info' || cmd.isHistorized !== 1) {
        this.history.delete(cmdId);
        this.historyArch.delete(cmdId);
        continue;
      }
      const archive = this.historyArch.get(cmdId) ?? new Map<string, string | null>();
      this.historyArch.set(cmdId, archive);
      const old = [...points]
        .filter(([datetime, value]) => datetime <= archiveTime && value !== null)
        .sort(([a], [b]) => a.localeCompare(b));
      const mode = phpString(cmd.configuration['historizeMode'] ?? 'avg');
      if (cmd.subType !== 'numeric' || mode === 'none') {
        old.forEach(([datetime, value], index) => {
          if (mode === 'none' || index === 0 || value !== old[index - 1]![1]) archive.set(datetime, value);
        });
      } else {
        const groups = new Map<number, { first: string; values: number[] }>();
        for (const [datetime, value] of old) {
          const bucket = Math.floor(Date.parse(`${datetime.replace(' ', 'T')}Z`) / 1000 / packageSeconds);
          const group = groups.get(bucket) ?? { first: datetime, values: [] };
          group.values.push(Number(value));
          groups.set(bucket, group);
        }
        const round = Number(cmd.configuration['historizeRound'] ?? 2);
        for (const { first, values } of groups.values()) {
          const aggregate =
            mode === 'min'
              ? Math.min(...values)
              : mode === 'max'
                ? Math.max(...values)
                : values.reduce((a, b) => a + b, 0) / values.length;
          archive.set(first, phpFloatToString(phpRound(aggregate, Number.isFinite(round) ? round : 2)));
        }
      }
      for (const [datetime] of old) points.delete(datetime);
    }
  }

  cacheState(cmdId: number): CmdCache | undefined {
    const cache = this.caches.get(cmdId);
    return cache ? { ...cache } : undefined;
  }
}
