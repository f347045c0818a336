/**
 * Salla Demo: a complete MiniApp that keeps a Salla store's products,
 * customers, orders and abandoned carts in sync with Karzoun.
 *
 * This is the sample bundled with Sync Designer. Its sample responses live
 * next to it in responses/ (one file per resource key) and its webhook
 * deliveries in webhooks/ (one file per event name).
 */

const NS = 'salla-demo';
const SALLA_API = 'https://api.salla.dev/admin/v2'; // version 2 of the Admin API is in the path

// Salla's list endpoints share one envelope: { status, success, data: [...], pagination }.
// per_page defaults to 15 and is capped at 60.
const SALLA_PAGINATION = {
  paramName: 'per_page',
  defaultLimit: 60,
  maxLimit: 60,
};

const SALLA_LIST_ENVELOPE = {
  dataProperty: 'data',
  totalProperty: 'pagination.total',
};

// One line item of an order, relative to the item. Used by the bulk import
// and by the order.created handler, so both produce the same items.
const ORDER_ITEM_MAPPING = {
  externalId: { path: 'id', transform: 'toString' },
  sku: 'sku',
  name: 'name',
  quantity: 'quantity',
  unitPrice: 'amounts.price_without_tax.amount',
  totalAmount: 'amounts.total.amount',
};

