// The API's URL paths, apart from the OpenAPI document (openapi.ts) so that routing and the request
// log do not load the document's zod schemas: those are built only when /openapi.json or /docs is asked for.

export function operationPath(operation: string): string {
  return `/v1/git/${operation}`;
}
