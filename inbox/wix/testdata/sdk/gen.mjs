// gen.mjs writes sdk-webhook.json: a Wix webhook JWT signed by jose (the
// library @wix/sdk verifies webhooks with) and the event as @wix/sdk's own
// parseJWT decodes it, for TestSDKWebhook. Regenerate with
//
//	npm install @wix/sdk@1.21.16   (in a scratch directory)
//	node gen.mjs ../test-signing-key.pem > sdk-webhook.json
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { createClient, AppStrategy } from '@wix/sdk';

const key = createPrivateKey(readFileSync(process.argv[2], 'utf8'));
const publicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' });

// A "message sent to participant" event as Wix nests it: the envelope is
// the data claim (a string), whose data and identity are strings, whose
// actionEvent.bodyAsJson is a string.
const body = {
  conversationId: '0c4e1d2a-0000-4000-8000-000000000001',
  message: {
    id: '1700000000042', direction: 'BUSINESS_TO_PARTICIPANT', visibility: 'BUSINESS_AND_PARTICIPANT',
    content: { basic: { items: [{ text: 'Your parcel ships today \u2014 tracking to follow' }] } },
  },
};
const event = {
  id: '5b1f2c3d-0000-4000-8000-00000000abcd', entityFqdn: 'wix.inbox.v2.message', slug: 'message_sent_to_participant',
  entityId: '1700000000042', eventTime: '2027-01-15T08:00:00.000Z', actionEvent: { bodyAsJson: JSON.stringify(body) },
};
const envelope = {
  eventType: 'wix.inbox.v2.message_message_sent_to_participant', instanceId: 'a1b2c3d4-0000-4000-8000-000000000002',
  data: JSON.stringify(event), identity: JSON.stringify({ identityType: 'APP', appId: 'a1b2c3d4-0000-4000-8000-000000000001' }),
};
const token = await new SignJWT({ data: JSON.stringify(envelope) })
  .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
  .setIssuedAt(1800000000)
  .setExpirationTime(1800000300)
  .sign(key);

const client = createClient({ auth: AppStrategy({ appId: 'a1b2c3d4-0000-4000-8000-000000000001', publicKey }), modules: {} });
const parsed = await client.webhooks.parseJWT(token);
process.stdout.write(JSON.stringify({ token, publicKey, parsed }, null, 2) + '\n');
