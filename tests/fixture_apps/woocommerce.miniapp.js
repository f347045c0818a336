// Maps the real WooCommerce payloads in /work/shared/fixtures/woocommerce
// (REST API v3 docs). Lists are bare arrays (totals in X-WP-Total), and a
// webhook body is the resource itself, so *-retrieve.json files double as
// delivery bodies.

const WOO_API = 'https://{{storeUrl}}/wp-json/wc/v3';
const PAGE = { paramName: 'per_page', defaultLimit: 10, maxLimit: 100 };

module.exports = {
  ns: 'woocommerce-fixtures',
  name: 'WooCommerce fixtures',
  type: 'woocommerce-fixtures',
  title: 'WooCommerce (fixtures)',
  label: 'WooCommerce fixtures',
  description: 'Test MiniApp for the WooCommerce fixture corpus.',
  shortDescription: 'WooCommerce fixture mappings.',
  status: 'private',
  version: '0.1.0',
  category: 'ecommerce',
  icon: 'https://assets.karzoun.example/fixtures/woocommerce.svg',
  logo: 'https://assets.karzoun.example/fixtures/woocommerce.png',
  docsUrl: 'https://docs.karzoun.example/fixtures/woocommerce',
  auth: { type: 'apikey', sensitiveKeys: ['consumerSecret', 'webhookSecret'] },
  triggers: [
    { type: 'miniapps:woocommerce-fixtures', event: 'order.updated', label: 'Order updated' },
    { type: 'miniapps:woocommerce-fixtures', event: 'customer.created', label: 'Customer created' },
    { type: 'miniapps:woocommerce-fixtures', event: 'product.updated', label: 'Product updated' },
  ],
  webhook: {
    eventExtraction: { source: 'header', path: 'X-WC-Webhook-Topic' },
    verification: {
      type: 'hmac-sha256',
      headerName: 'X-WC-Webhook-Signature',
      secretKey: 'webhookSecret',
      encoding: 'base64',
    },
    response: { statusCode: 200, body: { ok: true } },
  },
  sync: {
    baseUrl: WOO_API,
    headers: { Authorization: 'Basic [[consumerKey]]:[[consumerSecret]]' },
    syncConfiguration: { enabled: true, batchSize: 100, rateLimitPerSecond: 5, timeout: 30000 },
    resources: {
      products: {
        name: 'products',
        contentType: 'core:product',
        endpoints: { list: { url: '/products', method: 'GET' }, details: { url: '/products/{id}', method: 'GET' } },
        pagination: PAGE,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          name: 'name',
          sku: 'sku',
          unitPrice: { path: 'regular_price', transform: 'toNumberOrNull' },
          salePrice: { path: 'sale_price', transform: 'toNumberOrNull' },
          quantity: 'stock_quantity',
          status: 'status',
          url: 'permalink',
          description: { paths: ['short_description', 'description'], transform: 'coalesce' },
          weight: { path: 'weight', transform: 'toNumberOrNull' },
          media: { path: 'images', transform: 'mapItems', mapping: { url: 'src', alt: 'alt' } },
        },
      },
      orders: {
        name: 'orders',
        contentType: 'ecommerce:orders',
        endpoints: { list: { url: '/orders', method: 'GET' }, details: { url: '/orders/{id}', method: 'GET' } },
        pagination: PAGE,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          orderNumber: 'number',
          status: 'status',
          totalAmount: { path: 'total', transform: 'toNumberOrNull' },
          currency: 'currency',
          shippingAmount: { path: 'shipping_total', transform: 'toNumberOrNull' },
          taxAmount: { path: 'total_tax', transform: 'toNumberOrNull' },
          items: {
            path: 'line_items',
            transform: 'mapItems',
            mapping: { externalId: 'id', sku: 'sku', name: 'name', quantity: 'quantity', unitPrice: 'price', totalAmount: 'total' },
          },
          discountCodes: { path: 'coupon_lines', transform: 'joinCodes' },
          customerCode: { path: 'customer_id', transform: 'toString' },
          customerEmail: 'billing.email',
          customerPhone: 'billing.phone',
          paymentMethod: 'payment_method_title',
          shippingMethod: 'shipping_lines[0].method_title',
          createdAt: 'date_created_gmt',
          platformSource: { value: 'woocommerce' },
        },
      },
      customers: {
        name: 'customers',
        contentType: 'core:customer',
        endpoints: { list: { url: '/customers', method: 'GET' }, details: { url: '/customers/{id}', method: 'GET' } },
        pagination: PAGE,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          firstName: { paths: ['first_name', 'billing.first_name'], transform: 'coalesce' },
          lastName: { paths: ['last_name', 'billing.last_name'], transform: 'coalesce' },
          primaryEmail: 'email',
          primaryPhone: 'billing.phone',
          avatar: 'avatar_url',
        },
      },
    },
    webhooks: {
      handlers: {
        'order.updated': { resource: 'orders', operation: 'upsert', dataPath: '$' },
        'customer.created': { resource: 'customers', operation: 'upsert', dataPath: '$' },
        'product.updated': { resource: 'products', operation: 'upsert', dataPath: '$' },
      },
    },
  },
};
