// Maps the real Salla payloads in /work/shared/fixtures/salla (abbreviated
// upstream: many values are the placeholder "…"). Those files are the `data`
// object of a delivery; a handler test wraps one as {"event": ..., "data": <file>}.

const SALLA_API = 'https://api.salla.dev/admin/v2';

module.exports = {
  ns: 'salla-fixtures',
  name: 'Salla fixtures',
  type: 'salla-fixtures',
  title: 'Salla (fixtures)',
  label: 'Salla fixtures',
  description: 'Test MiniApp for the Salla fixture corpus.',
  shortDescription: 'Salla fixture mappings.',
  status: 'private',
  version: '0.1.0',
  category: 'ecommerce',
  icon: 'https://assets.karzoun.example/fixtures/salla.svg',
  logo: 'https://assets.karzoun.example/fixtures/salla.png',
  docsUrl: 'https://docs.karzoun.example/fixtures/salla',
  auth: { type: 'bearer_token', sensitiveKeys: ['accessToken', 'webhookSecret'] },
  triggers: [
    { type: 'miniapps:salla-fixtures', event: 'order.created', label: 'Order created' },
    { type: 'miniapps:salla-fixtures', event: 'order.status.updated', label: 'Order status updated' },
    { type: 'miniapps:salla-fixtures', event: 'customer.created', label: 'Customer created' },
    { type: 'miniapps:salla-fixtures', event: 'abandoned.cart', label: 'Abandoned cart' },
  ],
  webhook: {
    eventExtraction: { source: 'body', path: '$.event' },
    transactionId: { paths: ['$.data.id'], fallback: 'generate' },
    verification: {
      type: 'hmac-sha256',
      headerName: 'X-Salla-Signature',
      secretKey: 'webhookSecret',
      encoding: 'hex',
    },
    customerExtraction: {
      basePath: '$.data.customer',
      mapping: { code: 'id', firstName: 'first_name', lastName: 'last_name', primaryEmail: 'email' },
      overrides: { 'customer.created': { basePath: '$.data' } },
    },
    response: { statusCode: 200, body: { ok: true } },
  },
  sync: {
    baseUrl: SALLA_API,
    headers: { Authorization: 'Bearer [[accessToken]]', 'Accept-Language': 'ar' },
    syncConfiguration: { enabled: true, batchSize: 60, rateLimitPerSecond: 2, timeout: 30000 },
    resources: {
      // Previewed with webhook-data-order-created.json as one record.
      orders: {
        name: 'orders',
        contentType: 'ecommerce:orders',
        expandDetails: true,
        endpoints: {
          list: { url: '/orders', method: 'GET' },
          details: { url: '/orders/{id}', method: 'GET' },
        },
        pagination: { paramName: 'per_page', defaultLimit: 60, maxLimit: 60 },
        responseMapping: { dataProperty: 'data', totalProperty: 'pagination.total' },
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          orderNumber: { path: 'reference_id', transform: 'toString' },
          status: 'status.name',
          totalAmount: { paths: ['amounts.total.amount', 'total.amount'], transform: 'coalesce' },
          currency: 'currency',
          subtotalAmount: 'amounts.sub_total.amount',
          shippingAmount: 'amounts.shipping_cost.amount',
          taxAmount: 'amounts.tax.amount.amount',
          discountCodes: { path: 'amounts.discounts', transform: 'joinCodes' },
          items: { path: 'items', transform: 'mapItems', mapping: { sku: 'sku', name: 'name', quantity: 'quantity' } },
          customerCode: { path: 'customer.id', transform: 'toString' },
          customerEmail: 'customer.email',
          paymentMethod: 'payment_method',
          shippingMethod: 'shipping.company',
          platformSource: { value: 'salla' },
        },
      },
      // Previewed with webhook-data-customer-created.json as one record.
      customers: {
        name: 'customers',
        contentType: 'core:customer',
        endpoints: {
          list: { url: '/customers', method: 'GET' },
          details: { url: '/customers/{id}', method: 'GET' },
        },
        pagination: { paramName: 'per_page', defaultLimit: 60, maxLimit: 60 },
        responseMapping: { dataProperty: 'data', totalProperty: 'pagination.total' },
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          firstName: 'first_name',
          lastName: 'last_name',
          primaryEmail: 'email',
          primaryPhone: { transform: 'compute', fn: 'joinPhone', paths: ['mobile_code', 'mobile'] },
          avatar: 'avatar',
        },
      },
    },
    webhooks: {
      handlers: {
        'order.created': {
          recordType: 'order',
          operation: 'create',
          mapping: {
            code: { path: '$.data.id', transform: 'toString' },
            orderNumber: { path: '$.data.reference_id', transform: 'toString' },
            status: '$.data.status.name',
            totalAmount: '$.data.amounts.total.amount',
            currency: '$.data.currency',
            discountCodes: { path: '$.data.amounts.discounts', transform: 'joinCodes' },
            items: { path: '$.data.items', transform: 'mapItems', mapping: { sku: 'sku', name: 'name', quantity: 'quantity' } },
            customerCode: { path: '$.data.customer.id', transform: 'toString' },
            paymentMethod: '$.data.payment_method',
            platformSource: { value: 'salla' },
          },
        },
        // The fixture's data.order lost amounts/total upstream (elided), so
        // this handler maps only what a status change carries.
        'order.status.updated': {
          recordType: 'order',
          operation: 'update',
          mapping: {
            code: { path: '$.data.order.id', transform: 'toString' },
            orderNumber: { path: '$.data.order.reference_id', transform: 'toString' },
            status: '$.data.status', // a plain Arabic string at this level
          },
        },
        'customer.created': { resource: 'customers', operation: 'upsert', dataPath: '$.data' },
        'abandoned.cart': {
          recordType: 'abandonedCart',
          operation: 'create',
          mapping: {
            code: { path: '$.data.id', transform: 'toString' },
            totalAmount: '$.data.total.amount',
            currency: '$.data.total.currency',
            customerName: '$.data.customer.name',
            customerEmail: '$.data.customer.email',
            checkoutUrl: '$.data.checkout_url',
            discountCodes: '$.data.coupon.code',
            items: { path: '$.data.items', transform: 'mapItems', mapping: { quantity: 'quantity' } },
          },
        },
      },
    },
  },
};
