/** `med-export test --destination home_assistant`: one check per failure mode, each with its fix. */
import { displayUrl } from '../../redact.js';
import type { Check, TestContext } from '../../contract/destination.js';
import { connectMqtt } from '../../engines/mqtt-connection/client.js';
import {
  HomeAssistantAuthError,
  HomeAssistantCommandError,
  HomeAssistantSocket,
  TOKEN_HINT,
  restMessage,
  restRequest,
} from './client.js';
import { connectionOptions, entitiesMode, mqttConnectionConfig, type HomeAssistantConfig } from './config.js';
import { acceptsMeanType } from './encode.js';

export async function homeAssistantChecks(ctx: TestContext<HomeAssistantConfig>): Promise<Check[]> {
  const { config } = ctx;
  const where = displayUrl(config.url);
  const connection = connectionOptions(config, ctx.timeoutMs);
  const checks: Check[] = [];

  // api/__init__.py `APIStatusView.get` answers {"message": "API running."} to an authenticated GET /api/.
  let status: { status: number; body: string };
  try {
    status = await restRequest(connection, 'GET', '/api/');
  } catch (error) {
    checks.push({
      name: `reach Home Assistant at ${where}`,
      ok: false,
      detail: (error as Error).message,
      hint: 'set HOME_ASSISTANT_URL to the address you open Home Assistant with in a browser, e.g. http://homeassistant.local:8123',
    });
    return checks;
  }
  const running = status.status === 200 && restMessage(status.body) === 'API running.';
  if (status.status !== 401 && !running) {
    checks.push({
      name: `reach Home Assistant at ${where}`,
      ok: false,
      detail: `GET /api/ answered HTTP ${status.status}: ${restMessage(status.body)}`,
      hint: "this does not look like Home Assistant's API: check HOME_ASSISTANT_URL (scheme, host, port, no path)",
    });
    return checks;
  }
  checks.push({ name: `reach Home Assistant at ${where}`, ok: true, detail: 'GET /api/ answered' });
  checks.push({
    name: 'token accepted',
    ok: running,
    ...(running ? {} : { detail: 'GET /api/ answered 401 Unauthorized', hint: TOKEN_HINT }),
  });
  if (!running) return checks;

  let socket: HomeAssistantSocket;
  try {
    socket = await HomeAssistantSocket.connect(connection);
  } catch (error) {
    checks.push({
      name: 'WebSocket API authentication',
      ok: false,
      detail:
        error instanceof HomeAssistantAuthError
          ? 'Home Assistant refused the token'
          : (error as Error).message,
      hint:
        error instanceof HomeAssistantAuthError
          ? TOKEN_HINT
          : 'make sure a reverse proxy in front of Home Assistant forwards WebSocket upgrades on /api/websocket',
    });
    return checks;
  }
  try {
    checks.push({ name: 'WebSocket API authentication', ok: true });
    const user = await socket.command<{ name?: string; is_admin?: boolean }>({ type: 'auth/current_user' });
    checks.push({
      name: 'administrator rights (needed to import statistics and to set states)',
      ok: user.is_admin === true,
      detail: `user ${user.name ?? '?'}${user.is_admin ? ' is an administrator' : ' is not an administrator'}`,
      ...(user.is_admin
        ? {}
        : {
            hint: 'recorder/import_statistics is admin-only: create the token with an administrator account, or make this user an administrator (Settings → People)',
          }),
    });
    checks.push({
      name: 'Home Assistant version',
      ok: true,
      detail: `${socket.haVersion} (statistics metadata with ${acceptsMeanType(socket.haVersion) ? 'mean_type and unit_class' : 'has_mean'})`,
    });
    if (config.statistics) {
      try {
        const info = await socket.command<{ recording?: boolean; thread_running?: boolean }>({
          type: 'recorder/info',
        });
        const ok = info.thread_running !== false;
        checks.push({
          name: 'recorder available',
          ok,
          detail: ok ? `recording: ${String(info.recording)}` : 'the recorder thread is not running',
          ...(ok
            ? {}
            : { hint: "look at Home Assistant's log for recorder errors (database full, migration)" }),
        });
      } catch (error) {
        const unknown = error instanceof HomeAssistantCommandError && error.code === 'unknown_command';
        checks.push({
          name: 'recorder available',
          ok: false,
          detail: unknown ? 'the recorder integration is not loaded' : (error as Error).message,
          hint: 'the Energy dashboard needs the recorder: keep `default_config:` (or `recorder:`) in configuration.yaml',
        });
      }
    }
  } finally {
    await socket.close();
  }

  if (entitiesMode(config) === 'mqtt') {
    if (!config.mqtt_broker) {
      checks.push({
        name: 'MQTT broker for the entities',
        ok: false,
        detail: 'HOME_ASSISTANT_ENTITIES=mqtt but HOME_ASSISTANT_MQTT_BROKER is not set',
        hint: "set HOME_ASSISTANT_MQTT_BROKER to the broker Home Assistant's MQTT integration uses, or HOME_ASSISTANT_ENTITIES=rest",
      });
      return checks;
    }
    const brokerName = `MQTT broker ${displayUrl(config.mqtt_broker)} for the entities`;
    try {
      const mqtt = await connectMqtt(mqttConnectionConfig(config), { timeoutMs: ctx.timeoutMs });
      await mqtt.close();
      checks.push({ name: brokerName, ok: true });
    } catch (error) {
      checks.push({
        name: brokerName,
        ok: false,
        detail: (error as Error).message,
        hint: 'fix HOME_ASSISTANT_MQTT_BROKER (host, port, user, password), HOME_ASSISTANT_MQTT_USERNAME and HOME_ASSISTANT_MQTT_PASSWORD, or its TLS options',
      });
    }
    const components = await restRequest(connection, 'GET', '/api/config')
      .then((response) => (JSON.parse(response.body) as { components?: string[] }).components ?? null)
      .catch(() => null);
    if (components) {
      const loaded = components.includes('mqtt');
      checks.push({
        name: 'MQTT integration set up in Home Assistant',
        ok: loaded,
        ...(loaded
          ? {}
          : {
              detail: 'Home Assistant does not list the mqtt integration',
              hint: 'add the MQTT integration (Settings → Devices & services) pointing at the same broker',
            }),
      });
    }
  }
  return checks;
}
