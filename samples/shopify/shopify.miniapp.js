/**
 * Shopify Demo: imports products, customers and orders through the Shopify
 * Admin REST API and follows the store's webhooks.
 */

const SHOPIFY_API = 'https://{{shopDomain}}/admin/api/2024-07'; // shopDomain: name.myshopify.com

// Shopify pages with a cursor in the Link response header
// (<...page_info=...>; rel="next"); the body carries no total.
const SHOPIFY_PAGINATION = { paramName: 'limit', defaultLimit: 50, maxLimit: 250 };

const LINE_ITEM_MAPPING = {
  externalId: { path: 'id', transform: 'toString' },
  sku: 'sku',
  name: 'name',
  quantity: 'quantity',
  unitPrice: { path: 'price', transform: 'toNumberOrNull' },
  productCode: { path: 'product_id', transform: 'toString' },
};

const miniapp = {
  ns: 'shopify-demo',
  name: 'Shopify Demo',
  type: 'shopify-demo',
  title: 'Shopify',
  label: 'Shopify store sync',
  description: 'Imports products, customers and orders from Shopify and follows order and customer webhooks.',
  shortDescription: 'Sync a Shopify store with Karzoun.',
  status: 'private',
  version: '0.2.1',
  category: 'ecommerce',
  icon: 'https://assets.karzoun.example/miniapps/shopify-demo/icon.svg',
  logo: 'https://assets.karzoun.example/miniapps/shopify-demo/logo.png',
  docsUrl: 'https://docs.karzoun.example/miniapps/shopify-demo',

  auth: {
    type: 'oauth2',
    config: {
      authorizationUrl: 'https://{{shopDomain}}/admin/oauth/authorize',
      tokenUrl: 'https://{{shopDomain}}/admin/oauth/access_token',
      clientId: 'YOUR_SHOPIFY_CLIENT_ID',
      clientSecret: 'YOUR_SHOPIFY_CLIENT_SECRET', // also signs the webhooks
      scopes: ['read_products', 'read_customers', 'read_orders'],
      redirectUri: '{{redirect_uri}}',
    },
    form: {
      shopDomain: { type: 'text', label: 'Shop domain (name.myshopify.com)', required: true },
    },
    sensitiveKeys: ['clientSecret', 'accessToken'],
  },

  // Shopify topics are used as they arrive (orders/create): no renaming layer.
  triggers: [
    {
      type: 'miniapps:shopify-demo',
      event: 'orders/create',
      label: 'New order',
      description: 'An order was placed.',
      isCustom: false,
    },
    {
      type: 'miniapps:shopify-demo',
      event: 'orders/updated',
      label: 'Order updated',
      description: 'An order changed.',
      isCustom: false,
    },
    {
      type: 'miniapps:shopify-demo',
      event: 'customers/create',
      label: 'New customer',
      description: 'A customer was created.',
      isCustom: false,
    },
  ],

  webhook: {
    eventExtraction: { source: 'header', path: 'X-Shopify-Topic' },
    transactionId: {
      paths: ['$.id', '$.updated_at'],
      separator: '_',
      fallback: 'generate',
    },
    verification: {
      type: 'hmac-sha256',
      headerName: 'X-Shopify-Hmac-Sha256',
      secretKey: 'clientSecret',
      encoding: 'base64',
    },
    customerExtraction: {
      basePath: '$.customer',
      mapping: {
        code: 'id',
        firstName: 'first_name',
        lastName: 'last_name',
        primaryEmail: 'email',
        primaryPhone: 'phone',
      },
      overrides: {
        'customers/create': { basePath: '$' },
      },
    },
    response: { statusCode: 200, body: { ok: true } },
  },

  sync: {
    baseUrl: SHOPIFY_API,
    headers: {
      'X-Shopify-Access-Token': '[[accessToken]]',
      Accept: 'application/json',
    },
    syncConfiguration: {
      enabled: true,
      batchSize: 250,
      rateLimitPerSecond: 2, // the REST bucket refills at 2 calls/s (X-Shopify-Shop-Api-Call-Limit)
      timeout: 30000,
    },
    resources: {
      products: {
        name: 'products',
        displayName: 'Products',
        contentType: 'core:product',
        endpoints: {
          list: { url: '/products.json', method: 'GET' },
          details: { url: '/products/{id}.json', method: 'GET' },
        },
        pagination: SHOPIFY_PAGINATION,
        responseMapping: { dataProperty: 'products' },
        apiMapping: {
          // Ids can exceed 2^53: keep them exact as strings.
          code: { path: 'id', transform: 'toString' },
          name: 'title',
          sku: 'variants[0].sku',
          unitPrice: { path: 'variants[0].price', transform: 'toNumberOrNull' },
          quantity: 'variants[0].inventory_quantity',
          weight: 'variants[0].weight',
          status: 'status',
          description: 'body_html',
          categories: 'product_type',
          media: { path: 'images', transform: 'mapItems', mapping: { url: 'src', alt: 'alt' } },
          productVariants: {
            path: 'variants',
            transform: 'mapItems',
            mapping: {
              externalId: { path: 'id', transform: 'toString' },
              sku: 'sku',
              unitPrice: { path: 'price', transform: 'toNumberOrNull' },
              quantity: 'inventory_quantity',
            },
          },
        },
        icon: 'package',
      },
      customers: {
        name: 'customers',
        displayName: 'Customers',
        contentType: 'core:customer',
        endpoints: {
          list: { url: '/customers.json', method: 'GET' },
          details: { url: '/customers/{id}.json', method: 'GET' },
        },
        pagination: SHOPIFY_PAGINATION,
        responseMapping: { dataProperty: 'customers' },
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          firstName: 'first_name',
          lastName: 'last_name',
          primaryEmail: 'email',
          primaryPhone: { paths: ['phone', 'default_address.phone'], transform: 'coalesce' },
        },
        icon: 'users',
      },
      orders: {
        name: 'orders',
        displayName: 'Orders',
        contentType: 'ecommerce:orders',
        endpoints: {
          list: { url: '/orders.json?status=any', method: 'GET' }, // without status=any only open orders come back
          details: { url: '/orders/{id}.json', method: 'GET' },
        },
        pagination: SHOPIFY_PAGINATION,
        responseMapping: { dataProperty: 'orders' },
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          orderNumber: 'name', // "#1041"
          // fulfillment_status is null until something ships
          status: { paths: ['fulfillment_status', 'financial_status'], transform: 'coalesce' },
          paymentStatus: 'financial_status',
          totalAmount: { path: 'total_price', transform: 'toNumberOrNull' },
          currency: 'currency',
          discountAmount: { path: 'total_discounts', transform: 'toNumberOrNull' },
          discountCodes: { path: 'discount_codes', transform: 'joinCodes' },
          items: { path: 'line_items', transform: 'mapItems', mapping: LINE_ITEM_MAPPING },
          customerCode: { path: 'customer.id', transform: 'toString' },
          customerName: 'billing_address.name',
          customerEmail: 'email',
          customerPhone: { paths: ['phone', 'customer.phone', 'billing_address.phone'], transform: 'coalesce' },
          paymentMethod: 'payment_gateway_names[0]',
          shippingMethod: 'shipping_lines[0].title',
          createdAt: 'created_at',
          updatedAt: 'updated_at',
          platformSource: { value: 'shopify' },
        },
        icon: 'shopping-cart',
      },
    },
    webhooks: {
      handlers: {
        // A delivery body is the bare resource, as the REST API shows it.
        'orders/create': { resource: 'orders', operation: 'upsert', dataPath: '$' },
        'orders/updated': { resource: 'orders', operation: 'upsert', dataPath: '$' },
        'customers/create': { resource: 'customers', operation: 'upsert', dataPath: '$' },
      },
    },
  },
};

export default miniapp;
