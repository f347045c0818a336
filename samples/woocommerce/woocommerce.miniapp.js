/**
 * WooCommerce Demo: imports products, customers and orders from a
 * WooCommerce store through the REST API v3 and follows its webhooks.
 */

const NS = 'woocommerce-demo';
const STORE_API = 'https://{{storeUrl}}/wp-json/wc/v3'; // the store's own WordPress site

// Lists are bare JSON arrays: the record count is in the X-WP-Total response
// header and the page count in X-WP-TotalPages, not in the body.
const WOO_PAGINATION = {
  paramName: 'per_page',
  defaultLimit: 10,
  maxLimit: 100,
};

module.exports = {
  ns: NS,
  name: 'WooCommerce Demo',
  type: NS,
  title: 'WooCommerce',
  label: 'WooCommerce store sync',
  description: 'Imports products, customers and orders from WooCommerce and keeps them current through webhooks.',
  shortDescription: 'Sync a WooCommerce store with Karzoun.',
  status: 'private',
  version: '0.3.0',
  category: 'ecommerce',
  icon: 'https://assets.karzoun.example/miniapps/woocommerce-demo/icon.svg',
  logo: 'https://assets.karzoun.example/miniapps/woocommerce-demo/logo.png',
  docsUrl: 'https://docs.karzoun.example/miniapps/woocommerce-demo',

  auth: {
    type: 'apikey',
    form: {
      storeUrl: { type: 'text', label: 'Store domain (shop.example.com)', required: true },
      consumerKey: { type: 'text', label: 'Consumer key (ck_...)', required: true },
      consumerSecret: { type: 'password', label: 'Consumer secret (cs_...)', required: true },
      webhookSecret: { type: 'password', label: 'Webhook secret', required: true },
    },
    sensitiveKeys: ['consumerSecret', 'webhookSecret'],
  },

  triggers: [
    {
      type: 'miniapps:woocommerce-demo',
      event: 'order.created',
      label: 'New order',
      description: 'An order was placed.',
      isCustom: false,
    },
    {
      type: 'miniapps:woocommerce-demo',
      event: 'order.updated',
      label: 'Order updated',
      description: 'An order changed (status, items, notes).',
      isCustom: false,
    },
    {
      type: 'miniapps:woocommerce-demo',
      event: 'customer.created',
      label: 'New customer',
      description: 'A customer account was created.',
      isCustom: false,
    },
    {
      type: 'miniapps:woocommerce-demo',
      event: 'product.updated',
      label: 'Product updated',
      description: 'A product was edited.',
      isCustom: false,
    },
  ],

  webhook: {
    // The topic (order.created, ...) is sent in a header; the body is the
    // resource itself, exactly as the REST API returns it.
    eventExtraction: { source: 'header', path: 'X-WC-Webhook-Topic' },
    transactionId: {
      paths: ['$.id', '$.date_modified_gmt'],
      separator: '_',
      fallback: 'generate',
    },
    verification: {
      type: 'hmac-sha256',
      headerName: 'X-WC-Webhook-Signature',
      secretKey: 'webhookSecret',
      encoding: 'base64',
    },
    customerExtraction: {
      basePath: '$.billing',
      mapping: {
        firstName: 'first_name',
        lastName: 'last_name',
        primaryEmail: 'email',
        primaryPhone: 'phone',
      },
      overrides: {
        'customer.created': { basePath: '$' },
      },
    },
    response: { statusCode: 200, body: { ok: true } },
  },

  sync: {
    baseUrl: STORE_API,
    headers: {
      Authorization: 'Basic [[consumerKey]]:[[consumerSecret]]',
    },
    syncConfiguration: {
      enabled: true,
      batchSize: 100,
      rateLimitPerSecond: 5, // WooCommerce has no API quota; this spares the shop's PHP workers
      timeout: 30000,
    },
    resources: {
      products: {
        name: 'products',
        displayName: 'Products',
        contentType: 'core:product',
        expandDetails: false,
        endpoints: {
          list: { url: '/products', method: 'GET' },
          details: { url: '/products/{id}', method: 'GET' },
        },
        pagination: WOO_PAGINATION,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          name: 'name',
          sku: 'sku',
          // Money is a string ("19.99"); a blank price is "" (variable products).
          unitPrice: { path: 'regular_price', transform: 'toNumberOrNull' },
          salePrice: { path: 'sale_price', transform: 'toNumberOrNull' },
          quantity: 'stock_quantity',
          status: 'status',
          url: 'permalink',
          description: { paths: ['short_description', 'description'], transform: 'coalesce' },
          weight: { path: 'weight', transform: 'toNumberOrNull' },
          media: { path: 'images', transform: 'mapItems', mapping: { url: 'src', alt: 'alt' } },
        },
        icon: 'package',
      },
      customers: {
        name: 'customers',
        displayName: 'Customers',
        contentType: 'core:customer',
        endpoints: {
          list: { url: '/customers', method: 'GET' },
          details: { url: '/customers/{id}', method: 'GET' },
        },
        pagination: WOO_PAGINATION,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          // Accounts made at checkout often leave first_name blank ("") but fill billing.
          firstName: { paths: ['first_name', 'billing.first_name'], transform: 'coalesce' },
          lastName: { paths: ['last_name', 'billing.last_name'], transform: 'coalesce' },
          primaryEmail: 'email',
          primaryPhone: 'billing.phone',
          avatar: 'avatar_url',
        },
        icon: 'users',
      },
      orders: {
        name: 'orders',
        displayName: 'Orders',
        contentType: 'ecommerce:orders',
        expandDetails: false,
        endpoints: {
          list: { url: '/orders', method: 'GET' },
          details: { url: '/orders/{id}', method: 'GET' },
        },
        pagination: WOO_PAGINATION,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          orderNumber: 'number',
          status: 'status',
          totalAmount: { path: 'total', transform: 'toNumberOrNull' },
          currency: 'currency',
          shippingAmount: { path: 'shipping_total', transform: 'toNumberOrNull' },
          taxAmount: { path: 'total_tax', transform: 'toNumberOrNull' },
          discountAmount: { path: 'discount_total', transform: 'toNumberOrNull' },
          items: {
            path: 'line_items',
            transform: 'mapItems',
            mapping: {
              externalId: { path: 'id', transform: 'toString' },
              sku: 'sku',
              name: 'name',
              quantity: 'quantity',
              unitPrice: 'price', // a number here, unlike the other money fields
              totalAmount: { path: 'total', transform: 'toNumberOrNull' },
              productCode: { path: 'product_id', transform: 'toString' },
            },
          },
          discountCodes: { path: 'coupon_lines', transform: 'joinCodes' },
          customerCode: { path: 'customer_id', transform: 'toString' }, // "0" for a guest
          customerEmail: 'billing.email',
          customerPhone: 'billing.phone',
          paymentMethod: 'payment_method_title',
          shippingMethod: 'shipping_lines[0].method_title',
          createdAt: 'date_created_gmt', // site-local time is in date_created, without an offset
          platformSource: { value: 'woocommerce' },
        },
        icon: 'shopping-cart',
      },
    },
    webhooks: {
      handlers: {
        'order.created': { resource: 'orders', operation: 'upsert', dataPath: '$' },
        'order.updated': { resource: 'orders', operation: 'upsert', dataPath: '$' },
        'customer.created': { resource: 'customers', operation: 'upsert', dataPath: '$' },
        'product.updated': { resource: 'products', operation: 'upsert', dataPath: '$' },
      },
    },
  },

  functions: {
    orderAdminUrl: {
      description: 'Link to the order in wp-admin.',
      code: "return 'https://' + settings.storeUrl + '/wp-admin/post.php?post=' + input.code + '&action=edit';",
      run: (input, settings) => `https://${settings.storeUrl}/wp-admin/post.php?post=${input.code}&action=edit`,
    },
  },
};
