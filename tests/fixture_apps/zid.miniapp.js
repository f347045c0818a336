// Maps the real Zid payloads in /work/shared/fixtures/zid (recorded by Zid's
// Python SDK). Each resource has its own envelope and total; products need
// the Access-Token header, orders and customers X-Manager-Token.

const ZID_API = 'https://api.zid.sa/v1';

module.exports = {
  ns: 'zid-fixtures',
  name: 'Zid fixtures',
  type: 'zid-fixtures',
  title: 'Zid (fixtures)',
  label: 'Zid fixtures',
  description: 'Test MiniApp for the Zid fixture corpus.',
  shortDescription: 'Zid fixture mappings.',
  status: 'private',
  version: '0.1.0',
  category: 'ecommerce',
  icon: 'https://assets.karzoun.example/fixtures/zid.svg',
  logo: 'https://assets.karzoun.example/fixtures/zid.png',
  docsUrl: 'https://docs.karzoun.example/fixtures/zid',
  auth: { type: 'oauth2', sensitiveKeys: ['accessToken', 'managerToken'] },
  triggers: [
    { type: 'miniapps:zid-fixtures', event: 'order.create', label: 'Order created' },
    { type: 'miniapps:zid-fixtures', event: 'product.update', label: 'Product updated' },
  ],
  webhook: {
    eventExtraction: { source: 'body', path: '$.event', fallback: { source: 'query', path: 'event' } },
    // No signature header is documented for Zid webhooks.
    verification: { type: 'none' },
    response: { statusCode: 200, body: { ok: true } },
  },
  sync: {
    baseUrl: ZID_API,
    headers: {
      Authorization: 'Bearer [[partnerToken]]',
      'X-Manager-Token': '[[managerToken]]',
      'Access-Token': '[[managerToken]]',
      'Accept-Language': 'ar',
    },
    syncConfiguration: { enabled: true, batchSize: 50, rateLimitPerSecond: 1, timeout: 30000 }, // 60 requests/min per store
    resources: {
      products: {
        name: 'products',
        contentType: 'core:product',
        endpoints: { list: { url: '/products/', method: 'GET' }, details: { url: '/products/{id}/', method: 'GET' } },
        pagination: { paramName: 'page_size', defaultLimit: 10, maxLimit: 50 },
        responseMapping: { dataProperty: 'results', totalProperty: 'count' },
        apiMapping: {
          code: 'id', // already a UUID string
          name: { transform: 'compute', fn: 'localizedName', path: 'name', locale: 'ar' },
          sku: 'sku',
          unitPrice: 'price',
          salePrice: 'sale_price',
          costPrice: 'cost',
          currency: 'currency',
          quantity: 'quantity',
          url: 'html_url',
          weight: 'weight.value',
          media: { path: 'images', transform: 'mapItems', mapping: { url: 'image.full_size', alt: 'alt_text' } },
        },
      },
      orders: {
        name: 'orders',
        contentType: 'ecommerce:orders',
        endpoints: { list: { url: '/managers/store/orders', method: 'GET' }, details: { url: '/managers/store/orders/{id}/view', method: 'GET' } },
        pagination: { paramName: 'per_page', defaultLimit: 50, maxLimit: 50 },
        responseMapping: { dataProperty: 'orders', totalProperty: 'total_order_count' },
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          orderNumber: 'code',
          status: 'order_status.name',
          totalAmount: { path: 'order_total', transform: 'toNumberOrNull' }, // "100.00000000000000"
          currency: 'currency_code',
          paymentStatus: 'payment_status',
          paymentMethod: 'payment.method.name',
          shippingMethod: 'shipping.method.name',
          customerCode: { path: 'customer.id', transform: 'toString' },
          customerName: 'customer.name',
          customerEmail: 'customer.email',
          customerPhone: 'customer.mobile', // "9665...", no leading +
          items: {
            path: 'products',
            transform: 'mapItems',
            mapping: { externalId: 'id', sku: 'sku', name: 'name', quantity: 'quantity', unitPrice: 'price', totalAmount: 'total' },
          },
          createdAt: { transform: 'compute', fn: 'toIsoDate', path: 'created_at' },
          updatedAt: { transform: 'compute', fn: 'toIsoDate', path: 'updated_at' },
          platformSource: { value: 'zid' },
        },
      },
      customers: {
        name: 'customers',
        contentType: 'core:customer',
        endpoints: { list: { url: '/managers/store/customers', method: 'GET' }, details: { url: '/managers/store/customers/{id}', method: 'GET' } },
        pagination: { paramName: 'per_page', defaultLimit: 25, maxLimit: 50 },
        responseMapping: { dataProperty: 'customers', totalProperty: 'total_customers_count' },
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          firstName: { transform: 'compute', fn: 'splitName', path: 'name', part: 'first' },
          lastName: { transform: 'compute', fn: 'splitName', path: 'name', part: 'last' },
          primaryEmail: 'email',
          primaryPhone: 'mobile',
          birthDate: 'birth_date',
        },
      },
    },
    webhooks: {
      handlers: {
        'order.create': { resource: 'orders', operation: 'upsert', dataPath: '$.order' },
        'product.update': { resource: 'products', operation: 'upsert', dataPath: '$' },
      },
    },
  },
};
