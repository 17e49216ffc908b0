// The page's entry: two independent panels.
import { startClassifierPanel } from './classifier-panel.js';
import { startDigitsPanel } from './digits-panel.js';
import { byId, showMessage } from './dom.js';

startClassifierPanel();
startDigitsPanel().catch((error: unknown) => showMessage(byId('digit-model'), `Could not start the digit pad: ${(error as Error).message}`, true));
