/**
 * Larkspur Commerce MiniApp (invented for tests).
 *
 * Imports products, customers and orders from the Larkspur store API and
 * maps its webhooks into Karzoun records.
 */

const LARKSPUR_API = 'https://api.larkspur.example/v3'; // prod; staging is /v3-beta

const defaultHeaders = {
  Authorization: 'Bearer [[accessToken]]',
  'Content-Type': 'application/json',
  Accept: 'application/json',
};

const pageSize = 50;

module.exports = {
  ns: 'larkspur',
  name: 'larkspur',
  type: 'larkspur',
  title: 'Larkspur Commerce',
  label: 'Larkspur',
  description: `Sync **orders**, customers and products from Larkspur.

Set up takes two minutes.`,
  shortDescription: 'Orders, customers and products from Larkspur',
  status: 'private',
  version: '1.4.0',
  category: 'ecommerce',
  icon: 'https://cdn.larkspur.example/icon.svg',
  logo: 'https://cdn.larkspur.example/logo.svg',
  docsUrl: 'https://docs.larkspur.example/karzoun',

  auth: {
    type: 'oauth2',
    sensitiveKeys: ['accessToken', 'refreshToken', 'webhookSecret'],
    config: {
      authorizeUrl: 'https://accounts.larkspur.example/oauth/authorize',
      tokenUrl: 'https://accounts.larkspur.example/oauth/token',
      scopes: ['orders.read', 'customers.read', 'products.read'],
    },
  },

  triggers: [
    {
      type: 'miniapps:larkspur',
      event: 'order.created',
      label: 'Order created',
      description: 'A customer placed an order',
      isCustom: false,
    },
    {
      type: 'miniapps:larkspur',
      event: 'order.status.updated',
      label: "Order status changed",
      isCustom: false,
    },
  ],

  webhook: {
    eventExtraction: { source: 'body', path: '$.event' },
    verification: {
      type: 'hmac-sha256',
      headerName: 'X-Larkspur-Signature',
      secretKey: 'webhookSecret',
      encoding: 'base64',
    },
    response: { statusCode: 200, body: { ok: true } },
  },

  functions: {
    formatPhone: {
      description: 'Normalise a phone number to E.164',
      code: `function formatPhone(phone) {
  // keep digits and a leading +
  return String(phone || '').replace(/[^\\d+]/g, '');
}`,
    },
    orderTotal: {
      description: 'Total in minor units',
      code: 'function orderTotal(order) { return Math.round(order.total * 100); }',
    },
  },

  sync: {
    baseUrl: LARKSPUR_API,
    headers: defaultHeaders,
    syncConfiguration: {
      enabled: true,
      batchSize: 200,
      rateLimitPerSecond: 10,
      timeout: 30_000,
    },
    resources: {
      products: {
        name: 'products',
        displayName: 'Products',
        description: 'Sync products from Larkspur',
        contentType: 'core:product',
        expandDetails: false,
        endpoints: {
          list: { url: '/products', method: 'GET' },
          details: { url: '/products/{id}', method: 'GET' },
        },
        pagination: { paramName: 'per_page', defaultLimit: pageSize, maxLimit: 250 },
        responseMapping: {
          dataProperty: 'data',
          totalProperty: 'meta.pagination.total',
        },
        apiMapping: {
          name: 'title',
          code: { path: 'id', transform: 'toString' },
          sku: 'sku',
          // sale price wins when the shop runs a promotion
          unitPrice: { paths: ['sale_price', 'regular_price'], transform: 'coalesce' },
          currency: 'currency',
          status: { value: 'active' },
        },
        icon: 'package',
      },
      customers: {
        name: 'customers',
        displayName: 'Customers',
        contentType: 'core:customer',
        endpoints: { list: { url: '/customers', method: 'GET' } },
        pagination: { paramName: 'per_page', defaultLimit: pageSize, maxLimit: 250 },
        responseMapping: { dataProperty: 'data', totalProperty: 'meta.pagination.total' },
        apiMapping: {
          firstName: 'first_name',
          lastName: 'last_name',
          primaryEmail: 'email',
          primaryPhone: { path: 'mobile', transform: 'compute', fn: 'formatPhone' },
          code: { path: 'id', transform: 'toString' },
        },
        icon: 'users',
      },
      orders: {
        name: 'orders',
        displayName: 'Orders',
        contentType: 'ecommerce:orders',
        endpoints: {
          list: { url: '/orders', method: 'GET' },
        },
        pagination: { paramName: 'per_page', defaultLimit: pageSize, maxLimit: 100 },
        responseMapping: { dataProperty: 'data', totalProperty: 'meta.pagination.total' },
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          orderNumber: 'reference',
          status: 'status.slug',
          totalAmount: { path: 'amounts.total.amount', transform: 'toNumberOrNull' },
          items: {
            path: 'items',
            transform: 'mapItems',
            mapping: { sku: 'sku', quantity: 'quantity', price: 'amounts.price.amount' },
          },
        },
        icon: 'shopping-cart',
      },
    },
    webhooks: {
      handlers: {
        'order.created': {
          recordType: 'order',
          operation: 'create',
          mapping: {
            code: '$.data.id',
            orderNumber: '$.data.reference',
            totalAmount: '$.data.amounts.total.amount',
          },
        },
        'order.status.updated': {
          resource: 'orders',
          operation: 'upsert',
          dataPath: '$.data.order',
        },
      },
    },
  },
};
