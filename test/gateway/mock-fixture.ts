/** A small Swagger 2.0 definition exercising what the mock backend does, loaded through the real loader. */
import { loadConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition } from '../../src/connectors/index.ts';

const ITEM = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: ['open', 'closed'] },
    created: { type: 'string', format: 'date-time' },
    parent: { $ref: '#/definitions/Item' },
  },
};

/** The fixture document. */
export const MOCK_FIXTURE = {
  swagger: '2.0',
  info: { title: 'Mock Fixture', version: '1.0' },
  host: 'api.example.com',
  basePath: '/v1',
  schemes: ['https'],
  consumes: ['application/json'],
  produces: ['application/json'],
  securityDefinitions: { api_key: { type: 'apiKey', in: 'header', name: 'X-API-Key' } },
  security: [{ api_key: [] }],
  paths: {
    '/items': {
      get: {
        operationId: 'ListItems',
        parameters: [
          { name: 'top', in: 'query', required: true, type: 'integer' },
          { name: 'status', in: 'query', type: 'string', enum: ['open', 'closed'] },
        ],
        responses: { '200': { description: 'ok', schema: { type: 'object', properties: { value: { type: 'array', items: { $ref: '#/definitions/Item' } }, nextLink: { type: 'string' } } } } },
        'x-ms-pageable': { nextLinkName: 'nextLink' },
      },
      post: {
        operationId: 'CreateItem',
        parameters: [{ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/NewItem' } }],
        responses: { '201': { description: 'created', schema: { $ref: '#/definitions/Item' }, headers: { 'X-Request-Id': { type: 'string', format: 'uuid' } } } },
      },
    },
    '/items/search': {
      get: { operationId: 'SearchItems', parameters: [{ name: 'q', in: 'query', type: 'string' }], responses: { '200': { description: 'ok', schema: { type: 'array', items: { $ref: '#/definitions/Item' } } } } },
    },
    '/items/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }],
      get: {
        operationId: 'GetItem',
        responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Item' }, examples: { 'application/json': { id: 'item-42', name: 'From the example', status: 'open' } } } },
      },
      patch: {
        operationId: 'RenameItem',
        parameters: [{ name: 'body', in: 'body', required: true, schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } }],
        responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Item' }, examples: { 'application/json': { id: 'item-1', status: 'archived' } } } },
      },
      delete: { operationId: 'DeleteItem', responses: { '204': { description: 'deleted' } } },
    },
    '/items/new': {
      get: {
        operationId: 'OnNewItems',
        'x-ms-trigger': 'batch',
        responses: { '200': { description: 'new items', schema: { type: 'array', items: { $ref: '#/definitions/Item' } } } },
      },
    },
    '/hooks': {
      'x-ms-notification-content': { description: 'an item', schema: { $ref: '#/definitions/Item' } },
      post: {
        operationId: 'OnItemCreated',
        'x-ms-trigger': 'single',
        parameters: [
          {
            name: 'body',
            in: 'body',
            required: true,
            schema: { type: 'object', required: ['callbackUrl'], properties: { callbackUrl: { type: 'string', 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' } } },
          },
        ],
        responses: { '200': { description: 'subscribed', schema: { type: 'object', properties: { id: { type: 'string' } } } } },
      },
    },
    '/report': {
      get: { operationId: 'GetReport', produces: ['text/plain'], responses: { '200': { description: 'text', schema: { type: 'string' } } } },
    },
    '/export': {
      get: { operationId: 'ExportItems', produces: ['application/xml'], responses: { '200': { description: 'xml', schema: { type: 'object', properties: { count: { type: 'integer' } } } } } },
    },
    '/Legacy/Items': {
      get: { operationId: 'LegacyItems', responses: { '200': { description: 'ok', schema: { type: 'object', properties: { legacy: { type: 'boolean' } } } } } },
    },
    '/files/{path}': {
      get: {
        operationId: 'GetFile',
        parameters: [{ name: 'path', in: 'path', required: true, type: 'string', 'x-ms-url-encoding': 'double' }],
        responses: { '200': { description: 'ok', schema: { type: 'object', properties: { path: { type: 'string' } } } } },
      },
    },
    '/upload': {
      post: {
        operationId: 'Upload',
        consumes: ['multipart/form-data'],
        parameters: [
          { name: 'file', in: 'formData', required: true, type: 'file' },
          { name: 'purpose', in: 'formData', required: true, type: 'string', enum: ['archive', 'share'] },
        ],
        responses: { '200': { description: 'ok', schema: { type: 'object', properties: { size: { type: 'integer' } } } } },
      },
    },
    '/public/ping': {
      get: { operationId: 'Ping', security: [], responses: { '200': { description: 'pong', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } } },
    },
  },
  definitions: {
    Item: ITEM,
    NewItem: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 20 }, quantity: { type: 'integer', minimum: 1 } } },
  },
};

/** Loads a swagger object through the connectors loader. */
export function loadDocument(document: unknown, name = 'mock-fixture.swagger.json'): ConnectorDefinition {
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  const { definition, issues } = loadConnector({ kind: 'file', path: name, file: { name, size: bytes.length, bytes } });
  if (definition === undefined) throw new Error(`fixture did not load: ${JSON.stringify(issues)}`);
  return definition;
}

/** The fixture, loaded. */
export function fixtureDefinition(): ConnectorDefinition {
  return loadDocument(MOCK_FIXTURE);
}
