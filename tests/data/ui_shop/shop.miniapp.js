// A small Salla-like MiniApp for the designer window tests.
// Everything outside the sync block must survive a write-back byte for byte.
const VERSION = '1.0.0';

export default {
  ns: 'ui-shop',
  name: 'ui-shop',
  title: 'UI Shop', // shown in the store
  version: VERSION,
  triggers: [{ type: 'miniapps:ui-shop', event: 'order.created', label: 'Order created' }],
  sync: {
    baseUrl: 'https://api.shop.example/v2',
    headers: { Authorization: 'Bearer [[accessToken]]' },
    resources: {
      orders: {
        name: 'orders',
        displayName: 'Orders',
        contentType: 'ecommerce:orders',
        endpoints: { list: { url: '/orders', method: 'GET' } },
        pagination: { paramName: 'per_page', defaultLimit: 50 },
        responseMapping: { dataProperty: 'data', totalProperty: 'pagination.total' },
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
        },
      },
    },
    webhooks: {
      handlers: {
        'order.created': {
          recordType: 'order',
          operation: 'create',
          mapping: { code: '$.data.id' },
        },
      },
    },
  },
  functions: {
    greet: { code: (name) => `Hello ${name}` },
  },
};
