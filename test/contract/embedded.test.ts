import { startTestController } from '../support/controller.js';
import { describeBrokerContract } from './broker-contract.js';

describeBrokerContract('embedded aedes', async () => {
  const ctl = await startTestController();
  return { ctl, provision: (id) => ctl.provision(id), stop: () => ctl.stop() };
});
