/** `med-export test --destination mqtt`: connect and authenticate, then a probe published and received back. */
import { displayUrl } from '../../redact.js';
import type { Check, TestContext } from '../../contract/destination.js';
import { connectMqtt } from '../../engines/mqtt-connection/client.js';
import { ONLINE, statusTopic } from '../../engines/mqtt-connection/status.js';
import type { MqttConfig } from './config.js';

export async function mqttChecks(ctx: TestContext<MqttConfig>): Promise<Check[]> {
  const { config } = ctx;
  const where = displayUrl(config.broker);
  const checks: Check[] = [];
  let connection;
  try {
    connection = await connectMqtt(config, { timeoutMs: ctx.timeoutMs });
    checks.push({ name: `connect and authenticate to ${where}`, ok: true });
  } catch (error) {
    checks.push({
      name: `connect and authenticate to ${where}`,
      ok: false,
      detail: (error as Error).message,
      hint: 'fix MQTT_BROKER (host, port, user, password), MQTT_USERNAME and MQTT_PASSWORD, or the TLS options, then run this test again',
    });
    return checks;
  }
  const topic = statusTopic(config.topic_prefix);
  try {
    const probe = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.min(ctx.timeoutMs, 5000));
      void connection.subscribe(topic, (_topic, payload, retained) => {
        if (!retained && payload === ONLINE) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    // Not retained, so the retained status message stays as the last export left it.
    await connection.publish(topic, ONLINE, { qos: 1, retain: false });
    const received = await probe;
    checks.push({
      name: `publish and receive a probe on ${topic}`,
      ok: received,
      ...(received
        ? {}
        : {
            detail: 'the broker accepted the connection but did not deliver the probe back',
            hint: `allow this user to publish and subscribe to ${config.topic_prefix}/# in the broker's ACL`,
          }),
    });
  } catch (error) {
    checks.push({
      name: `publish and receive a probe on ${topic}`,
      ok: false,
      detail: (error as Error).message,
      hint: `allow this user to publish and subscribe to ${config.topic_prefix}/# in the broker's ACL`,
    });
  } finally {
    await connection.close();
  }
  return checks;
}
