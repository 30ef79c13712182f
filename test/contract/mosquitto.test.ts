import { randomBytes } from 'node:crypto';
import { startTestController } from '../support/controller.js';
import { mosquittoAvailable, startMosquitto } from '../support/mosquitto.js';
import { SITE_ID } from '../support/mqtt-device.js';
import { describeBrokerContract } from './broker-contract.js';

// .ci/run installs Mosquitto; a developer machine without it skips this suite and says so.
describeBrokerContract('external Mosquitto', async () => {
  const controllerPassword = randomBytes(12).toString('base64url');
  const mosquitto = await startMosquitto({ site: SITE_ID, controllerUsername: 'controller', users: [{ username: 'controller', password: controllerPassword }] });
  const ctl = await startTestController({ MQTT_URL: mosquitto.url, MQTT_USERNAME: 'controller', MQTT_PASSWORD: controllerPassword });
  return {
    ctl,
    provision: async (id) => {
      const secret = await ctl.provision(id);
      // The operator's step with an external broker: the same credentials go into its password file.
      await mosquitto.addUser(id, secret);
      return secret;
    },
    stop: async () => {
      await ctl.stop();
      await mosquitto.stop();
    },
  };
}, { skip: !mosquittoAvailable() });
