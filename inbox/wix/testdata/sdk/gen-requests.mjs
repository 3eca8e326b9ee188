// gen-requests.mjs writes sdk-requests.json: the HTTP requests the official
// SDK (@wix/sdk 1.21.16 with @wix/inbox 1.0.103 and @wix/crm 1.0.1643)
// sends for the calls TestRequestShapes makes with the Go client, captured
// by replacing fetch. TestSDKRequests compares them with
// testdata/requests/flow.json. Regenerate with
//
//	npm install @wix/sdk@1.21.16 @wix/inbox@1.0.103 @wix/crm@1.0.1643
//	node gen-requests.mjs > sdk-requests.json
import { createClient, ApiKeyStrategy } from '@wix/sdk';
import { messages, conversations } from '@wix/inbox';
import { contacts } from '@wix/crm';

const captured = [];
globalThis.fetch = async (url, init) => {
  const u = new URL(url);
  const h = new Headers(init?.headers);
  captured.push({
    method: init?.method, path: u.pathname,
    headers: { Authorization: h.get('authorization'), 'Content-Type': h.get('content-type'), 'Wix-Site-Id': h.get('wix-site-id') },
    body: JSON.parse(init.body),
  });
  const resp = { message: { id: '1' }, conversation: { id: 'c' }, contact: { id: 'x' }, contacts: [] };
  return new Response(JSON.stringify(resp), { status: 200, headers: { 'content-type': 'application/json' } });
};
const client = createClient({ modules: { messages, conversations, contacts }, auth: ApiKeyStrategy({ apiKey: 'KEY', siteId: 'SITE' }) });

await client.contacts.createContact({
  name: { first: 'Zoë Quinn' },
  emails: { items: [{ tag: 'UNTAGGED', email: 'zoe@example.com' }] },
  phones: { items: [{ tag: 'MOBILE', phone: '+447700900555' }] },
}, { allowDuplicates: false });
await client.conversations.getOrCreateConversation({ contactId: 'c-1' });
const badges = [{ text: 'via SMS', iconUrl: 'https://cdn.example.com/sms.png', badgeVisibility: 'BUSINESS' }];
const send = (content, direction, visibility) =>
  client.messages.sendMessage('conv-1', { content, direction, visibility, badges, silent: true }, { sendNotifications: true });
await send({ basic: { items: [
  { text: 'Where is my order?' },
  { image: { url: 'https://cdn.example.com/photo.jpg', filename: 'photo.jpg' } },
  { file: { url: 'https://cdn.example.com/invoice.pdf', filename: 'invoice.pdf', mimeType: 'application/pdf' } },
] } }, 'PARTICIPANT_TO_BUSINESS', 'BUSINESS_AND_PARTICIPANT');
await send({ basic: { items: [{ text: 'internal note' }] } }, 'BUSINESS_TO_PARTICIPANT', 'BUSINESS');
await send({ minimal: { text: 'Order #1001 placed', iconUrl: 'https://cdn.example.com/cart.png', url: 'https://shop.example.com/orders/1001' } },
  'PARTICIPANT_TO_BUSINESS', 'BUSINESS_AND_PARTICIPANT');
await send({ minimal: { text: 'Order #1002 shipped' } }, 'PARTICIPANT_TO_BUSINESS', 'BUSINESS_AND_PARTICIPANT');
await client.contacts.queryContacts().eq('info.emails.email', 'ada@example.com').limit(2).find();
process.stdout.write(JSON.stringify(captured, null, 2) + '\n');