const miniapp = {
  ns: NS,
  name: 'Salla Demo',
  type: NS,
  title: 'Salla',
  label: 'Salla store sync',
  // Markdown, written as one string literal so the designer keeps it as text.
  description: '## Salla for Karzoun\n\nImports your Salla **products**, **customers** and **orders**, then keeps them up to date in real time through Salla webhooks. Abandoned carts arrive as they happen, so you can follow up on WhatsApp within minutes.\n\n- Prices and totals in your store currency (SAR by default)\n- Arabic product names as your store shows them\n- Order status changes reflected within seconds\n',
  shortDescription: 'Sync products, customers, orders and abandoned carts from Salla.',
  status: 'private',
  version: '1.2.0',
  category: 'ecommerce',
  icon: 'https://assets.karzoun.example/miniapps/salla-demo/icon.svg',
  logo: 'https://assets.karzoun.example/miniapps/salla-demo/logo.png',
  docsUrl: 'https://docs.karzoun.example/miniapps/salla-demo',

  auth: {
    type: 'oauth2',
    config: {
      authorizationUrl: 'https://accounts.salla.sa/oauth2/auth',
      tokenUrl: 'https://accounts.salla.sa/oauth2/token',
      userInfoUrl: 'https://accounts.salla.sa/oauth2/user/info',
      clientId: 'YOUR_SALLA_CLIENT_ID', // from the app's page in the Salla Partners portal
      clientSecret: 'YOUR_SALLA_CLIENT_SECRET',
      webhookSecret: 'YOUR_SALLA_WEBHOOK_SECRET', // Partners portal > App > Webhooks, "Signature" strategy
      scopes: ['offline_access', 'products.read', 'customers.read', 'orders.read'],
      redirectUri: '{{redirect_uri}}',
    },
    sensitiveKeys: ['clientSecret', 'webhookSecret', 'accessToken', 'refreshToken'],
  },

  triggers: [
    {
      type: 'miniapps:salla-demo',
      event: 'order.created',
      img: 'https://assets.karzoun.example/miniapps/salla-demo/trigger-order.png',
      icon: 'shopping-cart',
      label: 'New order',
      description: 'A customer placed an order in the Salla store.',
      isCustom: false,
    },
    {
      type: 'miniapps:salla-demo',
      event: 'order.status.updated',
      img: 'https://assets.karzoun.example/miniapps/salla-demo/trigger-status.png',
      icon: 'refresh-cw',
      label: 'Order status changed',
      description: 'The merchant moved an order to another status (shipped, delivered, ...).',
      isCustom: false,
    },
    {
      type: 'miniapps:salla-demo',
      event: 'customer.created',
      img: 'https://assets.karzoun.example/miniapps/salla-demo/trigger-customer.png',
      icon: 'user-plus',
      label: 'New customer',
      description: 'A customer registered in the Salla store.',
      isCustom: false,
    },
    {
      type: 'miniapps:salla-demo',
      event: 'abandoned.cart',
      img: 'https://assets.karzoun.example/miniapps/salla-demo/trigger-cart.png',
      icon: 'shopping-bag',
      label: 'Abandoned cart',
      description: 'A customer left items in the cart without checking out.',
      isCustom: false,
    },
  ],

  webhook: {
    eventExtraction: {
      source: 'body',
      path: '$.event',
    },
    transactionId: {
      paths: ['$.event', '$.data.id'],
      separator: '_',
      fallback: 'generate',
      overrides: {
        // data.id is the id of the status change here, so two changes of one
        // order are two deliveries; the order id alone would drop the second.
        'order.status.updated': { paths: ['$.event', '$.data.order.id', '$.data.id'] },
      },
    },
    verification: {
      type: 'hmac-sha256',
      headerName: 'X-Salla-Signature',
      secretKey: 'webhookSecret',
      encoding: 'hex',
    },
    customerExtraction: {
      basePath: '$.data.customer',
      mapping: {
        code: 'id',
        firstName: 'first_name',
        lastName: 'last_name',
        primaryEmail: 'email',
        primaryPhone: 'mobile', // local number only; Salla sends the country code in mobile_code
      },
      overrides: {
        'customer.created': { basePath: '$.data' },
      },
    },
    response: { statusCode: 200, body: { ok: true } },
  },

  sync: {
    baseUrl: SALLA_API,
    headers: {
      Authorization: 'Bearer [[accessToken]]',
      'Accept-Language': 'ar',
      Accept: 'application/json',
    },
    syncConfiguration: {
      enabled: true,
      batchSize: 60,
      // Salla meters requests per minute per store (the X-RateLimit-* headers
      // say how many are left); 2 per second stays well inside the usual quota.
      rateLimitPerSecond: 2,
      timeout: 30000,
    },
    resources: {
      products: {
        name: 'products',
        displayName: 'Products',
        description: 'Products with prices, stock, images and variants.',
        contentType: 'core:product',
        expandDetails: false,
        endpoints: {
          list: { url: '/products', method: 'GET' },
          details: { url: '/products/{id}', method: 'GET' },
        },
        pagination: SALLA_PAGINATION,
        responseMapping: SALLA_LIST_ENVELOPE,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          name: 'name',
          sku: 'sku',
          unitPrice: { paths: ['regular_price.amount', 'price.amount'], transform: 'coalesce' },
          // Salla sends { amount: 0 } when the product is not on sale, and
          // leaves sale_price out for some product types (gift cards).
          salePrice: 'sale_price.amount',
          costPrice: { path: 'cost_price', transform: 'toNumberOrNull' },
          currency: 'price.currency',
          quantity: 'quantity', // null when unlimited_quantity is true
          status: 'status',
          url: 'url',
          description: 'description',
          weight: 'weight',
          media: { path: 'images', transform: 'mapItems', mapping: { url: 'url', alt: 'alt' } },
          productVariants: {
            path: 'skus',
            transform: 'mapItems',
            mapping: {
              externalId: { path: 'id', transform: 'toString' },
              sku: 'sku',
              unitPrice: 'price.amount',
              quantity: 'stock_quantity',
            },
          },
        },
        icon: 'package',
      },

      customers: {
        name: 'customers',
        displayName: 'Customers',
        description: 'Registered customers with phone, email and birthday.',
        contentType: 'core:customer',
        expandDetails: false,
        endpoints: {
          list: { url: '/customers', method: 'GET' },
          details: { url: '/customers/{id}', method: 'GET' },
        },
        pagination: SALLA_PAGINATION,
        responseMapping: SALLA_LIST_ENVELOPE,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          firstName: 'first_name',
          lastName: 'last_name',
          primaryEmail: 'email',
          primaryPhone: { transform: 'compute', fn: 'joinPhone', paths: ['mobile_code', 'mobile'] },
          avatar: 'avatar',
          birthDate: { transform: 'compute', fn: 'toIsoDate', path: 'birthday' },
          state: { value: 'customer' },
        },
        icon: 'users',
      },

      orders: {
        name: 'orders',
        displayName: 'Orders',
        description: 'Orders with line items, totals, discounts and payment method.',
        contentType: 'ecommerce:orders',
        // The list gives a summary (total, status, item names); amounts,
        // SKUs and line prices come from /orders/{id}.
        expandDetails: true,
        endpoints: {
          list: { url: '/orders', method: 'GET' },
          details: { url: '/orders/{id}', method: 'GET' },
        },
        pagination: SALLA_PAGINATION,
        responseMapping: SALLA_LIST_ENVELOPE,
        apiMapping: {
          code: { path: 'id', transform: 'toString' },
          orderNumber: { path: 'reference_id', transform: 'toString' },
          status: 'status.name',
          // details carry amounts.total, the list item only total
          totalAmount: { paths: ['amounts.total.amount', 'total.amount'], transform: 'coalesce' },
          currency: { paths: ['currency', 'total.currency'], transform: 'coalesce' },
          subtotalAmount: 'amounts.sub_total.amount',
          shippingAmount: 'amounts.shipping_cost.amount',
          taxAmount: 'amounts.tax.amount.amount',
          discountCodes: { path: 'amounts.discounts', transform: 'joinCodes' },
          items: { path: 'items', transform: 'mapItems', mapping: ORDER_ITEM_MAPPING },
          customerCode: { path: 'customer.id', transform: 'toString' },
          customerName: 'customer.full_name',
          customerEmail: 'customer.email',
          customerPhone: {
            transform: 'compute',
            fn: 'joinPhone',
            paths: ['customer.mobile_code', 'customer.mobile'],
          },
          paymentMethod: 'payment_method',
          shippingMethod: 'shipping.company',
          createdAt: { transform: 'compute', fn: 'toIsoDate', path: 'date' },
          updatedAt: { transform: 'compute', fn: 'toIsoDate', path: 'updated_at' },
          platformSource: { value: 'salla' },
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
            code: { path: '$.data.id', transform: 'toString' },
            orderNumber: { path: '$.data.reference_id', transform: 'toString' },
            status: '$.data.status.name',
            totalAmount: '$.data.amounts.total.amount',
            currency: '$.data.currency',
            subtotalAmount: '$.data.amounts.sub_total.amount',
            shippingAmount: '$.data.amounts.shipping_cost.amount',
            discountCodes: { path: '$.data.amounts.discounts', transform: 'joinCodes' },
            items: { path: '$.data.items', transform: 'mapItems', mapping: ORDER_ITEM_MAPPING },
            customerCode: { path: '$.data.customer.id', transform: 'toString' },
            customerName: '$.data.customer.full_name',
            customerEmail: '$.data.customer.email',
            customerPhone: {
              transform: 'compute',
              fn: 'joinPhone',
              paths: ['$.data.customer.mobile_code', '$.data.customer.mobile'],
            },
            paymentMethod: '$.data.payment_method',
            createdAt: { transform: 'compute', fn: 'toIsoDate', path: '$.data.date' },
            platformSource: { value: 'salla' },
          },
        },
        // data.status here is a plain Arabic string and data.id is the id of
        // the status change: the order itself is at data.order.
        'order.status.updated': {
          resource: 'orders',
          operation: 'upsert',
          dataPath: '$.data.order',
        },
        'customer.created': {
          resource: 'customers',
          operation: 'upsert',
          dataPath: '$.data',
        },
        'abandoned.cart': {
          recordType: 'abandonedCart',
          operation: 'create',
          mapping: {
            code: { path: '$.data.id', transform: 'toString' },
            totalAmount: '$.data.total.amount',
            currency: '$.data.total.currency',
            customerCode: { path: '$.data.customer.id', transform: 'toString' },
            customerName: '$.data.customer.name',
            customerEmail: '$.data.customer.email',
            customerPhone: '$.data.customer.mobile', // already international here ("+9665...")
            checkoutUrl: '$.data.checkout_url',
            discountCodes: '$.data.coupon.code',
            items: {
              path: '$.data.items',
              transform: 'mapItems',
              mapping: {
                externalId: { path: 'id', transform: 'toString' },
                productCode: { path: 'product_id', transform: 'toString' },
                quantity: 'quantity',
              },
            },
            createdAt: { transform: 'compute', fn: 'toIsoDate', path: '$.data.created_at' },
            updatedAt: { transform: 'compute', fn: 'toIsoDate', path: '$.data.updated_at' },
            platformSource: { value: 'salla' },
          },
        },
      },
    },
  },

  actions: [
    {
      name: 'open_order',
      label: 'Open the order in Salla',
      description: 'Link to the order page in the merchant dashboard.',
      // Runs in the platform's action sandbox; kept as code by the designer.
      buildUrl: (order) => `https://s.salla.sa/orders/order/${order.code}`,
    },
  ],

  functions: {
    formatSar: {
      description: 'Formats an amount as Saudi riyals for message templates.',
      code: "return new Intl.NumberFormat('ar-SA', { style: 'currency', currency: 'SAR' }).format(input.amount);",
    },
  },
};

module.exports = miniapp;
